package wrapper

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// failThen answers the first n requests with fail and the rest with ok.
func failThen(n int, fail, ok http.HandlerFunc) http.HandlerFunc {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if int(seen.Add(1)) <= n {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

func convOK(w http.ResponseWriter, _ *http.Request) {
	stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, Title: "t", Status: "RUNNING"})
}

// fixClock sets the clock Retry-After dates are read against, for one test.
func fixClock(t *testing.T, now time.Time) {
	t.Helper()
	old := defaultNow
	defaultNow = func() time.Time { return now }
	t.Cleanup(func() { defaultNow = old })
}

func TestRetryHonoursServerWaits(t *testing.T) {
	now := time.Date(2025, 8, 7, 12, 0, 0, 0, time.UTC)
	fixClock(t, now)
	cases := []struct {
		name    string
		headers map[string]string
		policy  RetryPolicy
		want    time.Duration
	}{
		{"Retry-After seconds", map[string]string{"Retry-After": "2"}, DefaultRetryPolicy(), 2 * time.Second},
		{"Retry-After HTTP date", map[string]string{"Retry-After": now.Add(30 * time.Second).Format(http.TimeFormat)}, DefaultRetryPolicy(), 30 * time.Second},
		{"X-RateLimit-Reset seconds", map[string]string{"X-RateLimit-Reset": "5"}, DefaultRetryPolicy(), 5 * time.Second},
		{"X-RateLimit-Reset Unix time", map[string]string{"X-RateLimit-Reset": "1754568012"}, DefaultRetryPolicy(), 12 * time.Second},
		{"Retry-After wins over X-RateLimit-Reset", map[string]string{"Retry-After": "3", "X-RateLimit-Reset": "50"}, DefaultRetryPolicy(), 3 * time.Second},
		{"capped by default", map[string]string{"Retry-After": "3600"}, DefaultRetryPolicy(), time.Minute},
		{"capped by policy", map[string]string{"Retry-After": "3600"}, RetryPolicy{MaxAttempts: 2, MaxRetryAfter: 10 * time.Second}, 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub(t, failThen(1, func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				stubJSON(w, 429, map[string]string{"message": "Too many requests"})
			}, convOK), WithRetry(tc.policy))
			if _, err := s.c.GetConversation(context.Background(), stubConvID); err != nil {
				t.Fatalf("GetConversation: %v", err)
			}
			if n := len(s.requests()); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
			if w := s.sleeps(); len(w) != 1 || w[0] != tc.want {
				t.Errorf("waits %v, want [%v]", w, tc.want)
			}
		})
	}
}

func TestRetryIdempotentMethodsOnGatewayErrors(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"GET": func(c *Client) error { _, err := c.GetConversation(ctx, stubConvID); return err },
		"PUT": func(c *Client) error {
			resp, err := c.raw.UpdateSecret(ctx, "gh", api.UpdateSecretRequest{Name: "gh2"})
			if err == nil {
				err = decodeJSON("updateSecret", hostApp, resp, new(api.MessageResponse))
			}
			return err
		},
		"DELETE": func(c *Client) error { return c.DeleteConversation(ctx, stubConvID) },
	}
	for method, call := range calls {
		for _, status := range []int{502, 503, 504} {
			t.Run(method+" "+http.StatusText(status), func(t *testing.T) {
				t.Parallel()
				s := newStub(t, failThen(2, func(w http.ResponseWriter, _ *http.Request) {
					stubRaw(w, status, "text/plain", "upstream trouble")
				}, func(w http.ResponseWriter, r *http.Request) {
					switch r.Method {
					case http.MethodDelete:
						stubJSON(w, 200, true)
					case http.MethodPut:
						stubJSON(w, 200, map[string]string{"message": "Secret updated successfully"})
					default:
						convOK(w, r)
					}
				}))
				if err := call(s.c); err != nil {
					t.Fatalf("%s: %v", method, err)
				}
				reqs := s.requests()
				if len(reqs) != 3 {
					t.Fatalf("%d requests, want 3", len(reqs))
				}
				for _, r := range reqs {
					if r.Method != method {
						t.Errorf("request method %s, want %s", r.Method, method)
					}
				}
				if method == http.MethodPut && (string(reqs[0].Body) != string(reqs[2].Body) || len(reqs[2].Body) == 0) {
					t.Errorf("PUT body not rewound: first %q, last %q", reqs[0].Body, reqs[2].Body)
				}
				if w := s.sleeps(); len(w) != 2 {
					t.Errorf("waits %v, want 2 backoffs", w)
				}
			})
		}
	}
}

