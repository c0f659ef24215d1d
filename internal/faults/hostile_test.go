package faults

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// TestHostileServer runs every attack of a hostile V0 server (issue 12)
// against the SDK, the probe, the export and the command, one attack per
// row, and asserts each row's outcome. It prints the table (`make faults`).
func TestHostileServer(t *testing.T) {
	rows := hostileRows()
	got := make([]string, len(rows))
	for i, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			got[i] = r.run(t)
			if got[i] != r.want {
				t.Errorf("outcome %q, want %q", got[i], r.want)
			}
		})
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "attack\tfinding\toutcome")
	for i, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.name, r.finding, got[i])
	}
	_ = tw.Flush()
	b.WriteString(`
One attack per row, each from a loopback server the test starts. "finding": the issue-12 finding the row
proves fixed (1 redirects, 2 runtime-host trust, 3 unbounded answers, 4 pagination, 5 terminal text,
6 report injection, 7 redaction, 8 overflow, folders, whole-request bound), or "holds" for an attack
the SDK already withstood. "ErrX": the error matches wrapper.ErrX. "CLI": the built openhands-v0 binary.
`)
	t.Log("\n" + b.String())
	writeReport(t, "hostile.txt", b.String())
}

// hostileRow is one attack: what it proves and how it ends.
type hostileRow struct {
	name, finding, want string
	run                 func(t *testing.T) string
}

// Credentials the hostile rows send: none may reach another origin or an
// error message.
const (
	hostileAPIKey     = "hostile-api-key-0123456789"
	hostileSessionKey = "hostile-session-key-0123456789"
	hostileConvKey    = "hostile-conversation-key-0123456789"
	hostileConvID     = "c0ffee0000000000000000000000c0de"
)

// hostileServer is a loopback server that answers as its handler says and
// remembers every request.
type hostileServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
}

func newHostile(t *testing.T, h http.HandlerFunc) *hostileServer {
	t.Helper()
	s := &hostileServer{}
	s.Server = httptest.NewServer(s.record(h))
	t.Cleanup(s.Close)
	return s
}

func newHostileTLS(t *testing.T, h http.HandlerFunc) *hostileServer {
	t.Helper()
	s := &hostileServer{}
	s.Server = httptest.NewTLSServer(s.record(h))
	t.Cleanup(s.Close)
	return s
}

func (s *hostileServer) record(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(context.Background()))
		s.mu.Unlock()
		h(w, r)
	}
}

// requests returns the requests seen so far.
func (s *hostileServer) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

// count is how many requests the server saw.
func (s *hostileServer) count() int { return len(s.requests()) }

// credentialsSeen lists which of the rows' credentials reached the server.
func (s *hostileServer) credentialsSeen() []string {
	var out []string
	for _, r := range s.requests() {
		for _, h := range []string{r.Header.Get("Authorization"), r.Header.Get("X-Session-API-Key")} {
			for _, k := range []struct{ name, key string }{{"api key", hostileAPIKey}, {"session key", hostileSessionKey}, {"conversation key", hostileConvKey}} {
				if h != "" && strings.Contains(h, k.key) && !contains(out, k.name) {
					out = append(out, k.name)
				}
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hostileClient is an SDK client of srv with the rows' credentials, fast
// retries and the given extra options.
func hostileClient(t *testing.T, base string, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	c, err := wrapper.New(append([]wrapper.Option{wrapper.WithBaseURL(base), wrapper.WithAPIKey(hostileAPIKey),
		wrapper.WithSessionAPIKey(hostileSessionKey), wrapper.WithRetry(fastRetry()), wrapper.WithTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// kind names the sentinels an error matches, most specific first, or
// describes it when it matches none.
func kind(err error) string {
	if err == nil {
		return "ok"
	}
	named := []struct {
		name string
		err  error
	}{
		{"ErrRedirectRefused", wrapper.ErrRedirectRefused},
		{"ErrNoProgress", wrapper.ErrNoProgress},
		{"ErrRuntimeUnavailable", wrapper.ErrRuntimeUnavailable},
		{"ErrNotV0", wrapper.ErrNotV0},
		{"ErrValidation", wrapper.ErrValidation},
		{"ErrUnauthorized", wrapper.ErrUnauthorized},
		{"ErrUnexpectedResponse", wrapper.ErrUnexpectedResponse},
		{"ErrServer", wrapper.ErrServer},
	}
	for _, n := range named {
		if errors.Is(err, n.err) {
			return n.name
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "timeout"
	}
	return "untyped: " + err.Error()
}

func writeJSONAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// conversation is a V0 conversation answer of the hostile server.
func conversation(id, url, sessionKey string) map[string]any {
	return map[string]any{"conversation_id": id, "title": "t", "status": "RUNNING", "conversation_version": "V0",
		"last_updated_at": "2026-01-01T00:00:00Z", "url": url, "session_api_key": sessionKey}
}

// eventsPage is a page of events with the given ids.
func eventsPage(hasMore bool, ids ...int) map[string]any {
	evs := make([]map[string]any, len(ids))
	for i, id := range ids {
		evs[i] = map[string]any{"id": id, "source": "agent", "action": "run", "message": "ls", "timestamp": "2026-01-01T00:00:00"}
	}
	return map[string]any{"events": evs, "has_more": hasMore}
}

// endless writes prefix and then filler forever, until the client goes away.
func endless(prefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, prefix)
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// gzipBomb is a gzip stream of prefix and then n MiB of 'a' and suffix:
// gzip members concatenated (one MiB compresses once, to about 1 KiB), so a
// 1.5 GiB answer costs the server 1.5 MiB.
func gzipBomb(prefix string, mib int, suffix string) []byte {
	member := func(b []byte) []byte {
		var out bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		return out.Bytes()
	}
	var out bytes.Buffer
	out.Write(member([]byte(prefix)))
	mb := member(bytes.Repeat([]byte("a"), 1<<20))
	for range mib {
		out.Write(mb)
	}
	out.Write(member([]byte(suffix)))
	return out.Bytes()
}

// serveGzip answers with a gzip-encoded body.
func serveGzip(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}
}

// runCLIMeasured runs the binary like runCLI and also returns its peak RSS
// in bytes (-1 where the platform does not report it).
func runCLIMeasured(t *testing.T, bin, dir string, env []string, args ...string) (cliResult, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Dir = env, dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	if exit, ok := err.(*exec.ExitError); ok {
		res.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("openhands-v0 %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("openhands-v0 %s: still running after a minute", strings.Join(args, " "))
	}
	return res, peakRSS(cmd.ProcessState)
}

// hostileCLIEnv is the command's environment against a hostile server.
func hostileCLIEnv(base string) []string {
	return cliEnv("OPENHANDS_APP_BASE="+base, "OPENHANDS_SESSION_API_KEY="+hostileSessionKey, "OPENHANDS_API_KEY="+hostileAPIKey)
}

// maxCLIMemory is the bound on the command's peak RSS against an endless
// body or a decompression bomb.
const maxCLIMemory = 300 << 20

// terminalUnsafe lists what a cleaned text may not hold: ESC, BEL, C1
// controls, bidi controls and zero-width characters.
func terminalUnsafe(s string) []string {
	var out []string
	for _, r := range s {
		switch {
		case r == 0x1b, r == 0x07, r >= 0x80 && r < 0xa0,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r >= 0x200b && r <= 0x200f, r == 0xfeff:
			out = append(out, fmt.Sprintf("%U", r))
		}
	}
	return out
}

func newGzip(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }
