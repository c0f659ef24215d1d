package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
)

// Fuzz targets of the reliability proof (issue 7). Their seeds are the
// corpora in testdata/fuzz/<FuzzName>/ (realistic server answers and the
// edge cases met so far); they run with every `go test`, and `make fuzz`
// runs each target for FUZZTIME.

// FuzzErrorFromResponse feeds any status, content type, Retry-After and body
// through errorFromResponse and describe: the *APIError never panics, keeps
// the status, bounds its excerpt, has a valid UTF-8 one-line message, and
// matches the sentinels its status and body call for.
func FuzzErrorFromResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter string, body []byte) {
		h := http.Header{"Content-Type": {contentType}, "Retry-After": {retryAfter}}
		resp := &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
		e := errorFromResponse("getConversation", hostApp, resp)
		if e == nil {
			t.Fatal("nil error")
		}
		if e.StatusCode != status || e.Operation != "getConversation" {
			t.Errorf("status %d, operation %q: the error says %d, %q", status, "getConversation", e.StatusCode, e.Operation)
		}
		if len(e.Body) > maxErrorExcerpt || !bytes.HasPrefix(body, e.Body) {
			t.Errorf("excerpt of %d bytes is not a bounded prefix of the body", len(e.Body))
		}
		if e.RetryAfter < 0 {
			t.Errorf("negative RetryAfter %s", e.RetryAfter)
		}
		msg := e.Error()
		if !utf8.ValidString(msg) {
			t.Errorf("Error() is not valid UTF-8: %q", msg)
		}
		if strings.ContainsAny(msg, "\r\n") {
			t.Errorf("Error() is not one line: %q", msg)
		}
		html := looksLikeHTML(mediaType(h), body)
		want := map[error]bool{
			ErrUnauthorized: status == 401, ErrForbidden: status == 403, ErrNotFound: status == 404,
			ErrNotV0: status == 405 || (status >= 200 && status < 300 && html), ErrValidation: status == 400 || status == 422,
			ErrRateLimited: status == 429, ErrServer: status >= 500, ErrMaintenance: status >= 500 && html,
			ErrUnexpectedResponse: status >= 200 && status < 300 && !html, ErrRuntimeUnavailable: false,
		}
		for sentinel, yes := range want {
			if errors.Is(e, sentinel) != yes {
				t.Errorf("status %d (html %v): errors.Is(%v) = %v", status, html, sentinel, !yes)
			}
		}
	})
}

// FuzzEventJSON decodes any JSON into api.Event and checks that encoding
// it loses nothing on the way back: decoding the encoded event and encoding
// it again gives the same JSON, up to empty objects, lists and nulls (the
// generated omitempty/omitzero tags drop an empty list in one round and the
// object left empty around it in the next), and the model and first-message
// extraction see the same event before and after.
func FuzzEventJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var first api.Event
		if json.Unmarshal(data, &first) != nil {
			return
		}
		once, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("a decoded event does not encode: %v", err)
		}
		var second api.Event
		if err := json.Unmarshal(once, &second); err != nil {
			t.Fatalf("an encoded event does not decode: %v\n%s", err, once)
		}
		twice, err := json.Marshal(second)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := prunedJSON(t, once), prunedJSON(t, twice); a != b {
			t.Errorf("re-encoding changed the event:\n%s\n%s", a, b)
		}
		if a, b := ModelFromEvent(first), ModelFromEvent(second); a != b {
			t.Errorf("model %q before re-encoding, %q after", a, b)
		}
		if a, b := userMessageText(first), userMessageText(second); a != b {
			t.Errorf("user message %q before re-encoding, %q after", a, b)
		}
	})
}

// prunedJSON re-encodes a JSON document without its empty objects, empty
// lists and nulls, recursively (map keys come out sorted).
func prunedJSON(t *testing.T, doc []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(prune(v))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if c := prune(child); c == nil {
				delete(t, k)
			} else {
				t[k] = c
			}
		}
		if len(t) == 0 {
			return nil
		}
	case []any:
		for i, child := range t {
			t[i] = prune(child)
		}
		if len(t) == 0 {
			return nil
		}
	}
	return v
}

// FuzzLooksLikeHTML checks the HTML detection against an independent
// statement of the rule: an HTML media type, or a body whose first 512 bytes,
// after leading white space, start with "<!doctype html" or "<html" in any
// case. A JSON value is never HTML, and a 5xx HTML page is a maintenance page.
func FuzzLooksLikeHTML(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		h := http.Header{"Content-Type": {contentType}}
		mt := mediaType(h)
		got := looksLikeHTML(mt, body)
		if want := referenceHTML(mt, body); got != want {
			t.Errorf("looksLikeHTML(%q, %.60q) = %v, the rule says %v", mt, body, got, want)
		}
		if got && isJSON(mt) && json.Valid(body) {
			t.Errorf("a valid JSON body was taken for HTML: %.60q", body)
		}
		e := describe("getTrajectory", hostApp, 500, h, body)
		if errors.Is(e, ErrMaintenance) != got {
			t.Errorf("500 %q: ErrMaintenance %v, HTML %v", mt, errors.Is(e, ErrMaintenance), got)
		}
		if msg := e.Error(); !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n") {
			t.Errorf("Error() %q is not one valid UTF-8 line", msg)
		}
	})
}

