package main

import (
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// simHost is a simulator on a loopback httptest server.
type simHost struct {
	sim   *sim.Server
	srv   *httptest.Server
	clock *sim.ManualClock
}

// newSim starts a simulator on a manual clock standing at sim.DefaultEpoch,
// so that every answer is the same on every run.
func newSim(t *testing.T, opts ...sim.Option) *simHost {
	t.Helper()
	isolateEnv(t)
	clock := sim.NewManualClock(sim.DefaultEpoch)
	s := sim.New(append([]sim.Option{sim.WithClock(clock)}, opts...)...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &simHost{sim: s, srv: srv, clock: clock}
}

// run runs the command against the simulator.
func (h *simHost) run(t *testing.T, args ...string) cliResult {
	t.Helper()
	return h.runStdin(t, "", args...)
}

func (h *simHost) runStdin(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	r := runCLIStdin(t, stdin, append([]string{"--base-url", h.srv.URL}, args...)...)
	r.args = args
	return r
}

// mustRun runs the command and fails the test unless it exits 0.
func (h *simHost) mustRun(t *testing.T, args ...string) cliResult {
	t.Helper()
	r := h.run(t, args...)
	if r.code != 0 {
		t.Fatalf("openhands-v0 %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// golden compares a run with testdata/golden/<name>.golden, after replacing
// each old string of replace (pairs: old, new) so that addresses and
// folders that change between runs do not count. With -update it rewrites
// the file instead.
func golden(t *testing.T, name string, r cliResult, replace ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("$ openhands-v0 " + strings.Join(r.args, " ") + "\n")
	b.WriteString("exit " + strconv.Itoa(r.code) + "\n")
	b.WriteString("-- stdout --\n" + r.stdout)
	b.WriteString("-- stderr --\n" + r.stderr)
	got := strings.NewReplacer(replace...).Replace(b.String())
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./cmd/openhands-v0 -update' to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (rewrite with -update if the change is intended)\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// goldenSim is golden with the simulator's address replaced by http://sim.test.
func (h *simHost) golden(t *testing.T, name string, r cliResult, replace ...string) {
	t.Helper()
	golden(t, name, r, append([]string{h.srv.URL, "http://sim.test", strings.TrimPrefix(h.srv.URL, "http://"), "sim.test"}, replace...)...)
}
