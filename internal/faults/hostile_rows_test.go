package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/contract"
	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/wrapper"
)

func hostileRows() []hostileRow {
	var rows []hostileRow
	rows = append(rows, redirectRows()...)
	rows = append(rows, runtimeTrustRows()...)
	rows = append(rows, sizeRows()...)
	rows = append(rows, paginationRows()...)
	rows = append(rows, textRows()...)
	rows = append(rows, smallerRows()...)
	rows = append(rows, holdingRows()...)
	return rows
}

// redirectTo answers every request with a redirect to target.
func redirectTo(code int, target func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target()+r.URL.Path, code)
	}
}

// okEverything answers 200 JSON that suits any call: the other origin of
// the redirect rows, which must never be asked anything.
func okEverything(w http.ResponseWriter, _ *http.Request) {
	writeJSONAnswer(w, 200, map[string]any{"success": true, "conversation_id": hostileConvID, "status": "ok"})
}

func redirectRows() []hostileRow {
	// crossOrigin runs call against an app host that redirects every
	// request with code to another origin, and reports what happened.
	crossOrigin := func(t *testing.T, code int, samePortOnly bool, call func(c *wrapper.Client) error) string {
		other := newHostile(t, okEverything)
		target := other.URL
		if samePortOnly {
			// Same host name, another port: Go keeps Authorization then.
			target = strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
		}
		app := newHostile(t, redirectTo(code, func() string { return target }))
		err := call(hostileClient(t, app.URL))
		if n := other.count(); n != 0 {
			t.Errorf("the other origin received %d requests, credentials %v", n, other.credentialsSeen())
		}
		if app.count() != 1 {
			t.Errorf("the app host saw %d requests, want 1", app.count())
		}
		return fmt.Sprintf("%s; other origin got %d requests", kind(err), other.count())
	}
	get := func(c *wrapper.Client) error {
		_, err := c.GetConversation(context.Background(), hostileConvID)
		return err
	}
	send := func(c *wrapper.Client) error { return c.SendMessage(context.Background(), hostileConvID, "deploy") }
	return []hostileRow{
		{name: "302 GET to another host", finding: "1", want: "ErrRedirectRefused; other origin got 0 requests",
			run: func(t *testing.T) string { return crossOrigin(t, http.StatusFound, false, get) }},
		{name: "302 GET to the same host name, another port", finding: "1", want: "ErrRedirectRefused; other origin got 0 requests",
			run: func(t *testing.T) string { return crossOrigin(t, http.StatusFound, true, get) }},
		{name: "307 POST message to another host", finding: "1", want: "ErrRedirectRefused; other origin got 0 requests",
			run: func(t *testing.T) string { return crossOrigin(t, http.StatusTemporaryRedirect, false, send) }},
		{name: "302 POST message on the same host (POST turned GET)", finding: "1", want: "ErrRedirectRefused; 1 request, the POST; CLI exit 1, no \"sent\"",
			run: func(t *testing.T) string {
				app := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost {
						http.Redirect(w, r, "/api/ok", http.StatusFound)
						return
					}
					okEverything(w, r)
				})
				err := hostileClient(t, app.URL).SendMessage(context.Background(), hostileConvID, "deploy")
				sdk := app.count()
				res := runCLI(t, cliBinary(t), t.TempDir(), hostileCLIEnv(app.URL), "conversations", "send", hostileConvID, "deploy")
				if strings.Contains(res.stdout, "sent") {
					t.Errorf("the command printed %q for a message the server never took", res.stdout)
				}
				return fmt.Sprintf("%s; %d request, the %s; CLI exit %d, no \"sent\"", kind(err), sdk, app.requests()[0].Method, res.code)
			}},
		{name: "302 probe to another host", finding: "1", want: "class unexpected on every route; other origin got 0 requests",
			run: func(t *testing.T) string {
				other := newHostile(t, okEverything)
				app := newHostile(t, redirectTo(http.StatusFound, func() string { return other.URL }))
				res, err := contract.Probe(context.Background(), contract.ProbeOptions{BaseURL: app.URL, APIKey: hostileAPIKey, SessionAPIKey: hostileSessionKey})
				if err != nil {
					t.Fatal(err)
				}
				classes := map[contract.HostClass]int{}
				for _, c := range res.Checks {
					classes[c.Class]++
					if strings.Contains(c.Detail, hostileAPIKey) || strings.Contains(c.Detail, hostileSessionKey) {
						t.Errorf("probe detail carries a credential: %s", c.Detail)
					}
				}
				if other.count() != 0 {
					t.Errorf("the other origin received %d requests, credentials %v", other.count(), other.credentialsSeen())
				}
				if len(classes) == 1 && classes[contract.ClassUnexpected] == len(res.Checks) {
					return "class unexpected on every route; other origin got 0 requests"
				}
				return fmt.Sprintf("classes %v; other origin got %d requests", classes, other.count())
			}},
		{name: "301 GET on the same origin", finding: "holds", want: "ok; followed 1",
			run: func(t *testing.T) string {
				app := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					if !strings.HasPrefix(r.URL.Path, "/moved") {
						http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusMovedPermanently)
						return
					}
					writeJSONAnswer(w, 200, conversation(hostileConvID, "", ""))
				})
				_, err := hostileClient(t, app.URL).GetConversation(context.Background(), hostileConvID)
				return fmt.Sprintf("%s; followed %d", kind(err), app.count()-1)
			}},
	}
}

