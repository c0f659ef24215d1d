package sim

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind string

// The faults the simulator can inject. Every kind first waits Fault.Latency
// (if set).
const (
	// FaultLatency waits Fault.Latency before the headers, then answers
	// normally.
	FaultLatency FaultKind = "latency"
	// FaultStatus answers Fault.Status (default 500) with Fault.Body as
	// Fault.ContentType (default application/json) and Fault.Header (e.g.
	// Retry-After, X-RateLimit-Reset) instead of the real response.
	FaultStatus FaultKind = "status"
	// FaultHTML200 answers 200 text/html with the web app's index.html, as a
	// host that no longer serves V0 does.
	FaultHTML200 FaultKind = "html-200"
	// FaultResetBeforeHeaders resets the connection (TCP RST) before any
	// byte of the response.
	FaultResetBeforeHeaders FaultKind = "reset-before-headers"
	// FaultResetAfterHeaders sends the real status and headers, then resets
	// the connection.
	FaultResetAfterHeaders FaultKind = "reset-after-headers"
	// FaultTruncatedBody sends the real response with its full Content-Length
	// but closes the connection after Fault.Size bytes of the body (default
	// half of it).
	FaultTruncatedBody FaultKind = "truncated-body"
	// FaultSlowBody sends the real response Fault.ChunkSize bytes (default 64)
	// at a time, Fault.ChunkDelay (default 50ms) apart.
	FaultSlowBody FaultKind = "slow-body"
	// FaultOversizedBody answers Fault.Status (default 500) with a
	// Fault.Size-byte body (default 20 MiB): a JSON {"error": "xxx..."} or,
	// with a text/html Fault.ContentType, an HTML page.
	FaultOversizedBody FaultKind = "oversized-body"
	// FaultInvalidUTF8 sends the real response with invalid UTF-8 bytes
	// inserted into its first JSON string.
	FaultInvalidUTF8 FaultKind = "invalid-utf8"
	// FaultMalformedJSON sends the real status with a JSON body cut in half
	// (or Fault.Body), complete as far as HTTP is concerned.
	FaultMalformedJSON FaultKind = "malformed-json"
)

// FaultKinds lists every fault kind, for tests that enumerate them.
func FaultKinds() []FaultKind {
	return []FaultKind{
		FaultLatency, FaultStatus, FaultHTML200, FaultResetBeforeHeaders, FaultResetAfterHeaders,
		FaultTruncatedBody, FaultSlowBody, FaultOversizedBody, FaultInvalidUTF8, FaultMalformedJSON,
	}
}

// DefaultOversizedBody is the body size of FaultOversizedBody when
// Fault.Size is 0.
const DefaultOversizedBody = 20 << 20

// Fault is a misbehaviour injected into matching requests.
type Fault struct {
	// Kind is what happens.
	Kind FaultKind
	// Method matches the request method ("" matches any).
	Method string
	// Path matches the host-relative path (for a runtime host, the path after
	// /runtime/<runtime_id>): an exact path, a prefix ending in "*", segments
	// written {name} matching any one segment, or "" for every path. Example:
	// "/api/conversations/{id}/trajectory".
	Path string
	// Host restricts the fault to the app host or the runtime hosts.
	Host HostKind
	// Times is how many matching requests the fault hits; 0 means every one
	// until ClearFaults.
	Times int

	// Latency is waited before anything else, whatever the kind.
	Latency time.Duration
	// Status is the status of FaultStatus and FaultOversizedBody (default 500).
	Status int
	// ContentType is the content type of FaultStatus and FaultOversizedBody
	// (default application/json).
	ContentType string
	// Body is FaultStatus's body, or FaultMalformedJSON's replacement body.
	Body []byte
	// Header is added to FaultStatus, FaultOversizedBody and FaultHTML200
	// responses.
	Header http.Header
	// Size is FaultOversizedBody's body size, or how many body bytes
	// FaultTruncatedBody sends.
	Size int
	// ChunkSize and ChunkDelay pace FaultSlowBody.
	ChunkSize  int
	ChunkDelay time.Duration
}

// InjectFault adds a fault. Faults are tried in the order they were
// injected; the first that matches a request applies to it.
func (s *Server) InjectFault(f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.faults.entries = append(s.faults.entries, &faultEntry{fault: f, left: left})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.entries = nil
}

// PendingFaults returns the faults still armed (a Times fault that has hit
// its count is gone).
func (s *Server) PendingFaults() []Fault {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make([]Fault, 0, len(s.faults.entries))
	for _, e := range s.faults.entries {
		out = append(out, e.fault)
	}
	return out
}

type faultTable struct {
	mu      sync.Mutex
	entries []*faultEntry
}

type faultEntry struct {
	fault Fault
	left  int // -1: unlimited
}

// take returns the first fault matching the request, counting the hit.
func (t *faultTable) take(method, path string, host HostKind) (Fault, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, e := range t.entries {
		f := e.fault
		if (f.Method != "" && !strings.EqualFold(f.Method, method)) || (f.Host != HostAny && f.Host != host) || !MatchPath(f.Path, path) {
			continue
		}
		if e.left > 0 {
			e.left--
			if e.left == 0 {
				t.entries = append(t.entries[:i:i], t.entries[i+1:]...)
			}
		}
		return f, true
	}
	return Fault{}, false
}

