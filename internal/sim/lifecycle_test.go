//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

func TestLifecycleStartingRunningStopped(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("claude-sonnet-4-5-20250929")
	r, err := e.client.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{InitialUserMsg: "Write a hello world script"})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("create: %v %s", err, r.Body)
	}
	if r.JSON200.Status != "ok" || r.JSON200.ConversationStatus != api.ConversationStatusStarting || len(r.JSON200.ConversationID) != 32 {
		t.Fatalf("create answered %s", r.Body)
	}
	id := r.JSON200.ConversationID

	info := e.get(id)
	if info.Status != api.ConversationStatusStarting || info.URL != "/api/conversations/"+id || info.SessionAPIKey != "" {
		t.Errorf("starting: status %s url %q key set %v", info.Status, info.URL, info.SessionAPIKey != "")
	}
	if got := e.events(e.client, id); len(got) != 0 {
		t.Errorf("%d events before the agent started", len(got))
	}

	e.clock.Advance(startDelay)
	info = e.get(id)
	if info.Status != api.ConversationStatusRunning || info.RuntimeStatus != api.RuntimeStatusReady || info.URL == "" {
		t.Errorf("running: %+v", info)
	}
	if info.Title != "Write a hello world script" {
		t.Errorf("title %q, want the first message", info.Title)
	}
	first := e.events(e.client, id)
	if len(first) == 0 || first[0].Action != "system" || first[1].Action != "message" || first[1].Source != api.EventSourceUser {
		t.Fatalf("first events: %+v", first)
	}

	e.clock.Advance(runDuration / 2)
	mid := e.events(e.client, id)
	if len(mid) <= len(first) {
		t.Errorf("the agent added no events while running (%d then %d)", len(first), len(mid))
	}

	e.clock.Advance(runDuration)
	info = e.get(id)
	if info.Status != api.ConversationStatusStopped || info.URL != "" || info.RuntimeStatus != "" {
		t.Errorf("finished: %+v", info)
	}
	all := e.events(e.client, id)
	last := all[len(all)-1]
	if last.Observation != "agent_state_changed" || last.Extras["agent_state"] != "finished" || all[len(all)-2].Action != "finish" {
		t.Errorf("last events: %+v %+v", all[len(all)-2], last)
	}
	for i, ev := range all {
		if ev.ID != i {
			t.Fatalf("event %d has id %d", i, ev.ID)
		}
	}
}

func TestStopAndRestart(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	id := e.create(api.CreateConversationRequest{InitialUserMsg: "hello"})
	e.clock.Advance(startDelay + time.Second)

	r, err := e.client.StopConversationWithResponse(ctx(t), id)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("stop: %v %s", err, r.Body)
	}
	if r.JSON200.Message != "Conversation stopped successfully" || r.JSON200.ConversationStatus != api.ConversationStatusRunning {
		t.Errorf("stop answered %s", r.Body)
	}
	info := e.get(id)
	if info.Status != api.ConversationStatusStopped || info.URL != "" {
		t.Errorf("after stop: %+v", info)
	}
	evs := e.events(e.client, id)
	if last := evs[len(evs)-1]; last.Extras["agent_state"] != "stopped" {
		t.Errorf("last event after stop: %+v", last)
	}
	e.clock.Advance(time.Hour)
	if n := len(e.events(e.client, id)); n != len(evs) {
		t.Errorf("a stopped agent added events: %d then %d", len(evs), n)
	}

	r, _ = e.client.StopConversationWithResponse(ctx(t), id)
	if r.JSON200 == nil || r.JSON200.Message != "Conversation was not running" || r.JSON200.ConversationStatus != api.ConversationStatusStopped {
		t.Errorf("second stop answered %s", r.Body)
	}

	s, err := e.client.StartConversationWithResponse(ctx(t), id, api.StartConversationRequest{})
	if err != nil || s.JSON200 == nil || s.JSON200.ConversationStatus != api.ConversationStatusStarting {
		t.Fatalf("restart: %v %s", err, s.Body)
	}
	s, _ = e.client.StartConversationWithResponse(ctx(t), id, api.StartConversationRequest{ProvidersSet: []api.ProviderType{"github"}})
	if s.JSON200 == nil || s.JSON200.ConversationStatus != api.ConversationStatusStarting {
		t.Errorf("start while starting answered %s", s.Body)
	}
	e.clock.Advance(startDelay)
	if st := e.get(id).Status; st != api.ConversationStatusRunning {
		t.Errorf("restarted conversation is %s", st)
	}
	e.clock.Advance(runDuration)
	if st := e.get(id).Status; st != api.ConversationStatusStopped {
		t.Errorf("idle restarted conversation is %s after the run duration", st)
	}
}

