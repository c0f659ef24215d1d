package contract

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/drift"
	"github.com/openhands-go/openhands-v0/internal/upstream"
	"github.com/openhands-go/openhands-v0/spec"
)

// TestDriftAgainstUpstream compares the spec with the upstream documents:
// both describe V0 differently enough that oasdiff finds changes, and the
// same document read from a file or fetched from a server gives the same list.
func TestDriftAgainstUpstream(t *testing.T) {
	dir := upstream.Dir(t)
	ctx := context.Background()
	for _, name := range []string{upstream.LiveOpenAPI, upstream.DocsOpenAPI} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			fromFile, err := Drift(ctx, DriftOptions{File: path})
			if err != nil {
				t.Fatal(err)
			}
			if len(fromFile.Findings) == 0 || fromFile.Errors+fromFile.Warnings != len(fromFile.Findings) {
				t.Fatalf("%d findings (%d ERR, %d WARN); the upstream document differs from the spec", len(fromFile.Findings), fromFile.Errors, fromFile.Warnings)
			}
			if !slices.IsSortedFunc(fromFile.Findings, func(a, b drift.Finding) int { return strings.Compare(a.Operation, b.Operation) }) {
				t.Error("findings not sorted by operation")
			}
			doc := readFile(t, path)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/openapi.json" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(doc)
			}))
			defer srv.Close()
			fetched, err := Drift(ctx, DriftOptions{URL: srv.URL + "/"})
			if err != nil {
				t.Fatal(err)
			}
			if fetched.Source != srv.URL+"/openapi.json" {
				t.Errorf("source %s, want the server's /openapi.json", fetched.Source)
			}
			if !slices.Equal(fetched.Findings, fromFile.Findings) {
				t.Error("the fetched document gives other findings than the file")
			}
		})
	}
}

func TestDriftOfTheSpecItselfIsCompatible(t *testing.T) {
	res, err := Drift(context.Background(), DriftOptions{File: writeTemp(t, spec.YAML())})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || !strings.HasPrefix(res.Verdict, "COMPATIBLE") {
		t.Fatalf("the spec against itself: %s, %v", res.Verdict, res.Findings)
	}
}

func TestDriftRefusesAWebApp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><html></html>")
	}))
	defer srv.Close()
	_, err := Drift(context.Background(), DriftOptions{URL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "HTML") {
		t.Fatalf("err = %v, want one naming the HTML answer", err)
	}
	if _, err := Drift(context.Background(), DriftOptions{}); err == nil {
		t.Error("no error without a source")
	}
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
