package contract

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/spec"
)

type fixedResponse struct {
	status      int
	contentType string
	body        string
}

func (f fixedResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: f.status, Header: http.Header{"Content-Type": {f.contentType}},
		Body: io.NopCloser(strings.NewReader(f.body)), Request: req}, nil
}

func validator(t *testing.T) *spec.Validator {
	t.Helper()
	v, err := spec.NewValidator(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestConformanceChecksEachExchange(t *testing.T) {
	v := validator(t)
	sc := Scenario{Name: "s", Expect: []Expectation{{Kind: KindResponse, Finding: spec.FindingContentType, Status: 200, Why: "on purpose"}}}
	cases := []struct {
		name      string
		resp      fixedResponse
		path      string
		wantKinds []ViolationKind
		expected  bool
		wantOp    string
	}{
		{"conforming", fixedResponse{200, "application/json", `{"status":"ok"}`}, "/alive", nil, false, "alive"},
		{"html where JSON is due", fixedResponse{200, "text/html", "<html></html>"}, "/api/settings", []ViolationKind{KindResponse}, true, "getSettings"},
		{"undeclared status", fixedResponse{418, "application/json", `{}`}, "/api/settings", []ViolationKind{KindResponse}, false, "getSettings"},
		{"runtime host base path", fixedResponse{200, "application/json", `{"status":"ok"}`}, "/runtime/abc/api/options/config", nil, false, "getServerConfig"},
		{"unknown route", fixedResponse{200, "application/json", `{}`}, "/api/nowhere", []ViolationKind{KindRoute}, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newConformance(tc.resp, v, sc, nil)
			req, _ := http.NewRequest(http.MethodGet, "http://any.example"+tc.path, nil)
			resp, err := c.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if body, _ := io.ReadAll(resp.Body); string(body) != tc.resp.body {
				t.Errorf("the caller got %q, want %q", body, tc.resp.body)
			}
			x := c.results()[0]
			if x.Operation != tc.wantOp {
				t.Errorf("operation %q, want %q", x.Operation, tc.wantOp)
			}
			var kinds []ViolationKind
			for _, v := range x.Violations {
				kinds = append(kinds, v.Kind)
				if v.Expected != tc.expected {
					t.Errorf("violation %s expected = %v, want %v", v, v.Expected, tc.expected)
				}
			}
			if len(kinds) != len(tc.wantKinds) || (len(kinds) > 0 && kinds[0] != tc.wantKinds[0]) {
				t.Errorf("violations %v, want kinds %v", x.Violations, tc.wantKinds)
			}
		})
	}
}

func TestConformanceStreamsLargeBodies(t *testing.T) {
	v := validator(t)
	big := `{"status":"` + strings.Repeat("x", 100) + `"` // not even valid JSON: its body is not checked
	c := newConformance(fixedResponse{200, "application/json", big}, v, Scenario{Name: "s"}, nil)
	c.maxBody = 10
	req, _ := http.NewRequest(http.MethodGet, "http://any.example/alive", nil)
	resp, err := c.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(resp.Body); string(body) != big {
		t.Fatalf("the caller got %d bytes, want all %d", len(body), len(big))
	}
	x := c.results()[0]
	if x.Note == "" || len(x.Violations) != 0 || x.Operation != "alive" {
		t.Errorf("exchange %+v: want a note, no body violation, the operation", x)
	}
}
