package spec_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/upstream"
	"github.com/openhands-go/openhands-v0/spec"
)

// upstreamDocuments are the upstream OpenAPI documents the spec is compared
// with, by the short names spec/expected_drift.yaml uses.
var upstreamDocuments = map[string]string{
	"live": upstream.LiveOpenAPI,
	"docs": upstream.DocsOpenAPI,
}

func readUpstream(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(upstream.Dir(t), name))
	if err != nil {
		t.Fatalf("read upstream file: %v", err)
	}
	return data
}

// upstreamOperations lists "METHOD /path" for every operation of an
// upstream OpenAPI document.
func upstreamOperations(t *testing.T, data []byte) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("upstream document: %v", err)
	}
	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(ops)
	return ops
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

func TestCoverageAgainstUpstream(t *testing.T) {
	ctx := context.Background()
	doc, err := spec.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	excluded, err := spec.ExcludedRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Our operations by method and path template, parameter names ignored.
	ours := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ours[strings.ToUpper(method)+" "+pathParam.ReplaceAllString(path, "{}")] = true
		}
	}
	for key, file := range upstreamDocuments {
		t.Run(key, func(t *testing.T) {
			ops := upstreamOperations(t, readUpstream(t, file))
			if len(ops) == 0 {
				t.Fatalf("%s has no operations", file)
			}
			for _, op := range ops {
				method, path, _ := strings.Cut(op, " ")
				if ours[method+" "+pathParam.ReplaceAllString(path, "{}")] {
					continue
				}
				if isExcluded(excluded, method, path) {
					continue
				}
				t.Errorf("%s (in %s) is neither in spec/openapi.yaml nor in its x-excluded-routes: model it, or exclude it with the reason", op, file)
			}
		})
	}
}

func isExcluded(routes []spec.ExcludedRoute, method, path string) bool {
	for _, r := range routes {
		if r.Matches(method, path) {
			return true
		}
	}
	return false
}

func TestCoverageOfTheLiveDocumentIsComplete(t *testing.T) {
	// The live document has the 50 V0 operations; all of them are in the
	// spec itself, none is merely excluded.
	ops := upstreamOperations(t, readUpstream(t, upstream.LiveOpenAPI))
	if len(ops) != 50 {
		t.Errorf("the live document has %d operations, want 50", len(ops))
	}
	byRoute := map[string]string{}
	for _, op := range validator(t).Operations() {
		byRoute[op.Method+" "+op.Path] = op.ID
	}
	for _, op := range ops {
		if byRoute[op] == "" {
			t.Errorf("%s is not an operation of the spec", op)
		}
	}
}
