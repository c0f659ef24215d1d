package contract

import (
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
	"github.com/openhands-go/openhands-v0/spec"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// liveSim is a simulator on loopback standing in for a live server.
func liveSim(t *testing.T, opts ...sim.Option) (*sim.Server, string) {
	t.Helper()
	return simtest.NewServer(t, append([]sim.Option{sim.WithSampleData(), sim.WithClock(sim.NewStepClock(sim.DefaultEpoch, time.Second))}, opts...)...)
}

func liveRun(base string) RunOptions {
	return RunOptions{Mode: ModeLive, BaseURL: base, PollInterval: time.Millisecond, WaitTimeout: time.Minute, ScenarioTimeout: time.Minute}
}

func outcomes(rep *Report) map[string]ScenarioResult {
	out := map[string]ScenarioResult{}
	for _, s := range rep.Scenarios {
		out[s.Name] = s
	}
	return out
}

func TestLiveRunIsReadOnlyByDefault(t *testing.T) {
	srv, base := liveSim(t)
	opts := liveRun(base)
	var progress []string
	opts.Progress = func(r ScenarioResult) { progress = append(progress, r.Name+" "+string(r.Outcome)) }
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != len(Scenarios()) {
		t.Errorf("progress reported %d scenarios of %d: %v", len(progress), len(Scenarios()), progress)
	}
	if !rep.Pass {
		t.Fatalf("live run against the simulator: %s", rep.Verdict)
	}
	for _, sc := range Scenarios() {
		got := outcomes(rep)[sc.Name]
		switch {
		case sc.Writes || sc.SimOnly:
			if got.Outcome != OutcomeSkipped {
				t.Errorf("%s (writes %v, sim-only %v) was %s in a read-only live run", sc.Name, sc.Writes, sc.SimOnly, got.Outcome)
			}
		case got.Outcome == OutcomeFailed:
			t.Errorf("%s failed: %s", sc.Name, got.Reason)
		}
	}
	for _, a := range srv.Arrivals() {
		if a.Method == http.MethodGet {
			continue
		}
		// The only non-GET of a read-only run deletes a conversation no server has.
		if a.Method != http.MethodDelete || !strings.HasSuffix(a.Path, missingConversationID) {
			t.Errorf("a read-only live run sent %s %s", a.Method, a.Path)
		}
	}
	if rep.Totals.CoverageRequired {
		t.Error("a live run must not require coverage of every operation")
	}
}

func TestLiveRunWithWritesCleansUp(t *testing.T) {
	_, base := liveSim(t, sim.WithTiming(sim.DefaultStartDelay, 30*time.Second))
	ctx := context.Background()
	client, err := wrapper.New(wrapper.WithBaseURL(base), wrapper.WithRetry(wrapper.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	before := conversationIDs(t, client)
	settingsBefore, err := client.GetSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}

	opts := liveRun(base)
	opts.AllowWrites = true
	rep, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Fatalf("live run with writes: %s", rep.Verdict)
	}
	for _, sc := range Scenarios() {
		got := outcomes(rep)[sc.Name]
		switch {
		case sc.Disposable && got.Outcome != OutcomeSkipped:
			t.Errorf("%s: %s; want it skipped: the server is not declared disposable", sc.Name, got.Outcome)
		case sc.Writes && !sc.SimOnly && !sc.Disposable && got.Outcome != OutcomePassed:
			t.Errorf("%s: %s %s; want it run and passed with writes allowed", sc.Name, got.Outcome, got.Reason)
		}
	}

	if after := conversationIDs(t, client); !slices.Equal(before, after) {
		t.Errorf("conversations before %v, after %v: the write scenarios left something behind", before, after)
	}
	secrets, err := client.ListSecrets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(secrets, func(s api.CustomSecretInfo) bool { return s.Name == contractSecretName }) {
		t.Errorf("secret %s left behind", contractSecretName)
	}
	settingsAfter, err := client.GetSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if *settingsAfter.EnableSoundNotifications != *settingsBefore.EnableSoundNotifications || !settingsAfter.LLMAPIKeySet {
		t.Errorf("settings not restored: sound %v -> %v, llm key set %v", *settingsBefore.EnableSoundNotifications,
			*settingsAfter.EnableSoundNotifications, settingsAfter.LLMAPIKeySet)
	}
}

func conversationIDs(t *testing.T, c *wrapper.Client) []string {
	t.Helper()
	all, err := c.ListConversations(context.Background(), wrapper.ListOptions{IncludeV1: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(all))
	for _, conv := range all {
		ids = append(ids, conv.ConversationID)
	}
	slices.Sort(ids)
	return ids
}

// TestLiveDisposableRunsTheScenariosThatCannotRestore: against a server
// declared throw-away, the scenarios that change what they cannot put back
// (git provider tokens) run and pass too.
func TestLiveDisposableRunsTheScenariosThatCannotRestore(t *testing.T) {
	_, base := liveSim(t, sim.WithSampleData())
	opts := liveRun(base)
	opts.AllowWrites, opts.Disposable = true, true
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range Scenarios() {
		if got := outcomes(rep)[sc.Name]; sc.Disposable && got.Outcome != OutcomePassed {
			t.Errorf("%s: %s %s; want passed against a disposable server", sc.Name, got.Outcome, got.Reason)
		}
	}
}

// TestLiveLifecycleStopsAConversationThatKeepsRunning: a real server keeps
// a finished conversation RUNNING; the lifecycle stops it after the wait
// bound instead of failing.
func TestLiveLifecycleStopsAConversationThatKeepsRunning(t *testing.T) {
	_, base := liveSim(t, sim.WithTiming(sim.DefaultStartDelay, time.Hour))
	opts := liveRun(base)
	opts.AllowWrites, opts.Scenarios, opts.WaitTimeout = true, []string{"conversation_lifecycle"}, 500*time.Millisecond
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Scenarios[0]
	if got.Outcome != OutcomePassed || !slices.ContainsFunc(got.Notes, func(n string) bool { return strings.Contains(n, "stopping it") }) {
		t.Fatalf("lifecycle %s (%s), notes %v; want passed after stopping the conversation itself", got.Outcome, got.Reason, got.Notes)
	}
}

// TestWriteScenarioCleansUpWhenItFails runs a scenario that creates a
// conversation and then fails: its clean-up still deletes the conversation.
func TestWriteScenarioCleansUpWhenItFails(t *testing.T) {
	_, base := liveSim(t)
	v, err := spec.NewValidator(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var created string
	sc := Scenario{Name: "fails_after_create", Description: "creates, then fails", Writes: true,
		Run: func(ctx context.Context, s *Session) error {
			resp, err := s.Client.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "hello"})
			if err != nil {
				return err
			}
			created = resp.ConversationID
			own(s, created)
			return errors.New("something went wrong after the create")
		}}
	opts, err := liveRun(base).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	opts.AllowWrites = true
	run := runScenario(context.Background(), v, sc, opts)
	if run.outcome != OutcomeFailed || !strings.Contains(run.reason, "something went wrong") {
		t.Fatalf("outcome %s (%s), want failed with the scenario's error", run.outcome, run.reason)
	}
	if created == "" {
		t.Fatal("the scenario created nothing")
	}
	client, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetConversation(context.Background(), created); !errors.Is(err, wrapper.ErrNotFound) {
		t.Fatalf("the failed scenario's conversation is still there: %v", err)
	}
	if ops := operationsOf(run.exchanges); !slices.Contains(ops, "deleteConversation") {
		t.Errorf("the clean-up's exchanges were not validated: %v", ops)
	}
}

func operationsOf(xs []Exchange) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.Operation)
	}
	return out
}

