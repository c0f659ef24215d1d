package drift

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// base30 is a small OpenAPI 3.0 document in the style of spec/openapi.yaml:
// a path-level parameter and nullable fields.
const base30 = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
    put:
      operationId: putThing
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                note: {type: string, nullable: true}
      responses:
        "204": {description: ok}
    delete:
      operationId: deleteThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: boolean}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        note: {type: string, nullable: true}
        kind: {type: string, enum: [a, b]}
`

// same31 says what base30 says, in OpenAPI 3.1 JSON notation: parameters on
// the operations, "null" in type lists.
const same31 = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/things/{id}": {
      "get": {
        "operationId": "getThing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
      },
      "put": {
        "operationId": "putThing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"note": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}}}},
        "responses": {"204": {"description": "ok"}}
      },
      "delete": {
        "operationId": "deleteThing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "boolean"}}}}}
      }
    }
  },
  "components": {"schemas": {"Thing": {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
      "id": {"type": "string"},
      "name": {"type": "string"},
      "note": {"type": ["string", "null"]},
      "kind": {"type": "string", "enum": ["a", "b"]}
    }
  }}}
}`

func breaking(t *testing.T, base, revision string) []Finding {
	t.Helper()
	got, err := Breaking(context.Background(), []byte(base), []byte(revision), "base", "revision")
	if err != nil {
		t.Fatalf("Breaking: %v", err)
	}
	return got
}

func TestBreakingIgnoresNotation(t *testing.T) {
	if got := breaking(t, base30, base30); len(got) != 0 {
		t.Errorf("a document against itself: %v", got)
	}
	if got := breaking(t, base30, same31); len(got) != 0 {
		t.Errorf("3.0 against the same API in 3.1 notation: %v", got)
	}
}

func TestBreakingReportsRemovedOperation(t *testing.T) {
	revision := strings.Replace(same31, `"delete": {`, `"x-gone": {`, 1)
	got := breaking(t, base30, revision)
	want := Finding{ID: "api-removed-without-deprecation", Level: LevelError, Operation: "DELETE /things/{id}"}
	if !containsFinding(got, want) {
		t.Fatalf("want %s among %v", want, got)
	}
}

func TestBreakingReportsRemovedRequiredResponseProperty(t *testing.T) {
	revision := strings.Replace(same31, `"required": ["id", "name"]`, `"required": ["id"]`, 1)
	got := breaking(t, base30, revision)
	want := Finding{ID: "response-property-became-optional", Level: LevelError, Operation: "GET /things/{id}"}
	if !containsFinding(got, want) {
		t.Fatalf("want %s among %v", want, got)
	}
	for _, f := range got {
		if f.Operation == "GET /things/{id}" && !strings.Contains(f.Text, "name") {
			t.Errorf("text does not name the property: %q", f.Text)
		}
	}
}

func TestBreakingReportsTypeChange(t *testing.T) {
	revision := strings.Replace(same31, `{"type": "boolean"}`, `{"type": "string"}`, 1)
	got := breaking(t, base30, revision)
	want := Finding{ID: "response-body-type-changed", Level: LevelError, Operation: "DELETE /things/{id}"}
	if !containsFinding(got, want) {
		t.Fatalf("want %s among %v", want, got)
	}
}

func TestBreakingIsSortedAndStable(t *testing.T) {
	revision := strings.NewReplacer(
		`"required": ["id", "name"]`, `"required": ["id"]`,
		`{"type": "boolean"}`, `{"type": "string"}`,
		`"id": {"type": "string"},`, ``,
	).Replace(same31)
	first := breaking(t, base30, revision)
	if len(first) < 2 {
		t.Fatalf("want several findings, got %v", first)
	}
	if !slices.IsSortedFunc(first, func(a, b Finding) int { return strings.Compare(a.Operation+a.ID+a.Text, b.Operation+b.ID+b.Text) }) {
		t.Errorf("findings not sorted: %v", first)
	}
	for range 3 {
		if again := breaking(t, base30, revision); !slices.Equal(first, again) {
			t.Fatalf("findings changed between runs:\n%v\n%v", first, again)
		}
	}
}

func TestBreakingRejectsWhatIsNotADocument(t *testing.T) {
	for name, doc := range map[string]string{
		"not json or yaml": "{{{",
		"no paths":         `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}`,
		"html page":        "<!DOCTYPE html><html><body>OpenHands</body></html>",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Breaking(context.Background(), []byte(base30), []byte(doc), "ours", "live /openapi.json")
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want a *LoadError, got %v", err)
			}
			if le.Name != "live /openapi.json" || !strings.Contains(err.Error(), "live /openapi.json") {
				t.Errorf("error does not name the document: %v", err)
			}
		})
	}
}

func TestBreakingHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Breaking(ctx, []byte(base30), []byte(same31), "a", "b"); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{ID: "x-removed", Level: LevelWarning, Operation: "GET /a", Text: "removed x"}
	if got, want := f.String(), "WARN x-removed GET /a: removed x"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Finding{ID: "y", Level: LevelError, Text: "t"}).String(); got != "ERR y -: t" {
		t.Errorf("String() without operation = %q", got)
	}
}

// containsFinding reports whether a finding with want's id, level and
// operation is in got (its text is oasdiff's wording, not checked here).
func containsFinding(got []Finding, want Finding) bool {
	return slices.ContainsFunc(got, func(f Finding) bool {
		return f.ID == want.ID && f.Level == want.Level && f.Operation == want.Operation
	})
}

func TestBreakingReportsRemovedDeprecatedOperation(t *testing.T) {
	base := strings.Replace(base30, "    delete:\n      operationId: deleteThing\n", "    delete:\n      operationId: deleteThing\n      deprecated: true\n", 1)
	revision := strings.Replace(same31, `"delete": {`, `"x-gone": {`, 1)
	got := breaking(t, base, revision)
	want := Finding{ID: "api-removed-without-deprecation", Level: LevelError, Operation: "DELETE /things/{id}"}
	if !containsFinding(got, want) {
		t.Fatalf("want %s among %v", want, got)
	}
}

// TestBreakingSeesThroughNullableWrappers compares a body that our spec
// writes `allOf: [$ref] + nullable` with the same body as FastAPI writes it,
// `anyOf: [$ref, {type: 'null'}]`: no finding for the notation, and a field
// dropped inside is found.
func TestBreakingSeesThroughNullableWrappers(t *testing.T) {
	base := strings.Replace(base30, "schema: {$ref: '#/components/schemas/Thing'}", "schema: {allOf: [{$ref: '#/components/schemas/Thing'}], nullable: true}", 1)
	revision := strings.Replace(same31, `{"schema": {"$ref": "#/components/schemas/Thing"}}`, `{"schema": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]}}`, 1)
	if base == base30 || revision == same31 {
		t.Fatal("the fixtures did not change")
	}
	if got := breaking(t, base, revision); len(got) != 0 {
		t.Errorf("the two notations of a nullable body: %v", got)
	}
	dropped := strings.NewReplacer(`"required": ["id", "name"]`, `"required": ["id"]`, `"name": {"type": "string"},`, ``).Replace(revision)
	got := breaking(t, base, dropped)
	want := Finding{ID: "response-required-property-removed", Level: LevelError, Operation: "GET /things/{id}"}
	if !containsFinding(got, want) {
		t.Fatalf("want %s among %v", want, got)
	}
}
