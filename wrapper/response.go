package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"
)

const (
	// maxErrorRead bounds how much of an error body is read to find its
	// message; the rest is never read (a 20 MB error page costs 64 KiB).
	maxErrorRead = 64 << 10
	// maxErrorExcerpt bounds APIError.Body.
	maxErrorExcerpt = 4 << 10
)

// mediaType returns the response's media type without parameters, lower case.
func mediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(h.Get("Content-Type")))
	}
	return mt
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// looksLikeHTML reports whether a body is an HTML page, whatever its label.
func looksLikeHTML(mt string, body []byte) bool {
	if mt == "text/html" || mt == "application/xhtml+xml" {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// errorFromResponse reads at most maxErrorRead bytes of resp's body, closes
// it, and describes the answer as an *APIError, without the credentials the
// request sent should the server echo them.
func errorFromResponse(op, host string, resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorRead))
	resp.Body.Close()
	creds := sentCredentials(resp.Request)
	e := describe(op, host, resp.StatusCode, resp.Header, redactCredentials(body, creds))
	// The message is decoded from the body: a credential the body spelled
	// in a way the redaction above did not foresee shows here as sent.
	e.Message = string(redactCredentials([]byte(e.Message), creds))
	return e
}

// describe builds the *APIError for a status, headers and (bounded) body.
func describe(op, host string, status int, h http.Header, body []byte) *APIError {
	mt := mediaType(h)
	html := looksLikeHTML(mt, body)
	e := &APIError{
		Operation:   op,
		Host:        host,
		StatusCode:  status,
		ContentType: mt,
		Body:        excerpt(body),
		RetryAfter:  retryAfter(h, defaultNow()),
		Header:      h.Clone(),
		kinds:       kindsFor(status, html),
	}
	switch {
	case html:
		e.Message = htmlMessage(status, body)
	default:
		e.Message = errorMessage(body)
	}
	return e
}

func excerpt(body []byte) []byte {
	if len(body) > maxErrorExcerpt {
		body = body[:maxErrorExcerpt]
	}
	return bytes.Clone(body)
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// htmlMessage explains an HTML answer in words a person can act on.
func htmlMessage(status int, body []byte) string {
	title := ""
	if m := titleRE.FindSubmatch(body); m != nil {
		title = strings.Join(strings.Fields(strings.ToValidUTF8(string(m[1]), "\uFFFD")), " ")
	}
	if status >= 200 && status < 300 {
		msg := "the host answered with the web app's HTML instead of JSON: it does not serve the V0 API " +
			"(V0 was removed from app.all-hands.dev on 2026-04-16; use a self-hosted OpenHands that still has it)"
		if title != "" {
			msg += fmt.Sprintf(" [page title %q]", title)
		}
		return msg
	}
	if title == "" {
		return "an HTML error page"
	}
	return "HTML page: " + title
}

// errorMessage finds the message in any of the server's error shapes.
func errorMessage(body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(trimmed, &v); err != nil {
		return firstLine(trimmed)
	}
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		for _, key := range []string{"detail", "error", "message"} {
			if msg := messageValue(x[key]); msg != "" {
				if id, ok := x["msg_id"].(string); ok && id != "" {
					msg += " (" + id + ")"
				}
				return msg
			}
		}
		if s, ok := x["status"].(string); ok {
			return "status " + s
		}
	}
	return firstLine(trimmed)
}

// messageValue turns a detail/error/message value into text. FastAPI's 422
// detail is a list of {loc, msg}.
func messageValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, item := range x {
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			msg, _ := m["msg"].(string)
			if loc, ok := m["loc"].([]any); ok && len(loc) > 0 {
				var path []string
				for _, p := range loc {
					path = append(path, fmt.Sprint(p))
				}
				msg = strings.Join(path, ".") + ": " + msg
			}
			parts = append(parts, msg)
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > 200 {
		b = b[:200]
	}
	s := strings.TrimSpace(string(b))
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// decodeJSON checks that a 2xx answer is JSON and decodes it into out,
// streaming from the body. It always closes the body.
func decodeJSON(op, host string, resp *http.Response, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFromResponse(op, host, resp)
	}
	if mt := mediaType(resp.Header); !isJSON(mt) {
		return errorFromResponse(op, host, resp)
	}
	defer resp.Body.Close()
	target, ref := out, reflect.Value{}
	if wantsObject(out) {
		// Decode through a pointer to out: a JSON null sets that pointer
		// to nil rather than leaving the struct zero, so it shows. Only
		// getConversation may answer null (into a **T); anywhere else a
		// null would pass for an empty answer: a listing would end early,
		// a create would return no id.
		ref = reflect.New(reflect.TypeOf(out))
		ref.Elem().Set(reflect.ValueOf(out))
		target = ref.Interface()
	}
	if err := json.NewDecoder(resp.Body).Decode(target); err != nil {
		return malformed(op, host, resp, err)
	}
	if ref.IsValid() && ref.Elem().IsNil() {
		return &APIError{Operation: op, Host: host, StatusCode: resp.StatusCode, ContentType: mediaType(resp.Header),
			Message: "the answer is null, not the JSON object the spec declares", kinds: []error{ErrUnexpectedResponse}}
	}
	return nil
}

// wantsObject reports whether out is a non-nil pointer to a struct, which
// no JSON null can stand for.
func wantsObject(out any) bool {
	v := reflect.ValueOf(out)
	return v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct
}

// malformed describes a 2xx JSON answer that could not be decoded. A
// transport failure while reading (reset, timeout) is returned as it is.
func malformed(op, host string, resp *http.Response, err error) error {
	if e, ok := brokeLimit(op, host, resp, err); ok {
		return e
	}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var timeout *timeoutError
	if errors.As(err, &timeout) || (!errors.As(err, &syntax) && !errors.As(err, &typeErr) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF)) {
		return fmt.Errorf("openhands: %s: reading the answer: %w", op, err)
	}
	var cause error
	if errors.Is(err, io.ErrUnexpectedEOF) {
		cause = err // a cut body: callers that retry (Wait) may treat it as a broken connection
		err = fmt.Errorf("the body ended early: %w", err)
	} else if errors.Is(err, io.EOF) {
		err = fmt.Errorf("the body is empty: %w", err)
	}
	return &APIError{
		Operation:   op,
		Host:        host,
		StatusCode:  resp.StatusCode,
		ContentType: mediaType(resp.Header),
		Message:     "malformed JSON: " + err.Error(),
		kinds:       []error{ErrUnexpectedResponse},
		cause:       cause,
	}
}
