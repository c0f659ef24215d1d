package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator checks HTTP exchanges (a request and the response it got)
// against the spec with kin-openapi's openapi3filter. It ignores the spec's
// servers, so exchanges with any host match (the app host, a runtime host, a
// loopback simulator). A Validator is safe for concurrent use.
type Validator struct {
	doc     *openapi3.T
	router  routers.Router
	options *openapi3filter.Options
}

// Exchange is one request and the response it got.
type Exchange struct {
	// Request is the request as sent; Validate reads its method, URL and
	// headers and never its Body.
	Request *http.Request
	// RequestBody is the request's body ("" for none). When it is nil and
	// Request.GetBody is set, Validate reads the body from GetBody.
	RequestBody []byte
	// StatusCode is the response's status.
	StatusCode int
	// Header is the response's header.
	Header http.Header
	// Body is the response's body.
	Body []byte
}

// Result is what Validate found about one exchange.
type Result struct {
	// OperationID is the spec's operationId, "" when RouteFound is false.
	OperationID string
	// Method is the request's method.
	Method string
	// PathTemplate is the spec's path ("/api/conversations/{conversation_id}"),
	// or the request's path when RouteFound is false.
	PathTemplate string
	// Status is the response's status.
	Status int
	// Findings are the ways the exchange breaks the spec, the request's
	// (an unknown route is one of them) before the response's.
	Findings []Finding
	// Undeclared lists, as JSON pointers, the fields present in a JSON
	// response body that its schema does not declare. Objects whose schema
	// allows additional properties (true or a schema), or declares no
	// properties at all, are open and not looked into for this.
	Undeclared []string
	// RouteFound says whether the spec has an operation for the request.
	RouteFound bool
}

// OK reports whether the exchange matched the spec: a known route and no
// violation. Undeclared fields do not count: they are drift, not errors.
func (r Result) OK() bool {
	return r.RouteFound && len(r.Findings) == 0
}

// RequestViolations are the messages of the findings about the request.
func (r Result) RequestViolations() []string { return messages(r.Findings, Finding.OnRequest) }

// ResponseViolations are the messages of the findings about the response:
// an undeclared status or content type, or a body that does not match.
func (r Result) ResponseViolations() []string {
	return messages(r.Findings, func(f Finding) bool { return !f.OnRequest() })
}

// registerHTMLDecoder lets openapi3filter read text/html bodies (the hosted
// service's maintenance page) as plain text. The registry is process-wide.
var registerHTMLDecoder sync.Once

// NewValidator loads the embedded spec and builds a Validator for it.
func NewValidator(ctx context.Context) (*Validator, error) {
	doc, err := Load(ctx)
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // match any scheme and host
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("spec: build router: %w", err)
	}
	registerHTMLDecoder.Do(func() {
		if openapi3filter.RegisteredBodyDecoder("text/html") == nil {
			openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		}
	})
	return &Validator{
		doc:    doc,
		router: router,
		options: &openapi3filter.Options{
			MultiError:            true,
			IncludeResponseStatus: true,
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults:   true,
		},
	}, nil
}

// Validate checks one exchange against the spec. It never changes
// x.Request, nor consumes its body.
func (v *Validator) Validate(ctx context.Context, x Exchange) Result {
	if x.Request == nil || x.Request.URL == nil {
		return Result{Status: x.StatusCode, Findings: []Finding{{Kind: FindingRequest, Location: "request", Message: "no request to validate"}}}
	}
	req, err := cloneRequest(ctx, x)
	res := Result{Method: req.Method, PathTemplate: req.URL.Path, Status: x.StatusCode}
	if err != nil {
		res.Findings = append(res.Findings, Finding{Kind: FindingRequest, Location: "request body", Message: "cannot read the request body: " + oneLine(err.Error())})
		return res
	}
	route, pathParams, err := v.router.FindRoute(req)
	if err != nil {
		res.Findings = append(res.Findings, Finding{Kind: FindingRoute, Location: req.Method + " " + req.URL.Path, Message: routeMessage(req, err)})
		return res
	}
	res.RouteFound = true
	res.OperationID = route.Operation.OperationID
	res.PathTemplate = route.Path

	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: v.options}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		res.Findings = append(res.Findings, requestFindings(err)...)
	}

	header := x.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.StatusCode, Header: header, Options: v.options}
	out.SetBodyBytes(x.Body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		res.Findings = append(res.Findings, responseFindings(err, x.StatusCode)...)
	}
	for i := range res.Findings {
		res.Findings[i].Operation = res.OperationID
	}
	if schema := responseJSONSchema(route.Operation, x.StatusCode, header.Get("Content-Type")); schema != nil {
		res.Undeclared = undeclaredFields(schema, x.Body)
	}
	return res
}

// cloneRequest copies the request with a fresh, re-readable body, so that
// validation neither consumes nor changes the caller's request.
func cloneRequest(ctx context.Context, x Exchange) (*http.Request, error) {
	body := x.RequestBody
	if body == nil && x.Request.GetBody != nil {
		rc, err := x.Request.GetBody()
		if err != nil {
			return x.Request.Clone(ctx), err
		}
		defer rc.Close()
		if body, err = io.ReadAll(rc); err != nil {
			return x.Request.Clone(ctx), err
		}
	}
	req := x.Request.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
	return req, nil
}

func routeMessage(req *http.Request, err error) string {
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return fmt.Sprintf("route not in the spec: %s %s (the path exists, not this method)", req.Method, req.URL.Path)
	case errors.Is(err, routers.ErrPathNotFound):
		return fmt.Sprintf("route not in the spec: %s %s", req.Method, req.URL.Path)
	default:
		return fmt.Sprintf("route not in the spec: %s %s: %s", req.Method, req.URL.Path, oneLine(err.Error()))
	}
}

// responseJSONSchema returns the schema the spec declares for a JSON
// response with this status and content type, or nil.
func responseJSONSchema(op *openapi3.Operation, status int, contentType string) *openapi3.SchemaRef {
	if op == nil || op.Responses == nil {
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || !(mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")) {
		return nil
	}
	mt := ref.Value.Content.Get(contentType)
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// CheckSchema validates a JSON document against one of the spec's component
// schemas (e.g. "Event", "ConversationInfo"), read as a response body, and
// lists its undeclared fields as Validate does. The error is for an unknown
// schema name or a body that is not JSON; violations are returned, not errors.
func (v *Validator) CheckSchema(name string, body []byte) (violations, undeclared []string, err error) {
	var ref *openapi3.SchemaRef
	if v.doc.Components != nil {
		ref = v.doc.Components.Schemas[name]
	}
	if ref == nil || ref.Value == nil {
		return nil, nil, fmt.Errorf("spec: no component schema %q", name)
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return nil, nil, fmt.Errorf("spec: body is not JSON: %w", err)
	}
	if err := ref.Value.VisitJSON(value, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
		for _, l := range schemaMessages("body", err) {
			violations = append(violations, l.msg)
		}
	}
	return violations, undeclaredFields(ref, body), nil
}
