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
	doc := filepath.Join(upstream.Dir(t), "openapi_live_saas_2026-03-02_v0.json")
	r := runCLI(t, "contract", "drift", "--file", doc, "-o", "json")
	var res struct {
		Errors   int               `json:"errors"`
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("drift -o json: %v\n%s", err, r.stdout)
	}
	if want := map[bool]int{true: exitError, false: exitOK}[res.Errors > 0]; r.code != want || len(res.Findings) < res.Errors {
		t.Fatalf("%d errors, %d findings, exit %d", res.Errors, len(res.Findings), r.code)
	}
}

func TestContractFlagsNeedEachOther(t *testing.T) {
	isolateEnv(t)
	if r := runCLI(t, "contract", "run", "--allow-writes"); r.code != exitUsage {
		t.Fatalf("--allow-writes without --live: exit %d", r.code)
	}
}