// runtimeFixture is an app host that hands out a conversation whose url
// points at runtime (or at rtURL when set), with sessionKey as its own key.
func runtimeFixture(t *testing.T, tlsApp bool, rtURL func(rt string) string, sessionKey string) (app, rt *hostileServer, c *wrapper.Client) {
	t.Helper()
	rt = newHostile(t, func(w http.ResponseWriter, r *http.Request) { writeJSONAnswer(w, 200, eventsPage(false, 0)) })
	h := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/conversations/"+hostileConvID {
			writeJSONAnswer(w, 200, conversation(hostileConvID, rtURL(rt.URL), sessionKey))
			return
		}
		writeJSONAnswer(w, 200, eventsPage(false, 0))
	}
	opts := []wrapper.Option{wrapper.WithHostPolicy(wrapper.HostRuntime)}
	if tlsApp {
		app = newHostileTLS(t, h)
		opts = append(opts, wrapper.WithHTTPClient(app.Client()))
	} else {
		app = newHostile(t, h)
	}
	return app, rt, hostileClient(t, app.URL, opts...)
}

func credentialList(seen []string) string {
	if len(seen) == 0 {
		return "none"
	}
	return strings.Join(seen, ", ")
}

func runtimeTrustRows() []hostileRow {
	suffix := "/api/conversations/" + hostileConvID
	events := func(c *wrapper.Client) error {
		_, err := c.GetEvents(context.Background(), hostileConvID, wrapper.EventsQuery{})
		return err
	}
	return []hostileRow{
		{name: "runtime host on another origin", finding: "2", want: "ok; runtime host got conversation key",
			run: func(t *testing.T) string {
				_, rt, c := runtimeFixture(t, false, func(rt string) string { return rt + suffix }, hostileConvKey)
				err := events(c)
				return fmt.Sprintf("%s; runtime host got %s", kind(err), credentialList(rt.credentialsSeen()))
			}},
		{name: "runtime host on another origin, conversation without a key", finding: "2", want: "ok; runtime host got none",
			run: func(t *testing.T) string {
				_, rt, c := runtimeFixture(t, false, func(rt string) string { return rt + suffix }, "")
				err := events(c)
				return fmt.Sprintf("%s; runtime host got %s", kind(err), credentialList(rt.credentialsSeen()))
			}},
		{name: "runtime url http:// under an https app host", finding: "2", want: "ErrRuntimeUnavailable; runtime host asked nothing",
			run: func(t *testing.T) string {
				_, rt, c := runtimeFixture(t, true, func(rt string) string { return rt + suffix }, hostileConvKey)
				err := events(c)
				return fmt.Sprintf("%s; runtime host asked %s", kind(err), map[bool]string{true: "nothing", false: "something"}[rt.count() == 0])
			}},
		{name: "runtime url relative (standalone: the app host itself)", finding: "holds", want: "ok; app host got api key, session key",
			run: func(t *testing.T) string {
				app, _, c := runtimeFixture(t, false, func(string) string { return suffix }, "")
				err := events(c)
				return fmt.Sprintf("%s; app host got %s", kind(err), credentialList(app.credentialsSeen()))
			}},
	}
}

