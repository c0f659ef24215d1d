package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

// seeded returns the id of the first conversation of the listing that
// matches keep.
func (h *simHost) seeded(t *testing.T, keep func(api.ConversationInfo) bool) string {
	t.Helper()
	r := h.mustRun(t, "conversations", "list", "--all", "-o", "json")
	var convs []api.ConversationInfo
	if err := json.Unmarshal([]byte(r.stdout), &convs); err != nil {
		t.Fatalf("list -o json is not a JSON array: %v\n%s", err, r.stdout)
	}
	for _, c := range convs {
		if keep(c) {
			return c.ConversationID
		}
	}
	t.Fatalf("no seeded conversation matches")
	return ""
}

func stopped(c api.ConversationInfo) bool {
	return c.Status == api.ConversationStatusStopped && c.SelectedRepository != ""
}

func running(c api.ConversationInfo) bool { return c.Status == api.ConversationStatusRunning }

// TestGoldenReadCommands runs the read-only commands against a seeded
// simulator on a clock that stands still, in text and JSON.
func TestGoldenReadCommands(t *testing.T) {
	h := newSim(t, sim.WithSampleData())
	id := h.seeded(t, stopped)
	live := h.seeded(t, running)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"list", []string{"conversations", "list"}},
		{"list_json", []string{"conv", "list", "--limit", "2", "-o", "json"}},
		{"list_include_v1", []string{"conversations", "list", "--all", "--include-v1"}},
		{"list_repository", []string{"conversations", "list", "--repository", "acme/api-server"}},
		{"get", []string{"conversations", "get", id}},
		{"get_json", []string{"conversations", "get", id, "-o", "json"}},
		{"get_running_json", []string{"conversations", "get", live, "-o", "json"}},
		{"summary", []string{"conversations", "summary", id}},
		{"summary_json", []string{"conversations", "summary", id, "-o", "json"}},
		{"count", []string{"conversations", "count", id}},
		{"count_json", []string{"conversations", "count", id, "-o", "json"}},
		{"events", []string{"events", id, "--limit", "6"}},
		{"events_json", []string{"events", id, "--limit", "3", "-o", "json"}},
		{"events_range_json", []string{"events", id, "--start", "2", "--end", "4", "--all", "-o", "json"}},
		{"events_reverse", []string{"events", id, "--reverse", "--limit", "3"}},
		{"files", []string{"files", live}},
		{"files_json", []string{"files", live, "-o", "json"}},
		{"runtime_config", []string{"runtime-config", live}},
		{"vscode_url", []string{"vscode-url", live, "-o", "json"}},
		{"web_hosts", []string{"web-hosts", live}},
		{"microagents", []string{"microagents", live}},
		{"settings_get", []string{"settings", "get"}},
		{"settings_get_json", []string{"settings", "get", "-o", "json"}},
		{"user_info", []string{"user", "info"}},
		{"templates_list", []string{"templates", "list"}},
		{"templates_render", []string{"templates", "render", "new_conversation.j2", "--repository", "acme/api-server", "--branch", "main", "--var", "task=Fix the flaky test"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.golden(t, tc.name, h.run(t, tc.args...))
		})
	}
}

// TestGoldenErrors checks the exit codes and one-line messages of the
// failures users meet.
func TestGoldenErrors(t *testing.T) {
	h := newSim(t, sim.WithSampleData())
	missing := strings.Repeat("0", 32)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"get_not_found", []string{"conversations", "get", missing}, exitNotFound},
		{"delete_not_found", []string{"conversations", "delete", missing}, exitNotFound},
		{"events_not_found", []string{"events", missing}, exitNotFound},
		{"invalid_id", []string{"conversations", "get", "a..b"}, exitUsage},
		{"rename_too_long", []string{"conversations", "rename", missing, strings.Repeat("x", 201)}, exitUsage},
		{"create_two_prompts", []string{"conversations", "create", "--message", "a", "--template", "code_review"}, exitUsage},
		{"template_missing_var", []string{"templates", "render", "download_trajectory"}, exitUsage},
		{"template_unknown", []string{"templates", "render", "nope"}, exitUsage},
		{"feedback_bad_polarity", []string{"feedback", missing, "--polarity", "meh"}, exitUsage},
		{"seed_configure_llm_without_model", []string{"configure-llm"}, exitError},
		{"settings_configure_llm_without_model", []string{"settings", "configure-llm"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.run(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d", r.code, tc.code)
			}
			h.golden(t, tc.name, r)
		})
	}
}

