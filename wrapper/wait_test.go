package wrapper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

// stepClock is a waitClock whose After moves the time on at once: Wait's
// polls follow each other without sleeping, on a clock that says how long a
// real Wait would have taken.
type stepClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newStepClock() *stepClock {
	return &stepClock{now: time.Date(2026, 1, 27, 12, 0, 0, 0, time.UTC)}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *stepClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// pollScript answers getConversation with one step per poll, the last step
// repeating: a status, or a function writing any answer.
type pollScript struct {
	mu    sync.Mutex
	steps []any
	polls int
}

func (p *pollScript) serve(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/api/conversations/"+stubConvID {
		return false
	}
	p.mu.Lock()
	step := p.steps[min(p.polls, len(p.steps)-1)]
	p.polls++
	p.mu.Unlock()
	switch s := step.(type) {
	case api.ConversationStatus:
		stubJSON(w, http.StatusOK, api.ConversationInfo{ConversationID: stubConvID, Status: s, RuntimeStatus: runtimeFor(s)})
	case func(http.ResponseWriter):
		s(w)
	}
	return true
}

func (p *pollScript) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.polls
}

func runtimeFor(s api.ConversationStatus) api.RuntimeStatus {
	if s == api.ConversationStatusRunning {
		return api.RuntimeStatusReady
	}
	return ""
}

// waitRun is what one Wait against a script returned and did.
type waitRun struct {
	info   *api.ConversationInfo
	err    error
	script *pollScript
	clock  *stepClock
}

// waitOn runs Wait against a script, on a step clock.
func waitOn(t *testing.T, ctx context.Context, steps []any, opts ...Option) waitRun {
	t.Helper()
	f := newFakeV0(t)
	run := waitRun{script: &pollScript{steps: steps}, clock: newStepClock()}
	f.setHook(run.script.serve)
	run.info, run.err = f.client().Wait(ctx, stubConvID, append([]Option{withClock(run.clock)}, opts...)...)
	return run
}

func status503(w http.ResponseWriter) {
	stubJSON(w, http.StatusServiceUnavailable, map[string]string{"detail": "Service Unavailable"})
}

func TestWaitEndsOnEveryTerminalStatus(t *testing.T) {
	for _, end := range []api.ConversationStatus{api.ConversationStatusStopped, api.ConversationStatusArchived, api.ConversationStatusError} {
		t.Run(string(end), func(t *testing.T) {
			var seen []api.ConversationStatus
			run := waitOn(t, context.Background(),
				[]any{api.ConversationStatusStarting, api.ConversationStatusRunning, api.ConversationStatusRunning, api.ConversationStatusRunning, end},
				WithStatusCallback(func(ci api.ConversationInfo) { seen = append(seen, ci.Status) }))
			if run.err != nil {
				t.Fatal(run.err)
			}
			if run.info.Status != end {
				t.Errorf("Wait returned status %s, want %s", run.info.Status, end)
			}
			if run.script.count() != 5 {
				t.Errorf("%d polls, want 5", run.script.count())
			}
			if want := []api.ConversationStatus{api.ConversationStatusStarting, api.ConversationStatusRunning, end}; !slices.Equal(seen, want) {
				t.Errorf("callback saw %v, want each change once: %v", seen, want)
			}
			if want := slices.Repeat([]time.Duration{DefaultPollInterval}, 4); !slices.Equal(run.clock.slept(), want) {
				t.Errorf("waits = %v, want %v", run.clock.slept(), want)
			}
		})
	}
}

func TestWaitAlreadyStopped(t *testing.T) {
	calls := 0
	run := waitOn(t, context.Background(), []any{api.ConversationStatusStopped},
		WithStatusCallback(func(api.ConversationInfo) { calls++ }))
	if run.err != nil || run.info.Status != api.ConversationStatusStopped {
		t.Fatalf("Wait = %v, %v", run.info, run.err)
	}
	if run.script.count() != 1 || len(run.clock.slept()) != 0 || calls != 1 {
		t.Errorf("polls %d, waits %v, callbacks %d; want 1 poll, no wait, 1 callback", run.script.count(), run.clock.slept(), calls)
	}
}

