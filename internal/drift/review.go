package drift

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Review is spec/expected_drift.yaml: the reviewed documents, and the
// breaking differences between the spec and each of them, by reason.
type Review struct {
	// Documents are the reviewed documents read in place (by tests) from
	// the upstream data folder. The baselines (spec/baselines/*.json) are
	// reviewed documents too without being listed; see LoadReview.
	Documents []ReviewedDocument `yaml:"documents" json:"documents"`
	// Groups are the reviewed findings, each group under its reason.
	Groups []ReviewGroup `yaml:"groups" json:"groups"`
}

// ReviewedDocument is one upstream OpenAPI document whose differences from
// the spec are reviewed.
type ReviewedDocument struct {
	// Name is what the findings' `in` lists call it: "live", "docs",
	// "openhands-0.62.0" (a baseline's file name without .json).
	Name string `yaml:"name" json:"name"`
	// Version is the document's info.version.
	Version string `yaml:"version" json:"version"`
	// File is the document's file name in the upstream data folder, or ""
	// for a baseline known only from spec/baselines.
	File string `yaml:"file" json:"file,omitempty"`
	// What says what the document is and where it comes from.
	What string `yaml:"what" json:"what"`
	// Baseline is the document itself when it is embedded from
	// spec/baselines (not part of the YAML).
	Baseline []byte `yaml:"-" json:"-"`
}

// ReviewGroup is a set of reviewed findings that share one reason.
type ReviewGroup struct {
	// Reason explains why the findings are expected.
	Reason string `yaml:"reason" json:"reason"`
	// Findings are the reviewed findings.
	Findings []ReviewedFinding `yaml:"findings" json:"findings"`
}

// ReviewedFinding is one oasdiff finding and the documents it appears in.
type ReviewedFinding struct {
	// In names the documents (ReviewedDocument.Name).
	In []string `yaml:"in" json:"in"`
	// ID, Op and Text are the finding's, as Finding has them.
	ID   string `yaml:"id" json:"id"`
	Op   string `yaml:"op" json:"op"`
	Text string `yaml:"text" json:"text"`
}

// Matches reports whether f is this reviewed finding.
func (r ReviewedFinding) Matches(f Finding) bool {
	return r.ID == f.ID && r.Op == f.Operation && r.Text == f.Text
}

// BaselineSuffix ends the file name of every baseline in spec/baselines.
const BaselineSuffix = ".json"

// LoadReview parses the review (strictly: an unknown key is an error) and
// adds every baseline of the baselines folder (nil for none) to its
// documents: a file NAME.json is the document NAME, with the version its
// info.version says. A baseline the review lists by name too must have the
// same version there.
func LoadReview(data []byte, baselines fs.FS) (*Review, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var r Review
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("drift: read the review: %w", err)
	}
	if baselines == nil {
		return &r, nil
	}
	names, err := fs.Glob(baselines, "*"+BaselineSuffix)
	if err != nil {
		return nil, err
	}
	for _, file := range names {
		doc, err := fs.ReadFile(baselines, file)
		if err != nil {
			return nil, err
		}
		version, err := InfoVersion(doc)
		if err != nil {
			return nil, fmt.Errorf("drift: baseline %s: %w", file, err)
		}
		name := strings.TrimSuffix(path.Base(file), BaselineSuffix)
		i := slices.IndexFunc(r.Documents, func(d ReviewedDocument) bool { return d.Name == name })
		if i < 0 {
			r.Documents = append(r.Documents, ReviewedDocument{Name: name, Version: version,
				What: "the baseline spec/baselines/" + file})
			i = len(r.Documents) - 1
		}
		if r.Documents[i].Version != version {
			return nil, fmt.Errorf("drift: the review says %s is version %q, the baseline %s says %q", name, r.Documents[i].Version, file, version)
		}
		r.Documents[i].Baseline = doc
	}
	return &r, nil
}

// Document returns the reviewed document of that name.
func (r *Review) Document(name string) (ReviewedDocument, bool) {
	i := slices.IndexFunc(r.Documents, func(d ReviewedDocument) bool { return d.Name == name })
	if i < 0 {
		return ReviewedDocument{}, false
	}
	return r.Documents[i], true
}