func TestGoldenHostedWithoutCredentialsExitsFour(t *testing.T) {
	h := newSim(t, sim.WithMode(sim.ModeHosted), sim.WithAPIKey("the-right-key"))
	r := h.run(t, "conversations", "list")
	if r.code != exitUnauthorized {
		t.Errorf("exit %d, want %d", r.code, exitUnauthorized)
	}
	h.golden(t, "hosted_no_key", r)
	r = h.run(t, "--api-key", "a-wrong-key", "conversations", "list")
	if r.code != exitUnauthorized || strings.Contains(r.stderr, "a-wrong-key") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := h.run(t, "--api-key", "the-right-key", "conversations", "list"); r.code != exitOK {
		t.Errorf("with the right key: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestGoldenRemovedHostExitsFive(t *testing.T) {
	h := newSim(t, sim.WithMode(sim.ModeRemoved))
	for name, args := range map[string][]string{
		"removed_list":   {"conversations", "list"},
		"removed_create": {"conversations", "create", "--message", "hi"},
	} {
		r := h.run(t, args...)
		if r.code != exitNotV0 {
			t.Errorf("%s: exit %d, want %d", name, r.code, exitNotV0)
		}
		h.golden(t, name, r)
	}
}

// TestGoldenConversationLifecycle drives one conversation through the
// write commands.
func TestGoldenConversationLifecycle(t *testing.T) {
	h := newSim(t, sim.WithSampleData())
	created := h.mustRun(t, "conversations", "create", "--message", "Add a CONTRIBUTING.md", "--repository", "acme/api-server", "--branch", "main", "-o", "json")
	h.golden(t, "create_json", created)
	var resp createdConversation
	if err := json.Unmarshal([]byte(created.stdout), &resp); err != nil || resp.ConversationID == "" {
		t.Fatalf("create -o json: %v\n%s", err, created.stdout)
	}
	id := resp.ConversationID
	h.clock.Advance(3 * time.Second)
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
	}{
		{"create_template", []string{"conversations", "create", "--template", "debug_issue", "--var", "task=CI fails on Windows", "--repository", "acme/api-server"}, ""},
		{"rename", []string{"conversations", "rename", id, "Write the contributing guide"}, ""},
		{"send", []string{"conversations", "send", id, "Mention the code of conduct too"}, ""},
		{"send_stdin_json", []string{"conversations", "send", id, "-", "-o", "json"}, "And the release process.\n"},
		{"stop", []string{"conversations", "stop", id}, ""},
		{"start_json", []string{"conversations", "start", id, "--provider", "github", "-o", "json"}, ""},
		{"feedback", []string{"feedback", id, "--polarity", "positive", "--email", "dev@example.com"}, ""},
		{"settings_configure_llm", []string{"settings", "configure-llm", "--model", "openai/gpt-5", "--llm-base-url", "https://llm.example.com", "--llm-api-key", "sk-llm-secret"}, ""},
		{"delete", []string{"conversations", "delete", id}, ""},
		{"get_deleted", []string{"conversations", "get", id}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.runStdin(t, tc.stdin, tc.args...)
			if strings.Contains(r.stdout+r.stderr, "sk-llm-secret") {
				t.Fatal("the LLM key was printed")
			}
			h.golden(t, tc.name, r)
		})
	}
}

