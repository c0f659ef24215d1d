package contract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// committedCassettes is the repository's cassette folder.
func committedCassettes(t *testing.T) string {
	t.Helper()
	dir, err := defaultCassetteDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReplay is the contract check `make test` runs: every cassette replays
// through the SDK offline, every scenario passes, no exchange breaks the spec
// unexpectedly, and every spec operation answered with success.
func TestReplay(t *testing.T) {
	rep, err := Run(context.Background(), RunOptions{CassetteDir: committedCassettes(t)})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + strings.TrimRight(table.String(), "\n"))
	if !rep.Pass {
		t.Fatal(rep.Verdict)
	}
	for _, s := range rep.Scenarios {
		if s.Outcome != OutcomePassed {
			t.Errorf("scenario %s: %s %s", s.Name, s.Outcome, s.Reason)
		}
	}
	if len(rep.Operations) != 50 {
		t.Errorf("%d operations in the report, the spec has 50", len(rep.Operations))
	}
	for _, op := range rep.Operations {
		if !op.Success || len(op.Violations) > 0 {
			t.Errorf("%s: success %v, violations %v", op.Operation, op.Success, op.Violations)
		}
	}
	if rep.Totals.Violations != 0 || rep.Totals.ExpectedViolations == 0 {
		t.Errorf("violations %d unexpected, %d expected; want 0 and some", rep.Totals.Violations, rep.Totals.ExpectedViolations)
	}
}

// TestRecordingIsDeterministic re-records every cassette from the simulator
// twice: both recordings are the same bytes, and the same as the committed
// cassettes, so a change to the SDK, the simulator or a scenario that
// changes the exchanges fails here until `make record` is run.
func TestRecordingIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("records every scenario twice against the simulator")
	}
	first, second := t.TempDir(), t.TempDir()
	for _, dir := range []string{first, second} {
		if _, err := Record(context.Background(), dir); err != nil {
			t.Fatal(err)
		}
	}
	names, err := cassetteFiles(first)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(Scenarios()) {
		t.Fatalf("recorded %d cassettes for %d scenarios", len(names), len(Scenarios()))
	}
	committed := committedCassettes(t)
	for _, name := range names {
		a := readFile(t, cassettePath(first, name))
		if b := readFile(t, cassettePath(second, name)); !bytes.Equal(a, b) {
			t.Errorf("%s: two recordings differ at byte %d", name, firstDifference(a, b))
		}
		origin, err := cassetteOrigin(cassettePath(committed, name))
		if err != nil {
			t.Errorf("%s: no committed cassette (run `make record`): %v", name, err)
			continue
		}
		if !strings.HasPrefix(origin, "the simulator") {
			t.Logf("%s was recorded from %s: not compared with the simulator's", name, origin)
			continue
		}
		if c := readFile(t, cassettePath(committed, name)); !bytes.Equal(a, c) {
			t.Errorf("%s: the committed cassette is stale, differing at byte %d from a fresh recording (run `make record`)", name, firstDifference(a, c))
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestEveryScenarioHasACassetteAndBack fails on a scenario without a
// cassette and on a cassette no scenario uses.
func TestEveryScenarioHasACassetteAndBack(t *testing.T) {
	dir := committedCassettes(t)
	files, err := cassetteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sc := range Scenarios() {
		names = append(names, sc.Name)
		if !slices.Contains(files, sc.Name) {
			t.Errorf("scenario %s has no cassette %s (run `make record`)", sc.Name, cassettePath(dir, sc.Name))
		}
	}
	for _, f := range files {
		if !slices.Contains(names, f) {
			t.Errorf("cassette %s belongs to no scenario: delete it", cassettePath(dir, f))
		}
	}
	readme := string(readFile(t, filepath.Join(dir, "README.md")))
	for _, f := range files {
		if !strings.Contains(readme, "["+f+"]") {
			t.Errorf("cassettes/README.md does not list %s (run `make record`)", f)
		}
	}
}

// TestScenariosAreWellFormed checks the declarations the runner relies on.
func TestScenariosAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range Scenarios() {
		if sc.Name == "" || sc.Description == "" || sc.Run == nil {
			t.Errorf("scenario %q lacks a name, description or Run", sc.Name)
		}
		if seen[sc.Name] {
			t.Errorf("two scenarios named %s", sc.Name)
		}
		seen[sc.Name] = true
		if strings.ContainsAny(sc.Name, " /\\.") {
			t.Errorf("scenario name %q is not a plain file name", sc.Name)
		}
		for _, e := range sc.Expect {
			if e.Kind == "" || e.Why == "" {
				t.Errorf("scenario %s: expectation without a kind or a reason: %+v", sc.Name, e)
			}
		}
	}
}