func TestWaitCallbackSeesRuntimeStatusChanges(t *testing.T) {
	var seen []string
	runtimeStep := func(rs api.RuntimeStatus) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			stubJSON(w, http.StatusOK, api.ConversationInfo{ConversationID: stubConvID, Status: api.ConversationStatusStarting, RuntimeStatus: rs})
		}
	}
	run := waitOn(t, context.Background(), []any{
		runtimeStep(api.RuntimeStatusBuildingRuntime), runtimeStep(api.RuntimeStatusBuildingRuntime),
		runtimeStep(api.RuntimeStatusStartingRuntime), api.ConversationStatusStopped,
	}, WithStatusCallback(func(ci api.ConversationInfo) { seen = append(seen, string(ci.Status)+"/"+string(ci.RuntimeStatus)) }))
	if run.err != nil {
		t.Fatal(run.err)
	}
	want := []string{"STARTING/STATUS$BUILDING_RUNTIME", "STARTING/STATUS$STARTING_RUNTIME", "STOPPED/"}
	if !slices.Equal(seen, want) {
		t.Errorf("callback saw %q, want %q", seen, want)
	}
}

// hijackClose drops the connection without an answer.
func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// cutBody promises a JSON body and closes the connection half way through it.
func cutBody(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "200")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"conversation_id":"`))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	hijackClose(w)
}

func TestWaitRidesOutTransientFailures(t *testing.T) {
	steps := []any{
		api.ConversationStatusRunning,
		status503,
		func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			stubJSON(w, http.StatusTooManyRequests, map[string]string{"detail": "Too many requests"})
		},
		func(w http.ResponseWriter) { stubRaw(w, http.StatusInternalServerError, "text/html", maintenancePage) },
		func(w http.ResponseWriter) { stubRaw(w, http.StatusBadGateway, "text/plain", "Bad Gateway") },
		hijackClose,
		cutBody,
		api.ConversationStatusRunning,
		api.ConversationStatusStopped,
	}
	var seen []api.ConversationStatus
	run := waitOn(t, context.Background(), steps,
		WithStatusCallback(func(ci api.ConversationInfo) { seen = append(seen, ci.Status) }))
	if run.err != nil {
		t.Fatalf("Wait = %v; transient failures must not end it", run.err)
	}
	if run.info.Status != api.ConversationStatusStopped || run.script.count() != len(steps) {
		t.Errorf("status %s after %d polls, want STOPPED after %d", run.info.Status, run.script.count(), len(steps))
	}
	if want := []api.ConversationStatus{api.ConversationStatusRunning, api.ConversationStatusStopped}; !slices.Equal(seen, want) {
		t.Errorf("callback saw %v, want %v (failed polls are no change)", seen, want)
	}
}

func TestWaitStopsOnFatalErrors(t *testing.T) {
	cases := []struct {
		name string
		step func(http.ResponseWriter)
		want error
	}{
		{"200 null", func(w http.ResponseWriter) { stubRaw(w, http.StatusOK, "application/json", "null") }, ErrNotFound},
		{"401", func(w http.ResponseWriter) {
			stubJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Unauthorized"})
		}, ErrUnauthorized},
		{"403", func(w http.ResponseWriter) {
			stubJSON(w, http.StatusForbidden, map[string]string{"detail": "Forbidden"})
		}, ErrForbidden},
		{"web app HTML", func(w http.ResponseWriter) { stubRaw(w, http.StatusOK, "text/html", spaPage) }, ErrNotV0},
		{"405", func(w http.ResponseWriter) {
			stubJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": "Method Not Allowed"})
		}, ErrNotV0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := waitOn(t, context.Background(), []any{api.ConversationStatusRunning, tc.step, api.ConversationStatusStopped})
			if !errors.Is(run.err, tc.want) {
				t.Fatalf("Wait = %v, want %v", run.err, tc.want)
			}
			if run.script.count() != 2 {
				t.Errorf("%d polls, want 2: a fatal answer ends Wait at once", run.script.count())
			}
			if run.info == nil || run.info.Status != api.ConversationStatusRunning {
				t.Errorf("Wait returned %+v with the error, want the last conversation seen (RUNNING)", run.info)
			}
		})
	}
}