func TestRetryStopsAfterMaxAttempts(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		stubRaw(w, 503, "text/plain", "busy")
	})
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	if !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v, want ErrServer", err)
	}
	want := DefaultRetryPolicy().MaxAttempts
	if n := len(s.requests()); n != want {
		t.Errorf("%d requests, want %d", n, want)
	}
	if w := s.sleeps(); len(w) != want-1 {
		t.Errorf("waits %v, want %d", w, want-1)
	}
	for i, w := range s.sleeps() {
		lo, hi := DefaultRetryPolicy().MinBackoff, DefaultRetryPolicy().MaxBackoff
		if w < lo || w > hi {
			t.Errorf("wait %d = %v, outside [%v, %v]", i, w, lo, hi)
		}
	}
}

func TestNoRetryOfNonIdempotentStatuses(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "1")
				stubJSON(w, status, map[string]string{"error": "no"})
			})
			_, err := s.c.CreateConversation(context.Background(), api.CreateConversationRequest{InitialUserMsg: "hi"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("err = %v, want an *APIError with status %d", err, status)
			}
			if n := len(s.requests()); n != 1 {
				t.Errorf("the server saw %d POSTs, want exactly 1", n)
			}
			if len(s.sleeps()) != 0 {
				t.Errorf("waited %v for a POST that must not be retried", s.sleeps())
			}
		})
	}
}

// hangUp closes the connection without an answer, after reading the request.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestNoRetryOfPOSTAfterTheConnectionBroke(t *testing.T) {
	s := newStub(t, hangUp)
	_, err := s.c.CreateConversation(context.Background(), api.CreateConversationRequest{InitialUserMsg: "hi"})
	if err == nil {
		t.Fatal("no error from a connection that broke")
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("the server saw %d POSTs, want exactly 1", n)
	}
}

func TestRetryOfGETAfterTheConnectionBroke(t *testing.T) {
	s := newStub(t, failThen(1, hangUp, convOK))
	if _, err := s.c.GetConversation(context.Background(), stubConvID); err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// dialFailsFirst fails its first n round trips as a refused connection would.
type dialFailsFirst struct {
	next  http.RoundTripper
	n     int32
	tries atomic.Int32
}

func (d *dialFailsFirst) RoundTrip(req *http.Request) (*http.Response, error) {
	if d.tries.Add(1) <= d.n {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	return d.next.RoundTrip(req)
}

func TestRetryOfPOSTWhenTheDialFails(t *testing.T) {
	dt := &dialFailsFirst{next: http.DefaultTransport, n: 2}
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		stubJSON(w, 200, api.ConversationResponse{Status: "ok", ConversationID: stubConvID, ConversationStatus: "STARTING"})
	}, WithTransport(dt))
	resp, err := s.c.CreateConversation(context.Background(), api.CreateConversationRequest{InitialUserMsg: "hello"})
	if err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	if resp.ConversationID != stubConvID {
		t.Errorf("conversation id %q", resp.ConversationID)
	}
	reqs := s.requests()
	if len(reqs) != 1 || dt.tries.Load() != 3 {
		t.Fatalf("server saw %d POSTs after %d tries, want 1 after 3", len(reqs), dt.tries.Load())
	}
	if string(reqs[0].Body) != `{"initial_user_msg":"hello"}` {
		t.Errorf("body after rewind = %s", reqs[0].Body)
	}
}

// TestDialFailureWithAnUnrewindableBody: a body that cannot be read again is
// not retried, and the caller sees the real cause, not a rewind complaint.
func TestDialFailureWithAnUnrewindableBody(t *testing.T) {
	dt := &dialFailsFirst{next: http.DefaultTransport, n: 1}
	s := newStub(t, convOK, WithTransport(dt))
	body := io.MultiReader(strings.NewReader(`{"initial_user_msg":"hi"}`))
	_, err := s.c.raw.CreateConversationWithBody(context.Background(), "application/json", body)
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Fatalf("err = %v, want the dial error", err)
	}
	if dt.tries.Load() != 1 {
		t.Errorf("%d tries, want 1", dt.tries.Load())
	}
}

