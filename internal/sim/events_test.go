//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

// finished creates a conversation and lets its agent finish.
func (e *env) finished(msg string) string {
	e.t.Helper()
	id := e.create(api.CreateConversationRequest{InitialUserMsg: msg})
	e.clock.Advance(startDelay + runDuration)
	return id
}

func ids(evs []api.Event) []int {
	out := make([]int, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

func TestEventsPaging(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	id := e.finished("count to ten")
	total := len(e.events(e.client, id))
	if total < 15 {
		t.Fatalf("only %d events", total)
	}
	page := func(p api.GetEventsParams) *api.EventPage {
		t.Helper()
		r, err := e.client.GetEventsWithResponse(ctx(t), id, &p)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("events %+v: %v %d %s", p, err, r.StatusCode(), r.Body)
		}
		return r.JSON200
	}
	eq := func(name string, got []int, want ...int) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: ids %v, want %v", name, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: ids %v, want %v", name, got, want)
				return
			}
		}
	}
	p := page(api.GetEventsParams{StartID: ptr(2), EndID: ptr(5)})
	eq("start 2 end 5", ids(p.Events), 2, 3, 4, 5)
	if p.HasMore {
		t.Error("start 2 end 5: has_more")
	}
	p = page(api.GetEventsParams{StartID: ptr(2), EndID: ptr(5), Limit: ptr(3)})
	eq("limit 3", ids(p.Events), 2, 3, 4)
	if !p.HasMore {
		t.Error("limit 3 of 4: no has_more")
	}
	p = page(api.GetEventsParams{StartID: ptr(2), EndID: ptr(5), Reverse: ptr(true)})
	eq("reverse", ids(p.Events), 5, 4, 3, 2)
	p = page(api.GetEventsParams{Reverse: ptr(true), Limit: ptr(2)})
	eq("latest two", ids(p.Events), total-1, total-2)
	if !p.HasMore {
		t.Error("latest two: no has_more")
	}
	p = page(api.GetEventsParams{Limit: ptr(0)})
	if len(p.Events) != 0 || !p.HasMore {
		t.Errorf("limit 0: %d events, has_more %v", len(p.Events), p.HasMore)
	}
	p = page(api.GetEventsParams{StartID: ptr(total), Limit: ptr(0)})
	if p.HasMore {
		t.Error("limit 0 past the end: has_more")
	}
	p = page(api.GetEventsParams{Limit: ptr(100)})
	if len(p.Events) != total || p.HasMore {
		t.Errorf("limit 100: %d events, has_more %v", len(p.Events), p.HasMore)
	}
	for _, limit := range []int{-1, 101} {
		r, _ := e.client.GetEventsWithResponse(ctx(t), id, &api.GetEventsParams{Limit: ptr(limit)})
		if r.StatusCode() != 400 {
			t.Errorf("limit %d: %d", limit, r.StatusCode())
			continue
		}
		wantJSON(t, r.Body, `{"detail":"Invalid limit"}`)
	}
	if status, _, body := e.do("GET", "/api/conversations/"+id+"/events?limit=ten", "", ""); status != 422 || !strings.Contains(body, `"int_parsing"`) {
		t.Errorf("limit=ten: %d %s", status, body)
	}
	if status, _, body := e.do("GET", "/api/conversations/"+id+"/events?reverse=maybe", "", ""); status != 422 || !strings.Contains(body, `"bool_parsing"`) {
		t.Errorf("reverse=maybe: %d %s", status, body)
	}
}

var naiveTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$`)

func TestEventFormat(t *testing.T) {
	// The conversation stays running once its agent is done, so that its
	// trajectory can be read (a stopped one has none: 404).
	e := newEnv(t, sim.WithKeepRunning())
	e.storeSettings("gpt-5-2025-08-07")
	id := e.finished("build the thing")
	evs := e.events(e.client, id)
	kinds := map[string]bool{}
	var cost float64
	for _, ev := range evs {
		if !naiveTimestamp.MatchString(ev.Timestamp.String()) {
			t.Errorf("event %d timestamp %q is not naive ISO-8601", ev.ID, ev.Timestamp)
		}
		if (ev.Action == "") == (ev.Observation == "") {
			t.Errorf("event %d is neither an action nor an observation: %+v", ev.ID, ev)
		}
		kinds[ev.Action+ev.Observation] = true
		if ev.Observation != "" && ev.Observation != "agent_state_changed" {
			if ev.Cause == nil || *ev.Cause >= ev.ID || evs[*ev.Cause].Action == "" {
				t.Errorf("observation %d has cause %v", ev.ID, ev.Cause)
			}
		}
		if ev.Source == api.EventSourceAgent && ev.Action != "" && ev.Action != "system" {
			if got := ev.ToolCallMetadata.ModelResponse.Model; got != "gpt-5-2025-08-07" {
				t.Errorf("event %d model %q", ev.ID, got)
			}
			if ev.LLMMetrics.AccumulatedCost <= cost {
				t.Errorf("event %d accumulated cost %v after %v", ev.ID, ev.LLMMetrics.AccumulatedCost, cost)
			}
			cost = ev.LLMMetrics.AccumulatedCost
			if ev.ToolCallMetadata.ToolCallID == "" || ev.LLMMetrics.AccumulatedTokenUsage.PromptTokens == 0 {
				t.Errorf("event %d lacks tool call data: %+v", ev.ID, ev)
			}
		}
	}
	for _, k := range []string{"system", "message", "recall", "run", "read", "think", "edit", "finish", "agent_state_changed"} {
		if !kinds[k] {
			t.Errorf("no %s event", k)
		}
	}
	for _, ev := range evs {
		if ev.Observation == "run" && (ev.Success == nil || !*ev.Success || ev.Extras["metadata"].(map[string]any)["exit_code"] != float64(0)) {
			t.Errorf("run observation: %+v", ev)
		}
	}
	tr, err := e.client.GetTrajectoryWithResponse(ctx(t), id)
	if err != nil || tr.JSON200 == nil || len(tr.JSON200.Trajectory) != len(evs) {
		t.Fatalf("trajectory: %v %d", err, tr.StatusCode())
	}
}

func TestMessagesWhileRunning(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	id := e.create(api.CreateConversationRequest{InitialUserMsg: "first task"})
	e.clock.Advance(startDelay + runDuration/2)
	before := len(e.events(e.client, id))
	m, err := e.client.SendMessageWithResponse(ctx(t), id, api.SendMessageRequest{Message: "also add tests"})
	if err != nil || m.JSON200 == nil || !m.JSON200.Success {
		t.Fatalf("message: %v %s", err, m.Body)
	}
	evs := e.events(e.client, id)
	if len(evs) != before+1 || evs[before].Action != "message" || evs[before].Args["content"] != "also add tests" {
		t.Fatalf("message event: %+v", evs[len(evs)-1])
	}
	a, err := e.client.AddEventWithResponse(ctx(t), id, api.AddEventJSONRequestBody{"action": "message", "args": map[string]any{"content": "and docs", "image_urls": []any{}, "file_urls": []any{}}})
	if err != nil || a.JSON200 == nil || !a.JSON200.Success {
		t.Fatalf("add event: %v %s", err, a.Body)
	}
	// The first task, then two follow-ups, each a run duration long.
	e.clock.Advance(runDuration)
	if st := e.get(id).Status; st != api.ConversationStatusRunning {
		t.Errorf("status while answering follow-ups: %s", st)
	}
	e.clock.Advance(3 * runDuration)
	if st := e.get(id).Status; st != api.ConversationStatusStopped {
		t.Errorf("status after the follow-ups: %s", st)
	}
	evs = e.events(e.client, id)
	finishes := 0
	for _, ev := range evs {
		if ev.Action == "finish" {
			finishes++
		}
	}
	if finishes != 3 {
		t.Errorf("%d finish actions, want one per message", finishes)
	}

	m, _ = e.client.SendMessageWithResponse(ctx(t), id, api.SendMessageRequest{Message: "too late"})
	if m.StatusCode() != 500 {
		t.Fatalf("message to a stopped conversation: %d %s", m.StatusCode(), m.Body)
	}
	wantJSON(t, m.Body, `{"success":false,"error":"Error adding message to conversation: no_conversation:`+id+`"}`)
	a, _ = e.client.AddEventWithResponse(ctx(t), id, api.AddEventJSONRequestBody{"action": "message", "args": map[string]any{"content": "x"}})
	if a.StatusCode() != 500 || a.ContentType() != "text/plain; charset=utf-8" || string(a.Body) != "Internal Server Error" {
		t.Errorf("event to a stopped conversation: %d %s %s", a.StatusCode(), a.ContentType(), a.Body)
	}
	if status, _, body := e.do("POST", "/api/conversations/"+id+"/message", "application/json", `{}`); status != 422 || !strings.Contains(body, `"loc":["body","message"]`) {
		t.Errorf("message without message: %d %s", status, body)
	}
}

func TestAddEventChangeAgentState(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	id := e.create(api.CreateConversationRequest{InitialUserMsg: "long task"})
	e.clock.Advance(startDelay + time.Second)
	a, _ := e.client.AddEventWithResponse(ctx(t), id, api.AddEventJSONRequestBody{"action": "change_agent_state", "args": map[string]any{"agent_state": "stopped"}})
	if a.JSON200 == nil || !a.JSON200.Success {
		t.Fatalf("change state: %s", a.Body)
	}
	evs := e.events(e.client, id)
	if last := evs[len(evs)-1]; last.Extras["agent_state"] != "stopped" {
		t.Errorf("last event %+v", last)
	}
	for _, body := range []api.AddEventJSONRequestBody{{"action": "teleport"}, {"args": map[string]any{}}, {"action": "message", "args": map[string]any{}}} {
		if r, _ := e.client.AddEventWithResponse(ctx(t), id, body); r.StatusCode() != 500 {
			t.Errorf("malformed event %v: %d", body, r.StatusCode())
		}
	}
}

func TestSeededRunningConversationAnswers(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	page, _ := e.client.ListConversationsWithResponse(ctx(t), nil)
	var running string
	for _, c := range page.JSON200.Results {
		if c.Status == api.ConversationStatusRunning && c.ConversationVersion == "V0" {
			running = c.ConversationID
		}
	}
	before := len(e.events(e.client, running))
	if _, err := e.client.SendMessageWithResponse(ctx(t), running, api.SendMessageRequest{Message: "go on"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	evs := e.events(e.client, running)
	// The message, the agent running, its answer, waiting for the user.
	if len(evs) != before+4 || evs[before+2].Source != api.EventSourceAgent || evs[before+3].Extras["agent_state"] != "awaiting_user_input" {
		t.Errorf("reply: %+v", evs[before:])
	}
	if st := e.get(running).Status; st != api.ConversationStatusRunning {
		t.Errorf("a conversation waiting for the user stopped: %s", st)
	}
}