func TestWaitTimeout(t *testing.T) {
	run := waitOn(t, context.Background(), []any{api.ConversationStatusStarting, api.ConversationStatusRunning},
		WithPollInterval(7*time.Second), WithWaitTimeout(30*time.Second))
	if !errors.Is(run.err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want an error matching context.DeadlineExceeded", run.err)
	}
	for _, part := range []string{stubConvID, "within 30s", "last status RUNNING"} {
		if !strings.Contains(run.err.Error(), part) {
			t.Errorf("error %q does not say %q", run.err, part)
		}
	}
	if run.info == nil || run.info.Status != api.ConversationStatusRunning {
		t.Errorf("Wait returned %+v with the timeout, want the last conversation seen", run.info)
	}
	// Polls at 0, 7, 14, 21, 28 and, cut short, 30 seconds.
	if want := []time.Duration{7 * time.Second, 7 * time.Second, 7 * time.Second, 7 * time.Second, 2 * time.Second}; !slices.Equal(run.clock.slept(), want) {
		t.Errorf("waits = %v, want %v", run.clock.slept(), want)
	}
	if run.script.count() != 6 {
		t.Errorf("%d polls, want 6", run.script.count())
	}
}

func TestWaitTimeoutSaysTheLastFailure(t *testing.T) {
	run := waitOn(t, context.Background(), []any{status503}, WithWaitTimeout(time.Minute))
	if !errors.Is(run.err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want DeadlineExceeded", run.err)
	}
	if run.info != nil {
		t.Errorf("Wait returned %+v, want nil: no poll succeeded", run.info)
	}
	for _, part := range []string{"last status none seen", "last poll failed", "503"} {
		if !strings.Contains(run.err.Error(), part) {
			t.Errorf("error %q does not say %q", run.err, part)
		}
	}
}

func TestWaitWithoutTimeoutKeepsPolling(t *testing.T) {
	steps := append(slices.Repeat([]any{api.ConversationStatusRunning}, 400), api.ConversationStatusStopped)
	run := waitOn(t, context.Background(), steps, WithWaitTimeout(0), WithPollInterval(10*time.Second))
	if run.err != nil || run.info.Status != api.ConversationStatusStopped || run.script.count() != 401 {
		t.Errorf("Wait = %v, %v after %d polls; want STOPPED after 401 (more than an hour at 10s)", run.info, run.err, run.script.count())
	}
}

func TestWaitContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := waitOn(t, ctx, []any{api.ConversationStatusRunning},
		WithStatusCallback(func(api.ConversationInfo) { cancel() }))
	if !errors.Is(run.err, context.Canceled) || errors.Is(run.err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want context.Canceled only", run.err)
	}
	if run.info == nil || run.script.count() != 1 {
		t.Errorf("run.info %+v after %d polls, want the first poll's conversation", run.info, run.script.count())
	}
}

func TestWaitContextDeadlineIsNotCalledTheTimeout(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	run := waitOn(t, ctx, []any{api.ConversationStatusRunning})
	if !errors.Is(run.err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want DeadlineExceeded", run.err)
	}
	if strings.Contains(run.err.Error(), "within") {
		t.Errorf("error %q blames Wait's own timeout for the caller's deadline", run.err)
	}
}

