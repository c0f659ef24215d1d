package faults

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// EnvLoad selects the full load test (64 goroutines x 500 calls); without
// it, or with -short, TestLoad runs a small version that proves the same
// properties.
const EnvLoad = "OPENHANDS_V0_LOAD"

// loadStep is how far the simulator's clock moves per request. Its hosted
// rate limit allows 100 requests a minute per API key; at 480ms a request a
// simulated minute holds 125, so whatever the machine's speed the limiter
// refuses about one request in five, all along the run.
const loadStep = 480 * time.Millisecond

// loadRetry is the load test's policy: enough tries to get through a
// rate-limit window. The server's Retry-After is in simulated seconds,
// which pass with requests, not with waiting: the cap keeps the real wait short.
func loadRetry() wrapper.RetryPolicy {
	return wrapper.RetryPolicy{MaxAttempts: 10, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		MaxRetryAfter: 5 * time.Millisecond}
}

// loadCallDeadline bounds each call, its retries included.
const loadCallDeadline = 30 * time.Second

// loadTally is what the workers saw.
type loadTally struct {
	calls, ok, typed atomic.Int64
	createOK         atomic.Int64
	createFailed     atomic.Int64
	late             atomic.Int64
	mu               sync.Mutex
	kinds            map[string]int
	created          []string
	untyped          []string
	lost             []string
}

func (l *loadTally) note(list *[]string, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(*list) < 5 {
		*list = append(*list, s)
	}
}

