package wrapper

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
)

var allSentinels = []error{
	ErrNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrValidation, ErrServer,
	ErrMaintenance, ErrNotV0, ErrRuntimeUnavailable, ErrUnexpectedResponse,
}

// TestSentinelsFromServerBodies drives each error shape the V0 server (and
// the edge in front of the hosted service) sends through a real call and
// checks the *APIError: exactly the right sentinels, the status, and the
// message the server meant.
func TestSentinelsFromServerBodies(t *testing.T) {
	getEvents := func(c *Client) error {
		_, err := c.GetEvents(context.Background(), stubConvID, EventsQuery{})
		return err
	}
	create := func(c *Client) error {
		_, err := c.CreateConversation(context.Background(), api.CreateConversationRequest{InitialUserMsg: "hi"})
		return err
	}
	getConv := func(c *Client) error {
		_, err := c.GetConversation(context.Background(), stubConvID)
		return err
	}
	cases := []struct {
		name       string
		call       func(*Client) error
		handler    http.HandlerFunc
		op         string
		status     int
		want       []error
		message    string
		retryAfter time.Duration
	}{
		{
			name: "FastAPI detail 404", call: getEvents, op: "getEvents", status: 404,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 404, map[string]string{"detail": "Conversation " + stubConvID + " not found"})
			},
			want: []error{ErrNotFound}, message: "Conversation " + stubConvID + " not found",
		},
		{
			name: "422 detail list", call: create, op: "createConversation", status: 422,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 422, "application/json", `{"detail":[{"type":"extra_forbidden","loc":["body","bogus"],"msg":"Extra inputs are not permitted","input":1}]}`)
			},
			want: []error{ErrValidation}, message: "body.bogus: Extra inputs are not permitted",
		},
		{
			name: "400 status error with msg_id", call: create, op: "createConversation", status: 400,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 400, map[string]string{"status": "error", "message": "Settings not found", "msg_id": "CONFIGURATION$SETTINGS_NOT_FOUND"})
			},
			want: []error{ErrValidation}, message: "Settings not found (CONFIGURATION$SETTINGS_NOT_FOUND)",
		},
		{
			name: "400 invalid limit", call: getEvents, op: "getEvents", status: 400,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 400, map[string]string{"detail": "Invalid limit"})
			},
			want: []error{ErrValidation}, message: "Invalid limit",
		},
		{
			name: "hosted 401 error key", call: getConv, op: "getConversation", status: 401,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 401, map[string]string{"error": "NoCredentialsError"})
			},
			want: []error{ErrUnauthorized}, message: "NoCredentialsError",
		},
		{
			name: "self-hosted 401 detail", call: getConv, op: "getConversation", status: 401,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 401, map[string]string{"detail": "Unauthorized"})
			},
			want: []error{ErrUnauthorized}, message: "Unauthorized",
		},
		{
			name: "401 JSON string", call: create, op: "createConversation", status: 401,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 401, "application/json", `"Unable to access repo octo/hello"`)
			},
			want: []error{ErrUnauthorized}, message: "Unable to access repo octo/hello",
		},
		{
			name: "403", call: getConv, op: "getConversation", status: 403,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 403, map[string]string{"error": "EmailNotVerifiedError"})
			},
			want: []error{ErrForbidden}, message: "EmailNotVerifiedError",
		},
		{
			name: "self-hosted 429 with Retry-After", call: getConv, op: "getConversation", status: 429,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "1")
				stubJSON(w, 429, map[string]string{"message": "Too many requests"})
			},
			want: []error{ErrRateLimited}, message: "Too many requests", retryAfter: time.Second,
		},
		{
			name: "hosted 429 with X-RateLimit headers", call: getConv, op: "getConversation", status: 429,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-RateLimit-Limit", "10")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", "7")
				stubJSON(w, 429, map[string]string{"error": "Rate limit exceeded: 10 per 1 second"})
			},
			want: []error{ErrRateLimited}, message: "Rate limit exceeded: 10 per 1 second", retryAfter: 7 * time.Second,
		},
		{
			name: "500 maintenance HTML", call: getEvents, op: "getEvents", status: 500,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 500, "text/html; charset=utf-8", maintenancePage)
			},
			want: []error{ErrServer, ErrMaintenance}, message: "System Maintenance",
		},
		{
			name: "200 SPA page", call: getConv, op: "getConversation", status: 200,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 200, "text/html; charset=utf-8", spaPage)
			},
			want: []error{ErrNotV0}, message: "does not serve the V0 API",
		},
		{
			name: "200 HTML without a content type", call: getConv, op: "getConversation", status: 200,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Content-Type"] = nil // stop the server from sniffing one
				stubRaw(w, 200, "", spaPage)
			},
			want: []error{ErrNotV0}, message: "does not serve the V0 API",
		},
		{
			name: "405 on a V0 route", call: create, op: "createConversation", status: 405,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubJSON(w, 405, map[string]string{"detail": "Method Not Allowed"})
			},
			want: []error{ErrNotV0}, message: "Method Not Allowed",
		},
		{
			name: "500 text/plain", call: getEvents, op: "getEvents", status: 500,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 500, "text/plain; charset=utf-8", "Internal Server Error")
			},
			want: []error{ErrServer}, message: "Internal Server Error",
		},
		{
			name: "500 route error beside a null field", call: getEvents, op: "getEvents", status: 500,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 500, "application/json", `{"trajectory": null, "error": "Error getting trajectory: boom"}`)
			},
			want: []error{ErrServer}, message: "Error getting trajectory: boom",
		},
		{
			name: "200 malformed JSON", call: getConv, op: "getConversation", status: 200,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 200, "application/json", `{"conversation_id": "abc", "title": `)
			},
			want: []error{ErrUnexpectedResponse}, message: "malformed JSON",
		},
		{
			name: "200 plain text where JSON is due", call: getConv, op: "getConversation", status: 200,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 200, "text/plain", "OK")
			},
			want: []error{ErrUnexpectedResponse}, message: "OK",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, tc.handler, WithRetry(NoRetry()), WithHostPolicy(HostApp))
			err := tc.call(s.c)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if apiErr.Operation != tc.op || apiErr.StatusCode != tc.status || apiErr.Host != hostApp {
				t.Errorf("operation/status/host = %q/%d/%q, want %q/%d/app", apiErr.Operation, apiErr.StatusCode, apiErr.Host, tc.op, tc.status)
			}
			checkSentinels(t, err, tc.want...)
			if !strings.Contains(apiErr.Message, tc.message) {
				t.Errorf("message %q does not contain %q", apiErr.Message, tc.message)
			}
			if apiErr.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", apiErr.RetryAfter, tc.retryAfter)
			}
			if !strings.Contains(err.Error(), tc.op) {
				t.Errorf("Error() %q does not name the operation", err.Error())
			}
		})
	}
}

