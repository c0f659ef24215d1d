package contract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestReplayIncludesTheRealServers: a replay of the cassettes folder also
// replays every real server's folder, each passes, and the one the spec
// was written from (0.62.0) answered at least 35 operations with success.
func TestReplayIncludesTheRealServers(t *testing.T) {
	rep := replayAll(t)
	dirs, err := realCassetteDirs(committedCassettes(t))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("real server folders %v, %v; want at least one", dirs, err)
	}
	if len(rep.Real) != len(dirs) {
		t.Fatalf("%d real replays, want %d", len(rep.Real), len(dirs))
	}
	if !rep.Pass {
		t.Fatalf("verdict %s", rep.Verdict)
	}
	for _, rs := range rep.Real {
		for _, sc := range rs.Report.Scenarios {
			if sc.Outcome == OutcomeSkipped && sc.Reason == "" {
				t.Errorf("%s: %s skipped without a reason", rs.Server, sc.Name)
			}
		}
		if rs.Server == "openhands-0.62.0" && rs.Report.Totals.WithSuccess < 35 {
			t.Errorf("openhands-0.62.0 answered %d operations with success, want at least 35", rs.Report.Totals.WithSuccess)
		}
		if rs.Report.Totals.Violations != 0 || rs.Report.Totals.UndeclaredFields != 0 {
			t.Errorf("%s: %d violations, %d undeclared fields", rs.Server, rs.Report.Totals.Violations, rs.Report.Totals.UndeclaredFields)
		}
	}
	var table bytes.Buffer
	if err := rep.WriteVersionMatrix(&table, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != 2+len(rep.Operations) || !strings.Contains(lines[0], rep.Real[0].Server) {
		t.Fatalf("version table:\n%s", table.String())
	}
}

// TestVersionTablesAreCurrent: the README's compact table and
// docs/versions.md are what `openhands-v0 contract versions` prints now
// (regenerate them with `make versions`).
func TestVersionTablesAreCurrent(t *testing.T) {
	rep := replayAll(t)
	root := filepath.Dir(committedCassettes(t))
	for _, c := range []struct {
		file    string
		compact bool
	}{{"README.md", true}, {filepath.Join("docs", "versions.md"), false}} {
		var want bytes.Buffer
		if err := rep.WriteVersionMatrix(&want, c.compact); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(root, c.file))
		if err != nil {
			t.Fatal(err)
		}
		_, rest, ok1 := strings.Cut(string(raw), versionsBegin+"\n")
		got, _, ok2 := strings.Cut(rest, versionsEnd)
		if !ok1 || !ok2 {
			t.Fatalf("%s: no %s ... %s block", c.file, versionsBegin, versionsEnd)
		}
		if got != want.String() {
			t.Errorf("%s: the version table is stale: run make versions\n--- have\n%s--- want\n%s", c.file, got, want.String())
		}
	}
}

// The markers around a generated version table.
const (
	versionsBegin = "<!-- versions:begin (make versions) -->"
	versionsEnd   = "<!-- versions:end -->"
)

// TestAbsentRoutesAgreeWithTheRecordings: an operation the spec says a
// version lacks (x-openhands-versions.absent) answered that version's
// recording only with 404 Not Found, and an operation a version answered
// only with 404 Not Found is listed as absent there.
func TestAbsentRoutesAgreeWithTheRecordings(t *testing.T) {
	rep := replayAll(t)
	for _, rs := range rep.Real {
		version := serverVersion(rs.Server)
		for _, op := range rs.Report.Operations {
			listed := slices.Contains(op.AbsentIn, version)
			only404 := len(op.Statuses) > 0 && !slices.ContainsFunc(op.Statuses, func(s int) bool { return s != 404 })
			switch {
			case listed && len(op.Statuses) > 0 && !only404:
				t.Errorf("%s: the spec says %s lacks %s, but it answered %v", rs.Server, version, op.Operation, op.Statuses)
			case !listed && only404 && !slices.Contains(op.Scenarios, "missing_conversation"):
				t.Errorf("%s answered %s only with 404: list %s in its x-openhands-versions.absent, or say why", rs.Server, op.Operation, version)
			}
		}
	}
}

// TestDriftAgreesWithTheLiveRuns: for every real server recorded, drift of
// the document it served (spec/baselines/openhands-<V>.json, captured in the
// same run) says compatible, and the replay of what it answered passes: the
// two checks agree on every version of the matrix.
func TestDriftAgreesWithTheLiveRuns(t *testing.T) {
	rep := replayAll(t)
	root := filepath.Dir(committedCassettes(t))
	for _, rs := range rep.Real {
		res, err := Drift(context.Background(), DriftOptions{File: filepath.Join(root, "spec", "baselines", rs.Server+".json")})
		if err != nil {
			t.Errorf("%s: drift: %v", rs.Server, err)
			continue
		}
		if res.Compatible != rs.Report.Pass || res.Reviewed == nil || res.Reviewed.Name != rs.Server {
			t.Errorf("%s: drift %q (against %+v), live run %q: they disagree", rs.Server, res.Verdict, res.Reviewed, rs.Report.Verdict)
		}
	}
}

// replayAll is the replay of the committed cassettes, the simulator's and
// every real server's, made once for the tests that read it.
func replayAll(t *testing.T) *Report {
	t.Helper()
	replayOnce.Do(func() {
		replayed, replayErr = Run(context.Background(), RunOptions{CassetteDir: committedCassettes(t)})
	})
	if replayErr != nil {
		t.Fatal(replayErr)
	}
	return replayed
}

var (
	replayOnce sync.Once
	replayed   *Report
	replayErr  error
)

// TestEveryUnreachedOperationHasAReason: in the replay of each real server,
// every operation no scenario reached says why.
func TestEveryUnreachedOperationHasAReason(t *testing.T) {
	rep := replayAll(t)
	for _, rs := range rep.Real {
		for _, op := range rs.Report.Operations {
			if len(op.Scenarios) == 0 && op.Unreached == "" {
				t.Errorf("%s: %s was not reached and the report does not say why", rs.Server, op.Operation)
			}
			if len(op.Scenarios) > 0 && op.Unreached != "" {
				t.Errorf("%s: %s was reached but has a reason %q", rs.Server, op.Operation, op.Unreached)
			}
		}
	}
}
