package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Test credentials: distinctive strings a test can search logs and errors for.
const (
	stubAPIKey     = "sk-test-api-key-4f1c"
	stubSessionKey = "sess-test-key-9a2b"
	stubConvID     = "0123456789abcdef0123456789abcdef"
)

// stubRequest is one request a stub server saw.
type stubRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// stub is an httptest server with a test's handler, the requests it saw and
// the waits the retry transport asked for (it never really sleeps).
type stub struct {
	c   *Client
	srv *httptest.Server

	mu    sync.Mutex
	reqs  []stubRequest
	waits []time.Duration
}

// newStub starts a loopback server running h and a Client pointed at it
// with the API key set; the retry transport's sleeps are recorded, not slept.
func newStub(t *testing.T, h http.HandlerFunc, opts ...Option) *stub {
	t.Helper()
	s := &stub{}
	s.srv = httptest.NewServer(s.recording(h))
	t.Cleanup(s.srv.Close)
	c, err := New(append([]Option{WithBaseURL(s.srv.URL), WithAPIKey(stubAPIKey)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	setRetrySleep(c, s.sleep)
	s.c = c
	return s
}

// recording wraps h so that every request is kept, body included.
func (s *stub) recording(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, stubRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}
}

func (s *stub) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// requests returns a copy of the requests seen so far.
func (s *stub) requests() []stubRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stubRequest(nil), s.reqs...)
}

// sleeps returns a copy of the waits asked for so far.
func (s *stub) sleeps() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// setRetrySleep replaces the retry transport's sleep: the test hook that
// keeps retry tests instant.
func setRetrySleep(c *Client, sleep func(context.Context, time.Duration) error) {
	c.hc.Transport.(callTransport).next.(*retryTransport).sleep = sleep
}

// stubJSON answers with v encoded as JSON.
func stubJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// stubRaw answers with a body of the given content type, exactly as written.
func stubRaw(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// maintenancePage is the hosted service's HTML error page, as reported in
// OpenHands-Cloud issues #134 and #140.
const maintenancePage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>System Maintenance</title></head>
<body><h1>We'll be back soon!</h1><p>OpenHands Cloud is undergoing maintenance.</p></body></html>`

// spaPage is the web app's index.html, which an unmatched GET gets with 200.
const spaPage = `<!doctype html><html lang="en"><head><meta charset="UTF-8"/><title>OpenHands</title>
<script type="module" src="/assets/index.js"></script></head><body><div id="root"></div></body></html>`
