package wrapper

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says when and how long the transport waits before sending a
// request again. Only requests that cannot do harm twice are retried: GET,
// HEAD, OPTIONS, PUT and DELETE on 429, 502, 503, 504 or a connection error
// before any answer, and any method (POST included) only when the connection
// could not be made at all, so the server never saw it. A POST that may have
// reached the server is never sent twice.
type RetryPolicy struct {
	// MaxAttempts is the number of tries, the first included (1 = no retry).
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the exponential backoff (full jitter).
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter caps a server's Retry-After or X-RateLimit-Reset wait.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy: 4 tries, 250ms to 8s of backoff, server waits up to 60s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, MinBackoff: 250 * time.Millisecond, MaxBackoff: 8 * time.Second, MaxRetryAfter: time.Minute}
}

// NoRetry is a policy of a single try.
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

// triedBody is the body of an answer the transport had to send its request
// for more than once: tries says how many times. A DELETE that an earlier
// try already carried out answers "not there" the second time; its
// operation reads the answer's tries (triesOf) to tell that from a resource
// that never existed.
type triedBody struct {
	io.ReadCloser
	tries int
}

// triesOf returns how many times the transport sent the request resp
// answers (1 when it was sent once, or when resp is nil). An http.Client
// given with a Timeout wraps the body and hides the count: such a call reads
// 1, the answer as the server gave it.
func triesOf(resp *http.Response) int {
	if resp != nil {
		if b, ok := resp.Body.(*triedBody); ok {
			return b.tries
		}
	}
	return 1
}

// countTries wraps call so that *tries is set to the tries the transport
// made of the request whose answer call returns.
func countTries(tries *int, call func(ctx context.Context) (*http.Response, error)) func(ctx context.Context) (*http.Response, error) {
	return func(ctx context.Context) (*http.Response, error) {
		resp, err := call(ctx)
		*tries = triesOf(resp)
		return resp, err
	}
}

// defaultNow is the clock Retry-After dates are read against.
var defaultNow = time.Now

// retryTransport is the one place requests are retried.
type retryTransport struct {
	next    http.RoundTripper
	policy  RetryPolicy
	timeout time.Duration // per try: until headers, and the longest silence while reading the body
	whole   time.Duration // per try: the whole request, answer included
	log     *slog.Logger
	sleep   func(ctx context.Context, d time.Duration) error
}

// idempotent is a method's own answer to "no harm sent twice", the default
// gen/opsgen gives an operation the spec says nothing of (see repeatable).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryableStatus narrows mayRetry for the transport's immediate retries to
// the statuses a gateway or a rate limiter gives: a 500 is mostly the
// server's own failure, and the hosted service's 500 maintenance page is
// for the runtime-host fallback (worthRuntimeHost).
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// notSent reports whether err proves the request never left this machine:
// the connection could not be made.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if cc, ok := ctx.Value(callKey{}).(*callConfig); ok { // one call's own policy and timeouts
		own := *t
		own.policy, own.timeout, own.whole = cc.retry, cc.timeout, cc.requestTimeout
		t = &own
	}
	attempts := max(t.policy.MaxAttempts, 1)
	for attempt := 1; ; attempt++ {
		try := req
		if attempt > 1 {
			var err error
			if try, err = rewind(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.once(try)
		last := attempt >= attempts
		switch {
		case err != nil:
			if last || ctx.Err() != nil || !(repeatable(req) || notSent(err)) || !rewindable(req) {
				return nil, err
			}
			t.log.DebugContext(ctx, "openhands: retrying after a connection error",
				"method", req.Method, "path", req.URL.Path, "attempt", attempt, "error", err.Error())
			if err := t.sleep(ctx, t.backoff(attempt)); err != nil {
				return nil, err
			}
		case retryableStatus(resp.StatusCode) && repeatable(req) && !last && rewindable(req):
			wait := t.backoff(attempt)
			if hint := retryAfter(resp.Header, defaultNow()); hint > 0 {
				wait = min(hint, t.policy.MaxRetryAfter)
			}
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
				return tried(resp, attempt), nil // waiting would outlive the caller: hand back the answer
			}
			drain(resp.Body)
			t.log.DebugContext(ctx, "openhands: retrying",
				"method", req.Method, "path", req.URL.Path, "status", resp.StatusCode, "attempt", attempt, "wait", wait)
			if err := t.sleep(ctx, wait); err != nil {
				return nil, err
			}
		default:
			if resp.StatusCode >= 500 {
				resp.Body = &dropIdleOnClose{ReadCloser: resp.Body, next: t.next}
			}
			return tried(resp, attempt), nil
		}
	}
}

// tried marks resp as the answer to the tries-th sending of its request.
func tried(resp *http.Response, tries int) *http.Response {
	if tries > 1 {
		resp.Body = &triedBody{ReadCloser: resp.Body, tries: tries}
	}
	return resp
}