func sizeRows() []hostileRow {
	getConv := func(c *wrapper.Client) error {
		_, err := c.GetConversation(context.Background(), hostileConvID)
		return err
	}
	// cliMemory runs args against srv and checks the peak RSS.
	cliMemory := func(t *testing.T, srv *hostileServer, dir string, args ...string) string {
		res, rss := runCLIMeasured(t, cliBinary(t), dir, hostileCLIEnv(srv.URL), args...)
		if !strings.Contains(res.stderr, "unexpected response") {
			t.Errorf("stderr %q: want the unexpected-response error", res.stderr)
		}
		bound := "RSS not measured"
		if rss >= 0 {
			bound = "peak RSS under 300 MB"
			if rss > maxCLIMemory {
				bound = fmt.Sprintf("peak RSS %d MB", rss>>20)
			}
			t.Logf("peak RSS %.1f MB; stderr %s", float64(rss)/(1<<20), res.stderr)
		}
		return fmt.Sprintf("CLI exit %d; %s", res.code, bound)
	}
	bomb := func(prefix, suffix string) []byte { return gzipBomb(prefix, 1536, suffix) }
	return []hostileRow{
		{name: "endless 2xx JSON body (SDK, 4 MiB bound)", finding: "3", want: "ErrUnexpectedResponse",
			run: func(t *testing.T) string {
				srv := newHostile(t, endless(`{"conversation_id":"x","title":"`))
				return kind(getConv(hostileClient(t, srv.URL, wrapper.WithAnswerLimits(wrapper.AnswerLimits{MaxBytes: 4 << 20}))))
			}},
		{name: "endless 2xx JSON body (CLI conversations get)", finding: "3", want: "CLI exit 1; peak RSS under 300 MB",
			run: func(t *testing.T) string {
				srv := newHostile(t, endless(`{"conversation_id":"x","title":"`))
				return cliMemory(t, srv, t.TempDir(), "conversations", "get", hostileConvID)
			}},
		{name: "gzip bomb, 1.5 MiB to 1.5 GiB (CLI conversations get)", finding: "3", want: "CLI exit 1; peak RSS under 300 MB",
			run: func(t *testing.T) string {
				srv := newHostile(t, serveGzip(bomb(`{"conversation_id":"x","title":"`, `"}`)))
				return cliMemory(t, srv, t.TempDir(), "conversations", "get", hostileConvID)
			}},
		{name: "gzip bomb, streamed download (CLI trajectory)", finding: "3", want: "CLI exit 1; peak RSS under 300 MB; no file",
			run: func(t *testing.T) string {
				srv := newHostile(t, serveGzip(bomb(`{"trajectory":[{"id":0,"message":"`, `"}]}`)))
				dir := t.TempDir()
				out := cliMemory(t, srv, dir, "trajectory", hostileConvID)
				left, _ := os.ReadDir(dir)
				if len(left) != 0 {
					return out + fmt.Sprintf("; %d files left", len(left))
				}
				return out + "; no file"
			}},
		{name: "gzip answer of an ordinary ratio", finding: "holds", want: "ok",
			run: func(t *testing.T) string {
				var body bytes.Buffer
				zw := newGzip(&body)
				_ = json.NewEncoder(zw).Encode(conversation(hostileConvID, "", ""))
				_ = zw.Close()
				srv := newHostile(t, serveGzip(body.Bytes()))
				return kind(getConv(hostileClient(t, srv.URL)))
			}},
	}
}

