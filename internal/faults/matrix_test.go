package faults

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// EnvReportDir names a folder TestFaultMatrix and TestLoad write their
// figures to (fault-matrix.txt, load.txt), besides logging them (-v).
const EnvReportDir = "OPENHANDS_V0_REPORT_DIR"

// writeReport writes text to name in the EnvReportDir folder, if set.
func writeReport(t *testing.T, name, text string) {
	t.Helper()
	dir := os.Getenv(EnvReportDir)
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Errorf("writing %s: %v", name, err)
	}
}

// TestFaultMatrix runs every fault against every class of operation, each
// cell on a fresh simulator, and asserts each cell's outcome (want) and the
// invariants every cell keeps (see the column functions).
func TestFaultMatrix(t *testing.T) {
	rs, cs := rows(), columns()
	got := make([][]string, len(rs))
	start := time.Now()
	var bigSeen, bigMaxRead int64
	var bigAlloc uint64
	for i, r := range rs {
		got[i] = make([]string, len(cs))
		for j, c := range cs {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				e := newEnv(t, c.running)
				alloc := totalAlloc()
				got[i][j] = c.run(t, e, r)
				if strings.HasPrefix(r.name, "20 MB") {
					seen, maxRead := e.counter.bigReads()
					allocated := totalAlloc() - alloc
					if seen == 0 {
						t.Errorf("the client never met the 20 MB body")
					}
					if maxRead > maxOversizedRead {
						t.Errorf("the client read %d bytes of the 20 MB body; at most %d are allowed", maxRead, maxOversizedRead)
					}
					if allocated > maxOversizedAlloc {
						t.Errorf("the cell allocated %d bytes: the 20 MB body was held in memory", allocated)
					}
					bigSeen += seen
					bigMaxRead = max(bigMaxRead, maxRead)
					bigAlloc = max(bigAlloc, allocated)
				}
				want, ok := expected[r.name][c.name]
				if !ok {
					t.Errorf("no expected outcome; got %q", got[i][j])
				} else if got[i][j] != want {
					t.Errorf("outcome %q, want %q", got[i][j], want)
				}
			})
		}
	}
	var b strings.Builder
	printMatrix(&b, rs, cs, got)
	fmt.Fprintf(&b, "\n%d cells in %s. 20 MB error bodies met %d times: at most %d KiB read of one, at most %.1f MiB allocated by a cell.\n",
		len(rs)*len(cs), time.Since(start).Round(100*time.Millisecond), bigSeen, bigMaxRead>>10, float64(bigAlloc)/(1<<20))
	b.WriteString(matrixLegend())
	t.Log("\n" + b.String())
	writeReport(t, "fault-matrix.txt", b.String())
}

// Bounds of the 20 MB row: the wrapper reads at most 64 KiB of an error
// body (plus what the HTTP stack buffers), and nothing may hold the body.
const (
	maxOversizedRead  = 256 << 10
	maxOversizedAlloc = 16 << 20
)

func printMatrix(w io.Writer, rs []row, cs []column, got [][]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "fault")
	for _, c := range cs {
		fmt.Fprint(tw, "\t"+c.name)
	}
	fmt.Fprintln(tw)
	for i, r := range rs {
		fmt.Fprint(tw, r.name)
		for j := range cs {
			fmt.Fprint(tw, "\t"+got[i][j])
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

func matrixLegend() string {
	p := fastRetry()
	return fmt.Sprintf(`
Each cell: a fresh simulator (mode oss, seed data), the wrapper with a %s per-try timeout and %d tries
with %s-%s backoff (Retry-After honoured, capped at %s); the fault hits the first matching request
(or every one: "every try"). "ok after N retries": recovered; "via runtime": the runtime-host fallback
answered; "ErrX": the error matches wrapper.ErrX; "timeout": a per-try timeout (net.Error);
"conn error": the connection broke; "(created)"/"(done)": the server processed the POST although the
client saw an error; "arrived N× (M processed)": the POST reached the server N times, a handler M of
them; "N tries": requests the faulted route received (5 on a reset: Go's http.Transport
resends an idempotent request once by itself when a reused connection breaks before any answer);
"bytes kept as sent": the file holds the server's bytes exactly, invalid UTF-8 included; "U+FFFD in
data": Go's JSON decoder replaced the invalid bytes. Every cell also asserts: no panic,
returned before its %s deadline, no POST processed twice or sent again after being processed, an
older trajectory file intact after a failed download and no temporary file left, every export file
complete and matching the manifest, the 20 MB body never read whole.
`, tryTimeout, p.MaxAttempts, p.MinBackoff, p.MaxBackoff, p.MaxRetryAfter, cellDeadline)
}
