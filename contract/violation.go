package contract

import (
	"strconv"
	"strings"

	"github.com/openhands-go/openhands-v0/spec"
)

// ViolationKind says which part of an exchange broke the spec.
type ViolationKind string

// The kinds of violation.
const (
	// KindRoute: the request's method and path are not an operation of the spec.
	KindRoute ViolationKind = "route"
	// KindRequest: the request breaks its operation's parameters or body schema.
	KindRequest ViolationKind = "request"
	// KindResponse: the response has an undeclared status or content type,
	// or a body that does not match its schema.
	KindResponse ViolationKind = "response"
)

// Violation is one way one exchange broke the spec.
type Violation struct {
	// Scenario is the scenario whose call made the exchange.
	Scenario string `json:"scenario"`
	// Kind says whether the route, the request or the response broke the spec.
	Kind ViolationKind `json:"kind"`
	// Operation is the spec's operationId ("" for KindRoute).
	Operation string `json:"operation,omitempty"`
	// Method and Path are the request's (the path as sent, not the template).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Status is the response's status.
	Status int `json:"status"`
	// Finding is the validator's finer kind (status, content_type, body, ...)
	// and Location where it points (`query parameter "limit"`, "body /0/id").
	Finding  spec.FindingKind `json:"finding"`
	Location string           `json:"location,omitempty"`
	// Message is the validator's one-line description; it never holds a
	// field's value.
	Message string `json:"message"`
	// Expected says the scenario declared this violation: it exercises a
	// behaviour outside the spec on purpose (a host without V0, a request the
	// server must refuse).
	Expected bool `json:"expected"`
}

// String renders the violation on one line.
func (v Violation) String() string {
	var b strings.Builder
	b.WriteString(string(v.Kind))
	b.WriteString(": ")
	b.WriteString(v.Method + " " + v.Path)
	if v.Status != 0 {
		b.WriteString(" -> ")
		b.WriteString(strconv.Itoa(v.Status))
	}
	b.WriteString(": ")
	b.WriteString(v.Message)
	if v.Expected {
		b.WriteString(" (expected)")
	}
	return b.String()
}

// Expectation declares a violation a scenario causes on purpose, so the
// report counts it as expected rather than as a failure. Empty fields match
// anything; none reads the validator's message.
type Expectation struct {
	// Kind is the kind of violation expected.
	Kind ViolationKind
	// Finding is the validator's finer kind ("" any).
	Finding spec.FindingKind
	// Operation is the operationId it happens on ("" any).
	Operation string
	// Status is the response status it happens with (0 any).
	Status int
	// Location is where the finding points, or its start: "request body",
	// `query parameter "limit"` ("" any).
	Location string
	// Why explains, for the reader of the scenario and the report, why the
	// violation is expected.
	Why string
}

// matches reports whether v is the violation e expects.
func (e Expectation) matches(v Violation) bool {
	return e.Kind == v.Kind &&
		(e.Finding == "" || e.Finding == v.Finding) &&
		(e.Operation == "" || e.Operation == v.Operation) &&
		(e.Status == 0 || e.Status == v.Status) &&
		(e.Location == "" || strings.HasPrefix(v.Location, e.Location))
}
