// Package drift compares two OpenAPI documents with oasdiff and lists the
// changes from the first (our spec, the contract the SDK was generated from)
// to the second (an upstream document, or a live server's /openapi.json)
// that could break a client of the first: removed operations or response
// fields, narrowed enums, new required request parameters, and so on.
//
// It is used by the spec's drift tests and by the contract harness. Packages
// api and wrapper must not import it: oasdiff is a heavy dependency that the
// SDK itself does not need.
package drift

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3conv"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Level is how sure oasdiff is that a change breaks clients.
type Level string

// The levels Breaking reports.
const (
	// LevelError is a definite break (oasdiff's ERR).
	LevelError Level = "ERR"
	// LevelWarning is a possible break (oasdiff's WARN).
	LevelWarning Level = "WARN"
)

// Finding is one change that may break a client of the base document.
type Finding struct {
	// ID is oasdiff's rule id, e.g. "response-required-property-removed".
	ID string `json:"id"`
	// Level is ERR or WARN.
	Level Level `json:"level"`
	// Operation is "METHOD /path" (the path as the base document writes it),
	// or "" for a change outside any operation.
	Operation string `json:"operation"`
	// Text is oasdiff's one-line description, without colour.
	Text string `json:"text"`
}

// String renders the finding on one line: "ERR id METHOD /path: text".
func (f Finding) String() string {
	op := f.Operation
	if op == "" {
		op = "-"
	}
	return fmt.Sprintf("%s %s %s: %s", f.Level, f.ID, op, f.Text)
}

// LoadError reports a document that oasdiff could not read.
type LoadError struct {
	// Name is the document's name as given to Breaking.
	Name string
	// Err is the parser's error.
	Err error
}

func (e *LoadError) Error() string { return fmt.Sprintf("drift: read %s: %v", e.Name, e.Err) }

// Unwrap returns the parser's error.
func (e *LoadError) Unwrap() error { return e.Err }

// Breaking lists the changes from base to revision that may break a client
// generated from base, at level WARN and above, sorted by operation, rule id
// and text. baseName and revName label the documents in errors.
//
// Both documents may be OpenAPI 3.0 or 3.1, YAML or JSON. Before comparing,
// both are brought to one form so that notation alone is not reported:
// path-level parameters are moved into each operation, header names are
// lower-cased, and both are upgraded to the latest 3.x form (a 3.0
// `nullable: true` becomes a `type` list with "null"), as oasdiff's
// --flatten-params, --case-insensitive-headers and --auto-upgrade do; and
// "X or null", whether written `anyOf: [X, {type: 'null'}]` or `allOf: [X]`
// with `nullable: true`, is read as X made nullable (see unwrap).
// Deprecation is ignored: oasdiff lets a deprecated operation go without a
// finding, but removing it breaks its callers just the same, and most V0
// routes the SDK calls are deprecated upstream. External $refs are not
// followed. ctx bounds the loading.
func Breaking(ctx context.Context, base, revision []byte, baseName, revName string) (findings []Finding, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// oasdiff walks documents from outside this program (a live server's
	// /openapi.json); turn a panic on a malformed one into an error.
	defer func() {
		if r := recover(); r != nil {
			findings, err = nil, fmt.Errorf("drift: oasdiff failed comparing %s with %s: %v", baseName, revName, r)
		}
	}()
	baseInfo, err := loadSpec(ctx, base, baseName)
	if err != nil {
		return nil, err
	}
	revInfo, err := loadSpec(ctx, revision, revName)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, sources, err := diff.GetPathsDiff(diff.NewConfig(), []*load.SpecInfo{baseInfo}, []*load.SpecInfo{revInfo})
	if err != nil {
		return nil, fmt.Errorf("drift: compare %s with %s: %w", baseName, revName, err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.WARN)
	return toFindings(changes), nil
}

// loadSpec parses one document with its own loader (oasdiff's advice: a
// shared loader's cache mixes documents that share a name) and normalises it.
func loadSpec(ctx context.Context, data []byte, name string) (*load.SpecInfo, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	info, err := load.NewSpecInfoFromData(loader, data, name, load.WithFlattenParams(), load.WithLowercaseHeaders())
	if err != nil {
		return nil, &LoadError{Name: name, Err: err}
	}
	if info.Spec == nil || info.Spec.Paths == nil {
		return nil, &LoadError{Name: name, Err: fmt.Errorf("not an OpenAPI document (no paths)")}
	}
	unwrap(info.Spec)
	openapi3conv.Upgrade(info.Spec)
	undeprecate(info.Spec)
	return info, nil
}

// undeprecate clears every operation's deprecated flag and sunset date, so
// that oasdiff judges the removal of a deprecated operation as it judges any
// other removal.
func undeprecate(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			op.Deprecated = false
			delete(op.Extensions, "x-sunset")
		}
	}
}

func toFindings(changes checker.Changes) []Finding {
	localize := checker.NewDefaultLocalizer()
	out := make([]Finding, 0, len(changes))
	for _, c := range changes {
		f := Finding{ID: c.GetId(), Level: levelOf(c.GetLevel()), Text: c.GetUncolorizedText(localize)}
		if c.GetOperation() != "" || c.GetPath() != "" {
			f.Operation = c.GetOperation() + " " + c.GetPath()
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Text, b.Text), cmp.Compare(a.Level, b.Level))
	})
	return out
}

func levelOf(l checker.Level) Level {
	if l >= checker.ERR {
		return LevelError
	}
	return LevelWarning
}
