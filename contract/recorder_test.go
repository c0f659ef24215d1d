package contract

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// TestRecordingScrubsOnCopies records two exchanges with credentials and
// secrets through the recorder, and checks that the saved cassette has none
// of them while the caller's request and response headers are untouched.
func TestRecordingScrubsOnCopies(t *testing.T) {
	const apiKey, runtimeKey = "recording-api-key-77777777", "runtime-session-key-55555555"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "keycloak_auth=cookie-secret-99999999; Path=/")
		w.Header().Set("Date", "Mon, 01 Jan 2001 00:00:00 GMT")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/first" {
			io.WriteString(w, `{"session_api_key":"`+runtimeKey+`","url":"http://rt/api/conversations/c1"}`)
			return
		}
		io.WriteString(w, `{"echo":"`+r.URL.RawQuery+`"}`)
	}))
	defer srv.Close()

	dir := t.TempDir()
	rec, err := newRecording(dir, "scrub", http.DefaultTransport, []string{apiKey})
	if err != nil {
		t.Fatal(err)
	}
	client := rec.GetDefaultClient()
	req1, _ := http.NewRequest(http.MethodPost, srv.URL+"/first", strings.NewReader(`{"llm_api_key":"llm-secret-12345678"}`))
	req1.Header.Set("Authorization", "Bearer "+apiKey)
	req1.Header.Set("Content-Type", "application/json")
	resp1, err := client.Do(req1)
	if err != nil {
		t.Fatal(err)
	}
	resp1.Body.Close()
	// The session key the first response revealed, used by a later request.
	req2, _ := http.NewRequest(http.MethodGet, srv.URL+"/second?key="+runtimeKey, nil)
	req2.Header.Set("X-Session-API-Key", runtimeKey)
	resp2, err := client.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}

	if req1.Header.Get("Authorization") == "" || req2.Header.Get("X-Session-API-Key") == "" || resp1.Header.Get("Set-Cookie") == "" {
		t.Fatal("the recorder's hook edited the caller's header maps")
	}
	raw := string(readFile(t, cassettePath(dir, "scrub")))
	for _, secret := range []string{apiKey, runtimeKey, "llm-secret-12345678", "cookie-secret-99999999"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the cassette holds %s:\n%s", secret, raw)
		}
	}
	for _, gone := range []string{"Authorization", "X-Session-Api-Key", "Set-Cookie", "Date:", "Mon, 01 Jan 2001"} {
		if strings.Contains(raw, gone) {
			t.Errorf("the cassette keeps %s", gone)
		}
	}
	c, err := cassette.Load(cassetteName(dir, "scrub"))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range c.Interactions {
		if i.Response.Duration != 0 {
			t.Errorf("interaction %d keeps its duration %s", i.ID, i.Response.Duration)
		}
	}
}

func TestReplayFailsLoudlyAndOffline(t *testing.T) {
	dir := t.TempDir()
	if _, err := newReplayer(dir, "absent", nil); !errors.Is(err, cassette.ErrCassetteNotFound) {
		t.Fatalf("missing cassette: %v, want ErrCassetteNotFound", err)
	}
	writeCassette(t, dir, "poll", []string{`{"status":"STARTING"}`, `{"status":"RUNNING"}`})
	rec, err := newReplayer(dir, "poll", nil)
	if err != nil {
		t.Fatal(err)
	}
	client := rec.GetDefaultClient()
	// Identical requests replay in recorded order, each once.
	for _, want := range []string{"STARTING", "RUNNING"} {
		resp, err := client.Get("http://any-host.example/api/conversations/c1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Fatalf("replayed %s, want %s", body, want)
		}
	}
	for _, url := range []string{"http://any-host.example/api/conversations/c1", "http://any-host.example/api/other"} {
		_, err := client.Get(url)
		if !errors.Is(err, cassette.ErrInteractionNotFound) {
			t.Errorf("GET %s: %v, want ErrInteractionNotFound", url, err)
		}
		if errors.Is(err, ErrNetworkInReplay) {
			t.Errorf("GET %s reached for the network", url)
		}
	}
}

// writeCassette saves a cassette of GETs of one URL answering bodies in order.
func writeCassette(t *testing.T, dir, name string, bodies []string) {
	t.Helper()
	c := cassette.New(cassetteName(dir, name))
	for _, b := range bodies {
		c.AddInteraction(&cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://recorded-host/api/conversations/c1"},
			Response: cassette.Response{Code: 200, Status: "200 OK", Body: b, Headers: http.Header{"Content-Type": {"application/json"}}},
		})
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestReplayFailsOnUnusedInteractions: a cassette holding more than the
// scenario asks for means the scenario changed since it was recorded.
func TestReplayFailsOnUnusedInteractions(t *testing.T) {
	dir := t.TempDir()
	src := readFile(t, cassettePath(committedCassettes(t), "health"))
	c := cassette.New(cassetteName(dir, "health"))
	if err := os.WriteFile(c.File, src, 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := cassette.Load(cassetteName(dir, "health"))
	if err != nil {
		t.Fatal(err)
	}
	extra := *loaded.Interactions[0]
	loaded.AddInteraction(&extra)
	if err := loaded.Save(); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), RunOptions{CassetteDir: dir, Scenarios: []string{"health"}})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Scenarios[0]
	if got.Outcome != OutcomeFailed || !strings.Contains(got.Reason, "cassette holds 4") {
		t.Fatalf("health with an extra interaction: %s %q", got.Outcome, got.Reason)
	}
	if rep.Pass {
		t.Error("the report passes")
	}
}

func TestReplayFailsOnAMissingCassette(t *testing.T) {
	rep, err := Run(context.Background(), RunOptions{CassetteDir: t.TempDir(), Scenarios: []string{"health"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Scenarios[0]; got.Outcome != OutcomeFailed || !strings.Contains(got.Reason, "make record") {
		t.Fatalf("health without a cassette: %s %q", got.Outcome, got.Reason)
	}
}

func TestMultipartBoundaryIsFixed(t *testing.T) {
	const random = "69c3df0c1846a170d9a3da0c7f6e8085f0658eee4491b707c3f2d1f68045"
	in := cassette.Interaction{Request: cassette.Request{
		Headers: http.Header{"Content-Type": {"multipart/form-data; boundary=" + random}},
		Body:    "--" + random + "\r\nContent-Disposition: form-data; name=\"files\"\r\n\r\nx\r\n--" + random + "--\r\n",
	}}
	out := normalize(scrub(in))
	if strings.Contains(out.Request.Body, random) || strings.Contains(out.Request.Headers.Get("Content-Type"), random) {
		t.Fatalf("random boundary kept: %q", out.Request.Body)
	}
	if len(out.Request.Body) != len(in.Request.Body) {
		t.Errorf("body length changed from %d to %d", len(in.Request.Body), len(out.Request.Body))
	}
	// A live request with another random boundary matches the normalised recording.
	live, _ := http.NewRequest("POST", "http://h/upload", strings.NewReader(strings.ReplaceAll(in.Request.Body, random, "abc123")))
	live.Header.Set("Content-Type", "multipart/form-data; boundary=abc123")
	out.Request.Method, out.Request.URL = "POST", "http://recorded/upload"
	if !matcher()(live, out.Request) {
		t.Error("a multipart request does not match its recording")
	}
}
