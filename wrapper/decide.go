package wrapper

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/openhands-go/openhands-v0/api"
)

// mayRetry is the SDK's one rule for "may succeed if tried again": a 5xx or
// maintenance page, 429, a broken or refused connection, a timeout. A host
// name that does not resolve will not. Wait rides out what it allows, and
// APIError.Temporary reports it.
func mayRetry(err error) bool {
	if errors.Is(err, ErrServer) || errors.Is(err, ErrRateLimited) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return !dns.IsNotFound
	}
	var opErr *net.OpError
	var timeout interface{ Timeout() bool }
	return errors.As(err, &opErr) ||
		(errors.As(err, &timeout) && timeout.Timeout()) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// worthRuntimeHost is the one rule for "worth the runtime host": whether
// the app host's failure of operation op sends the call to the
// conversation's runtime host. Only an operation the spec says a runtime
// host serves (x-openhands-host either or runtime, api.Operations) goes
// there. Any such call may go when the app host does not serve V0 (405, the
// web app's HTML) or answers the hosted service's 500 maintenance page,
// which it serves before any V0 handler runs. A 5xx that may come after the
// handler ran (a 502 or 504 from a gateway, a JSON 500) sends only
// idempotent operations there: a POST behind it may already have been
// processed.
func worthRuntimeHost(op string, err error) bool {
	o, ok := api.OperationByID(op)
	if !ok || o.Host == api.HostApp {
		return false
	}
	if errors.Is(err, ErrNotV0) {
		return true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusInternalServerError && apiErr.Is(ErrMaintenance) {
		return true
	}
	return o.Idempotent && errors.Is(err, ErrServer)
}

// repeatable says whether req does no harm sent twice: its operation's
// idempotency in api.Operations (the spec's x-idempotent, else its method's)
// when req is one of the spec's operations, else its method's (a request the
// spec does not cover, sent through HTTPClient).
func repeatable(req *http.Request) bool {
	if op, ok := operationOf(req.Method, req.URL.EscapedPath()); ok {
		return op.Idempotent
	}
	return idempotent(req.Method)
}

// operationOf finds the spec operation of a request. A runtime host may
// serve the API below a base path (/runtime/<id>), so whatever comes before
// /api/ is dropped.
func operationOf(method, escapedPath string) (api.Operation, bool) {
	if i := strings.Index(escapedPath, "/api/"); i > 0 {
		escapedPath = escapedPath[i:]
	}
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for i, op := range api.Operations {
		if op.Method == method && matchSegments(operationSegments[i], segs) {
			return op, true
		}
	}
	return api.Operation{}, false
}

// operationSegments are the path segments of api.Operations, in its order.
var operationSegments = func() [][]string {
	out := make([][]string, len(api.Operations))
	for i, op := range api.Operations {
		out[i] = strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
	}
	return out
}()

// matchSegments matches path segments against a spec path's: a {parameter}
// is one non-empty segment (an owner/name parameter travels escaped, %2F).
func matchSegments(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if p != segs[i] {
			return false
		}
	}
	return true
}