// TestLiveRecordingIsScrubbedAndReplays records a live run against a
// simulator with SESSION_API_KEY, then replays the cassettes it wrote.
func TestLiveRecordingIsScrubbedAndReplays(t *testing.T) {
	const liveKey = "live-session-key-do-not-leak-8c1f"
	_, base := liveSim(t, sim.WithSessionAPIKey(liveKey))
	dir := t.TempDir()
	opts := liveRun(base)
	opts.SessionAPIKey = liveKey
	opts.Record = true
	opts.CassetteDir = dir
	opts.Now = func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Fatal(rep.Verdict)
	}
	var recorded []string
	for _, s := range rep.Scenarios {
		if s.Outcome == OutcomePassed {
			recorded = append(recorded, s.Name)
		}
	}
	if len(recorded) < 5 {
		t.Fatalf("only %v recorded", recorded)
	}
	for _, name := range recorded {
		raw := string(readFile(t, cassettePath(dir, name)))
		if strings.Contains(raw, liveKey) {
			t.Errorf("%s holds the live session key", name)
		}
		origin, err := cassetteOrigin(cassettePath(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(origin, "a live server at "+hostOf(base)) || !strings.Contains(origin, "2026-05-01") {
			t.Errorf("%s origin %q does not name the server and the date", name, origin)
		}
	}
	index := string(readFile(t, dir+"/README.md"))
	if !strings.Contains(index, "a live server at") {
		t.Errorf("README.md does not say where the cassettes come from:\n%s", index)
	}
	replay, err := Run(context.Background(), RunOptions{CassetteDir: dir, Scenarios: recorded})
	if err != nil {
		t.Fatal(err)
	}
	if !replay.Pass {
		t.Fatalf("replaying the live recording: %s", replay.Verdict)
	}
	if _, err := os.Stat(cassettePath(dir, "conversation_lifecycle")); err == nil {
		t.Error("a read-only live recording wrote the lifecycle cassette")
	}
}

// TestLiveRecordingKeepsTheCassetteOfASkippedScenario: a live server
// without what a scenario needs does not wipe its cassette.
func TestLiveRecordingKeepsTheCassetteOfASkippedScenario(t *testing.T) {
	_, base := liveSim(t) // no SESSION_API_KEY: the credentials scenario skips
	dir := t.TempDir()
	old := []byte("# the cassette recorded before\n")
	path := cassettePath(dir, "unauthorized_session_key")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := liveRun(base)
	opts.Record, opts.CassetteDir, opts.Scenarios = true, dir, []string{"unauthorized_session_key", "health"}
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(rep)["unauthorized_session_key"].Outcome; got != OutcomeSkipped {
		t.Fatalf("unauthorized_session_key %s, want skipped", got)
	}
	if got := readFile(t, path); string(got) != string(old) {
		t.Errorf("the skipped scenario's cassette was rewritten:\n%s", got)
	}
	if _, err := os.Stat(cassettePath(dir, "health")); err != nil {
		t.Errorf("the passing scenario's cassette was not written: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 { // two cassettes and README.md, no temporary folder
		t.Errorf("cassette folder holds %d entries, want 3", len(entries))
	}
}

func TestRunOptionsErrors(t *testing.T) {
	ctx := context.Background()
	for name, opts := range map[string]RunOptions{
		"live without a URL":       {Mode: ModeLive},
		"live with a relative URL": {Mode: ModeLive, BaseURL: "localhost:3000"},
		"record a replay":          {Record: true, CassetteDir: t.TempDir()},
		"unknown mode":             {Mode: "sideways"},
		"unknown scenario":         {CassetteDir: t.TempDir(), Scenarios: []string{"no_such_scenario"}},
	} {
		if _, err := Run(ctx, opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