func TestDeadlineShorterThanRetryAfterReturnsTheRateLimit(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		stubJSON(w, 429, map[string]string{"error": "Rate limit exceeded: 100 per 1 minute"})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.c.GetConversation(ctx, stubConvID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want ErrRateLimited", err)
	}
	if apiErr.RetryAfter != 2*time.Minute {
		t.Errorf("RetryAfter = %v, want 2m", apiErr.RetryAfter)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if len(s.sleeps()) != 0 {
		t.Errorf("waited %v past the caller's deadline", s.sleeps())
	}
}

func TestContextCancelledWhileWaiting(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubRaw(w, 503, "text/plain", "busy") })
	ctx, cancel := context.WithCancel(context.Background())
	setRetrySleep(s.c, func(context.Context, time.Duration) error { cancel(); return context.Canceled })
	_, err := s.c.GetConversation(ctx, stubConvID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests after cancel, want 1", n)
	}
}

// isTimeout reports whether err carries a net.Error whose Timeout() is true.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestPerTryTimeoutOnSlowHeaders(t *testing.T) {
	release := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, WithTimeout(20*time.Millisecond), WithRetry(RetryPolicy{MaxAttempts: 2}))
	defer close(release)
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	var te *timeoutError
	if !errors.As(err, &te) || !isTimeout(err) {
		t.Fatalf("err = %v (%T), want a per-try timeout", err, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a per-try timeout looks like the caller's deadline: %v", err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d tries of a GET that timed out, want 2", n)
	}
}

func TestPerTryTimeoutOnAStalledBody(t *testing.T) {
	release := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"conversation_id": "`)
		_ = http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, WithTimeout(20*time.Millisecond))
	defer close(release)
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	var te *timeoutError
	if !errors.As(err, &te) || !isTimeout(err) {
		t.Fatalf("err = %v (%T), want a per-try timeout while reading", err, err)
	}
	if !strings.Contains(err.Error(), "reading the answer") {
		t.Errorf("error %q does not say the body stalled", err)
	}
}

// TestSlowButSteadyBodyIsNotCutOff: the per-try timeout is about silence,
// not total time.
func TestSlowButSteadyBodyIsNotCutOff(t *testing.T) {
	const timeout, gap, parts = 150 * time.Millisecond, 25 * time.Millisecond, 10
	body := `{"conversation_id": "` + stubConvID + `", "title": "a steady trickle", "status": "RUNNING"}`
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		step := (len(body) + parts - 1) / parts
		for i := 0; i < len(body); i += step {
			_, _ = io.WriteString(w, body[i:min(i+step, len(body))])
			_ = http.NewResponseController(w).Flush()
			time.Sleep(gap) // simulates a slow link: in total longer than the timeout, never silent as long
		}
	}, WithTimeout(timeout))
	info, err := s.c.GetConversation(context.Background(), stubConvID)
	if err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	if info.Status != "RUNNING" {
		t.Errorf("status %q", info.Status)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 8, 7, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"none", nil, 0},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"fractional seconds", map[string]string{"Retry-After": "1.5"}, 1500 * time.Millisecond},
		{"negative", map[string]string{"Retry-After": "-4"}, 0},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"date in the future", map[string]string{"Retry-After": "Thu, 07 Aug 2025 12:01:00 GMT"}, time.Minute},
		{"date in the past", map[string]string{"Retry-After": "Thu, 07 Aug 2025 11:00:00 GMT"}, 0},
		{"reset seconds", map[string]string{"X-RateLimit-Reset": "9"}, 9 * time.Second},
		{"reset Unix time", map[string]string{"X-RateLimit-Reset": "1754568060"}, time.Minute},
		{"reset Unix time passed", map[string]string{"X-RateLimit-Reset": "1754560000"}, 0},
	}
	for _, tc := range cases {
		h := http.Header{}
		for k, v := range tc.headers {
			h.Set(k, v)
		}
		if got := retryAfter(h, now); got != tc.want {
			t.Errorf("%s: retryAfter = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	rt := &retryTransport{policy: RetryPolicy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}}
	for attempt := 1; attempt <= 30; attempt++ {
		ceil := min(100*time.Millisecond<<min(attempt-1, 20), time.Second)
		for range 50 {
			if d := rt.backoff(attempt); d < 100*time.Millisecond || d > ceil {
				t.Fatalf("attempt %d: backoff %v outside [100ms, %v]", attempt, d, ceil)
			}
		}
	}
	if d := (&retryTransport{}).backoff(3); d != 0 {
		t.Errorf("zero policy backoff = %v, want 0", d)
	}
}

func TestWithRetryRejectsBadPolicies(t *testing.T) {
	for _, p := range []RetryPolicy{{MaxAttempts: 0}, {MaxAttempts: 2, MinBackoff: -1}, {MaxAttempts: 2, MaxRetryAfter: -time.Second}} {
		if _, err := New(WithBaseURL("http://localhost:1"), WithRetry(p)); err == nil {
			t.Errorf("WithRetry(%+v) accepted", p)
		}
	}
}

// TestPartialRetryPolicyKeepsTheDefaultWaits: a policy that sets only
// MaxAttempts still honours Retry-After and still backs off, instead of
// retrying at once.
func TestPartialRetryPolicyKeepsTheDefaultWaits(t *testing.T) {
	s := newStub(t, failThen(2, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "2")
		stubJSON(w, 429, map[string]string{"message": "Too many requests"})
	}, convOK), WithRetry(RetryPolicy{MaxAttempts: 3}))
	if _, err := s.c.GetConversation(context.Background(), stubConvID); err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	w := s.sleeps()
	if len(w) != 2 || w[0] != 2*time.Second || w[1] != 2*time.Second {
		t.Fatalf("waits %v, want [2s 2s] (Retry-After honoured, not capped to 0)", w)
	}
	def := DefaultRetryPolicy()
	s = newStub(t, failThen(1, func(w http.ResponseWriter, _ *http.Request) {
		stubRaw(w, http.StatusServiceUnavailable, "text/plain", "busy")
	}, convOK), WithRetry(RetryPolicy{MaxAttempts: 2}))
	if _, err := s.c.GetConversation(context.Background(), stubConvID); err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	if w := s.sleeps(); len(w) != 1 || w[0] < def.MinBackoff {
		t.Fatalf("waits %v, want one backoff of at least %v", w, def.MinBackoff)
	}
}

