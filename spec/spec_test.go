package spec_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/openhands-go/openhands-v0/spec"
)

func TestLoadValidatesTheSpecAndItsExamples(t *testing.T) {
	doc, err := spec.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 2 {
		t.Errorf("openapi %q with %d servers", doc.OpenAPI, len(doc.Servers))
	}
	// Load returns a new document each time: a caller may change it.
	doc.Servers = nil
	again, err := spec.Load(context.Background())
	if err != nil || len(again.Servers) != 2 {
		t.Errorf("a second Load shares state with the first: %v", err)
	}
}

// The validation Load runs does look at examples: an example that breaks
// its schema makes the document invalid.
func TestABrokenExampleIsCaught(t *testing.T) {
	for name, edit := range map[string][2]string{
		"media type example": {"                num_connections: 1\n", "                num_connections: one\n"},
		"schema example":     {"example: {detail: Invalid limit}", "example: {detail: 400}"},
	} {
		t.Run(name, func(t *testing.T) {
			yaml := spec.YAML()
			if !bytes.Contains(yaml, []byte(edit[0])) {
				t.Fatalf("the spec no longer has %q; update this test", edit[0])
			}
			broken := bytes.Replace(yaml, []byte(edit[0]), []byte(edit[1]), 1)
			doc, err := openapi3.NewLoader().LoadFromData(broken)
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err == nil {
				t.Fatal("a broken example passed validation")
			}
		})
	}
}

func TestYAMLReturnsACopy(t *testing.T) {
	a := spec.YAML()
	a[0] = 'X'
	if b := spec.YAML(); b[0] == 'X' || !bytes.HasPrefix(b, []byte("openapi: 3.0.3")) {
		t.Fatal("YAML() exposes the embedded bytes")
	}
}

func TestExcludedRoutesAreWellFormedAndAbsent(t *testing.T) {
	routes, err := spec.ExcludedRoutes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) == 0 {
		t.Fatal("no x-excluded-routes")
	}
	doc, err := spec.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		if r.Method == "" || !strings.HasPrefix(r.Path, "/") || len(r.Reason) < 10 {
			t.Errorf("incomplete exclusion %+v", r)
		}
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				if r.Matches(method, path) {
					t.Errorf("%s %s is excluded (%s) but the spec has it", method, path, r.Path)
				}
			}
		}
		// The description's "Not modelled" list says the same, in prose.
		if !mentioned(doc.Info.Description, r.Path) {
			t.Errorf("info.description does not mention the excluded %q", r.Path)
		}
	}
}

func TestExcludedRouteMatches(t *testing.T) {
	catchAll := spec.ExcludedRoute{Method: "GET", Path: "/api/conversations/{conversation_id}/security/*"}
	v1 := spec.ExcludedRoute{Method: "*", Path: "/api/v1/*"}
	exact := spec.ExcludedRoute{Method: "GET", Path: "/ready"}
	cases := []struct {
		route        spec.ExcludedRoute
		method, path string
		want         bool
	}{
		{catchAll, "GET", "/api/conversations/abc/security/policy", true},
		{catchAll, "get", "/api/conversations/{id}/security/a/b", true},
		{catchAll, "POST", "/api/conversations/abc/security/policy", false},
		{catchAll, "GET", "/api/conversations/abc/events", false},
		{v1, "DELETE", "/api/v1/sandboxes/x", true},
		{v1, "GET", "/api/v1", true},
		{v1, "GET", "/api/v10/x", false},
		{exact, "GET", "/ready", true},
		{exact, "GET", "/ready/now", false},
		{exact, "GET", "/", false},
	}
	for _, c := range cases {
		if got := c.route.Matches(c.method, c.path); got != c.want {
			t.Errorf("%+v.Matches(%s, %s) = %v, want %v", c.route, c.method, c.path, got, c.want)
		}
	}
}

// mentioned reports whether description names path in backquotes, or names
// a "prefix/*" that covers it.
func mentioned(description, path string) bool {
	if strings.Contains(description, "`"+path+"`") {
		return true
	}
	parts := strings.Split(description, "`")
	for i := 1; i < len(parts); i += 2 {
		if strings.HasSuffix(parts[i], "/*") && (spec.ExcludedRoute{Method: "*", Path: parts[i]}).Matches("GET", path) {
			return true
		}
	}
	return false
}