func paginationRows() []hostileRow {
	// pages counts the requests to a path.
	pages := func(srv *hostileServer, suffix string) int {
		n := 0
		for _, r := range srv.requests() {
			if strings.HasSuffix(r.URL.Path, suffix) {
				n++
			}
		}
		return n
	}
	cli := func(t *testing.T, srv *hostileServer, suffix string, args ...string) string {
		res := runCLI(t, cliBinary(t), t.TempDir(), hostileCLIEnv(srv.URL), args...)
		if !strings.Contains(res.stderr, "made no progress") {
			t.Errorf("stderr %q: want the no-progress error", res.stderr)
		}
		return fmt.Sprintf("CLI exit %d after %d pages", res.code, pages(srv, suffix))
	}
	listing := func(v1 bool) http.HandlerFunc {
		var pageNo atomic.Int32
		return func(w http.ResponseWriter, r *http.Request) {
			n := pageNo.Add(1)
			results := []map[string]any{}
			if v1 {
				c := conversation(fmt.Sprintf("v1%030d", n), "", "")
				c["conversation_version"] = "V1"
				results = append(results, c)
			}
			writeJSONAnswer(w, 200, map[string]any{"results": results, "next_page_id": fmt.Sprintf("page-%d", n)})
		}
	}
	return []hostileRow{
		{name: "events page that repeats itself (CLI events --all)", finding: "4", want: "CLI exit 1 after 2 pages",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) { writeJSONAnswer(w, 200, eventsPage(true, 0, 1, 2)) })
				return cli(t, srv, "/events", "events", hostileConvID, "--all")
			}},
		{name: "reverse walk stuck on one id (CLI events --reverse --all)", finding: "4", want: "CLI exit 1 after 2 pages",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) { writeJSONAnswer(w, 200, eventsPage(true, 5)) })
				return cli(t, srv, "/events", "events", hostileConvID, "--reverse", "--all")
			}},
		{name: "empty conversation pages, a new cursor each (CLI conversations list)", finding: "4", want: "CLI exit 1 after 32 pages",
			run: func(t *testing.T) string {
				return cli(t, newHostile(t, listing(false)), "/api/conversations", "conversations", "list")
			}},
		{name: "all-V1 conversation pages, a new cursor each (CLI export)", finding: "4", want: "CLI exit 1 after 32 pages",
			run: func(t *testing.T) string {
				return cli(t, newHostile(t, listing(true)), "/api/conversations", "export", "--dir", "archive")
			}},
		{name: "events page that repeats itself (SDK Summary)", finding: "4", want: "ErrNoProgress",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "/events") {
						writeJSONAnswer(w, 200, eventsPage(true, 0, 1, 2))
						return
					}
					writeJSONAnswer(w, 200, conversation(hostileConvID, "", ""))
				})
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a regression fails, not hangs
				defer cancel()
				_, err := hostileClient(t, srv.URL).Summary(ctx, hostileConvID)
				return kind(err)
			}},
	}
}

func textRows() []hostileRow {
	const nasty = "\x1b]0;pwned\x07\x1b[2J\u202eevil\u2066\u200b\u009b31m"
	clean := func(t *testing.T, res cliResult) string {
		unsafe := append(terminalUnsafe(res.stdout), terminalUnsafe(res.stderr)...)
		if len(unsafe) > 0 {
			t.Errorf("the command printed %v:\nstdout %q\nstderr %q", unsafe, res.stdout, res.stderr)
			return fmt.Sprintf("CLI exit %d; printed %v", res.code, unsafe)
		}
		return fmt.Sprintf("CLI exit %d; clean", res.code)
	}
	return []hostileRow{
		{name: "escapes and bidi in new-conversation's id and status lines", finding: "5", want: "CLI exit 0; clean",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					writeJSONAnswer(w, 200, map[string]any{"status": "ok", "conversation_id": "abc" + nasty, "conversation_status": "RUNNING" + nasty})
				})
				return clean(t, runCLI(t, cliBinary(t), t.TempDir(), hostileCLIEnv(srv.URL), "new-conversation", "--custom-prompt", "hi"))
			}},
		{name: "escapes and bidi in export's failure lines", finding: "5", want: "CLI exit 1; clean",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/api/conversations" {
						writeJSONAnswer(w, 200, map[string]any{"results": []any{conversation("id"+nasty, "", "")}, "next_page_id": nil})
						return
					}
					writeJSONAnswer(w, 500, map[string]any{"detail": nasty})
				})
				return clean(t, runCLI(t, cliBinary(t), t.TempDir(), hostileCLIEnv(srv.URL), "export", "--dir", "archive"))
			}},
		{name: "escapes and bidi in an error message", finding: "5", want: "CLI exit 1; clean",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) { writeJSONAnswer(w, 400, map[string]any{"detail": nasty}) })
				return clean(t, runCLI(t, cliBinary(t), t.TempDir(), hostileCLIEnv(srv.URL), "conversations", "get", hostileConvID))
			}},
		{name: "escapes in undeclared field names (contract table)", finding: "5", want: "clean",
			run: func(t *testing.T) string {
				var b bytes.Buffer
				if err := hostileReport().WriteTable(&b); err != nil {
					t.Fatal(err)
				}
				if unsafe := terminalUnsafe(b.String()); len(unsafe) > 0 {
					return fmt.Sprintf("printed %v", unsafe)
				}
				return "clean"
			}},
		{name: "HTML, links and images in server names (contract report)", finding: "6", want: "only in code spans",
			run: func(t *testing.T) string {
				var b bytes.Buffer
				if err := hostileReport().WriteMarkdown(&b); err != nil {
					t.Fatal(err)
				}
				md := b.String()
				outside := outsideCodeSpans(md)
				for _, bad := range []string{"<img", "<script", "](", "![", "<a "} {
					if strings.Contains(outside, bad) {
						t.Errorf("%q outside code spans in:\n%s", bad, md)
						return "raw " + bad
					}
				}
				if !strings.Contains(md, "`<img src=x onerror=alert(1)>`") {
					t.Errorf("the field name is missing from the report:\n%s", md)
				}
				return "only in code spans"
			}},
	}
}

