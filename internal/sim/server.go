package sim

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// HostKind says which host a request was addressed to.
type HostKind string

const (
	// HostAny matches both hosts (in a Fault or a filter).
	HostAny HostKind = ""
	// HostApp is the app host: everything not under /runtime/.
	HostApp HostKind = "app"
	// HostRuntime is a conversation's runtime host: /runtime/<runtime_id>/...
	HostRuntime HostKind = "runtime"
)

// RuntimePrefix is the path under which the simulator serves runtime hosts:
// a running conversation's runtime base is http://<host>/runtime/<runtime_id>.
const RuntimePrefix = "/runtime/"

// Server is the simulated V0 server. It is an http.Handler for the app host
// and every runtime host; it is safe for concurrent use.
type Server struct {
	cfg     config
	started time.Time

	mu            sync.Mutex
	ids           int
	conversations map[string]*conversation
	v1            map[string]*v1Conversation
	runtimes      map[string]*conversation
	settings      *api.Settings
	tokens        map[api.ProviderType]api.ProviderToken
	secrets       []customSecret
	// secretsStore is set once the user has stored secrets or tokens: before
	// that, updating or deleting a secret answers 200 (there is nothing to
	// look in).
	secretsStore bool
	experiments  map[string]bool

	faults   faultTable
	arrivals arrivalLog
	limiter  limiter
	logMu    sync.Mutex
}

// New builds a simulator.
func New(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:           cfg,
		conversations: map[string]*conversation{},
		v1:            map[string]*v1Conversation{},
		runtimes:      map[string]*conversation{},
		tokens:        map[api.ProviderType]api.ProviderToken{},
		experiments:   map[string]bool{},
		limiter:       newLimiter(),
	}
	s.started = cfg.clock.Now()
	if cfg.sampleData {
		s.fillSampleData(s.started)
	}
	for _, b := range cfg.bulk {
		s.AddBulkConversation(b.events, b.payloadBytes)
	}
	for _, f := range cfg.faults {
		s.InjectFault(f)
	}
	return s
}

// Mode is the mode the server plays.
func (s *Server) Mode() Mode { return s.cfg.mode }

// nested reports whether running conversations get their own runtime host.
func (s *Server) nested() bool { return s.cfg.mode == ModeHosted || s.cfg.nested }

// call is one request on its way through a handler.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	now    time.Time
	host   HostKind
	params map[string]string
	// runtime is the conversation a runtime host serves (nil on the app host).
	runtime *conversation
	// bearer is set when the hosted app host authenticated a bearer API key.
	bearer bool
}

// ServeHTTP records the request, applies any matching fault, and serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.clock.Now()
	host, runtimeID, path := splitHost(r.URL.Path)
	sw := &statusWriter{ResponseWriter: w}
	idx := s.arrivals.add(Arrival{Time: now, Method: r.Method, Path: path, Host: host, RuntimeID: runtimeID})
	sw.sent = func(status int) { s.arrivals.setStatus(idx, status) }
	fault, hit := s.faults.take(r.Method, path, host)
	if hit {
		s.arrivals.setFault(idx, fault.Kind)
	}
	defer func() {
		s.arrivals.setStatus(idx, sw.status)
		s.logRequest(now, host, r.Method, path, sw.status)
	}()
	if s.cfg.latency > 0 && !sleep(r.Context(), s.cfg.latency) {
		return
	}
	if hit {
		s.applyFault(sw, r, fault, func(w http.ResponseWriter) { s.serve(w, r, now, host, runtimeID, path) })
		return
	}
	s.serve(sw, r, now, host, runtimeID, path)
}

func (s *Server) logRequest(now time.Time, host HostKind, method, path string, status int) {
	if s.cfg.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.log, "%s %-7s %-6s %s %d\n", now.Format(time.RFC3339), host, method, path, status)
}

// splitHost separates a runtime host's prefix from the path.
func splitHost(path string) (HostKind, string, string) {
	rest, ok := strings.CutPrefix(path, RuntimePrefix)
	if !ok {
		return HostApp, "", path
	}
	id, tail, _ := strings.Cut(rest, "/")
	return HostRuntime, id, "/" + tail
}