// TestLoad runs many goroutines of mixed calls (create, get, list, events)
// against the simulator in hosted mode with its rate limiter on, under one
// API key. Every call must succeed or fail with a typed error within its
// deadline; every create the server processed must be one the client saw
// succeed (no duplicate, none lost), every create refused must have failed
// typed, and every created conversation must be listed afterwards.
func TestLoad(t *testing.T) {
	workers, calls := 8, 50
	if os.Getenv(EnvLoad) == "1" && !testing.Short() {
		workers, calls = 64, 500
	}
	// The hosted simulator without WithAPIKey takes any key and limits each
	// on its own: the workers share one, the checks use another.
	const apiKey, checkKey = "load-test-api-key-0123456789", "load-test-check-key-0123456789"
	s := sim.New(sim.WithMode(sim.ModeHosted), sim.WithRateLimit(true), sim.WithSampleData(),
		sim.WithClock(sim.NewStepClock(sim.DefaultEpoch, loadStep)))
	ts := httptest.NewServer(s)
	defer ts.Close()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = workers
	defer transport.CloseIdleConnections()
	client, err := wrapper.New(wrapper.WithBaseURL(ts.URL), wrapper.WithAPIKey(apiKey), wrapper.WithTransport(transport),
		wrapper.WithTimeout(10*time.Second), wrapper.WithRetry(loadRetry()), wrapper.WithHostPolicy(wrapper.HostApp))
	if err != nil {
		t.Fatal(err)
	}
	checker, err := wrapper.New(wrapper.WithBaseURL(ts.URL), wrapper.WithAPIKey(checkKey), wrapper.WithTransport(transport),
		wrapper.WithRetry(loadRetry()))
	if err != nil {
		t.Fatal(err)
	}
	seeded := listAll(t, checker)
	s.ResetArrivals()

	peak := watchHeap(t)
	start := time.Now()
	tally := loadTally{kinds: map[string]int{}}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { loadWorker(client, w, calls, seeded, &tally) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	maxHeap := peak()
	// With the clients done, the live heap is the simulator's state (the
	// conversations created, the request log): the clients' share of the
	// peak is what lies above it.
	simHeap := heapInUse()

	arrivals := s.Arrivals()
	listedAfter := listAll(t, checker)
	var creates, createsDone, createsRefused, limited int
	for _, a := range arrivals {
		if a.Status == http.StatusTooManyRequests {
			limited++
		}
		if a.Method == http.MethodPost && a.Path == "/api/conversations" {
			creates++
			switch a.Status {
			case http.StatusOK:
				createsDone++
			case http.StatusTooManyRequests:
				createsRefused++
			}
		}
	}
	total := int64(workers * calls)
	requests := len(arrivals)
	figures := fmt.Sprintf("load: %d goroutines x %d calls = %d calls in %s (%.0f calls/s), hosted simulator, rate limit on\n"+
		"  results:  %d ok, %d failed typed %v, %d untyped, %d past their deadline\n"+
		"  requests: %d (%d retries), %d answered 429\n"+
		"  creates:  %d ok + %d failed typed; %d arrived: %d processed, %d refused with 429\n"+
		"  memory:   peak heap %.1f MiB (simulator and clients in one process; %.1f MiB of it is the simulator's state after the run)",
		workers, calls, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		tally.ok.Load(), tally.typed.Load(), tally.kinds, len(tally.untyped), tally.late.Load(),
		requests, requests-int(total), limited,
		tally.createOK.Load(), tally.createFailed.Load(), creates, createsDone, createsRefused,
		float64(maxHeap)/(1<<20), float64(simHeap)/(1<<20))
	t.Log(figures)
	writeReport(t, "load.txt", figures+"\n")

	if got := tally.calls.Load(); got != total || tally.ok.Load()+tally.typed.Load() != total {
		t.Errorf("%d calls made, %d returned ok and %d typed errors: want %d in all (lost results)", got, tally.ok.Load(), tally.typed.Load(), total)
	}
	if len(tally.untyped) > 0 {
		t.Errorf("untyped errors: %q", tally.untyped)
	}
	if n := tally.late.Load(); n > 0 {
		t.Errorf("%d calls returned after their deadline", n)
	}
	if len(tally.lost) > 0 {
		t.Errorf("a created conversation was not found afterwards: %q", tally.lost)
	}
	if createsDone != int(tally.createOK.Load()) {
		t.Errorf("the server processed %d creates, the clients saw %d succeed: a duplicate or a lost create", createsDone, tally.createOK.Load())
	}
	if creates != int(tally.createOK.Load()+tally.createFailed.Load()) {
		t.Errorf("%d creates arrived for %d create calls: a POST was sent twice", creates, tally.createOK.Load()+tally.createFailed.Load())
	}
	if uniq := len(slices.Compact(slices.Sorted(slices.Values(tally.created)))); uniq != len(tally.created) {
		t.Errorf("%d creates answered %d distinct ids", len(tally.created), uniq)
	}
	if want := len(seeded) + len(tally.created); len(listedAfter) != want {
		t.Errorf("the server lists %d conversations, want %d (%d seeded + %d created)", len(listedAfter), want, len(seeded), len(tally.created))
	}
	for _, id := range tally.created {
		if !slices.Contains(listedAfter, id) {
			t.Errorf("created conversation %s is not listed", id)
			break
		}
	}
	if limited == 0 {
		t.Error("the rate limiter never answered 429: the load did not test it")
	}
}

// loadWorker makes calls calls, a mix of one create in ten, gets of the
// conversations it created, first list pages and event pages.
func loadWorker(c *wrapper.Client, worker, calls int, seeded []string, tally *loadTally) {
	var mine []string
	target := func(i int) string {
		if len(mine) > 0 && i%2 == 0 {
			return mine[i%len(mine)]
		}
		return seeded[(worker+i)%len(seeded)]
	}
	for i := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), loadCallDeadline)
		deadline, _ := ctx.Deadline()
		var err error
		var op string
		kind := i % 10
		switch {
		case kind == 0:
			op = "create"
			var resp *api.ConversationResponse
			resp, err = c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: fmt.Sprintf("worker %d task %d", worker, i)})
			if err == nil {
				mine = append(mine, resp.ConversationID)
				tally.mu.Lock()
				tally.created = append(tally.created, resp.ConversationID)
				tally.mu.Unlock()
				tally.createOK.Add(1)
			} else if typedError(err) {
				tally.createFailed.Add(1)
			}
		case kind <= 4:
			op = "get"
			id := target(i)
			_, err = c.GetConversation(ctx, id)
			if errors.Is(err, wrapper.ErrNotFound) {
				tally.note(&tally.lost, id)
			}
		case kind <= 6:
			op = "list"
			_, err = c.ListConversations(ctx, wrapper.ListOptions{PageSize: 10, Max: 10})
		default:
			op = "events"
			_, err = c.GetEvents(ctx, target(i), wrapper.EventsQuery{Limit: ptr(20)})
		}
		if time.Now().After(deadline) {
			tally.late.Add(1)
		}
		cancel()
		tally.calls.Add(1)
		switch {
		case err == nil:
			tally.ok.Add(1)
		case typedError(err):
			tally.typed.Add(1)
			tally.mu.Lock()
			tally.kinds[op+": "+errorKind(err)]++
			tally.mu.Unlock()
		default:
			tally.note(&tally.untyped, err.Error())
		}
	}
}

func ptr[T any](v T) *T { return &v }

// typedError reports an error a caller can act on by type: an *APIError
// (with its sentinels) or a network error (timeouts included).
func typedError(err error) bool {
	var apiErr *wrapper.APIError
	var netErr net.Error
	return errors.As(err, &apiErr) || errors.As(err, &netErr)
}

// listAll lists every V0 conversation id, retrying through the rate limit.
func listAll(t *testing.T, c *wrapper.Client) []string {
	t.Helper()
	all, err := c.ListConversations(context.Background(), wrapper.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(all))
	for _, conv := range all {
		ids = append(ids, conv.ConversationID)
	}
	return ids
}

// watchHeap samples the heap until the returned function is called, which
// returns the peak HeapInuse seen.
func watchHeap(t *testing.T) func() uint64 {
	t.Helper()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak.Load()
	}
}
