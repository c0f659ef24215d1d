package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/openhands-go/openhands-v0/internal/drift"
	"github.com/openhands-go/openhands-v0/spec"
)

// realDir is the folder, inside the cassettes folder, that holds one folder
// of cassettes per real OpenHands server version they were recorded from
// (`make record-real`): cassettes/real/openhands-0.62.0/, say.
const realDir = "real"

// skipReasonsFile, in a real server's cassette folder, says why each
// scenario without a cassette there was not recorded.
const skipReasonsFile = "skipped.json"

// RealServerReport is the replay of the cassettes recorded from one real
// OpenHands server.
type RealServerReport struct {
	// Server names it: the folder's name, e.g. openhands-0.62.0.
	Server string `json:"server"`
	// Report is the replay's report: rows, scenarios, verdict. Coverage of
	// every operation is not required of a real server.
	Report *Report `json:"report"`
}

// realCassetteDirs lists the folders of cassettes recorded from real
// servers under dir (dir/real/*), sorted by version.
func realCassetteDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, realDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contract: real server cassettes: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, realDir, e.Name()))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return drift.CompareVersions(serverVersion(a), serverVersion(b)) })
	return out, nil
}

// serverVersion is the version in a real server folder's name
// (openhands-0.62.0 -> 0.62.0).
func serverVersion(dir string) string {
	_, v, _ := strings.Cut(filepath.Base(dir), "-")
	return v
}

// replayRealServers replays, after the simulator's cassettes, the cassettes
// of every real server under opts.CassetteDir, and adds each replay to the
// report; the report passes only if each of them does.
func replayRealServers(ctx context.Context, v *spec.Validator, scenarios []Scenario, opts RunOptions, report *Report) error {
	dirs, err := realCassetteDirs(opts.CassetteDir)
	if err != nil {
		return err
	}
	for _, dir := range dirs {
		reasons, err := loadSkipReasons(dir)
		if err != nil {
			return err
		}
		sub := opts
		sub.CassetteDir, sub.recordedLive, sub.skipReasons = dir, true, reasons
		sub.ReportMarkdown, sub.ReportJSON, sub.Record = "", "", false
		runs := make([]scenarioRun, 0, len(scenarios))
		for _, sc := range scenarios {
			if err := ctx.Err(); err != nil {
				return err
			}
			runs = append(runs, runScenario(ctx, v, sc, sub))
		}
		r := buildReport(v.Operations(), runs, sub)
		report.Real = append(report.Real, RealServerReport{Server: filepath.Base(dir), Report: r})
	}
	if len(report.Real) > 0 {
		report.Pass, report.Verdict = verdictWithReal(report)
	}
	return nil
}

// writeSkipReasons saves, beside a live recording, why each scenario that
// was not recorded was skipped, and removes cassettes an earlier recording
// left for them: the folder holds one server run.
func writeSkipReasons(dir string, runs []scenarioRun) error {
	reasons := map[string]string{}
	for _, run := range runs {
		if run.outcome != OutcomePassed {
			reasons[run.scenario.Name] = run.reason
			if err := os.Remove(cassettePath(dir, run.scenario.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	raw, err := json.MarshalIndent(reasons, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, skipReasonsFile), append(raw, '\n'), 0o644)
}

// loadSkipReasons reads a real server folder's skip reasons (none if the
// file is absent).
func loadSkipReasons(dir string) (map[string]string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, skipReasonsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var reasons map[string]string
	if err := json.Unmarshal(raw, &reasons); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", filepath.Join(dir, skipReasonsFile), err)
	}
	return reasons, nil
}

// verdictWithReal is the verdict of a replay that includes real servers:
// the simulator's, then one clause per real server.
func verdictWithReal(r *Report) (bool, string) {
	pass, line := verdict(r)
	parts := []string{"simulator: " + line}
	for _, rs := range r.Real {
		parts = append(parts, rs.Server+" (real): "+rs.Report.Verdict)
		pass = pass && rs.Report.Pass
	}
	prefix := "PASS"
	if !pass {
		prefix = "FAIL"
	}
	return pass, prefix + ": " + strings.Join(parts, "; ")
}

// simulatorCoverage replays the simulator's cassettes (when the module's
// cassettes folder is at hand) for the scenarios that call each operation.
func simulatorCoverage(ctx context.Context, v *spec.Validator, scenarios []Scenario) (*Report, error) {
	dir, err := defaultCassetteDir()
	if err != nil {
		return nil, err
	}
	opts, err := RunOptions{Mode: ModeReplay, CassetteDir: dir}.withDefaults()
	if err != nil {
		return nil, err
	}
	runs := make([]scenarioRun, 0, len(scenarios))
	for _, sc := range scenarios {
		runs = append(runs, runScenario(ctx, v, sc, opts))
	}
	return buildReport(v.Operations(), runs, opts), nil
}

// explainUnreached gives every operation a server's run did not reach the
// reason: the scenarios that call it against the simulator (full) and why
// each did not call it there (skipped with its reason, failed, or it ran but
// the server's answers did not lead to the call).
func explainUnreached(r, full *Report) {
	outcome := map[string]ScenarioResult{}
	for _, sc := range r.Scenarios {
		outcome[sc.Name] = sc
	}
	for i := range r.Operations {
		op := &r.Operations[i]
		if len(op.Scenarios) > 0 || i >= len(full.Operations) {
			continue
		}
		var why []string
		for _, name := range full.Operations[i].Scenarios {
			sc := outcome[name]
			switch sc.Outcome {
			case OutcomeSkipped, OutcomeFailed:
				why = append(why, fmt.Sprintf("%s %s: %s", name, sc.Outcome, sc.Reason))
			default:
				reason := "this server's answers did not lead to the call"
				for _, n := range sc.Notes {
					if strings.Contains(n, op.Operation) {
						reason = n
					}
				}
				why = append(why, name+" ran: "+reason)
			}
		}
		if len(why) == 0 {
			why = append(why, "no scenario calls it")
		}
		op.Unreached = strings.Join(why, "; ")
	}
}
