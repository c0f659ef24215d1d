package contract

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/openhands-go/openhands-v0/internal/drift"
)

// specFile is how drift names the spec in its findings and edit locations.
const specFile = "spec/openapi.yaml"

// Severity says whether a change breaks the SDK or may.
type Severity string

// The severities of a change.
const (
	// SeverityBreaking is a definite break (oasdiff's ERR): the operation is
	// gone or moved, a required response field is gone or retyped, a request
	// field became required, ...
	SeverityBreaking Severity = "breaking"
	// SeverityMayBreak is a possible break (oasdiff's WARN).
	SeverityMayBreak Severity = "may-break"
)

// DriftResult is what drift found: the changes since the reviewed document
// nearest to the server's version, and the reviewed differences.
type DriftResult struct {
	// Source is the document compared: the URL fetched or the file read.
	Source string `json:"source"`
	// ServerVersion is the document's info.version.
	ServerVersion string `json:"server_version"`
	// Reviewed is the reviewed document the server was compared with, nil
	// when the review has none (then every difference is a change).
	Reviewed *ReviewedRef `json:"reviewed"`
	// Compatible says that no change breaks the SDK.
	Compatible bool `json:"compatible"`
	// Verdict says it in one line.
	Verdict string `json:"verdict"`
	// Breaking and MayBreak count the changes by severity.
	Breaking int `json:"breaking"`
	MayBreak int `json:"may_break"`
	// Changes are the differences the review does not explain, sorted by
	// operation.
	Changes []DriftChange `json:"changes"`
	// ReviewedDifferences are the differences the review explains, by
	// reason (the CLI prints them with --all).
	ReviewedDifferences []ReviewedGroup `json:"reviewed_differences"`
	// Next are the commands to run after editing the spec, when there are
	// changes.
	Next []string `json:"next,omitempty"`
}

// ReviewedRef names a reviewed document.
type ReviewedRef struct {
	// Name is its name in spec/expected_drift.yaml ("openhands-0.62.0").
	Name string `json:"name"`
	// Version is its info.version.
	Version string `json:"version"`
	// What says what it is.
	What string `json:"what"`
	// Baseline says that the document itself is embedded (spec/baselines),
	// so that a moved operation is told from a removed one.
	Baseline bool `json:"baseline"`
}

// DriftChange is one difference between the spec and the server's document
// that the review does not explain.
type DriftChange struct {
	// Severity is breaking or may-break.
	Severity Severity `json:"severity"`
	// Operation is the spec's "METHOD /path" ("" for a change outside any
	// operation).
	Operation string `json:"operation"`
	// OperationID is the spec's operationId.
	OperationID string `json:"operation_id,omitempty"`
	// SDK are the wrapper methods that send the operation; APIMethod is
	// the generated api.Client method.
	SDK       drift.SDKUse `json:"sdk"`
	APIMethod string       `json:"api_method,omitempty"`
	// Change says what changed (oasdiff's text, or where the operation
	// moved); Rule is oasdiff's rule id.
	Change string `json:"change"`
	Rule   string `json:"rule"`
	// MovedTo is the server's "METHOD /path" of a moved operation.
	MovedTo string `json:"moved_to,omitempty"`
	// Edit is the place in spec/openapi.yaml to edit ("spec/openapi.yaml:812
	// paths./api/...post"), and the schema it uses when the change is in a body.
	Edit string `json:"edit"`
}

// Methods names who is hurt: the wrapper methods that send the operation
// themselves, else those that send it through others, else the generated
// api.Client method.
func (c DriftChange) Methods() []string {
	switch {
	case len(c.SDK.Direct) > 0:
		return c.SDK.Direct
	case len(c.SDK.Via) > 0:
		return c.SDK.Via
	case c.APIMethod != "":
		return []string{"api.Client." + c.APIMethod}
	}
	return nil
}

// ReviewedGroup is the reviewed differences found that share one reason.
type ReviewedGroup struct {
	Reason   string          `json:"reason"`
	Findings []drift.Finding `json:"findings"`
}