// hostileReport is a contract report whose server-supplied parts (field
// names, validator messages quoting the server) are hostile.
func hostileReport() *contract.Report {
	return &contract.Report{Mode: "live", Target: "http://hostile.test", Verdict: "FAIL",
		Operations: []contract.OperationResult{{
			Operation: "getConversation", Method: "GET", Path: "/api/conversations/{id}", Result: "fail",
			Undeclared: []string{"<img src=x onerror=alert(1)>", "x\x1b]0;pwned\x07\u202egnp.exe", "[click](https://evil.test)"},
			Violations: []contract.Violation{{Scenario: "s", Kind: "response", Method: "GET", Path: "/api/conversations/x", Status: 200,
				Message: "unknown value <script>alert(1)</script> ![img](https://evil.test/x.png) \x1b[2J"}},
			Notes: []string{"<a href=https://evil.test>x</a>"},
		}},
		Scenarios: []contract.ScenarioResult{{Name: "s", Outcome: "fail", Reason: "server said <img src=x> \x1b]8;;https://evil.test\x07"}},
	}
}

// outsideCodeSpans is md with every code span (and the escaped characters
// around) blanked, for checking what Markdown would render as markup.
func outsideCodeSpans(md string) string {
	var out strings.Builder
	for len(md) > 0 {
		i := strings.IndexByte(md, '`')
		if i < 0 {
			out.WriteString(md)
			break
		}
		out.WriteString(md[:i])
		n := 0
		for i+n < len(md) && md[i+n] == '`' {
			n++
		}
		fence := md[i : i+n]
		end := strings.Index(md[i+n:], fence)
		if end < 0 {
			out.WriteString(md[i:])
			break
		}
		md = md[i+n+end+n:]
	}
	return out.String()
}