// MatchPath reports whether path matches pattern: "" matches everything, a
// trailing "*" makes a prefix, a segment written {name} matches any one
// non-empty segment, anything else must be equal.
func MatchPath(pattern, path string) bool {
	if pattern == "" {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		if !strings.Contains(prefix, "{") {
			return strings.HasPrefix(path, prefix)
		}
		ps, xs := strings.Split(prefix, "/"), strings.Split(path, "/")
		if len(xs) < len(ps) {
			return false
		}
		last := len(ps) - 1
		return segmentsMatch(ps[:last], xs[:last]) && strings.HasPrefix(strings.Join(xs[last:], "/"), ps[last])
	}
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	return len(ps) == len(xs) && segmentsMatch(ps, xs)
}

func segmentsMatch(ps, xs []string) bool {
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return true
}

// applyFault answers a request that a fault hit. serve produces the real
// response when the fault needs it.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, serve func(http.ResponseWriter)) {
	if f.Latency > 0 && !sleep(r.Context(), f.Latency) {
		return
	}
	switch f.Kind {
	case FaultStatus:
		addHeaders(w, f.Header)
		writeBody(w, orInt(f.Status, http.StatusInternalServerError), orString(f.ContentType, contentJSON), f.Body)
	case FaultHTML200:
		addHeaders(w, f.Header)
		writeIndex(w)
	case FaultResetBeforeHeaders:
		resetConnection(w)
	case FaultResetAfterHeaders:
		rec := record(serve)
		rec.sendHeaders(w, len(rec.body.Bytes()))
		_ = http.NewResponseController(w).Flush()
		resetConnection(w)
	case FaultTruncatedBody:
		rec := record(serve)
		body := rec.body.Bytes()
		n := f.Size
		if n <= 0 || n >= len(body) {
			n = len(body) / 2
		}
		rec.sendHeaders(w, len(body))
		_, _ = w.Write(body[:n])
		_ = http.NewResponseController(w).Flush()
		closeConnection(w)
	case FaultSlowBody:
		rec := record(serve)
		body := rec.body.Bytes()
		rec.sendHeaders(w, len(body))
		chunk, delay := orInt(f.ChunkSize, 64), f.ChunkDelay
		if delay == 0 {
			delay = 50 * time.Millisecond
		}
		for len(body) > 0 {
			n := min(chunk, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			_ = http.NewResponseController(w).Flush()
			body = body[n:]
			if len(body) > 0 && !sleep(r.Context(), delay) {
				return
			}
		}
	case FaultOversizedBody:
		writeOversized(w, f)
	case FaultInvalidUTF8:
		rec := record(serve)
		body := rec.body.Bytes()
		bad := []byte("\xff\xfe\xfd")
		if i := bytes.Index(body, []byte(`:"`)); i >= 0 {
			body = append(append(append([]byte{}, body[:i+2]...), bad...), body[i+2:]...)
		} else {
			body = append(append([]byte{'"'}, bad...), '"')
		}
		rec.sendHeaders(w, len(body))
		_, _ = w.Write(body)
	case FaultMalformedJSON:
		rec := record(serve)
		body := f.Body
		if body == nil {
			body = rec.body.Bytes()
			body = body[:len(body)/2]
			if len(body) == 0 {
				body = []byte("{")
			}
		}
		rec.sendHeaders(w, len(body))
		_, _ = w.Write(body)
	default:
		serve(w)
	}
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func addHeaders(w http.ResponseWriter, h http.Header) {
	for k, vs := range h {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
}

// sleep waits d or until ctx ends; it reports whether the full wait happened.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeOversized streams a body of f.Size bytes without holding it.
func writeOversized(w http.ResponseWriter, f Fault) {
	size := orInt(f.Size, DefaultOversizedBody)
	ct := orString(f.ContentType, contentJSON)
	head, tail := `{"error":"`, `"}`
	if strings.HasPrefix(ct, "text/html") {
		head, tail = "<!DOCTYPE html><html><body><pre>", "</pre></body></html>"
	} else if strings.HasPrefix(ct, "text/plain") {
		head, tail = "", ""
	}
	fill := max(size-len(head)-len(tail), 0)
	addHeaders(w, f.Header)
	h := w.Header()
	setNoCache(h)
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(head)+fill+len(tail)))
	w.WriteHeader(orInt(f.Status, http.StatusInternalServerError))
	_, _ = w.Write([]byte(head))
	block := bytes.Repeat([]byte("x"), 32<<10)
	for fill > 0 {
		n := min(fill, len(block))
		if _, err := w.Write(block[:n]); err != nil {
			return
		}
		fill -= n
	}
	_, _ = w.Write([]byte(tail))
}

// resetConnection aborts the connection with a TCP RST.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// closeConnection closes the connection without finishing the response.
func closeConnection(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	_ = buf.Flush()
	_ = conn.Close()
}

// recorder captures a response in memory.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func record(serve func(http.ResponseWriter)) *recorder {
	rec := &recorder{header: http.Header{}}
	serve(rec)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// sendHeaders writes the recorded status and headers to w, announcing a
// body of n bytes.
func (r *recorder) sendHeaders(w http.ResponseWriter, n int) {
	h := w.Header()
	for k, vs := range r.header {
		h[k] = vs
	}
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(r.status)
}
