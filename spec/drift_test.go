package spec_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/drift"
	"github.com/openhands-go/openhands-v0/internal/upstream"
	"github.com/openhands-go/openhands-v0/spec"
)

// loadReview reads the drift review with the baselines, as contract drift does.
func loadReview(t *testing.T) *drift.Review {
	t.Helper()
	r, err := drift.LoadReview(spec.ExpectedDrift(), spec.Baselines())
	if err != nil {
		t.Fatalf("spec/expected_drift.yaml: %v", err)
	}
	return r
}

type findingKey struct{ id, op, text string }

// reviewedDocument is one copy of a reviewed document to compare the spec
// with: read in place from the upstream folder, or embedded as a baseline.
type reviewedDocument struct {
	name, source string
	data         []byte
}

// reviewedDocuments returns every copy of every reviewed document: the
// baselines, and the documents read in place (skipped, with a log line,
// when the upstream folder is absent).
func reviewedDocuments(t *testing.T, r *drift.Review) []reviewedDocument {
	t.Helper()
	var out []reviewedDocument
	dir, haveUpstream := upstream.Locate()
	for _, d := range r.Documents {
		if len(d.Baseline) > 0 {
			out = append(out, reviewedDocument{d.Name, "spec/baselines/" + d.Name + drift.BaselineSuffix, d.Baseline})
		}
		if d.File == "" {
			continue
		}
		if !haveUpstream {
			t.Logf("%s: upstream data not found at %s (set %s); not compared", d.Name, dir, upstream.EnvVar)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, d.File))
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		out = append(out, reviewedDocument{d.Name, d.File, data})
	}
	if len(out) == 0 {
		t.Skip("no reviewed document to compare with: no baseline in spec/baselines and no upstream data folder")
	}
	return out
}

func TestExpectedDriftIsWellFormed(t *testing.T) {
	e := loadReview(t)
	if len(e.Groups) == 0 {
		t.Fatal("no groups")
	}
	doc, err := spec.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, g := range e.Groups {
		if len(strings.Fields(g.Reason)) < 8 {
			t.Errorf("group %d: the reason %q does not explain", i, g.Reason)
		}
		if len(g.Findings) == 0 {
			t.Errorf("group %d has no findings", i)
		}
		for _, f := range g.Findings {
			if len(f.In) == 0 || f.ID == "" || f.Text == "" {
				t.Errorf("incomplete finding %+v", f)
			}
			for _, in := range f.In {
				if _, ok := e.Document(in); !ok {
					t.Errorf("%+v: unknown document %q: list it under documents, or add spec/baselines/%s.json", f, in, in)
				}
				key := in + "|" + f.ID + "|" + f.Op + "|" + f.Text
				if seen[key] {
					t.Errorf("listed twice: %+v", f)
				}
				seen[key] = true
			}
			method, path, _ := strings.Cut(f.Op, " ")
			if item := doc.Paths.Value(path); item == nil || item.GetOperation(method) == nil {
				t.Errorf("%+v: the spec has no operation %q", f, f.Op)
			}
		}
	}
}

func TestDriftAgainstUpstream(t *testing.T) {
	review := loadReview(t)
	for _, doc := range reviewedDocuments(t, review) {
		key, file := doc.name, doc.source
		t.Run(file, func(t *testing.T) {
			version, err := drift.InfoVersion(doc.data)
			if err != nil {
				t.Fatal(err)
			}
			if d, _ := review.Document(key); version != d.Version {
				t.Errorf("%s says info.version %q, spec/expected_drift.yaml says %s is %q", file, version, key, d.Version)
			}
			found, err := drift.Breaking(context.Background(), spec.YAML(), doc.data, "spec/openapi.yaml", file)
			if err != nil {
				t.Fatal(err)
			}
			want := map[findingKey]bool{}
			for _, f := range review.Expected(key) {
				want[findingKey{f.ID, f.Op, f.Text}] = true
			}
			var unexpected []string
			for _, f := range found {
				k := findingKey{f.ID, f.Operation, f.Text}
				if want[k] {
					delete(want, k)
					continue
				}
				unexpected = append(unexpected, fmt.Sprintf("      - {in: [%s], id: %s, op: %q, text: %q}  # %s", key, f.ID, f.Operation, f.Text, f.Level))
			}
			if len(unexpected) > 0 {
				t.Errorf("%d new breaking difference(s) between spec/openapi.yaml and %s (oasdiff).\n"+
					"For each: if spec/openapi.yaml is wrong, fix it. If the server really behaves as the spec says, add the line\n"+
					"to spec/expected_drift.yaml under the group whose reason fits (or a new group with the real reason);\n"+
					"if the same finding is listed for another document for the same reason, add %q to its `in` instead:\n%s",
					len(unexpected), file, key, strings.Join(unexpected, "\n"))
			}
			if len(want) > 0 {
				var stale []string
				for k := range want {
					stale = append(stale, fmt.Sprintf("      - id: %s, op: %q, text: %q", k.id, k.op, k.text))
				}
				slices.Sort(stale)
				t.Errorf("%d difference(s) listed in spec/expected_drift.yaml for %s are no longer reported:\n"+
					"remove %q from their `in` (and the line when `in` is empty):\n%s",
					len(stale), file, key, strings.Join(stale, "\n"))
			}
		})
	}
}