func TestStartQuirks(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	page, _ := e.client.ListConversationsWithResponse(ctx(t), nil)
	id := page.JSON200.Results[0].ConversationID

	status, _, body := e.do("POST", "/api/conversations/"+id+"/start", "", "")
	if status != 422 || !strings.Contains(body, `"loc":["body"]`) || !strings.Contains(body, `"type":"missing"`) {
		t.Errorf("start without a body: %d %s", status, body)
	}
	status, _, body = e.do("POST", "/api/conversations/"+id+"/start", "application/json", `{"providers_set":{"github":true}}`)
	if status != 422 || !strings.Contains(body, `"list_type"`) {
		t.Errorf("providers_set as a dict: %d %s", status, body)
	}
	status, _, body = e.do("POST", "/api/conversations/"+id+"/start", "application/json", `{"providers_set":["svn"]}`)
	if status != 422 || !strings.Contains(body, `"enum"`) || !strings.Contains(body, `"loc":["body","providers_set",0]`) {
		t.Errorf("unknown provider: %d %s", status, body)
	}
	r, _ := e.client.StartConversationWithResponse(ctx(t), strings.Repeat("ab", 16), api.StartConversationRequest{})
	if r.StatusCode() != 404 {
		t.Fatalf("start of an unknown conversation: %d %s", r.StatusCode(), r.Body)
	}
	wantJSON(t, r.Body, `{"status":"error","conversation_id":"`+strings.Repeat("ab", 16)+`"}`)
}

func TestStepClockAdvancesPerRequest(t *testing.T) {
	clock := sim.NewStepClock(sim.DefaultEpoch, time.Second)
	srv, base := simtest.NewServer(t, sim.WithClock(clock), sim.WithTiming(3*time.Second, 5*time.Second), sim.WithSampleData())
	c := newClient(t, base)
	r, err := c.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{InitialUserMsg: "poll me"})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("create: %v %s", err, r.Body)
	}
	var seen []api.ConversationStatus
	for range 20 {
		g, _ := c.GetConversationWithResponse(ctx(t), r.JSON200.ConversationID)
		if n := len(seen); n == 0 || seen[n-1] != g.JSON200.Status {
			seen = append(seen, g.JSON200.Status)
		}
	}
	want := []api.ConversationStatus{api.ConversationStatusStarting, api.ConversationStatusRunning, api.ConversationStatusStopped}
	if len(seen) != len(want) || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] {
		t.Errorf("polling saw %v, want %v", seen, want)
	}
	if n := srv.Count("GET", "/api/conversations/{id}"); n != 20 {
		t.Errorf("Count = %d, want 20", n)
	}
}

func TestClocks(t *testing.T) {
	step := sim.NewStepClock(sim.DefaultEpoch, time.Minute)
	if a, b := step.Now(), step.Now(); b.Sub(a) != time.Minute || !a.Equal(sim.DefaultEpoch) {
		t.Errorf("step clock: %v then %v", a, b)
	}
	step.Advance(time.Hour)
	if got := step.Now(); !got.Equal(sim.DefaultEpoch.Add(62 * time.Minute)) {
		t.Errorf("after Advance: %v", got)
	}
	manual := sim.NewManualClock(sim.DefaultEpoch)
	if !manual.Now().Equal(manual.Now()) {
		t.Error("manual clock moved by itself")
	}
	manual.Advance(time.Second)
	manual.Set(sim.DefaultEpoch.Add(time.Hour))
	if got := manual.Now(); !got.Equal(sim.DefaultEpoch.Add(time.Hour)) {
		t.Errorf("after Set: %v", got)
	}
	if sim.RealClock().Now().Location() != time.UTC {
		t.Error("real clock is not in UTC")
	}
}

// TestAsTheRealServer pins what a real OpenHands 0.62.0 server does (its
// cassettes, cassettes/real/openhands-0.62.0/): with WithKeepRunning a
// conversation whose agent has finished stays RUNNING until stopped, the
// title comes from the first message, and the trajectory is served while
// the conversation runs and is 404 {"detail":...} once it is stopped, as for
// a conversation that does not exist.
func TestAsTheRealServer(t *testing.T) {
	e := newEnv(t, sim.WithKeepRunning())
	e.storeSettings("")
	const msg = "Reply with the single word OK. Do not run any tools."
	id := e.create(api.CreateConversationRequest{InitialUserMsg: msg})
	e.clock.Advance(startDelay + 10*runDuration)
	info := e.get(id)
	if title := strings.TrimSuffix(info.Title, "..."); info.Status != api.ConversationStatusRunning || len(title) < 20 || !strings.HasPrefix(msg, title) {
		t.Errorf("after the agent finished: status %s, title %q", info.Status, info.Title)
	}
	evs := e.events(e.client, id)
	if last := evs[len(evs)-1]; last.Extras["agent_state"] != "finished" {
		t.Errorf("last event %+v, want the agent finished", last)
	}
	if tr, err := e.client.GetTrajectoryWithResponse(ctx(t), id); err != nil || tr.JSON200 == nil {
		t.Fatalf("trajectory of a running conversation: %v %d", err, tr.StatusCode())
	}
	if r, err := e.client.StopConversationWithResponse(ctx(t), id); err != nil || r.StatusCode() != 200 {
		t.Fatalf("stop: %v", err)
	}
	for _, conv := range []string{id, strings.Repeat("0", 32)} {
		tr, err := e.client.GetTrajectoryWithResponse(ctx(t), conv)
		if err != nil || tr.StatusCode() != 404 {
			t.Fatalf("trajectory of %s: %v %d", conv, err, tr.StatusCode())
		}
		wantJSON(t, tr.Body, `{"detail":"Conversation `+conv+` not found"}`)
	}
}
