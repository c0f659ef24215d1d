package spec_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/openhands-go/openhands-v0/internal/drift"
	"github.com/openhands-go/openhands-v0/spec"
)

// expectedDrift is spec/expected_drift.yaml: the reviewed breaking
// differences between the spec and the upstream documents, by reason.
type expectedDrift struct {
	Groups []driftGroup `yaml:"groups"`
}

type driftGroup struct {
	Reason   string          `yaml:"reason"`
	Check    string          `yaml:"check"`
	Findings []driftExpected `yaml:"findings"`
}

type driftExpected struct {
	In   []string `yaml:"in"`
	ID   string   `yaml:"id"`
	Op   string   `yaml:"op"`
	Text string   `yaml:"text"`
}

// checkOursNullable is the group check that each field named is nullable
// in our spec: oasdiff reports the nullable notation the same way whether
// or not our field is nullable.
const checkOursNullable = "ours-nullable"

func loadExpectedDrift(t *testing.T) expectedDrift {
	t.Helper()
	f, err := os.Open("expected_drift.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var e expectedDrift
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("spec/expected_drift.yaml: %v", err)
	}
	return e
}

type findingKey struct{ id, op, text string }

// expectedFor returns the findings expected against one upstream document.
func (e expectedDrift) expectedFor(doc string) map[findingKey]bool {
	out := map[findingKey]bool{}
	for _, g := range e.Groups {
		for _, f := range g.Findings {
			if slices.Contains(f.In, doc) {
				out[findingKey{f.ID, f.Op, f.Text}] = true
			}
		}
	}
	return out
}

func TestExpectedDriftIsWellFormed(t *testing.T) {
	e := loadExpectedDrift(t)
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
		if g.Check != "" && g.Check != checkOursNullable {
			t.Errorf("group %d: unknown check %q", i, g.Check)
		}
		if len(g.Findings) == 0 {
			t.Errorf("group %d has no findings", i)
		}
		for _, f := range g.Findings {
			if len(f.In) == 0 || f.ID == "" || f.Text == "" {
				t.Errorf("incomplete finding %+v", f)
			}
			for _, in := range f.In {
				if _, ok := upstreamDocuments[in]; !ok {
					t.Errorf("%+v: unknown document %q (want live or docs)", f, in)
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
				continue
			}
			if g.Check == checkOursNullable {
				if err := fieldIsNullable(doc, f); err != nil {
					t.Errorf("%s: %v", f.Op, err)
				}
			}
		}
	}
}

func TestDriftAgainstUpstream(t *testing.T) {
	expected := loadExpectedDrift(t)
	for key, file := range upstreamDocuments {
		t.Run(key, func(t *testing.T) {
			found, err := drift.Breaking(context.Background(), spec.YAML(), readUpstream(t, file), "spec/openapi.yaml", file)
			if err != nil {
				t.Fatal(err)
			}
			want := expected.expectedFor(key)
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
					"if the same finding is listed for the other document, add %q to its `in` instead:\n%s",
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

// The texts oasdiff gives for the nullable notation, with the property
// (empty for the whole body) and the response status.
var nullableTexts = []*regexp.Regexp{
	regexp.MustCompile("^response property `([^`]*)` list-of-types was widened by adding types `null` to media type `application/json` of response `(\\d+)`$"),
	regexp.MustCompile("^(?:removed|added) `[^`]*` (?:from|to) the `([^`]*)` response property `(?:allOf|anyOf)` list for the response status `(\\d+)`$"),
	regexp.MustCompile("^(?:removed|added) `[^`]*` (?:from|to) the response body ()`(?:allOf|anyOf)` list for the response status `(\\d+)`$"),
}

// fieldIsNullable checks that the response field a nullable-notation
// finding names is nullable in our spec.
func fieldIsNullable(doc *openapi3.T, f driftExpected) error {
	var m []string
	for _, re := range nullableTexts {
		if m = re.FindStringSubmatch(f.Text); m != nil {
			break
		}
	}
	if m == nil {
		return fmt.Errorf("the text %q names no response field to check", f.Text)
	}
	status, _ := strconv.Atoi(m[2])
	method, path, _ := strings.Cut(f.Op, " ")
	resp := doc.Paths.Value(path).GetOperation(method).Responses.Status(status)
	if resp == nil || resp.Value.Content.Get("application/json") == nil {
		return fmt.Errorf("no JSON response %d", status)
	}
	schema := resp.Value.Content.Get("application/json").Schema
	if m[1] != "" {
		for _, seg := range strings.Split(m[1], "/") {
			if schema = child(schema, seg); schema == nil {
				return fmt.Errorf("no field %q in the %d response", m[1], status)
			}
		}
	}
	if !schema.Value.Nullable {
		return fmt.Errorf("the field %q of the %d response is not nullable, yet the finding is filed as notation", m[1], status)
	}
	return nil
}

// child returns the schema of an array's items ("items") or of a property,
// looking through allOf.
func child(s *openapi3.SchemaRef, seg string) *openapi3.SchemaRef {
	if s == nil || s.Value == nil {
		return nil
	}
	if seg == "items" && s.Value.Items != nil {
		return s.Value.Items
	}
	if p := s.Value.Properties[seg]; p != nil {
		return p
	}
	for _, part := range s.Value.AllOf {
		if c := child(part, seg); c != nil {
			return c
		}
	}
	return nil
}
