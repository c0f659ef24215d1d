package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/upstream"
)

func TestContractRunReplaysTheCassettes(t *testing.T) {
	isolateEnv(t)
	dir := t.TempDir()
	r := runCLI(t, "contract", "run", "-o", "json", "--report-dir", dir)
	var report struct {
		Pass       bool              `json:"pass"`
		Mode       string            `json:"mode"`
		Operations []json.RawMessage `json:"operations"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("contract run -o json is not one JSON document: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	if report.Mode != "replay" || len(report.Operations) == 0 {
		t.Fatalf("report: mode %q, %d operations", report.Mode, len(report.Operations))
	}
	if want := map[bool]int{true: exitOK, false: exitError}[report.Pass]; r.code != want {
		t.Fatalf("pass=%v but exit %d (stderr %q)", report.Pass, r.code, r.stderr)
	}
	for _, f := range []string{reportMarkdown, reportJSON} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestContractProbeClassifiesTheHost(t *testing.T) {
	for _, tc := range []struct {
		mode sim.Mode
		code int
		word string
	}{
		{sim.ModeRemoved, exitNotV0, "V0 removed"},
		{sim.ModeOSS, exitOK, "V0"},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			h := newSim(t, sim.WithMode(tc.mode))
			r := h.run(t, "contract", "probe")
			if r.code != tc.code || !strings.Contains(r.stdout, tc.word) {
				t.Fatalf("exit %d (want %d), stdout:\n%s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestContractDriftOfTheUpstreamDocument(t *testing.T) {
	isolateEnv(t)
	doc := filepath.Join(upstream.Dir(t), upstream.LiveOpenAPI)

	r := runCLI(t, "contract", "drift", "--file", doc)
	if r.code != exitOK || strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(r.stdout, "compatible with the reviewed OpenHands 0.0.1 document (live): 0 changes") {
		t.Fatalf("exit %d, want 0 and a one-line verdict:\n%s", r.code, r.stdout)
	}

	r = runCLI(t, "contract", "drift", "--file", doc, "-o", "json")
	var res struct {
		Compatible bool              `json:"compatible"`
		Changes    []json.RawMessage `json:"changes"`
		Reviewed   []struct {
			Findings []json.RawMessage `json:"findings"`
		} `json:"reviewed_differences"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("drift -o json: %v\n%s", err, r.stdout)
	}
	if r.code != exitOK || !res.Compatible || res.Changes == nil || len(res.Changes) != 0 || len(res.Reviewed) == 0 {
		t.Fatalf("exit %d, %+v", r.code, res)
	}

	r = runCLI(t, "contract", "drift", "--file", doc, "--all")
	if r.code != exitOK || !strings.Contains(r.stdout, "reviewed differences for live") || strings.Count(r.stdout, "\n") < 20 {
		t.Fatalf("--all: exit %d\n%s", r.code, r.stdout)
	}
}

func TestContractDriftOfAServerThatDroppedAnOperation(t *testing.T) {
	isolateEnv(t)
	data, err := os.ReadFile(filepath.Join(upstream.Dir(t), "openapi_server_0.62.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc["paths"].(map[string]any), "/api/conversations/{conversation_id}/stop")
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "contract", "drift", "--file", file)
	first, _, _ := strings.Cut(r.stdout, "\n")
	if r.code != exitError || first != "1 change breaks these SDK methods: Client.StopConversation (compared with the reviewed OpenHands 0.62.0 document (upstream-0.62.0))" {
		t.Fatalf("exit %d, first line %q", r.code, first)
	}
	for _, want := range []string{"BREAKING POST /api/conversations/{conversation_id}/stop (stopConversation)", "SDK:    Client.StopConversation", "edit:   spec/openapi.yaml:", "make generate", "make contract-live"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in\n%s", want, r.stdout)
		}
	}
}

func TestContractFlagsNeedEachOther(t *testing.T) {
	isolateEnv(t)
	if r := runCLI(t, "contract", "run", "--allow-writes"); r.code != exitUsage {
		t.Fatalf("--allow-writes without --live: exit %d", r.code)
	}
}