// TestGoldenWaitAndSeedCommands runs the polling commands on a clock that
// moves one second per request, so the scripted agent finishes after a
// few polls and every run prints the same. The GitHub comments go to a
// fake GitHub API.
func TestGoldenWaitAndSeedCommands(t *testing.T) {
	isolateEnv(t)
	clock := sim.NewStepClock(sim.DefaultEpoch, time.Second)
	_, base := simtest.NewServer(t, sim.WithClock(clock), sim.WithSampleData(), sim.WithTiming(2*time.Second, 6*time.Second))
	gh := newFakeGitHub(t)
	runAt := func(args ...string) cliResult {
		r := runCLI(t, append([]string{"--base-url", base}, args...)...)
		r.args = args
		return r
	}
	replace := []string{base, "http://sim.test", gh.url, "http://github.test"}

	t.Setenv("LLM_MODEL", "anthropic/claude-sonnet-4-5")
	t.Setenv("LLM_API_KEY", "sk-llm-secret")
	golden(t, "seed_configure_llm", runAt("configure-llm"), replace...)

	t.Setenv("GITHUB_API_URL", gh.url)
	t.Setenv("GITHUB_TOKEN", "ghp-test-token")
	r := runAt("new-conversation", "--repository", "sim-user/widgets", "--branch", "main", "--prompt-file", "debug_issue.j2",
		"--poll", "--poll-interval", "1ms", "--comment-repo", "acme/ops", "--comment-issue", "95")
	golden(t, "seed_new_conversation_poll", r, replace...)
	if got := gh.comments(); len(got) != 1 || !strings.Contains(got[0], "Conversation started, see it [here](") {
		t.Errorf("GitHub comments %q, want one with the link", got)
	}
	if strings.Contains(r.stdout+r.stderr, "ghp-test-token") || strings.Contains(r.stdout+r.stderr, "sk-llm-secret") {
		t.Error("a token was printed")
	}

	t.Setenv("GITHUB_TOKEN", "")
	r = runAt("new-conversation", "--custom-prompt", "Summarize the open issues of this repository and group them by area", "-o", "json",
		"--comment-repo", "acme/ops", "--comment-issue", "95")
	golden(t, "seed_new_conversation_json", r, replace...)
	var started startedConversation
	if err := json.Unmarshal([]byte(r.stdout), &started); err != nil {
		t.Fatal(err)
	}
	golden(t, "wait", runAt("conversations", "wait", started.ConversationID, "--interval", "1ms"), replace...)
	golden(t, "configure_and_start", runAt("configure-and-start", "--custom-prompt", "Update the changelog"), replace...)
	golden(t, "configure_and_start_json", runAt("configure-and-start", "--custom-prompt", "Update the changelog", "-o", "json"), replace...)
	golden(t, "seed_configure_llm_json", runAt("configure-llm", "-o", "json"), replace...)
}

// TestGoldenFiles saves a trajectory and exports the server twice.
func TestGoldenFiles(t *testing.T) {
	h := newSim(t, sim.WithSampleData())
	id := h.seeded(t, running)
	dir := t.TempDir()
	file := filepath.Join(dir, "t.json")
	h.golden(t, "trajectory", h.run(t, "trajectory", id, "-f", file), dir, "$DIR")
	// A stopped conversation has no trajectory (404): the command says what to do instead.
	h.golden(t, "trajectory_stopped", h.run(t, "trajectory", h.seeded(t, stopped), "-f", filepath.Join(dir, "s.json")), dir, "$DIR")
	if _, err := os.Stat(filepath.Join(dir, "s.json")); err == nil {
		t.Error("a failed trajectory download left a file")
	}
	b, err := os.ReadFile(file)
	if err != nil || !json.Valid(b) || !strings.Contains(string(b), `"trajectory"`) {
		t.Fatalf("the trajectory file is not a trajectory: %v\n%.200s", err, b)
	}

	out := filepath.Join(dir, "archive")
	h.golden(t, "export", h.run(t, "export", "--dir", out), dir, "$DIR")
	before := h.sim.Count("GET", "/api/conversations/*/trajectory")
	h.golden(t, "export_again_json", h.run(t, "export", "--dir", out, "-o", "json"), dir, "$DIR")
	if after := h.sim.Count("GET", "/api/conversations/*/trajectory"); after != before {
		t.Errorf("the second export fetched %d trajectories", after-before)
	}
	manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "export_manifest", cliResult{args: []string{"(manifest.json)"}, stdout: strings.ReplaceAll(string(manifest), h.srv.URL, "http://sim.test")})
}

// TestExportFromTheHostedServiceFallsBackToEvents exports from a server that
// cannot serve the trajectory of a stopped conversation (the hosted
// service's maintenance page, no runtime to fall back to): the export
// archives those conversations' events instead, and says so in the manifest.
func TestExportFromTheHostedServiceFallsBackToEvents(t *testing.T) {
	h := newSim(t, sim.WithMode(sim.ModeHosted), sim.WithSampleData())
	out := filepath.Join(t.TempDir(), "archive")
	r := h.run(t, "--api-key", "sk-hosted", "export", "--dir", out, "-o", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Conversations map[string]struct {
			Status, Kind, Note string
		} `json:"conversations"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	fellBack := 0
	for id, e := range m.Conversations {
		if e.Status == "STOPPED" && (e.Kind != "events" || !strings.Contains(e.Note, "trajectory failed")) {
			t.Errorf("%s: stopped conversation archived as %q (note %q)", id, e.Kind, e.Note)
		}
		if e.Kind == "events" {
			fellBack++
			if _, err := os.Stat(filepath.Join(out, id, "events.jsonl")); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		}
	}
	if fellBack == 0 {
		t.Fatal("no conversation fell back to events")
	}
	if strings.Contains(string(b), "sk-hosted") {
		t.Fatal("the API key reached the manifest")
	}
}

// TestGoldenScriptableFailures holds the behaviours scripts rely on: with
// -o json a failure is one JSON object on stderr, a wait that runs out of
// time exits 6, and a listing cut short by --limit says so on stderr.
func TestGoldenScriptableFailures(t *testing.T) {
	h := newSim(t, sim.WithSampleData())
	id := h.seeded(t, stopped)
	live := h.seeded(t, running)
	missing := strings.Repeat("0", 32)
	for _, tc := range []struct {
		name string
		args []string
		code int
		kind string
	}{
		{"json_error_not_found", []string{"conversations", "get", missing, "-o", "json"}, exitNotFound, "not_found"},
		{"json_error_usage", []string{"events", id, "--limit", "0", "-o", "json"}, exitUsage, "usage"},
		{"wait_timeout", []string{"conversations", "wait", live, "--timeout", "1ns"}, exitTimeout, ""},
		{"wait_timeout_json", []string{"conversations", "wait", live, "--timeout", "1ns", "-o", "json"}, exitTimeout, "timeout"},
		{"events_truncated", []string{"events", id, "--limit", "2"}, exitOK, ""},
		{"events_truncated_json", []string{"events", id, "--limit", "2", "-o", "json"}, exitOK, ""},
		{"events_whole_range", []string{"events", id, "--start", "1", "--end", "2", "--limit", "2"}, exitOK, ""},
		{"list_truncated", []string{"conversations", "list", "--limit", "1"}, exitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.run(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d", r.code, tc.code)
			}
			if tc.kind != "" {
				var e jsonError
				dec := json.NewDecoder(strings.NewReader(r.stderr))
				if err := dec.Decode(&e); err != nil || dec.More() {
					t.Fatalf("stderr is not one JSON object (%v): %q", err, r.stderr)
				}
				if e.Kind != tc.kind || e.ExitCode != tc.code || e.Message == "" {
					t.Errorf("error object %+v, want kind %q, exit_code %d and a message", e, tc.kind, tc.code)
				}
			}
			more := strings.Contains(r.stderr, "more exist")
			if cut := strings.Contains(tc.name, "truncated"); tc.code == exitOK && more != cut {
				t.Errorf("stderr %q: says more exist %v, want %v", r.stderr, more, cut)
			}
			h.golden(t, tc.name, r)
		})
	}
}

// TestWaitEndsWhenTheAgentIsDone: against a server that keeps a finished
// conversation RUNNING (as a real one does), 'conversations wait' ends when
// the agent is done; with --until-stopped it waits for the stop and runs out
// of time (exit 6).
func TestWaitEndsWhenTheAgentIsDone(t *testing.T) {
	h := newSim(t, sim.WithSampleData(), sim.WithKeepRunning())
	created := h.mustRun(t, "conversations", "create", "--message", "Write hello.txt", "-o", "json")
	var out struct {
		ConversationID string `json:"conversation_id"`
	}
	if err := json.Unmarshal([]byte(created.stdout), &out); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour) // the scripted agent is long done
	r := h.mustRun(t, "conversations", "wait", out.ConversationID, "--interval", "1ms")
	if !strings.Contains(r.stdout, "RUNNING") {
		t.Errorf("wait printed %q; want the RUNNING conversation whose agent is done", r.stdout)
	}
	r = h.run(t, "conversations", "wait", out.ConversationID, "--interval", "1ms", "--timeout", "50ms", "--until-stopped")
	if r.code != exitTimeout {
		t.Errorf("wait --until-stopped on a conversation that keeps running: exit %d, want %d\n%s", r.code, exitTimeout, r.stderr)
	}
}