func smallerRows() []hostileRow {
	return []hostileRow{
		{name: "JSON-escaped echo of the API key in an error", finding: "7", want: "ErrUnauthorized; key in neither message nor body",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					var esc strings.Builder
					for _, c := range strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") {
						fmt.Fprintf(&esc, `\u%04x`, c)
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnauthorized)
					fmt.Fprintf(w, `{"detail":"bad key %s"}`, esc.String())
				})
				_, err := hostileClient(t, srv.URL).ListConversations(context.Background(), wrapper.ListOptions{})
				var apiErr *wrapper.APIError
				if !errors.As(err, &apiErr) {
					return kind(err)
				}
				var decoded struct{ Detail string }
				_ = json.Unmarshal(apiErr.Body, &decoded)
				if strings.Contains(err.Error(), hostileAPIKey) || strings.Contains(decoded.Detail, hostileAPIKey) {
					t.Errorf("the key leaked: %s / body %s", err, apiErr.Body)
					return "ErrUnauthorized; key leaked"
				}
				return "ErrUnauthorized; key in neither message nor body"
			}},
		{name: "event id 2^63-1 with more to come (CLI events --all)", finding: "8", want: "CLI exit 1: no progress",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) { writeJSONAnswer(w, 200, eventsPage(true, math.MaxInt)) })
				res := runCLI(t, cliBinary(t), t.TempDir(), hostileCLIEnv(srv.URL), "events", hostileConvID, "--all")
				if res.code == 2 {
					return "CLI exit 2 (usage): the user blamed"
				}
				return fmt.Sprintf("CLI exit %d: %s", res.code, map[bool]string{true: "no progress", false: res.stderr}[strings.Contains(res.stderr, "made no progress")])
			}},
		{name: "event id 2^63-1 as the newest (SDK EventCount)", finding: "8", want: "ErrUnexpectedResponse",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					writeJSONAnswer(w, 200, eventsPage(false, math.MaxInt))
				})
				_, err := hostileClient(t, srv.URL).EventCount(context.Background(), hostileConvID)
				return kind(err)
			}},
		{name: "an id equal to another's digested folder (export)", finding: "8", want: "2 folders, each its own conversation",
			run: func(t *testing.T) string { return twoIDsOneFolder(t) }},
		{name: "a byte every 50 ms forever (SDK, 300 ms whole-request bound)", finding: "8", want: "timeout (the whole-request bound)",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"conversation_id":"`)
					for r.Context().Err() == nil {
						_, _ = io.WriteString(w, "a")
						w.(http.Flusher).Flush()
						select {
						case <-r.Context().Done():
						case <-time.After(50 * time.Millisecond):
						}
					}
				})
				c := hostileClient(t, srv.URL, wrapper.WithTimeout(5*time.Second), wrapper.WithRequestTimeout(300*time.Millisecond))
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a regression fails, not hangs
				defer cancel()
				_, err := c.GetConversation(ctx, hostileConvID)
				if k := kind(err); k != "timeout" || !strings.Contains(err.Error(), "in all") {
					return k
				}
				return "timeout (the whole-request bound)"
			}},
	}
}

// twoIDsOneFolder exports two conversations, one whose id is not a safe
// folder name and one whose id is the first's digested folder name.
func twoIDsOneFolder(t *testing.T) string {
	unsafe := "conv.one"
	sum := sha256Hex([]byte(unsafe))
	lookalike := "id-" + sum[:24]
	srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/conversations":
			writeJSONAnswer(w, 200, map[string]any{"results": []any{conversation(unsafe, "", ""), conversation(lookalike, "", "")}, "next_page_id": nil})
		case strings.HasSuffix(r.URL.Path, "/events"):
			writeJSONAnswer(w, 200, eventsPage(false, 0))
		case strings.HasSuffix(r.URL.Path, "/trajectory"):
			id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/conversations/"), "/trajectory")
			writeJSONAnswer(w, 200, map[string]any{"trajectory": []any{map[string]any{"id": 0, "message": id}}})
		default:
			http.NotFound(w, r)
		}
	})
	dir := t.TempDir()
	rep, err := export.Run(context.Background(), export.FromClient(hostileClient(t, srv.URL)), export.Options{Dir: dir})
	if err != nil {
		t.Fatalf("export: %v (%+v)", err, rep)
	}
	folders := map[string]bool{}
	for _, id := range []string{unsafe, lookalike} {
		matches, _ := filepath.Glob(filepath.Join(dir, "*", export.MetadataFile))
		for _, m := range matches {
			var meta struct {
				ConversationID string `json:"conversation_id"`
			}
			b, _ := os.ReadFile(m)
			if json.Unmarshal(b, &meta) == nil && meta.ConversationID == id {
				folders[filepath.Dir(m)] = true
			}
		}
	}
	return fmt.Sprintf("%d folders, each its own conversation", len(folders))
}

