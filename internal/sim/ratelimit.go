package sim

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// The upstream limits.
const (
	// ossWindow and ossLimit: InMemoryRateLimiter(requests=10, seconds=1);
	// more than twice the limit in the window is refused.
	ossWindow = time.Second
	ossLimit  = 10
)

// hostedLimits is the hosted service's "10/second; 100/minute", checked in order.
var hostedLimits = []struct {
	amount      int
	period      time.Duration
	description string
}{
	{10, time.Second, "10 per 1 second"},
	{100, time.Minute, "100 per 1 minute"},
}

type limiter struct {
	mu    sync.Mutex
	ips   map[string][]time.Time
	users map[string][]window
}

// window is one fixed window, starting at its first hit (Redis INCR + EXPIRE).
type window struct {
	start time.Time
	hits  int
}

func newLimiter() limiter {
	return limiter{ips: map[string][]time.Time{}, users: map[string][]window{}}
}

// allowIP is the self-hosted per-IP limiter: a one-second sliding window;
// past 20 requests it answers 429 {"message":"Too many requests"} with
// Retry-After: 1. (Upstream delays requests 11 to 20 by a second; the
// simulator lets them through at once.)
func (l *limiter) allowIP(w http.ResponseWriter, r *http.Request, now time.Time) bool {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	l.mu.Lock()
	cutoff := now.Add(-ossWindow)
	hist := l.ips[ip][:0]
	for _, t := range l.ips[ip] {
		if t.After(cutoff) {
			hist = append(hist, t)
		}
	}
	hist = append(hist, now)
	l.ips[ip] = hist
	refused := len(hist) > 2*ossLimit
	l.mu.Unlock()
	if refused {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, api.RateLimitError{Message: "Too many requests"})
	}
	return !refused
}

// allowUser is the hosted per-user limiter: fixed windows of 10 per second
// and 100 per minute; when one is exceeded it answers 429
// {"error":"Rate limit exceeded: <limit>"} with X-RateLimit-Limit (the
// limit's description), X-RateLimit-Remaining, X-RateLimit-Reset (when the
// window ends, in Unix seconds) and Retry-After (seconds until then).
func (l *limiter) allowUser(w http.ResponseWriter, key string, now time.Time) bool {
	l.mu.Lock()
	wins := l.users[key]
	if wins == nil {
		wins = make([]window, len(hostedLimits))
		l.users[key] = wins
	}
	// Each limit counts the hit in turn; the first one exceeded refuses the
	// request, and the limits after it do not count it (upstream raises there).
	for i, lim := range hostedLimits {
		if wins[i].start.IsZero() || !now.Before(wins[i].start.Add(lim.period)) {
			wins[i] = window{start: now}
		}
		wins[i].hits++
		if wins[i].hits <= lim.amount {
			continue
		}
		reset := wins[i].start.Add(lim.period)
		l.mu.Unlock()
		h := w.Header()
		h.Set("X-RateLimit-Limit", lim.description)
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		h.Set("Retry-After", strconv.Itoa(int(reset.Sub(now).Seconds())))
		writeJSON(w, http.StatusTooManyRequests, api.RateLimitError{Error: "Rate limit exceeded: " + lim.description})
		return false
	}
	l.mu.Unlock()
	return true
}
