package contract

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

func newRequest(t *testing.T, method, rawURL, body string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, r)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestMatcher(t *testing.T) {
	rec := cassette.Request{Method: "POST", URL: "http://app.example/api/conversations/c1/events?limit=5&reverse=true",
		Body: `{"b":[1,2],"a":"x"}`}
	cases := []struct {
		name   string
		method string
		url    string
		body   string
		want   bool
	}{
		{"same", "POST", "http://app.example/api/conversations/c1/events?limit=5&reverse=true", `{"b":[1,2],"a":"x"}`, true},
		{"other host and scheme", "POST", "https://runtime-7.example:8443/api/conversations/c1/events?limit=5&reverse=true", `{"b":[1,2],"a":"x"}`, true},
		{"query reordered", "POST", "http://app.example/api/conversations/c1/events?reverse=true&limit=5", `{"b":[1,2],"a":"x"}`, true},
		{"JSON reordered and reformatted", "POST", "http://app.example/api/conversations/c1/events?limit=5&reverse=true", "{\n \"a\": \"x\", \"b\": [1, 2.0]\n}", true},
		{"other method", "PUT", "http://app.example/api/conversations/c1/events?limit=5&reverse=true", `{"b":[1,2],"a":"x"}`, false},
		{"other path", "POST", "http://app.example/api/conversations/c2/events?limit=5&reverse=true", `{"b":[1,2],"a":"x"}`, false},
		{"other query", "POST", "http://app.example/api/conversations/c1/events?limit=6&reverse=true", `{"b":[1,2],"a":"x"}`, false},
		{"missing query", "POST", "http://app.example/api/conversations/c1/events", `{"b":[1,2],"a":"x"}`, false},
		{"other body", "POST", "http://app.example/api/conversations/c1/events?limit=5&reverse=true", `{"b":[2,1],"a":"x"}`, false},
		{"no body", "POST", "http://app.example/api/conversations/c1/events?limit=5&reverse=true", "", false},
	}
	match := matcher()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := match(newRequest(t, tc.method, tc.url, tc.body), rec); got != tc.want {
				t.Errorf("match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatcherRestoresTheBody(t *testing.T) {
	body := `{"title":"renamed"}`
	for _, withGetBody := range []bool{true, false} {
		req := newRequest(t, "PATCH", "http://h/api/conversations/c1", body)
		if !withGetBody {
			req.GetBody = nil
			req.Body = io.NopCloser(bytes.NewBufferString(body))
		}
		rec := cassette.Request{Method: "PATCH", URL: "http://x/api/conversations/c1", Body: body}
		match := matcher()
		for range 2 { // a second match sees the body the first put back
			if !match(req, rec) {
				t.Fatal("no match")
			}
		}
		got, err := io.ReadAll(req.Body)
		if err != nil || string(got) != body {
			t.Fatalf("body after matching = %q, %v; want %q", got, err, body)
		}
	}
}

func TestMatcherComparesScrubbedSecrets(t *testing.T) {
	// The cassette holds the redacted body; the live request carries a real
	// key in a secret field and a known secret in free text.
	rec := cassette.Request{Method: "POST", URL: "http://h/api/settings",
		Body: `{"llm_api_key":"REDACTED","llm_model":"m","note":"REDACTED"}`}
	req := newRequest(t, "POST", "http://other/api/settings", `{"llm_api_key":"sk-real-key-000000000000","llm_model":"m","note":"known-secret-123"}`)
	if !matcher("known-secret-123")(req, rec) {
		t.Fatal("a live request with secrets does not match its scrubbed recording")
	}
	req = newRequest(t, "POST", "http://other/api/settings", `{"llm_api_key":"sk-real-key-000000000000","llm_model":"other","note":"known-secret-123"}`)
	if matcher("known-secret-123")(req, rec) {
		t.Fatal("a non-secret difference matched")
	}
}
