package bench_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

// replayServer answers from memory what the simulator answered once for the
// same path and query, so the server's share of a benchmark is a map lookup
// and a write, the same on the raw and the wrapper side. A request it has not
// seen goes to the simulator and is remembered; misses counts those, so a
// benchmark can check that its timed loop never reached the simulator.
type replayServer struct {
	sim    http.Handler
	mu     sync.RWMutex
	bodies map[string][]byte
	misses atomic.Int64
	conns  atomic.Int64
	url    string
}

// newReplayServer starts a loopback server in front of s, closed with tb.
func newReplayServer(tb testing.TB, s http.Handler) *replayServer {
	tb.Helper()
	rs := &replayServer{sim: s, bodies: map[string][]byte{}}
	ts := httptest.NewUnstartedServer(rs)
	ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			rs.conns.Add(1)
		}
	}
	ts.Start()
	tb.Cleanup(ts.Close)
	rs.url = ts.URL
	return rs
}

// key is the path with the query in a canonical order, so the generated
// client and a hand-written URL with the same parameters meet.
func key(r *http.Request) string { return r.URL.Path + "?" + r.URL.Query().Encode() }

func (rs *replayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := key(r)
	rs.mu.RLock()
	body, ok := rs.bodies[k]
	rs.mu.RUnlock()
	if !ok {
		rs.misses.Add(1)
		rec := httptest.NewRecorder()
		rs.sim.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			for name, v := range rec.Header() {
				w.Header()[name] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		body = rec.Body.Bytes()
		rs.mu.Lock()
		rs.bodies[k] = body
		rs.mu.Unlock()
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = w.Write(body)
}

// newSim is a simulator in OSS mode (no auth, no rate limit) whose
// conversations stay RUNNING for the length of any benchmark.
func newSim() *sim.Server {
	return sim.New(sim.WithTiming(0, 24*time.Hour))
}
