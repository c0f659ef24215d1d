package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/internal/clean"
)

// Sentinels for errors.Is. An *APIError matches every sentinel that
// describes it: a 500 HTML page is both ErrServer and ErrMaintenance.
var (
	// ErrNotFound: 404, a 200 whose body is null (getConversation), or a
	// DELETE that answered false.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: 401, missing or wrong credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: 403.
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: 429. APIError.RetryAfter says how long the server asked to wait.
	ErrRateLimited = errors.New("rate limited")
	// ErrValidation: 400 or 422, the server rejected the request body or
	// parameters, or the SDK refused bad input before sending anything.
	ErrValidation = errors.New("invalid request")
	// ErrServer: any 5xx.
	ErrServer = errors.New("server error")
	// ErrMaintenance: an HTML error page (the hosted service's "System
	// Maintenance" page, a proxy's error page).
	ErrMaintenance = errors.New("maintenance page")
	// ErrNotV0: the host does not serve the V0 API: it answered with the web
	// app's HTML where JSON was due, or 405 on a V0 route. app.all-hands.dev
	// has answered so since V0 was removed on 2026-04-16.
	ErrNotV0 = errors.New("host does not serve the V0 API")
	// ErrRuntimeUnavailable: the conversation has no runtime host to call
	// (it is not running: no url or session_api_key), or is a V1 conversation.
	ErrRuntimeUnavailable = errors.New("runtime host unavailable")
	// ErrUnexpectedResponse: a success status whose body is not what the spec
	// declares (malformed JSON, an unexpected content type).
	ErrUnexpectedResponse = errors.New("unexpected response")
)

// APIError is the one error type for an answer the server gave that is not
// the success the spec declares. Match it with errors.Is against the
// sentinels above, or errors.As to read the details.
type APIError struct {
	// Operation is the spec's operationId, e.g. "getConversation"; for input
	// the SDK refused before sending (ErrValidation), the SDK method that
	// was called, e.g. "GetConversation".
	Operation string
	// Host says which host answered: "app" or "runtime".
	Host string
	// StatusCode is the HTTP status.
	StatusCode int
	// ContentType is the answer's media type, without parameters.
	ContentType string
	// Message is the server's message, parsed from whichever error shape it
	// used ({"detail"}, {"error"}, {"message"}, a JSON string, an HTML title).
	Message string
	// Body is the start of the body, at most maxErrorExcerpt bytes.
	Body []byte
	// RetryAfter is the wait the server asked for on 429 or 503 (0 if none).
	RetryAfter time.Duration
	// Header is the answer's headers (a request id, X-RateLimit-*), nil for
	// input the SDK refused before sending.
	Header http.Header

	kinds []error
	cause error // the read error behind a cut body, for errors.Is(err, io.ErrUnexpectedEOF)
}

// Error returns one line: operation, status, what it means and the server's message.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("openhands: ")
	b.WriteString(e.Operation)
	if e.Host == hostRuntime {
		b.WriteString(" (runtime host)")
	}
	b.WriteString(": ")
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteString(" ")
	}
	if len(e.kinds) > 0 {
		b.WriteString(e.kinds[len(e.kinds)-1].Error())
	} else {
		b.WriteString(http.StatusText(e.StatusCode))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(singleLine(e.Message))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// singleLine makes a server's message one line that is safe to print
// (internal/clean.Line: line breaks and controls become spaces, terminal
// escapes, bidi and zero-width characters are removed), so that Error stays
// one line that cannot drive a terminal.
func singleLine(s string) string { return clean.Line(s) }

// Is reports whether target is one of the sentinels describing e.
func (e *APIError) Is(target error) bool {
	for _, k := range e.kinds {
		if k == target {
			return true
		}
	}
	return false
}

// Unwrap returns the error behind a body that ended early, or nil.
func (e *APIError) Unwrap() error { return e.cause }

// Temporary reports whether the same request may succeed later: rate limits,
// 5xx and maintenance pages (mayRetry, the SDK's one rule).
func (e *APIError) Temporary() bool { return mayRetry(e) }

// kindsFor returns the sentinels for a status and whether the body is HTML.
func kindsFor(status int, html bool) []error {
	var k []error
	switch {
	case status == http.StatusUnauthorized:
		k = append(k, ErrUnauthorized)
	case status == http.StatusForbidden:
		k = append(k, ErrForbidden)
	case status == http.StatusNotFound:
		k = append(k, ErrNotFound)
	case status == http.StatusMethodNotAllowed:
		k = append(k, ErrNotV0)
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		k = append(k, ErrValidation)
	case status == http.StatusTooManyRequests:
		k = append(k, ErrRateLimited)
	case status >= 500:
		k = append(k, ErrServer)
		if html {
			k = append(k, ErrMaintenance)
		}
	case status >= 200 && status < 300:
		if html {
			k = append(k, ErrNotV0)
		} else {
			k = append(k, ErrUnexpectedResponse)
		}
	}
	return k
}

// inputError is returned for bad input the SDK refuses before any request.
func inputError(op, format string, args ...any) error {
	return &APIError{Operation: op, Message: fmt.Sprintf(format, args...), kinds: []error{ErrValidation}}
}