func TestWaitRefusesBadOptions(t *testing.T) {
	f := newFakeV0(t)
	c := f.client()
	for name, opts := range map[string][]Option{
		"zero interval":    {WithPollInterval(0)},
		"negative timeout": {WithWaitTimeout(-time.Second)},
	} {
		if _, err := c.Wait(context.Background(), stubConvID, opts...); !errors.Is(err, ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", name, err)
		}
	}
	if _, err := c.Wait(context.Background(), "bad/id"); !errors.Is(err, ErrValidation) {
		t.Errorf("bad id: %v, want ErrValidation", err)
	}
}

func TestIsTerminal(t *testing.T) {
	for s, want := range map[api.ConversationStatus]bool{
		api.ConversationStatusStopped: true, api.ConversationStatusArchived: true, api.ConversationStatusError: true, "stopped": true,
		api.ConversationStatusStarting: false, api.ConversationStatusRunning: false, "FAILED": false, "CANCELLED": false, "": false,
	} {
		if got := IsTerminal(s); got != want {
			t.Errorf("IsTerminal(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestTransient(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&APIError{kinds: []error{ErrServer, ErrMaintenance}}, true},
		{&APIError{kinds: []error{ErrRateLimited}}, true},
		{&APIError{kinds: []error{ErrNotFound}}, false},
		{&APIError{kinds: []error{ErrNotV0}}, false},
		{&APIError{kinds: []error{ErrUnauthorized}}, false},
		{fmt.Errorf("get: %w", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), true},
		{fmt.Errorf("get: %w", io.EOF), true},
		{&timeoutError{what: "waiting for the answer", d: time.Minute}, true},
		{&net.DNSError{Err: "no such host", Name: "nohost.invalid", IsNotFound: true}, false},
		{&net.DNSError{Err: "server misbehaving", Name: "example.com", IsTemporary: true}, true},
		{errors.New("unsupported protocol scheme"), false},
	}
	for _, tc := range cases {
		if got := mayRetry(tc.err); got != tc.want {
			t.Errorf("mayRetry(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestWaitEndsWhenTheAgentIsDone: a real server keeps a conversation RUNNING
// after its agent finished (the simulator WithKeepRunning does too); Wait
// ends on the agent's finished state, and WithUntilStopped waits on for the
// conversation to stop.
func TestWaitEndsWhenTheAgentIsDone(t *testing.T) {
	clk := sim.NewStepClock(sim.DefaultEpoch, time.Second)
	_, base := simtest.NewServer(t, sim.WithSampleData(), sim.WithKeepRunning(), sim.WithClock(clk), sim.WithTiming(2*time.Second, 10*time.Second))
	c, err := New(WithBaseURL(base), WithRetry(NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	resp, err := c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "Write hello.txt"})
	if err != nil {
		t.Fatal(err)
	}
	bounded, stop := context.WithTimeout(ctx, 30*time.Second) // a Wait that ignored the agent would never end
	defer stop()
	info, err := c.Wait(bounded, resp.ConversationID, WithPollInterval(time.Millisecond), withClock(newStepClock()))
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if info.Status != api.ConversationStatusRunning {
		t.Fatalf("Wait ended on %s; want RUNNING with the agent done", info.Status)
	}
	done, err := c.agentDone(ctx, resp.ConversationID)
	if err != nil || !done {
		t.Fatalf("agent done %v, %v after Wait", done, err)
	}

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = c.Wait(short, resp.ConversationID, WithPollInterval(time.Millisecond), WithUntilStopped())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait WithUntilStopped on a conversation that keeps running: %v; want the context's deadline", err)
	}
}

func TestIsAgentDone(t *testing.T) {
	for state, want := range map[string]bool{"finished": true, "awaiting_user_input": true, "error": true, "rejected": true,
		"stopped": true, "running": false, "loading": false, "init": false, "paused": false, "": false} {
		if got := IsAgentDone(state); got != want {
			t.Errorf("IsAgentDone(%q) = %v, want %v", state, got, want)
		}
	}
}
