package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/openhands-go/openhands-v0/spec"
)

// The simulator versus the real servers, as a test: for every scenario
// recorded from a real server (cassettes/real/*/), the simulator's cassette
// of the same scenario must answer each operation the real server answered
// with the same statuses, content types and JSON shapes. Every difference is
// either fixed in the simulator or listed, with its reason, in
// contract/testdata/sim_vs_real.yaml (docs/real-server.md says how to review
// it); a listed difference that no longer occurs fails the test too.

// simVsRealFile is the reviewed list of differences.
const simVsRealFile = "testdata/sim_vs_real.yaml"

// shapeDepth is how deep JSON shapes are compared: the top level, the
// members of its objects and the items of its arrays, and one level more
// ($.events[].args is compared as an object; the keys inside it, which
// depend on the kind of event, are not).
const shapeDepth = 3

// difference is one way the simulator's cassette of a scenario differs
// from a real server's.
type difference struct {
	Server    string // the real server's folder: openhands-0.62.0
	Scenario  string
	Operation string
	Status    int
	What      string
}

func (d difference) key() string {
	return fmt.Sprintf("%s %s %d: %s", d.Scenario, d.Operation, d.Status, d.What)
}

// answers is what one cassette says of each operation and status: the
// content types and the merged JSON shape of every such response.
type answers map[string]map[int]*answer

type answer struct {
	contentTypes map[string]bool
	// shape maps a JSON path ($, $.events[].id, ...) to the JSON types seen
	// there; nil when no response was JSON.
	shape map[string]map[string]bool
}

// loadAnswers reads a cassette and maps each interaction to its spec
// operation.
func loadAnswers(t *testing.T, routes []spec.Operation, path string) answers {
	t.Helper()
	c, err := cassette.Load(strings.TrimSuffix(path, cassetteExt))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := answers{}
	for _, it := range c.Interactions {
		op := operationOf(routes, it.Request.Method, it.Request.URL)
		if op == "" {
			op = it.Request.Method + " " + it.Request.URL // not in the spec: compared by its raw route
		}
		if out[op] == nil {
			out[op] = map[int]*answer{}
		}
		a := out[op][it.Response.Code]
		if a == nil {
			a = &answer{contentTypes: map[string]bool{}}
			out[op][it.Response.Code] = a
		}
		ct := responseHeader(it.Response.Headers, "Content-Type")
		a.contentTypes[normalContentType(ct)] = true
		if mt, _, _ := mime.ParseMediaType(ct); mt == "application/json" {
			if a.shape == nil {
				a.shape = map[string]map[string]bool{}
			}
			if err := addShape(a.shape, []byte(it.Response.Body)); err != nil {
				a.shape["$"] = map[string]bool{"invalid JSON": true}
			}
		}
	}
	return out
}