func holdingRows() []hostileRow {
	status := func(code int, ctype, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(code)
			_, _ = io.WriteString(w, body)
		}
	}
	getConv := func(t *testing.T, h http.HandlerFunc) (*hostileServer, error) {
		srv := newHostile(t, h)
		_, err := hostileClient(t, srv.URL).GetConversation(context.Background(), hostileConvID)
		return srv, err
	}
	return []hostileRow{
		{name: "503 twice, then 200 (GET)", finding: "holds", want: "ok after 2 retries",
			run: func(t *testing.T) string {
				var n atomic.Int32
				srv, err := getConv(t, func(w http.ResponseWriter, r *http.Request) {
					if n.Add(1) <= 2 {
						status(503, "application/json", `{"detail":"busy"}`)(w, r)
						return
					}
					writeJSONAnswer(w, 200, conversation(hostileConvID, "", ""))
				})
				return fmt.Sprintf("%s after %d retries", kind(err), srv.count()-1)
			}},
		{name: "503 on a POST message", finding: "holds", want: "ErrServer; sent once",
			run: func(t *testing.T) string {
				srv := newHostile(t, status(503, "application/json", `{"detail":"busy"}`))
				err := hostileClient(t, srv.URL, wrapper.WithHostPolicy(wrapper.HostApp)).SendMessage(context.Background(), hostileConvID, "deploy")
				return fmt.Sprintf("%s; sent %s", kind(err), map[bool]string{true: "once", false: "again"}[srv.count() == 1])
			}},
		{name: "malformed JSON", finding: "holds", want: "ErrUnexpectedResponse",
			run: func(t *testing.T) string {
				_, err := getConv(t, status(200, "application/json", `{"conversation_id": [}`))
				return kind(err)
			}},
		{name: "HTML page where JSON is due", finding: "holds", want: "ErrNotV0",
			run: func(t *testing.T) string {
				_, err := getConv(t, status(200, "text/html", "<!doctype html><title>app</title>"))
				return kind(err)
			}},
		{name: "body cut short of its Content-Length", finding: "holds", want: "ErrUnexpectedResponse (io.ErrUnexpectedEOF)",
			run: func(t *testing.T) string {
				_, err := getConv(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", "400")
					_, _ = io.WriteString(w, `{"conversation_id":"c`)
				})
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					return kind(err)
				}
				return kind(err) + " (io.ErrUnexpectedEOF)"
			}},
		{name: "symlink planted at the download path", finding: "holds", want: "link replaced, its target untouched",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					writeJSONAnswer(w, 200, map[string]any{"trajectory": []any{map[string]any{"id": 0}}})
				})
				dir := t.TempDir()
				target, link := filepath.Join(dir, "precious"), filepath.Join(dir, "trajectory.json")
				if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, link); err != nil {
					t.Skip("no symlinks here:", err)
				}
				_, err := hostileClient(t, srv.URL).DownloadTrajectory(context.Background(), hostileConvID, link)
				kept, _ := os.ReadFile(target)
				fi, _ := os.Lstat(link)
				if err != nil || string(kept) != "keep me" || fi == nil || fi.Mode()&os.ModeSymlink != 0 {
					return fmt.Sprintf("%s; target %q", kind(err), kept)
				}
				return "link replaced, its target untouched"
			}},
		{name: "path traversal in a listed id (export)", finding: "holds", want: "1 failed; nothing outside the folder",
			run: func(t *testing.T) string {
				srv := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/api/conversations" {
						writeJSONAnswer(w, 200, map[string]any{"results": []any{conversation("../../escape", "", "")}, "next_page_id": nil})
						return
					}
					writeJSONAnswer(w, 200, eventsPage(false, 0))
				})
				parent := t.TempDir()
				rep, _ := export.Run(context.Background(), export.FromClient(hostileClient(t, srv.URL)), export.Options{Dir: filepath.Join(parent, "a", "b")})
				var outside []string
				_ = filepath.Walk(parent, func(p string, _ os.FileInfo, _ error) error {
					if rel, _ := filepath.Rel(filepath.Join(parent, "a", "b"), p); strings.HasPrefix(rel, "..") && p != parent && p != filepath.Join(parent, "a") {
						outside = append(outside, p)
					}
					return nil
				})
				if len(outside) > 0 {
					return fmt.Sprintf("wrote %v", outside)
				}
				return fmt.Sprintf("%d failed; nothing outside the folder", rep.Failed)
			}},
	}
}