func referenceHTML(mt string, body []byte) bool {
	if mt == "text/html" || mt == "application/xhtml+xml" {
		return true
	}
	head := bytes.TrimLeftFunc(body[:min(len(body), 512)], unicode.IsSpace)
	for _, prefix := range []string{"<!doctype html", "<html"} {
		if len(head) >= len(prefix) && bytes.EqualFold(head[:len(prefix)], []byte(prefix)) {
			return true
		}
	}
	return false
}

// FuzzRuntimeBaseURL derives runtime hosts from any app base, conversation
// url and id: it never panics, fails only with ErrRuntimeUnavailable, and a
// result is an absolute http(s) URL without query, fragment, user or trailing
// slash whose path, with "/api/conversations/{id}" appended, is the resolved
// url's path.
func FuzzRuntimeBaseURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, appBase, conversationURL, id string) {
		got, err := RuntimeBaseURL(appBase, conversationURL, id)
		if err != nil {
			if !errors.Is(err, ErrRuntimeUnavailable) {
				t.Errorf("error %v does not match ErrRuntimeUnavailable", err)
			}
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("result %q is not an absolute http(s) URL (%v)", got, perr)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(got, "/") {
			t.Errorf("result %q keeps a query, fragment, user or trailing slash", got)
		}
		base, _ := url.Parse(appBase)
		ref, _ := url.Parse(conversationURL)
		resolved := base.ResolveReference(ref)
		if want := strings.TrimRight(resolved.Path, "/"); u.Path+"/api/conversations/"+id != want {
			t.Errorf("result %q: path %q + suffix is not the resolved url's path %q", got, u.Path, want)
		}
		if u.Host != resolved.Host || u.Scheme != resolved.Scheme {
			t.Errorf("result %q is not on the resolved url's host %s://%s", got, resolved.Scheme, resolved.Host)
		}
	})
}

// FuzzValidateConversationID checks the client's id rule against an
// independent statement of the server's (openhands/server/utils.py
// validate_conversation_id) plus the two refusals the client adds: the
// empty id and ".".
func FuzzValidateConversationID(f *testing.F) {
	f.Fuzz(func(t *testing.T, id string) {
		err := ValidateConversationID(id)
		if err != nil && !errors.Is(err, ErrValidation) {
			t.Errorf("error %v does not match ErrValidation", err)
		}
		// Python counts code points of the decoded path; Go counts a broken
		// byte sequence byte by byte. The rules agree whenever the count
		// cannot pass 100 either way.
		if !utf8.ValidString(id) && len(id) > maxConversationIDLen {
			return
		}
		want := id != "" && id != "." && serverAcceptsID(id)
		if (err == nil) != want {
			t.Errorf("ValidateConversationID(%q) = %v; the server's rule accepts it: %v", id, err, want)
		}
	})
}

// serverAcceptsID is validate_conversation_id of the V0 server.
func serverAcceptsID(id string) bool {
	if utf8.RuneCountInString(id) > 100 {
		return false
	}
	if strings.Contains(id, "\x00") || strings.Contains(id, "..") || strings.Contains(id, "/") || strings.Contains(id, `\`) {
		return false
	}
	for _, r := range id {
		if r < 32 {
			return false
		}
	}
	return true
}

// FuzzTrajectoryShape checks the streaming trajectory check: its verdict
// does not depend on how the body is cut into writes, it accepts every valid
// JSON object with a top-level "trajectory" list, and refuses every valid
// JSON value that has none.
func FuzzTrajectoryShape(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		whole := shapeVerdict(data, len(data)+1)
		if cut := shapeVerdict(data, int(chunk)%16+1); (whole == nil) != (cut == nil) {
			t.Errorf("%q: whole %v, in writes of %d bytes %v", data, whole, int(chunk)%16+1, cut)
		}
		if !json.Valid(data) || bytes.Contains(data, []byte(`\`)) {
			return // escaped keys are never matched: the server escapes none
		}
		var top map[string]json.RawMessage
		isObject := json.Unmarshal(data, &top) == nil && top != nil
		list := isObject && bytes.HasPrefix(bytes.TrimSpace(top[trajectoryKey]), []byte("["))
		if unique := uniqueTopKeys(data); !unique {
			return
		}
		if list != (whole == nil) {
			t.Errorf("%q: a trajectory list: %v; the check says %v", data, list, whole)
		}
	})
}

func shapeVerdict(data []byte, chunk int) error {
	var s trajectoryShape
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		if _, err := s.Write(rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return s.finish()
}

// uniqueTopKeys reports whether a JSON object's top-level keys are all
// different (true for anything that is not an object).
func uniqueTopKeys(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return true
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		key, _ := tok.(string)
		if seen[key] {
			return false
		}
		seen[key] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return true
		}
	}
	return true
}