// Explain returns the reason the review gives for finding f against the
// document doc, and whether it gives one.
func (r *Review) Explain(doc string, f Finding) (string, bool) {
	for _, g := range r.Groups {
		for _, rf := range g.Findings {
			if rf.Matches(f) && slices.Contains(rf.In, doc) {
				return g.Reason, true
			}
		}
	}
	return "", false
}

// Expected returns the findings reviewed for the document doc.
func (r *Review) Expected(doc string) []ReviewedFinding {
	var out []ReviewedFinding
	for _, g := range r.Groups {
		for _, rf := range g.Findings {
			if slices.Contains(rf.In, doc) {
				out = append(out, rf)
			}
		}
	}
	return out
}

// Nearest returns the reviewed document to compare a server of this
// version with: the one of the same version, else the nearest lower
// version, else the nearest higher; when several share a version, a
// baseline before a document read in place, then by name. It returns false
// when the review has no document at all.
func (r *Review) Nearest(version string) (ReviewedDocument, bool) {
	if len(r.Documents) == 0 {
		return ReviewedDocument{}, false
	}
	docs := slices.Clone(r.Documents)
	slices.SortStableFunc(docs, func(a, b ReviewedDocument) int {
		return cmp.Or(CompareVersions(a.Version, b.Version), cmp.Compare(a.Name, b.Name))
	})
	var lower, higher *ReviewedDocument
	for i := range docs {
		switch c := CompareVersions(docs[i].Version, version); {
		case c == 0:
			return pickBaseline(docs, docs[i].Version), true
		case c < 0:
			lower = &docs[i]
		case higher == nil:
			higher = &docs[i]
		}
	}
	if lower != nil {
		return pickBaseline(docs, lower.Version), true
	}
	return *higher, true
}

// Candidates returns every reviewed document of the version Nearest picks
// (several builds of one version may be reviewed, each with its own
// findings), Nearest's own choice first.
func (r *Review) Candidates(version string) []ReviewedDocument {
	first, ok := r.Nearest(version)
	if !ok {
		return nil
	}
	out := []ReviewedDocument{first}
	for _, d := range r.Documents {
		if d.Name != first.Name && CompareVersions(d.Version, first.Version) == 0 {
			out = append(out, d)
		}
	}
	return out
}

// pickBaseline returns, among the documents (sorted by name) of a version,
// the first baseline, else the first.
func pickBaseline(docs []ReviewedDocument, version string) ReviewedDocument {
	var first *ReviewedDocument
	for i := range docs {
		if CompareVersions(docs[i].Version, version) != 0 {
			continue
		}
		if len(docs[i].Baseline) > 0 {
			return docs[i]
		}
		if first == nil {
			first = &docs[i]
		}
	}
	return *first
}

// InfoVersion returns an OpenAPI document's info.version ("" when it has
// none). The document may be JSON or YAML.
func InfoVersion(doc []byte) (string, error) {
	var d struct {
		Info struct {
			Version string `json:"version" yaml:"version"`
		} `json:"info" yaml:"info"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		if yerr := yaml.Unmarshal(doc, &d); yerr != nil {
			return "", fmt.Errorf("not a JSON or YAML document: %w", err)
		}
	}
	return d.Info.Version, nil
}

// CompareVersions orders versions such as "0.62.0" by their parts (split at
// '.', '-' and '+'), numerically where both parts are numbers, else as text;
// a missing part counts as "0".
func CompareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := range max(len(pa), len(pb)) {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, errx := strconv.Atoi(x)
		ny, erry := strconv.Atoi(y)
		var c int
		if errx == nil && erry == nil {
			c = cmp.Compare(nx, ny)
		} else {
			c = cmp.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func versionParts(v string) []string {
	return strings.FieldsFunc(strings.TrimPrefix(strings.TrimSpace(v), "v"), func(r rune) bool { return r == '.' || r == '-' || r == '+' })
}