func responseHeader(h map[string][]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// normalContentType is a Content-Type without spaces and in lower case.
func normalContentType(ct string) string {
	return strings.ToLower(strings.ReplaceAll(ct, " ", ""))
}

// operationOf maps a recorded request to its spec operation through the
// spec's route templates (whatever comes before /api/ is a runtime host's
// base path, as specRequest drops it).
func operationOf(routes []spec.Operation, method, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	p := u.EscapedPath()
	if i := strings.Index(p, "/api/"); i > 0 {
		p = p[i:]
	}
	segs := strings.Split(p, "/")
	for _, r := range routes {
		if r.Method != method {
			continue
		}
		tmpl := strings.Split(r.Path, "/")
		if len(tmpl) != len(segs) {
			continue
		}
		ok := true
		for i, s := range tmpl {
			if !(strings.HasPrefix(s, "{") && segs[i] != "") && s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return r.ID
		}
	}
	return ""
}

// mapKey matches an object key that is a name (a field), not data (a URL
// or a port, as in web-hosts' hosts): keys that are data are merged as *.
var mapKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-]*$`)

// addShape merges the shape of a JSON body into shape.
func addShape(shape map[string]map[string]bool, body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("more than one JSON value")
	}
	walkShape(shape, "$", v, 0)
	return nil
}

func walkShape(shape map[string]map[string]bool, path string, v any, depth int) {
	if shape[path] == nil {
		shape[path] = map[string]bool{}
	}
	shape[path][jsonType(v)] = true
	if depth >= shapeDepth {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if !mapKey.MatchString(k) {
				k = "*"
			}
			walkShape(shape, path+"."+k, c, depth+1)
		}
	case []any:
		for _, c := range t {
			walkShape(shape, path+"[]", c, depth+1)
		}
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// compareAnswers lists how sim differs from real for the operations the
// real server answered: a status only one of them gave, a content type, a
// JSON path or the types at one. Operations only the simulator was asked
// (the real run took another path) are not compared.
func compareAnswers(server, scenario string, real, sim answers) []difference {
	var out []difference
	add := func(op string, status int, format string, args ...any) {
		out = append(out, difference{Server: server, Scenario: scenario, Operation: op, Status: status, What: fmt.Sprintf(format, args...)})
	}
	for _, op := range slices.Sorted(maps.Keys(real)) {
		statuses := map[int]bool{}
		for s := range real[op] {
			statuses[s] = true
		}
		for s := range sim[op] {
			statuses[s] = true
		}
		for _, status := range slices.Sorted(maps.Keys(statuses)) {
			r, s := real[op][status], sim[op][status]
			switch {
			case s == nil:
				add(op, status, "only the real server answers this status")
				continue
			case r == nil:
				add(op, status, "only the simulator answers this status")
				continue
			}
			if rc, sc := sortedSet(r.contentTypes), sortedSet(s.contentTypes); rc != sc {
				add(op, status, "content type: real %s, simulator %s", rc, sc)
			}
			paths := map[string]bool{}
			for p := range r.shape {
				paths[p] = true
			}
			for p := range s.shape {
				paths[p] = true
			}
			for _, p := range slices.Sorted(maps.Keys(paths)) {
				rt, st := r.shape[p], s.shape[p]
				if emptyArrayOnly(r.shape, p) || emptyArrayOnly(s.shape, p) {
					continue
				}
				switch {
				case st == nil:
					add(op, status, "%s: only the real server sends it (%s)", p, sortedSet(rt))
				case rt == nil:
					add(op, status, "%s: only the simulator sends it (%s)", p, sortedSet(st))
				case sortedSet(rt) != sortedSet(st):
					add(op, status, "%s: real %s, simulator %s", p, sortedSet(rt), sortedSet(st))
				}
			}
		}
	}
	return out
}

// emptyArrayOnly reports whether path lies inside an array that was empty
// in every response of shape: an empty array says nothing of its items, so
// the items' shape is compared only when both sides had some.
func emptyArrayOnly(shape map[string]map[string]bool, path string) bool {
	for i := strings.Index(path, "[]"); i >= 0; {
		if shape[path[:i]]["array"] && shape[path[:i+2]] == nil {
			return true
		}
		j := strings.Index(path[i+2:], "[]")
		if j < 0 {
			break
		}
		i += 2 + j
	}
	return false
}

func sortedSet(m map[string]bool) string {
	return strings.Join(slices.Sorted(maps.Keys(m)), "|")
}

// simVsRealReview is contract/testdata/sim_vs_real.yaml.
type simVsRealReview struct {
	Groups []struct {
		Reason      string `yaml:"reason"`
		Differences []struct {
			In        []string `yaml:"in"`
			Scenario  string   `yaml:"scenario"`
			Operation string   `yaml:"op"`
			Status    int      `yaml:"status"`
			What      string   `yaml:"what"`
		} `yaml:"differences"`
	} `yaml:"groups"`
}

// listed returns, per real server folder, the listed differences that
// apply to it (an entry without `in` applies to every folder).
func (r simVsRealReview) listed(servers []string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, s := range servers {
		out[s] = map[string]bool{}
	}
	for _, g := range r.Groups {
		for _, d := range g.Differences {
			for _, s := range servers {
				if len(d.In) == 0 || slices.Contains(d.In, s) {
					out[s][difference{Scenario: d.Scenario, Operation: d.Operation, Status: d.Status, What: d.What}.key()] = true
				}
			}
		}
	}
	return out
}

func loadSimVsRealReview(t *testing.T) simVsRealReview {
	t.Helper()
	raw, err := os.ReadFile(simVsRealFile)
	if err != nil {
		t.Fatal(err)
	}
	var r simVsRealReview
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%s: %v", simVsRealFile, err)
	}
	return r
}

// realDifferences compares, for every real server folder, each scenario it
// recorded with the simulator's cassette of that scenario.
func realDifferences(t *testing.T, dir string) (servers []string, found map[string][]difference) {
	t.Helper()
	v, err := spec.NewValidator(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	routes := v.Operations()
	dirs, err := realCassetteDirs(dir)
	if err != nil {
		t.Fatal(err)
	}
	found = map[string][]difference{}
	for _, d := range dirs {
		server := filepath.Base(d)
		servers = append(servers, server)
		names, err := cassetteFiles(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			simPath := cassettePath(dir, name)
			if _, err := os.Stat(simPath); err != nil {
				t.Errorf("%s/%s: the simulator has no cassette of this scenario (%v)", server, name, err)
				continue
			}
			found[server] = append(found[server], compareAnswers(server, name,
				loadAnswers(t, routes, cassettePath(d, name)), loadAnswers(t, routes, simPath))...)
		}
	}
	return servers, found
}

// TestSimulatorMatchesRealServers is the simulator-versus-real check: every
// difference between a real server's cassette and the simulator's cassette
// of the same scenario is listed in contract/testdata/sim_vs_real.yaml, and
// every difference listed there still occurs.
func TestSimulatorMatchesRealServers(t *testing.T) {
	dir := committedCassettes(t)
	servers, found := realDifferences(t, dir)
	if len(servers) == 0 {
		t.Fatal("no real server cassettes under cassettes/real/: nothing to compare the simulator with")
	}
	listed := loadSimVsRealReview(t).listed(servers)
	for _, server := range servers {
		unlisted, stale := reviewProblems(server, found[server], listed[server])
		if len(unlisted) > 0 {
			t.Errorf("%s: %d difference(s) between the simulator and the real server are not listed in contract/%s.\n"+
				"Fix the simulator (the real server is right), `make record`, or list each under the reason it is expected:\n%s",
				server, len(unlisted), simVsRealFile, strings.Join(unlisted, "\n"))
		}
		if len(stale) > 0 {
			t.Errorf("%s: %d difference(s) listed in contract/%s no longer occur: remove them (or narrow their `in`):\n%s",
				server, len(stale), simVsRealFile, strings.Join(stale, "\n"))
		}
	}
}

// reviewProblems returns the differences found for one server that are not
// listed (as entries to paste into the list) and the listed ones not found.
func reviewProblems(server string, found []difference, listed map[string]bool) (unlisted, stale []string) {
	seen := map[string]bool{}
	for _, d := range found {
		seen[d.key()] = true
		if !listed[d.key()] {
			unlisted = append(unlisted, "      - {in: ["+server+"], scenario: "+d.Scenario+", op: "+d.Operation+
				", status: "+strconv.Itoa(d.Status)+", what: "+strconv.Quote(d.What)+"}")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(listed)) {
		if !seen[k] {
			stale = append(stale, "  "+k)
		}
	}
	return unlisted, stale
}

// TestCompareAnswersFindsEachKind: the comparison reports a status only one
// side gave, a content type, a key only one side sends and a null where the
// other sends a value, and nothing for items of an array empty on one side.
func TestCompareAnswersFindsEachKind(t *testing.T) {
	answer := func(ct string, bodies ...string) *answer {
		a := &answer{contentTypes: map[string]bool{ct: true}, shape: map[string]map[string]bool{}}
		for _, b := range bodies {
			if err := addShape(a.shape, []byte(b)); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	real := answers{
		"getTrajectory":   {404: answer("application/json", `{"detail":"Conversation x not found"}`)},
		"getConversation": {200: answer("application/json", `{"id":"a","url":null,"hosts":{"http://h:1":1},"list":[]}`)},
		"getSettings":     {404: answer("application/json", `{"error":"Settings not found"}`)},
	}
	sim := answers{
		"getTrajectory":   {200: answer("application/json", `{"trajectory":[]}`)},
		"getConversation": {200: answer("application/json", `{"id":"b","url":"/u","extra":1,"hosts":{"http://h:2":2},"list":[{"k":1}]}`)},
		"getSettings":     {404: answer("text/plain", `"Settings not found"`)},
		"onlySimAsked":    {200: answer("application/json", `{}`)},
	}
	var got []string
	for _, d := range compareAnswers("srv", "sc", real, sim) {
		got = append(got, d.key())
	}
	want := []string{
		"sc getConversation 200: $.extra: only the simulator sends it (number)",
		"sc getConversation 200: $.url: real null, simulator string",
		"sc getSettings 404: content type: real application/json, simulator text/plain",
		"sc getSettings 404: $: real object, simulator string",
		"sc getSettings 404: $.error: only the real server sends it (string)",
		"sc getTrajectory 200: only the simulator answers this status",
		"sc getTrajectory 404: only the real server answers this status",
	}
	if !slices.Equal(got, want) {
		t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSimVsRealReview: a difference found but not listed, and one listed
// but not found, are both problems; an entry's `in` limits it to the
// servers it names; the committed list is well formed.
func TestSimVsRealReview(t *testing.T) {
	a := difference{Server: "srv", Scenario: "sc", Operation: "getTrajectory", Status: 404, What: "only the real server answers this status"}
	b := difference{Server: "srv", Scenario: "sc", Operation: "getSettings", Status: 200, What: "$.x: only the simulator sends it (string)"}
	unlisted, stale := reviewProblems("srv", []difference{a}, map[string]bool{b.key(): true})
	if len(unlisted) != 1 || !strings.Contains(unlisted[0], "op: getTrajectory, status: 404") || len(stale) != 1 || !strings.Contains(stale[0], b.key()) {
		t.Errorf("unlisted %q, stale %q", unlisted, stale)
	}
	if unlisted, stale := reviewProblems("srv", []difference{a}, map[string]bool{a.key(): true}); len(unlisted)+len(stale) != 0 {
		t.Errorf("a listed difference found: unlisted %q, stale %q", unlisted, stale)
	}

	var r simVsRealReview
	if err := yaml.Unmarshal([]byte(`groups:
  - reason: r
    differences:
      - {in: [openhands-0.62.0], scenario: sc, op: getTrajectory, status: 404, what: "only the real server answers this status"}
      - {scenario: sc, op: getSettings, status: 200, what: "$.x: only the simulator sends it (string)"}
`), &r); err != nil {
		t.Fatal(err)
	}
	listed := r.listed([]string{"openhands-0.62.0", "openhands-9.9.9"})
	if !listed["openhands-0.62.0"][a.key()] || listed["openhands-9.9.9"][a.key()] || !listed["openhands-9.9.9"][b.key()] {
		t.Errorf("listed %v", listed)
	}

	for _, g := range loadSimVsRealReview(t).Groups {
		if strings.TrimSpace(g.Reason) == "" || len(g.Differences) == 0 {
			t.Errorf("a group without a reason or differences: %+v", g)
		}
		for _, d := range g.Differences {
			if d.Scenario == "" || d.Operation == "" || d.Status == 0 || d.What == "" {
				t.Errorf("incomplete entry %+v", d)
			}
		}
	}
}
