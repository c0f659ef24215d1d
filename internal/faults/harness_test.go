package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Timings of every cell: a small per-try timeout and fast retries, so the
// whole matrix runs in seconds. The simulator's slow faults are well beyond
// the per-try timeout, its Retry-After values tiny.
const (
	tryTimeout   = 500 * time.Millisecond
	cellDeadline = 10 * time.Second
	// hangGrace is how long after its deadline a cell may still be running
	// before the matrix declares it hung.
	hangGrace     = 5 * time.Second
	maxAttempts   = 4
	retryAfterCap = 200 * time.Millisecond
)

// fastRetry is the matrix's retry policy: the default's shape with tiny waits.
func fastRetry() wrapper.RetryPolicy {
	return wrapper.RetryPolicy{MaxAttempts: maxAttempts, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, MaxRetryAfter: retryAfterCap}
}

// env is one cell's world: a fresh simulator on its own loopback server, a
// client with the matrix's timings, and the conversations the operations use.
type env struct {
	t       *testing.T
	sim     *sim.Server
	ts      *httptest.Server
	client  *wrapper.Client
	counter *countingTransport
	// running are RUNNING conversations created for the cell (one per
	// operation that needs its own); stopped is a STOPPED seeded one, live
	// the first RUNNING one listed.
	running []string
	stopped string
	live    string
	// listed is every V0 conversation the server lists before any fault.
	listed []string
}

// newEnv starts a seeded simulator in mode oss (a standalone install: the
// runtime host of a conversation is the app host itself) and a client.
func newEnv(t *testing.T, running int) *env {
	t.Helper()
	s := sim.New(sim.WithSampleData(), sim.WithTiming(0, time.Hour))
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	e := &env{t: t, sim: s, ts: ts, counter: newCountingTransport()}
	t.Cleanup(e.counter.base.CloseIdleConnections)
	var err error
	e.client, err = wrapper.New(wrapper.WithBaseURL(ts.URL), wrapper.WithTimeout(tryTimeout),
		wrapper.WithRetry(fastRetry()), wrapper.WithTransport(e.counter))
	if err != nil {
		t.Fatal(err)
	}
	// The set-up uses the same connections with the default timeout: a
	// loaded machine must not fail it.
	setup, err := wrapper.New(wrapper.WithBaseURL(ts.URL), wrapper.WithTransport(e.counter))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range running {
		resp, err := setup.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "Count the lines of README.md"})
		if err != nil {
			t.Fatal(err)
		}
		e.running = append(e.running, resp.ConversationID)
	}
	all, err := setup.ListConversations(ctx, wrapper.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		e.listed = append(e.listed, c.ConversationID)
		if c.Status == api.ConversationStatusStopped && e.stopped == "" {
			e.stopped = c.ConversationID
		}
		if c.Status == api.ConversationStatusRunning && e.live == "" {
			e.live = c.ConversationID
		}
	}
	if e.stopped == "" || e.live == "" {
		t.Fatal("the seed data has no STOPPED or no RUNNING conversation")
	}
	s.ResetArrivals()
	e.counter.reset()
	return e
}

// settle closes the cell's server, which waits for every handler to return,
// so the arrival log is final, and returns it.
func (e *env) settle() []sim.Arrival {
	e.ts.Close()
	return e.sim.Arrivals()
}

// reopen serves the same simulator again (after settle) for checks of its state.
func (e *env) reopen() *wrapper.Client {
	ts := httptest.NewServer(e.sim)
	e.t.Cleanup(ts.Close)
	c, err := wrapper.New(wrapper.WithBaseURL(ts.URL), wrapper.WithRetry(wrapper.NoRetry()))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// countingTransport counts the body bytes the client really reads, per
// answer, to prove an oversized error body is never read whole.
type countingTransport struct {
	base *http.Transport
	mu   sync.Mutex
	// maxRead is the most bytes read of one answer announcing at least
	// bigBody bytes; bigSeen counts such answers.
	maxRead, bigSeen int64
	total            atomic.Int64
}

// bigBody is the size from which an answer counts as oversized.
const bigBody = 1 << 20

func newCountingTransport() *countingTransport {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DisableCompression = true
	return &countingTransport{base: base}
}

func (c *countingTransport) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maxRead, c.bigSeen = 0, 0
	c.total.Store(0)
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, owner: c, big: resp.ContentLength >= bigBody}
	return resp, nil
}

type countedBody struct {
	io.ReadCloser
	owner *countingTransport
	big   bool
	n     int64
	once  sync.Once
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	b.owner.total.Add(int64(n))
	return n, err
}

func (b *countedBody) Close() error {
	b.once.Do(func() {
		if !b.big {
			return
		}
		b.owner.mu.Lock()
		defer b.owner.mu.Unlock()
		b.owner.bigSeen++
		b.owner.maxRead = max(b.owner.maxRead, b.n)
	})
	return b.ReadCloser.Close()
}

// bigReads returns how many oversized answers were closed and the most bytes
// read of one.
func (c *countingTransport) bigReads() (seen, maxRead int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bigSeen, c.maxRead
}

// errorKind names an error the way the matrix states outcomes: the wrapper's
// sentinels an *APIError matches, joined by "+", or the transport failure.
func errorKind(err error) string {
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		var names []string
		for _, s := range sentinels {
			if errors.Is(err, s.err) {
				names = append(names, s.name)
			}
		}
		if len(names) == 0 {
			return fmt.Sprintf("APIError %d (no sentinel)", apiErr.StatusCode)
		}
		return strings.Join(names, "+")
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case isConnError(err):
		return "conn error"
	}
	return "untyped: " + err.Error()
}

var sentinels = []struct {
	name string
	err  error
}{
	{"ErrNotFound", wrapper.ErrNotFound},
	{"ErrUnauthorized", wrapper.ErrUnauthorized},
	{"ErrForbidden", wrapper.ErrForbidden},
	{"ErrRateLimited", wrapper.ErrRateLimited},
	{"ErrValidation", wrapper.ErrValidation},
	{"ErrServer", wrapper.ErrServer},
	{"ErrMaintenance", wrapper.ErrMaintenance},
	{"ErrNotV0", wrapper.ErrNotV0},
	{"ErrRuntimeUnavailable", wrapper.ErrRuntimeUnavailable},
	{"ErrUnexpectedResponse", wrapper.ErrUnexpectedResponse},
}

// isConnError reports a connection broken by the server: a reset, an EOF
// before or inside the answer.
func isConnError(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection reset") || strings.Contains(msg, "EOF") || strings.Contains(msg, "broken pipe")
}

// heapInUse returns the bytes of live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// totalAlloc returns the bytes allocated since the program started.
func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// guarded runs fn under a context with cellDeadline, turning a panic into an
// error, and fails the test when fn is still running hangGrace after the
// deadline. It returns fn's error and whether fn returned before the deadline.
func guarded(t *testing.T, fn func(ctx context.Context) error) (err error, inTime bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cellDeadline)
	defer cancel()
	deadline, _ := ctx.Deadline()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("PANIC: %v", p)
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err = <-done:
		return err, time.Now().Before(deadline)
	case <-time.After(cellDeadline + hangGrace):
		t.Fatalf("the operation still runs %s after its deadline: it hangs", hangGrace)
		return nil, false
	}
}
