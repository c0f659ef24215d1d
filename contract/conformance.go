package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/openhands-go/openhands-v0/spec"
)

// Exchange is what the harness keeps of one request and its response: the
// operation, status and what the validator said, never a body or header.
type Exchange struct {
	// Scenario is the scenario whose call made the exchange.
	Scenario string `json:"scenario"`
	// Operation is the spec's operationId ("" when the route is not in the spec).
	Operation string `json:"operation,omitempty"`
	// Method and Path are the request's (the path as sent).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Status is the response's status (0 when no response came).
	Status int `json:"status"`
	// ContentType is the response's Content-Type.
	ContentType string `json:"content_type,omitempty"`
	// Violations are the ways the exchange broke the spec.
	Violations []Violation `json:"violations,omitempty"`
	// Undeclared lists, as JSON pointers, response fields the spec does not
	// declare: drift, not a failure.
	Undeclared []string `json:"undeclared,omitempty"`
	// Error is the transport's error when no response came (in replay: the
	// request is not in the cassette).
	Error string `json:"error,omitempty"`
	// Note says what was not checked, if anything (a body too large to hold).
	Note string `json:"note,omitempty"`
}

// conformance is the validating transport: it sends each request on, reads
// the whole response (handing the caller an identical copy), checks the
// exchange against the spec and keeps the result.
type conformance struct {
	next http.RoundTripper
	// idle is the network transport under the recorder, whose idle
	// connections CloseIdleConnections closes (nil in a replay).
	idle      http.RoundTripper
	validator *spec.Validator
	scenario  string
	expect    []Expectation
	secrets   []string
	maxBody   int

	mu        sync.Mutex
	exchanges []Exchange
}

func newConformance(next http.RoundTripper, v *spec.Validator, sc Scenario, secrets []string) *conformance {
	return &conformance{next: next, validator: v, scenario: sc.Name, expect: sc.Expect, secrets: secrets, maxBody: maxValidatedBody}
}

// CloseIdleConnections closes the idle connections of the network
// transport, as the SDK asks after a 5xx answer.
func (c *conformance) CloseIdleConnections() {
	if t, ok := c.idle.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// RoundTrip implements http.RoundTripper.
func (c *conformance) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := readBody(req)
	if err != nil {
		return nil, err
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		c.add(Exchange{Scenario: c.scenario, Method: req.Method, Path: scrubText(req.URL.Path, c.secrets),
			Error: scrubText(err.Error(), c.secrets)})
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(c.maxBody)+1))
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	if len(body) > c.maxBody {
		// Too large to hold: the caller still gets the whole body, streamed.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		x := c.check(req.Context(), req, reqBody, resp, body)
		x.Violations = slices.DeleteFunc(x.Violations, func(v Violation) bool {
			return v.Finding == spec.FindingBody
		})
		x.Undeclared, x.Note = nil, fmt.Sprintf("body larger than %d bytes: only its status and content type checked", c.maxBody)
		c.add(x)
		return resp, nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.add(c.check(req.Context(), req, reqBody, resp, body))
	return resp, nil
}

// maxValidatedBody is the largest response body the harness holds to check
// against its schema (a workspace zip or a huge trajectory on a live server
// can be far larger).
const maxValidatedBody = 64 << 20

// check validates one exchange. Messages pass through the scrubber: the
// validator leaves values out, but a path or a server's text may carry one.
func (c *conformance) check(ctx context.Context, req *http.Request, reqBody []byte, resp *http.Response, body []byte) Exchange {
	if reqBody == nil {
		reqBody = []byte{}
	}
	res := c.validator.Validate(ctx, spec.Exchange{Request: specRequest(req), RequestBody: reqBody,
		StatusCode: resp.StatusCode, Header: resp.Header, Body: body})
	x := Exchange{
		Scenario:    c.scenario,
		Operation:   res.OperationID,
		Method:      req.Method,
		Path:        scrubText(req.URL.Path, c.secrets),
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Undeclared:  slices.Clone(res.Undeclared),
	}
	for _, f := range res.Findings {
		v := Violation{Scenario: c.scenario, Kind: violationKind(f.Kind), Operation: res.OperationID, Method: x.Method,
			Path: x.Path, Status: x.Status, Finding: f.Kind, Location: scrubText(f.Location, c.secrets),
			Message: scrubText(f.Message, c.secrets)}
		v.Expected = slices.ContainsFunc(c.expect, func(e Expectation) bool { return e.matches(v) })
		x.Violations = append(x.Violations, v)
	}
	return x
}

// violationKind is the part of the exchange a finding of kind k is about.
func violationKind(k spec.FindingKind) ViolationKind {
	switch k {
	case spec.FindingRoute:
		return KindRoute
	case spec.FindingRequest:
		return KindRequest
	}
	return KindResponse
}

func (c *conformance) add(x Exchange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.exchanges = append(c.exchanges, x)
}

// results returns the exchanges seen so far, in order.
func (c *conformance) results() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.exchanges)
}

// specRequest is the request as the spec's routes see it. A runtime host may
// serve the API below a base path (the conversation's url without its
// /api/conversations/{id}: /runtime/<id> on the simulator, /runtime on a
// path-routed hosted runtime), so whatever comes before /api/ is dropped.
func specRequest(req *http.Request) *http.Request {
	i := strings.Index(req.URL.Path, "/api/")
	if i <= 0 {
		return req
	}
	out := req.Clone(req.Context())
	out.URL.Path = req.URL.Path[i:]
	out.URL.RawPath = ""
	return out
}