// TestRepeatedDeleteAfterSuccessIsSuccess: a DELETE that the server carried
// out but whose answer a gateway lost (504) is sent again and answered
// "not there"; that is success, while "not there" on the first try is still
// ErrNotFound. The same holds for secrets, and for a rename whose repeat no
// longer finds the old name while the new one is listed.
func TestRepeatedDeleteAfterSuccessIsSuccess(t *testing.T) {
	ctx := context.Background()
	gatewayLost := func(w http.ResponseWriter, _ *http.Request) {
		stubRaw(w, http.StatusGatewayTimeout, "text/html", "<html><title>504 Gateway Time-out</title></html>")
	}
	s := newStub(t, failThen(1, gatewayLost, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 200, false) }))
	if err := s.c.DeleteConversation(ctx, stubConvID); err != nil || len(s.requests()) != 2 {
		t.Fatalf("repeated delete: err = %v after %d requests, want success after 2", err, len(s.requests()))
	}
	s = newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 200, false) })
	if err := s.c.DeleteConversation(ctx, stubConvID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("first-try false: err = %v, want ErrNotFound", err)
	}

	notFound := func(w http.ResponseWriter, _ *http.Request) {
		stubJSON(w, 404, map[string]string{"error": "Secret with ID old not found"})
	}
	s = newStub(t, failThen(1, gatewayLost, notFound))
	if err := s.c.DeleteSecret(ctx, "old"); err != nil {
		t.Fatalf("repeated secret delete: err = %v, want success", err)
	}
	s = newStub(t, notFound)
	if err := s.c.DeleteSecret(ctx, "old"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("first-try 404: err = %v, want ErrNotFound", err)
	}

	for _, listed := range []string{"new", "other"} {
		var puts atomic.Int32
		s = newStub(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				stubJSON(w, 200, api.CustomSecrets{CustomSecrets: []api.CustomSecretInfo{{Name: listed}}})
				return
			}
			if puts.Add(1) == 1 {
				gatewayLost(w, r)
				return
			}
			notFound(w, r)
		})
		err := s.c.UpdateSecret(ctx, "old", api.UpdateSecretRequest{Name: "new"})
		if listed == "new" && err != nil {
			t.Fatalf("repeated rename, new name listed: err = %v, want success", err)
		}
		if listed != "new" && !errors.Is(err, ErrNotFound) {
			t.Fatalf("repeated rename, new name absent: err = %v, want ErrNotFound", err)
		}
	}
}
