package contract

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// Environment variables of the opt-in tests below, which `make record`,
// `make record-live` and `make contract-live` run until the CLI has its
// contract commands.
const (
	// envRecord set to "sim" re-records every cassette from the simulator;
	// set to "live" re-records, against OPENHANDS_APP_BASE, the scenarios a
	// live server can serve (read-only ones, and the writing ones too with
	// envAllowWrites).
	envRecord = "OPENHANDS_V0_RECORD"
	// envLive set to 1 runs the scenarios against OPENHANDS_APP_BASE.
	envLive = "OPENHANDS_V0_CONTRACT_LIVE"
	// envAllowWrites set to 1 lets a live run make the scenarios that write.
	envAllowWrites = "OPENHANDS_V0_ALLOW_WRITES"
	// envReportDir, when set, is where the live run writes report.md and report.json.
	envReportDir = "OPENHANDS_V0_REPORT_DIR"
)

// TestRecordCassettes rewrites the committed cassettes when asked to
// (OPENHANDS_V0_RECORD=sim or live); it is skipped otherwise.
func TestRecordCassettes(t *testing.T) {
	mode := os.Getenv(envRecord)
	var opts RunOptions
	switch mode {
	case "":
		t.Skip("set " + envRecord + "=sim (or live) to re-record the cassettes")
	case "sim":
		opts = RunOptions{Mode: ModeSimulator, Record: true}
	case "live":
		opts = liveOptions(t)
		opts.Record = true
	default:
		t.Fatalf("%s=%q: want sim or live", envRecord, mode)
	}
	opts.CassetteDir = committedCassettes(t)
	rep := runAndPrint(t, opts)
	// A recording is judged when it is replayed (TestReplay); here only a
	// scenario that failed while recording makes a useless cassette.
	if rep.Totals.ScenariosFailed > 0 {
		t.Fatal(rep.Verdict)
	}
}

// TestLiveServer runs the scenarios against OPENHANDS_APP_BASE when
// OPENHANDS_V0_CONTRACT_LIVE=1; it is skipped otherwise.
func TestLiveServer(t *testing.T) {
	if os.Getenv(envLive) != "1" {
		t.Skip("set " + envLive + "=1 and OPENHANDS_APP_BASE (and credentials) to check a live server")
	}
	if rep := runAndPrint(t, liveOptions(t)); !rep.Pass {
		t.Fatal(rep.Verdict)
	}
}

func liveOptions(t *testing.T) RunOptions {
	t.Helper()
	base := os.Getenv("OPENHANDS_APP_BASE")
	if base == "" {
		t.Fatal("OPENHANDS_APP_BASE is not set")
	}
	opts := RunOptions{Mode: ModeLive, BaseURL: base, APIKey: os.Getenv("OPENHANDS_API_KEY"),
		SessionAPIKey: os.Getenv("OPENHANDS_SESSION_API_KEY"), AllowWrites: os.Getenv(envAllowWrites) == "1"}
	if dir := os.Getenv(envReportDir); dir != "" {
		opts.ReportMarkdown, opts.ReportJSON = dir+"/report.md", dir+"/report.json"
	}
	return opts
}

// runAndPrint runs and logs the report's table.
func runAndPrint(t *testing.T, opts RunOptions) *Report {
	t.Helper()
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + strings.TrimRight(table.String(), "\n"))
	return rep
}