// serve answers one request (after faults).
func (s *Server) serve(w http.ResponseWriter, r *http.Request, now time.Time, host HostKind, runtimeID, path string) {
	if s.cfg.mode == ModeRemoved {
		s.serveRemoved(w, r, path)
		return
	}
	rt, params := findRoute(r.Method, path)
	c := &call{w: w, r: r, now: now, host: host, params: params}
	if host == HostRuntime {
		s.serveRuntime(c, rt, runtimeID)
		return
	}
	if s.cfg.mode == ModeHosted && strings.HasPrefix(path, "/api/") && path != "/api/options/config" {
		key, bearer, ok := s.hostedCredential(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "NoCredentialsError")
			return
		}
		c.bearer = bearer
		if s.cfg.rateLimit && !s.limiter.allowUser(w, key, now) {
			return
		}
	}
	if s.cfg.mode == ModeOSS && s.cfg.rateLimit && !strings.HasPrefix(path, "/assets") && !s.limiter.allowIP(w, r, now) {
		return
	}
	if rt == nil {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			writeIndex(w)
			return
		}
		writeMethodNotAllowed(w)
		return
	}
	if rt.scope != scopeHealth && s.cfg.mode == ModeOSS && s.cfg.sessionAPIKey != "" &&
		!equalKey(r.Header.Get("X-Session-API-Key"), s.cfg.sessionAPIKey) {
		writeDetail(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if rt.validateID && !validConversationID(w, params["conversation_id"]) {
		return
	}
	if rt.scope == scopeRuntimeOnly && s.nested() {
		if s.cfg.mode == ModeHosted {
			writeMaintenance(w)
		} else {
			writeInternalError(w)
		}
		return
	}
	rt.handle(s, c)
}

// serveRuntime answers a request to a runtime host.
func (s *Server) serveRuntime(c *call, rt *route, runtimeID string) {
	s.mu.Lock()
	conv := s.runtimes[runtimeID]
	if conv != nil {
		s.advance(conv, c.now)
		if s.runtimes[runtimeID] == nil {
			conv = nil
		}
	}
	s.mu.Unlock()
	if conv == nil || !s.nested() {
		writeBody(c.w, http.StatusServiceUnavailable, contentPlain, []byte("no healthy upstream"))
		return
	}
	c.runtime = conv
	if rt != nil && rt.scope == scopeHealth {
		rt.handle(s, c)
		return
	}
	if rt == nil || rt.scope == scopeApp {
		writeDetail(c.w, http.StatusNotFound, "Not Found")
		return
	}
	if !equalKey(c.r.Header.Get("X-Session-API-Key"), conv.sessionKey) {
		writeDetail(c.w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if rt.validateID && !validConversationID(c.w, c.params["conversation_id"]) {
		return
	}
	rt.handle(s, c)
}

// serveRemoved answers as a host without V0: the web app for every GET.
func (s *Server) serveRemoved(w http.ResponseWriter, r *http.Request, path string) {
	if s.cfg.apiKey != "" && strings.HasPrefix(path, "/api/") {
		if _, _, ok := s.hostedCredential(r); !ok {
			writeError(w, http.StatusUnauthorized, "NoCredentialsError")
			return
		}
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		writeIndex(w)
		return
	}
	writeMethodNotAllowed(w)
}

// hostedCredential reads the hosted service's API key: a bearer token, or
// X-Session-API-Key used as the API key.
func (s *Server) hostedCredential(r *http.Request) (key string, bearer bool, ok bool) {
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		key, bearer = strings.TrimPrefix(auth, "Bearer "), true
	} else {
		key = r.Header.Get("X-Session-API-Key")
	}
	if key == "" {
		return "", false, false
	}
	if s.cfg.apiKey != "" && !equalKey(key, s.cfg.apiKey) {
		return "", false, false
	}
	return key, bearer, true
}

func equalKey(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// validConversationID applies the server's validate_conversation_id.
func validConversationID(w http.ResponseWriter, id string) bool {
	msg := ""
	switch {
	case len([]rune(id)) > 100:
		msg = "Conversation ID is too long"
	case strings.ContainsRune(id, 0):
		msg = "Conversation ID contains invalid characters"
	case strings.Contains(id, "..") || strings.ContainsAny(id, `/\`):
		msg = "Conversation ID contains invalid path characters"
	case strings.ContainsFunc(id, func(r rune) bool { return r < 32 }):
		msg = "Conversation ID contains control characters"
	default:
		return true
	}
	writeDetail(w, http.StatusBadRequest, msg)
	return false
}

// statusWriter remembers the status a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
	// sent records the status as it is sent, before any byte leaves: a
	// client that sees the connection drop right after the headers must
	// find the arrival's status already set.
	sent func(status int)
}

func (w *statusWriter) setStatus(status int) {
	if w.status == 0 {
		w.status = status
		if w.sent != nil {
			w.sent(status)
		}
	}
}

func (w *statusWriter) WriteHeader(status int) {
	w.setStatus(status)
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.setStatus(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
