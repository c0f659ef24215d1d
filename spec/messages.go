package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// requestFindings turns ValidateRequest's error into findings with short
// one-line messages: "<where> <pointer>: <reason>". Schema errors give their
// JSON pointer and reason, never the offending value (it may be a secret).
func requestFindings(err error) []Finding {
	return withKind(FindingRequest, requestMessages(err))
}

// located is a message and where it points.
type located struct{ where, msg string }

// withKind makes findings of one kind from located messages.
func withKind(kind FindingKind, ls []located) []Finding {
	out := make([]Finding, len(ls))
	for i, l := range ls {
		out[i] = Finding{Kind: kind, Location: l.where, Message: l.msg}
	}
	return out
}

func requestMessages(err error) []located {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []located
		for _, inner := range e {
			out = append(out, requestMessages(inner)...)
		}
		return out
	case *openapi3filter.RequestError:
		where := "request"
		switch {
		case e.Parameter != nil:
			where = fmt.Sprintf("%s parameter %q", e.Parameter.In, e.Parameter.Name)
		case e.RequestBody != nil:
			where = "request body"
		}
		if isSchemaError(e.Err) {
			return schemaMessages(where, e.Err)
		}
		return []located{{where, where + ": " + reasonOf(e.Reason, e.Err)}}
	case *openapi3filter.SecurityRequirementsError:
		return []located{{"security", "security requirements not met"}}
	default:
		return schemaMessages("request", err)
	}
}

// responseFindings turns ValidateResponse's error into findings with short
// one-line messages: an undeclared status, an undeclared content type, a
// body that cannot be decoded, or "body <pointer>: <reason>" per schema
// error. (kin-openapi words these only in its reasons: this is the one
// place that reads them.)
func responseFindings(err error, status int) []Finding {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []Finding
		for _, inner := range e {
			out = append(out, responseFindings(inner, status)...)
		}
		return out
	case *openapi3filter.ResponseError:
		switch {
		case e.Reason == "status is not supported":
			return []Finding{{Kind: FindingStatus, Location: "status", Message: fmt.Sprintf("status %d is not declared for this operation", status)}}
		case strings.Contains(e.Reason, "header Content-Type has unexpected value"):
			ct := e.Input.Header.Get("Content-Type")
			if ct == "" {
				return []Finding{{Kind: FindingContentType, Location: "content type", Message: fmt.Sprintf("status %d has a body without a Content-Type", status)}}
			}
			return []Finding{{Kind: FindingContentType, Location: "content type", Message: fmt.Sprintf("content type %q is not declared for status %d", ct, status)}}
		case e.Reason == "failed to decode response body":
			return []Finding{{Kind: FindingBody, Location: "body", Message: "body cannot be decoded: " + reasonOf("", e.Err)}}
		case isSchemaError(e.Err):
			return withKind(FindingBody, schemaMessages("body", e.Err))
		default:
			return []Finding{{Kind: FindingBody, Location: "response", Message: "response: " + reasonOf(e.Reason, e.Err)}}
		}
	default:
		return withKind(FindingBody, schemaMessages("response", err))
	}
}

func isSchemaError(err error) bool {
	switch err.(type) {
	case *openapi3.SchemaError, openapi3.MultiError:
		return true
	}
	return false
}

// schemaMessages words schema errors as "<where> <pointer>: <reason>".
func schemaMessages(where string, err error) []located {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []located
		for _, inner := range e {
			out = append(out, schemaMessages(where, inner)...)
		}
		return out
	case *openapi3.SchemaError:
		if p := e.JSONPointer(); len(p) > 0 {
			where += " /" + strings.Join(p, "/")
		}
		// A failed allOf says only that; its parts say why (with pointers
		// relative to it). anyOf and oneOf keep their one line: listing why
		// each branch failed says little.
		var parts openapi3.MultiError
		if e.SchemaField == "allOf" && errors.As(e.Origin, &parts) {
			return schemaMessages(where, parts)
		}
		reason := e.Reason
		if reason == "" {
			reason = fmt.Sprintf("does not match %q", e.SchemaField)
		}
		return []located{{where, where + ": " + oneLine(reason)}}
	default:
		return []located{{where, where + ": " + reasonOf("", err)}}
	}
}

// reasonOf joins a reason and its cause on one line, without repeating. A
// parse error gives its reasons only: its value and the parser's message
// quote the input, which may be a secret.
func reasonOf(reason string, err error) string {
	cause := ""
	var pe *openapi3filter.ParseError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		cause = parseReasons(pe)
	default:
		cause = err.Error()
	}
	switch {
	case cause == "" && reason == "":
		return "invalid"
	case cause == "" || strings.Contains(reason, cause):
		return oneLine(reason)
	case reason == "" || strings.Contains(cause, reason):
		return oneLine(cause)
	default:
		return oneLine(reason + ": " + cause)
	}
}

// parseReasons lists the reasons along a chain of parse errors.
func parseReasons(pe *openapi3filter.ParseError) string {
	var reasons []string
	for e := pe; e != nil; {
		if e.Reason != "" {
			reasons = append(reasons, e.Reason)
		}
		next, ok := e.Cause.(*openapi3filter.ParseError)
		if !ok {
			// JSON syntax errors quote one character at most: keep them.
			var syntax *json.SyntaxError
			if errors.As(e.Cause, &syntax) || errors.Is(e.Cause, io.ErrUnexpectedEOF) {
				reasons = append(reasons, e.Cause.Error())
			}
			break
		}
		e = next
	}
	if len(reasons) == 0 {
		return "cannot be parsed"
	}
	return strings.Join(reasons, ": ")
}

// oneLine folds whitespace, newlines included, into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