// judge sorts the findings into reviewed differences and changes.
func judge(ours, doc []byte, source, version string, review *drift.Review, findings []drift.Finding) (*DriftResult, error) {
	idx, err := indexSpec(ours)
	if err != nil {
		return nil, err
	}
	res := &DriftResult{Source: source, ServerVersion: version, Changes: []DriftChange{}, ReviewedDifferences: []ReviewedGroup{}}
	ref, haveRef := closestReviewed(review, version, findings)
	if haveRef {
		res.Reviewed = &ReviewedRef{Name: ref.Name, Version: ref.Version, What: ref.What, Baseline: len(ref.Baseline) > 0}
	}
	var moves map[string]string
	if base := baselineOf(review, ref); len(base) > 0 {
		moves = movedOperations(base, doc)
	}
	for _, f := range findings {
		if haveRef {
			if reason, ok := review.Explain(ref.Name, f); ok {
				i := slices.IndexFunc(res.ReviewedDifferences, func(g ReviewedGroup) bool { return g.Reason == reason })
				if i < 0 {
					res.ReviewedDifferences = append(res.ReviewedDifferences, ReviewedGroup{Reason: reason})
					i = len(res.ReviewedDifferences) - 1
				}
				res.ReviewedDifferences[i].Findings = append(res.ReviewedDifferences[i].Findings, f)
				continue
			}
		}
		c := DriftChange{Severity: SeverityMayBreak, Operation: f.Operation, Change: f.Text, Rule: f.ID}
		if f.Level == drift.LevelError {
			c.Severity = SeverityBreaking
		}
		if openEnumRules[f.ID] {
			c.Severity = SeverityMayBreak
			c.Change += " (the SDK's enums are open: it decodes the new value as is; list it in the spec so that Valid knows it)"
		}
		if op, ok := idx.ops[f.Operation]; ok {
			c.OperationID, c.APIMethod = op.id, goName(op.id)
			c.SDK = drift.SDKMethods(op.id)
			c.Edit = fmt.Sprintf("%s:%d paths.%s.%s", specFile, op.line, op.path, op.method)
			if s := op.schemaFor(f); s != "" {
				c.Edit += fmt.Sprintf(", schema %s (%s:%d)", s, specFile, idx.schemas[s])
			}
			if removal(f.ID) {
				c.Change = "the server no longer has this operation (" + f.Text + ")"
				if to, ok := moves[normalOp(f.Operation)]; ok {
					c.MovedTo = to
					c.Change = "the operation moved to " + to
				}
			}
		} else {
			c.Edit = specFile
		}
		res.Changes = append(res.Changes, c)
		if c.Severity == SeverityBreaking {
			res.Breaking++
		} else {
			res.MayBreak++
		}
	}
	res.Compatible = res.Breaking == 0
	res.Verdict = driftVerdict(res, len(findings))
	if len(res.Changes) > 0 {
		res.Next = []string{
			"edit " + specFile + " where each change says, so that it describes this server (or, if the server still behaves as the spec says, review the finding in spec/expected_drift.yaml)",
			"make generate    # api/ and the drift table from the edited spec; fix the wrapper where it no longer compiles",
			"make contract    # the recorded scenarios still conform to the edited spec",
			"make contract-live    # against this server (OPENHANDS_APP_BASE)",
		}
	}
	return res, nil
}

// closestReviewed picks the reviewed document to judge a server by: among
// those of the version nearest the server's (several builds of one version
// can be reviewed), the one that explains the most findings.
func closestReviewed(review *drift.Review, version string, findings []drift.Finding) (drift.ReviewedDocument, bool) {
	candidates := review.Candidates(version)
	if len(candidates) == 0 {
		return drift.ReviewedDocument{}, false
	}
	best, bestLeft := candidates[0], -1
	for _, c := range candidates {
		left := 0
		for _, f := range findings {
			if _, ok := review.Explain(c.Name, f); !ok {
				left++
			}
		}
		if bestLeft < 0 || left < bestLeft {
			best, bestLeft = c, left
		}
	}
	return best, true
}

// baselineOf is the captured document behind ref, or that of another
// reviewed build of its version: what tells a moved route from a removed one.
func baselineOf(review *drift.Review, ref drift.ReviewedDocument) []byte {
	if len(ref.Baseline) > 0 {
		return ref.Baseline
	}
	for _, c := range review.Candidates(ref.Version) {
		if len(c.Baseline) > 0 {
			return c.Baseline
		}
	}
	return nil
}

// driftVerdict says the result in one line.
func driftVerdict(res *DriftResult, total int) string {
	against := "with the spec itself (the review lists no document)"
	if r := res.Reviewed; r != nil {
		against = fmt.Sprintf("with the reviewed OpenHands %s document (%s)", r.Version, r.Name)
		if res.ServerVersion != r.Version {
			against += fmt.Sprintf(", the nearest to the server's %q", res.ServerVersion)
		}
	}
	reviewed := total - len(res.Changes)
	switch {
	case res.Breaking > 0:
		var methods []string
		for _, c := range res.Changes {
			if c.Severity == SeverityBreaking {
				for _, m := range c.Methods() {
					if !slices.Contains(methods, m) {
						methods = append(methods, m)
					}
				}
			}
		}
		slices.Sort(methods)
		verb := "break"
		if res.Breaking == 1 {
			verb = "breaks"
		}
		v := fmt.Sprintf("%s %s these SDK methods: %s (compared %s)", plural(res.Breaking, "change"), verb, strings.Join(methods, ", "), against)
		if res.MayBreak > 0 {
			v += fmt.Sprintf("; %d more may", res.MayBreak)
		}
		return v
	case res.MayBreak > 0:
		return fmt.Sprintf("compatible %s: no change breaks the SDK, %s may (check them); %d reviewed differences", against, plural(res.MayBreak, "change"), reviewed)
	}
	return fmt.Sprintf("compatible %s: 0 changes; %d reviewed differences", against, reviewed)
}