// dropIdleOnClose closes the transport's idle connections once a 5xx
// answer's body is closed. A server that failed with an unhandled exception
// (uvicorn's 500 "Internal Server Error") closes the connection after its
// answer; reused at once for the next request, it resets, and a POST that
// met it could not be retried. Dropping the idle connections sends the next
// request on a fresh one.
type dropIdleOnClose struct {
	io.ReadCloser
	next http.RoundTripper
}

func (b *dropIdleOnClose) Close() error {
	err := b.ReadCloser.Close()
	closeIdle(b.next)
	return err
}

// closeIdle closes rt's idle connections, if it keeps any.
func closeIdle(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// CloseIdleConnections closes the idle connections of the transport below
// (http.Client.CloseIdleConnections reaches it through here).
func (t *retryTransport) CloseIdleConnections() { closeIdle(t.next) }

// once sends one try with the per-try timeout and the whole-request bound:
// the answer's headers must come within the timeout, the body may not stall
// for longer than it, and the whole try may not outlast the bound.
func (t *retryTransport) once(req *http.Request) (*http.Response, error) {
	if t.timeout <= 0 && t.whole <= 0 {
		return t.next.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	var silence, whole *time.Timer
	if t.timeout > 0 {
		silence = time.AfterFunc(t.timeout, func() { cancel(errTryTimeout) })
	}
	if t.whole > 0 {
		whole = time.AfterFunc(t.whole, func() { cancel(errRequestTimeout) })
	}
	stop := func() {
		if silence != nil {
			silence.Stop()
		}
		if whole != nil {
			whole.Stop()
		}
	}
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		stop()
		if req.Context().Err() == nil {
			err = t.timedOut(context.Cause(ctx), "waiting for the answer", err)
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &watchedBody{ReadCloser: resp.Body, t: t, timer: silence, stop: stop, cancel: cancel, ctx: ctx, parent: req.Context()}
	if silence != nil {
		silence.Reset(t.timeout)
	}
	return resp, nil
}

// timedOut describes err as the timeout that caused it, if one did.
func (t *retryTransport) timedOut(cause error, what string, err error) error {
	switch cause {
	case errTryTimeout:
		return &timeoutError{what: what, d: t.timeout, err: err}
	case errRequestTimeout:
		return &timeoutError{what: what, d: t.whole, whole: true, err: err}
	}
	return err
}

var (
	errTryTimeout     = errors.New("per-try timeout")
	errRequestTimeout = errors.New("request timeout")
)

// timeoutError is a per-try timeout or the whole-request bound; it is a
// net.Error with Timeout() true.
type timeoutError struct {
	what  string
	d     time.Duration
	whole bool // the whole-request bound, not a silence
	err   error
}

func (e *timeoutError) Error() string {
	if e.whole {
		return "openhands: the request took longer than " + e.d.String() + " in all (the bound of one request) " + e.what
	}
	return "openhands: no progress for " + e.d.String() + " " + e.what
}
func (e *timeoutError) Unwrap() error { return e.err }
func (e *timeoutError) Timeout() bool { return true }
func (e *timeoutError) Temporary() bool {
	return true
}

// watchedBody re-arms the per-try timer on every read, so a body that keeps
// flowing may take as long as it needs (up to the whole-request bound)
// while a stalled one is cut off.
type watchedBody struct {
	io.ReadCloser
	t      *retryTransport
	timer  *time.Timer // nil without a per-try timeout
	stop   func()
	cancel context.CancelCauseFunc
	ctx    context.Context
	parent context.Context
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && b.timer != nil {
		b.timer.Reset(b.t.timeout)
	}
	if err != nil && err != io.EOF && b.parent.Err() == nil {
		err = b.t.timedOut(context.Cause(b.ctx), "reading the answer", err)
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.stop()
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}

// rewindable reports whether req's body can be sent again.
func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// rewind returns a copy of req with a fresh body for another try.
func rewind(req *http.Request) (*http.Request, error) {
	out := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		out.Body = body
	}
	return out, nil
}

// drain reads a little of a discarded body so the connection can be reused,
// then closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	body.Close()
}

// backoff is exponential with full jitter: a random wait in [min, min*2^(n-1)], capped.
func (t *retryTransport) backoff(attempt int) time.Duration {
	lo, hi := t.policy.MinBackoff, t.policy.MaxBackoff
	if lo <= 0 {
		return 0
	}
	ceil := lo << min(attempt-1, 20)
	if hi > 0 && ceil > hi {
		ceil = hi
	}
	if ceil <= lo {
		return lo
	}
	return lo + rand.N(ceil-lo)
}

// retryAfter reads Retry-After (seconds or an HTTP date) or, failing that,
// X-RateLimit-Reset (seconds, or a Unix time).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			return time.Duration(secs * float64(time.Second))
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0)
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			if secs > 1e9 { // a Unix time
				return max(time.Unix(int64(secs), 0).Sub(now), 0)
			}
			return time.Duration(secs * float64(time.Second))
		}
	}
	return 0
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
