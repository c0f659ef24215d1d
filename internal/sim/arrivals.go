package sim

import (
	"strings"
	"sync"
	"time"
)

// Arrival is one request the simulator received.
type Arrival struct {
	// Time is the simulator's clock when the request arrived.
	Time time.Time
	// Method and Path (host-relative: a runtime host's prefix is removed).
	Method string
	Path   string
	// Host is the host kind, RuntimeID the runtime host's id.
	Host      HostKind
	RuntimeID string
	// Status is the status sent; 0 while in flight, or when the connection
	// was reset before any header.
	Status int
	// Fault is the fault applied, "" for none.
	Fault FaultKind
}

type arrivalLog struct {
	mu   sync.Mutex
	list []Arrival
}

func (l *arrivalLog) add(a Arrival) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, a)
	return len(l.list) - 1
}

func (l *arrivalLog) setStatus(i, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < len(l.list) {
		l.list[i].Status = status
	}
}

func (l *arrivalLog) setFault(i int, k FaultKind) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < len(l.list) {
		l.list[i].Fault = k
	}
}

// Arrivals returns every request received so far (since ResetArrivals), in
// arrival order.
func (s *Server) Arrivals() []Arrival {
	s.arrivals.mu.Lock()
	defer s.arrivals.mu.Unlock()
	return append([]Arrival(nil), s.arrivals.list...)
}

// ResetArrivals forgets the requests received so far.
func (s *Server) ResetArrivals() {
	s.arrivals.mu.Lock()
	defer s.arrivals.mu.Unlock()
	s.arrivals.list = nil
}

// Count is the number of requests received with this method ("" for any)
// and a path matching pattern (see MatchPath), on either host.
func (s *Server) Count(method, pattern string) int {
	s.arrivals.mu.Lock()
	defer s.arrivals.mu.Unlock()
	n := 0
	for _, a := range s.arrivals.list {
		if (method == "" || strings.EqualFold(method, a.Method)) && MatchPath(pattern, a.Path) {
			n++
		}
	}
	return n
}