// checkSentinels fails unless err matches exactly the sentinels in want.
func checkSentinels(t *testing.T, err error, want ...error) {
	t.Helper()
	for _, s := range allSentinels {
		wanted := false
		for _, w := range want {
			wanted = wanted || w == s
		}
		if got := errors.Is(err, s); got != wanted {
			t.Errorf("errors.Is(err, %v) = %v, want %v (err: %v)", s, got, wanted, err)
		}
	}
}

func TestTemporary(t *testing.T) {
	for _, tc := range []struct {
		status int
		html   bool
		want   bool
	}{{429, false, true}, {500, true, true}, {503, false, true}, {404, false, false}, {401, false, false}, {200, true, false}} {
		e := &APIError{StatusCode: tc.status, kinds: kindsFor(tc.status, tc.html)}
		if got := e.Temporary(); got != tc.want {
			t.Errorf("status %d html %v: Temporary() = %v, want %v", tc.status, tc.html, got, tc.want)
		}
	}
}

// TestErrorMessagesAreValidUTF8: whatever bytes the server sends, the error
// text is printable UTF-8.
func TestErrorMessagesAreValidUTF8(t *testing.T) {
	bodies := []struct{ contentType, body string }{
		{"text/plain", "bad \xff\xfe bytes"},
		{"application/json", "{\"detail\": \"bad \xff bytes\"}"},
		{"text/html", "<html><head><title>Main\xfftenance</title></head></html>"},
		{"application/octet-stream", strings.Repeat("\xe2\x82", 150)},
	}
	for _, b := range bodies {
		t.Run(b.contentType, func(t *testing.T) {
			s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
				stubRaw(w, 500, b.contentType, b.body)
			}, WithRetry(NoRetry()))
			_, err := s.c.GetConversation(context.Background(), stubConvID)
			if err == nil {
				t.Fatal("no error")
			}
			if !utf8.ValidString(err.Error()) {
				t.Errorf("error text is not valid UTF-8: %q", err.Error())
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.Message == "" {
				t.Errorf("empty message for %q", b.body)
			}
		})
	}
}

