package openhandstest

import (
	"net/http/httptest"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Server is a fake V0 server on a loopback address. It is safe for
// concurrent use.
type Server struct {
	// URL is the app host's base URL, e.g. http://127.0.0.1:38291; give it
	// to wrapper.WithBaseURL.
	URL string

	sim        *sim.Server
	http       *httptest.Server
	apiKey     string
	sessionKey string
}

// NewServer starts a server for the length of the test: it closes in
// t.Cleanup.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := Start(opts...)
	t.Cleanup(s.Close)
	return s
}

// Start starts a server outside a test (an Example, a demo program); Close
// stops it.
func Start(opts ...Option) *Server {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{apiKey: o.apiKey, sessionKey: o.sessionKey}
	base := []sim.Option{sim.WithTiming(0, 0)}
	if o.apiKey != "" {
		base = append(base, sim.WithMode(sim.ModeHosted), sim.WithAPIKey(o.apiKey))
	}
	if o.sessionKey != "" {
		base = append(base, sim.WithSessionAPIKey(o.sessionKey))
	}
	s.sim = sim.New(append(base, o.sim...)...)
	s.http = httptest.NewServer(s.sim)
	s.URL = s.http.URL
	return s
}

// Close stops the server and waits for the requests in flight.
func (s *Server) Close() { s.http.Close() }

// APIKey is the bearer key the server requires ("" without WithAPIKey).
func (s *Server) APIKey() string { return s.apiKey }

// SessionAPIKey is the X-Session-API-Key the server requires ("" without
// WithSessionAPIKey).
func (s *Server) SessionAPIKey() string { return s.sessionKey }

// ClientOptions are the wrapper options that reach this server with its
// keys, before opts.
func (s *Server) ClientOptions(opts ...wrapper.Option) []wrapper.Option {
	out := []wrapper.Option{wrapper.WithBaseURL(s.URL)}
	if s.apiKey != "" {
		out = append(out, wrapper.WithAPIKey(s.apiKey))
	}
	if s.sessionKey != "" {
		out = append(out, wrapper.WithSessionAPIKey(s.sessionKey))
	}
	return append(out, opts...)
}

// Client returns a client for this server with its keys; opts come after
// them (so a test can give a wrong key, or wrapper.WithRetry). It panics on
// an invalid option, as a test helper may.
func (s *Server) Client(opts ...wrapper.Option) *wrapper.Client {
	c, err := wrapper.New(s.ClientOptions(opts...)...)
	if err != nil {
		panic("openhandstest: " + err.Error())
	}
	return c
}

// AddBulkConversation adds a RUNNING conversation of events generated events
// carrying about payloadBytes bytes of text each and returns its id. The
// events are computed on demand, so millions cost no memory.
func (s *Server) AddBulkConversation(events, payloadBytes int) string {
	return s.sim.AddBulkConversation(events, payloadBytes)
}

// InjectFault adds a fault; faults are tried in the order they were added
// and the first that matches a request applies to it.
func (s *Server) InjectFault(f Fault) { s.sim.InjectFault(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.sim.ClearFaults() }

// Count is the number of requests received with this method ("" for any) and
// a path matching pattern (see Fault.Path for the form), on any host.
func (s *Server) Count(method, pattern string) int { return s.sim.Count(method, pattern) }

// Arrivals returns every request received so far, in arrival order.
func (s *Server) Arrivals() []Arrival { return s.sim.Arrivals() }

// ResetArrivals forgets the requests received so far.
func (s *Server) ResetArrivals() { s.sim.ResetArrivals() }
