package contract

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// matcher returns the replay matcher: a live request matches a recorded one
// when the method, the path, the canonical query (parameters sorted) and the
// body agree, JSON bodies compared by value rather than by bytes. The scheme,
// host and headers are ignored, so a request to a runtime host replays
// whatever host it was recorded on. The live request is scrubbed as the
// recording was (secret query parameters and JSON fields, and the values of
// secrets), so a request carrying a real key matches its redacted recording.
// The request's body is read and put back.
//
// go-vcr hands out the first matching interaction not yet replayed, so
// identical requests (a poll loop) replay in recorded order.
func matcher(secrets ...string) cassette.MatcherFunc {
	return func(r *http.Request, rec cassette.Request) bool {
		if r.Method != rec.Method {
			return false
		}
		recURL, err := url.Parse(rec.URL)
		if err != nil {
			return false
		}
		live := liveRequest(r)
		liveURL, err := url.Parse(scrubURL(live.URL, secrets))
		if err != nil {
			return false
		}
		if liveURL.EscapedPath() != recURL.EscapedPath() || canonicalQuery(liveURL) != canonicalQuery(recURL) {
			return false
		}
		return sameBody(withoutBoundary(scrubBody(live.Body, live.Headers, secrets), live.Headers),
			withoutBoundary(rec.Body, rec.Headers))
	}
}

// liveRequest captures what the matcher compares of a live request, reading
// its body and putting it back.
func liveRequest(r *http.Request) cassette.Request {
	out := cassette.Request{Method: r.Method, URL: r.URL.String(), Headers: r.Header}
	body, err := readBody(r)
	if err == nil {
		out.Body = string(body)
	}
	return out
}

// readBody returns a request's body without consuming it: from GetBody when
// the request has one, else by reading Body and replacing it with a copy.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err == nil {
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

// withoutBoundary replaces a multipart body's boundary, chosen at random for
// each request, with a constant.
func withoutBoundary(body string, h http.Header) string {
	if b := multipartBoundary(h); b != "" {
		return strings.ReplaceAll(body, b, "BOUNDARY")
	}
	return body
}

// canonicalQuery is the query with its parameters sorted by name.
func canonicalQuery(u *url.URL) string { return u.Query().Encode() }

// sameBody compares two bodies: by value when both are JSON, else byte for byte.
func sameBody(a, b string) bool {
	if a == b {
		return true
	}
	va, okA := parseJSON(a)
	vb, okB := parseJSON(b)
	if !okA || !okB {
		return false
	}
	return reflect.DeepEqual(normalizeNumbers(va), normalizeNumbers(vb))
}

// normalizeNumbers turns json.Numbers into float64 so that 1 and 1.0 compare equal.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = normalizeNumbers(c)
		}
	case []any:
		for i, c := range t {
			t[i] = normalizeNumbers(c)
		}
	case json.Number:
		if f, err := t.Float64(); err == nil {
			return f
		}
	}
	return v
}