// countingTransport counts the response body bytes the client reads.
type countingTransport struct {
	next http.RoundTripper
	read atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &t.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// TestHugeErrorBodyIsNotReadWhole: a 20 MB error page costs at most
// maxErrorRead bytes of reading, and the excerpt stays small.
func TestHugeErrorBodyIsNotReadWhole(t *testing.T) {
	const size = 20 << 20
	ct := &countingTransport{next: http.DefaultTransport}
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(500)
		chunk := []byte("<html><title>Huge</title>" + strings.Repeat("x", 64<<10-26))
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client hung up, as it should
			}
		}
	}, WithTransport(ct), WithRetry(NoRetry()))
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrMaintenance) {
		t.Fatalf("err = %v, want a maintenance *APIError", err)
	}
	if got := ct.read.Load(); got > maxErrorRead {
		t.Errorf("read %d bytes of a %d-byte error body; the bound is %d", got, size, maxErrorRead)
	}
	if len(apiErr.Body) > maxErrorExcerpt {
		t.Errorf("excerpt is %d bytes, bound %d", len(apiErr.Body), maxErrorExcerpt)
	}
	if apiErr.Message != "HTML page: Huge" {
		t.Errorf("message = %q", apiErr.Message)
	}
}

func TestInputErrorsSendNothing(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 200, nil) })
	ctx := context.Background()
	errs := map[string]error{}
	_, errs["get bad id"] = s.c.GetConversation(ctx, "../etc")
	errs["delete empty id"] = s.c.DeleteConversation(ctx, "")
	errs["rename empty title"] = s.c.RenameConversation(ctx, stubConvID, "")
	errs["rename long title"] = s.c.RenameConversation(ctx, stubConvID, strings.Repeat("é", 201))
	_, errs["events limit"] = s.c.GetEvents(ctx, stubConvID, EventsQuery{Limit: ptr(101)})
	_, errs["events start"] = s.c.GetEvents(ctx, stubConvID, EventsQuery{StartID: -1})
	_, errs["list negative"] = s.c.ListConversations(ctx, ListOptions{Max: -1})
	for name, err := range errs {
		if !errors.Is(err, ErrValidation) {
			t.Errorf("%s: err = %v, want ErrValidation", name, err)
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode != 0 {
			t.Errorf("%s: status %d on a client-side refusal", name, apiErr.StatusCode)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent for refused input", n)
	}
}

// TestCutBodyIsUnexpectedAndUnwrapsToTheReadError: a 200 whose body ends
// before its Content-Length is ErrUnexpectedResponse and, underneath,
// io.ErrUnexpectedEOF, so callers that retry can treat it as a broken
// connection; an empty body is malformed but not a cut.
func TestCutBodyIsUnexpectedAndUnwrapsToTheReadError(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("empty") != "" {
			stubRaw(w, http.StatusOK, "application/json", "")
			return
		}
		cutBody(w)
	})
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	if !errors.Is(err, ErrUnexpectedResponse) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut body: err = %v, want ErrUnexpectedResponse wrapping io.ErrUnexpectedEOF", err)
	}
	resp, err := s.c.HTTPClient().Get(s.srv.URL + "/api/conversations/" + stubConvID + "?empty=1")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	err = decodeJSON("getConversation", hostApp, resp, &v)
	if !errors.Is(err, ErrUnexpectedResponse) || errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("empty body: err = %v, want ErrUnexpectedResponse only", err)
	}
}