// openEnumRules are the oasdiff rules, breaking for a client with closed
// enums, that this SDK survives: its enums are open strings, so a value a
// newer server adds to a response decodes unchanged (api's
// TestEnumsAcceptValuesAddedLater). They may break a caller that switches
// over the values, so they are reported as may-break.
var openEnumRules = map[string]bool{
	"response-property-enum-value-added":  true,
	"response-mediatype-enum-value-added": true,
}

// removal reports whether an oasdiff rule says an operation is gone.
func removal(id string) bool {
	return strings.HasPrefix(id, "api-path-removed") || strings.HasPrefix(id, "api-removed")
}

// goName is the name oapi-codegen gives an operation's client method.
func goName(operationID string) string {
	if operationID == "" {
		return ""
	}
	return strings.ToUpper(operationID[:1]) + operationID[1:]
}

// specOp is where one operation of the spec is.
type specOp struct {
	id, method, path string
	line             int
	// requestSchema and responseSchemas (by status) are the names of the
	// component schemas its JSON bodies refer to.
	requestSchema   string
	responseSchemas map[string]string
}

// schemaFor returns the component schema a body finding is about, if any.
func (o specOp) schemaFor(f drift.Finding) string {
	switch {
	case strings.Contains(f.ID, "request-property") || strings.Contains(f.ID, "request-body"):
		return o.requestSchema
	case strings.HasPrefix(f.ID, "response-"):
		for status, s := range o.responseSchemas {
			if strings.Contains(f.Text, "`"+status+"`") {
				return s
			}
		}
	}
	return ""
}

// specIndex locates the spec's operations and schemas.
type specIndex struct {
	ops     map[string]specOp // by "METHOD /path"
	schemas map[string]int    // line of each component schema
}

func indexSpec(data []byte) (*specIndex, error) {
	var root yamlNode
	if err := yamlUnmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("contract: read %s: %w", specFile, err)
	}
	idx := &specIndex{ops: map[string]specOp{}, schemas: map[string]int{}}
	top := root.document()
	for path, item := range top.pairs("paths") {
		for method, op := range item.value.mapping() {
			m := strings.ToUpper(method)
			if !httpMethods[m] {
				continue
			}
			o := specOp{id: op.value.get("operationId").scalar(), method: method, path: path, line: op.key.Line, responseSchemas: map[string]string{}}
			o.requestSchema = op.value.get("requestBody").get("content").get("application/json").get("schema").refName()
			for status, resp := range op.value.get("responses").mapping() {
				if s := resp.value.get("content").get("application/json").get("schema").refName(); s != "" {
					o.responseSchemas[status] = s
				}
			}
			idx.ops[m+" "+path] = o
		}
	}
	for name, s := range top.get("components").pairs("schemas") {
		idx.schemas[name] = s.key.Line
	}
	return idx, nil
}

var httpMethods = map[string]bool{"GET": true, "PUT": true, "POST": true, "DELETE": true, "PATCH": true, "HEAD": true, "OPTIONS": true, "TRACE": true}

// movedOperations finds the operations of the baseline that the server
// serves under another method or path: the same handler (FastAPI's
// operationId without the suffix it derives from the path and method),
// found once in the server's document at a place the baseline does not
// give it. It maps the baseline's operation, its path parameters blanked
// ("POST /a/{}/stop"), to the server's "METHOD /path".
func movedOperations(baseline, server []byte) map[string]string {
	before, after := handlers(baseline), handlers(server)
	out := map[string]string{}
	for op, h := range before {
		if _, still := after[op]; still {
			continue
		}
		var to []string
		for sop, sh := range after {
			if bh, had := before[sop]; sh == h && (!had || bh != h) {
				to = append(to, sop)
			}
		}
		if len(to) == 1 {
			out[normalOp(op)] = to[0]
		}
	}
	return out
}

// handlers maps each operation of a document ("METHOD /path") to its
// handler's name.
func handlers(doc []byte) map[string]string {
	var root yamlNode // JSON is YAML
	if err := yamlUnmarshal(doc, &root); err != nil {
		return nil
	}
	out := map[string]string{}
	for path, item := range root.document().pairs("paths") {
		for method, op := range item.value.mapping() {
			if !httpMethods[strings.ToUpper(method)] {
				continue
			}
			if id := op.value.get("operationId").scalar(); id != "" {
				out[strings.ToUpper(method)+" "+path] = handlerName(id, method, path)
			}
		}
	}
	return out
}

// handlerName strips from a FastAPI operationId the suffix FastAPI derives
// from the route's path and method (generate_unique_id: the name, then the
// path with every non-word character made '_', then '_' and the method).
func handlerName(id, method, path string) string {
	var b bytes.Buffer
	for _, r := range path {
		if r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	suffix := b.String() + "_" + strings.ToLower(method)
	if name, ok := strings.CutSuffix(id, suffix); ok && name != "" {
		return name
	}
	return id
}

// normalOp blanks the parameter names of "METHOD /a/{x}/b".
func normalOp(op string) string {
	var b strings.Builder
	in := false
	for _, r := range op {
		switch {
		case r == '{':
			in = true
			b.WriteString("{}")
		case r == '}':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
