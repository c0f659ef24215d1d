package contract

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/spec"
)

var reportOps = []spec.Operation{
	{ID: "getConversation", Method: "GET", Path: "/api/conversations/{conversation_id}", Statuses: []string{"200", "400", "401"}},
	{ID: "resetSettings", Method: "POST", Path: "/api/reset-settings", Statuses: []string{"401", "410", "429"}, Deprecated: true},
	{ID: "getEvents", Method: "GET", Path: "/api/conversations/{conversation_id}/events", Statuses: []string{"200", "400"}},
	{ID: "health", Method: "GET", Path: "/health", Statuses: []string{"200"}},
}

func reportRuns() []scenarioRun {
	limit := Expectation{Kind: KindRequest, Operation: "getEvents", Location: `query parameter "limit"`, Why: "on purpose"}
	return []scenarioRun{
		{scenario: Scenario{Name: "a", Description: "first"}, outcome: OutcomePassed, exchanges: []Exchange{
			{Scenario: "a", Operation: "getConversation", Method: "GET", Path: "/api/conversations/c1", Status: 200, Undeclared: []string{"/extra"}},
			{Scenario: "a", Operation: "resetSettings", Method: "POST", Path: "/api/reset-settings", Status: 410},
		}},
		{scenario: Scenario{Name: "b", Description: "second", Expect: []Expectation{limit}}, outcome: OutcomePassed, exchanges: []Exchange{
			{Scenario: "b", Operation: "getEvents", Method: "GET", Path: "/api/conversations/c1/events", Status: 400,
				Violations: []Violation{{Scenario: "b", Kind: KindRequest, Operation: "getEvents", Status: 400, Message: `query parameter "limit": too big`, Expected: true}}},
			{Scenario: "b", Operation: "getEvents", Method: "GET", Path: "/api/conversations/c1/events", Status: 200,
				Violations: []Violation{{Scenario: "b", Kind: KindResponse, Operation: "getEvents", Status: 200, Message: "body /events: required"}}},
			{Scenario: "b", Method: "GET", Path: "/nowhere", Status: 200,
				Violations: []Violation{{Scenario: "b", Kind: KindRoute, Status: 200, Message: "route not in the spec: GET /nowhere"}}},
		}},
		{scenario: Scenario{Name: "c", Description: "third"}, outcome: OutcomeSkipped, reason: "nothing to read"},
	}
}

func TestBuildReport(t *testing.T) {
	rep := buildReport(reportOps, reportRuns(), RunOptions{Mode: ModeReplay, CassetteDir: "cassettes"})
	byOp := map[string]OperationResult{}
	for _, op := range rep.Operations {
		byOp[op.Operation] = op
	}
	if got := byOp["resetSettings"]; !got.Success || !slices.Equal(got.SuccessStatuses, []int{410}) {
		t.Errorf("resetSettings: success %v with %v; its only outcome, 410, is its success", got.Success, got.SuccessStatuses)
	}
	if got := byOp["getConversation"]; got.Result != resultDrift || !slices.Equal(got.Undeclared, []string{"/extra"}) {
		t.Errorf("getConversation: %s %v, want drift", got.Result, got.Undeclared)
	}
	if got := byOp["getEvents"]; got.Result != resultViolations || len(got.Violations) != 1 || len(got.Expected) != 1 || !slices.Equal(got.Statuses, []int{200, 400}) {
		t.Errorf("getEvents: %+v", got)
	}
	if got := byOp["health"]; got.Result != resultNotCovered {
		t.Errorf("health: %s, want not covered", got.Result)
	}
	if len(rep.UnknownRoutes) != 1 {
		t.Errorf("unknown routes %v", rep.UnknownRoutes)
	}
	if rep.Pass || !strings.Contains(rep.Verdict, "2 unexpected violations") || !strings.Contains(rep.Verdict, "1 operation without a success status") {
		t.Errorf("verdict %q", rep.Verdict)
	}
	if rep.Totals.ScenariosSkipped != 1 || rep.Totals.ScenariosPassed != 2 {
		t.Errorf("totals %+v", rep.Totals)
	}

	// A live run does not ask for every operation.
	clean := reportRuns()[:1]
	live := buildReport(reportOps, clean, RunOptions{Mode: ModeLive, BaseURL: "https://user:pw@example.com/x"})
	if !live.Pass || live.Target != "https://example.com" {
		t.Errorf("live: pass %v %q, target %q", live.Pass, live.Verdict, live.Target)
	}
}

func TestReportRendering(t *testing.T) {
	rep := buildReport(reportOps, reportRuns(), RunOptions{Mode: ModeReplay, CassetteDir: "cassettes"})
	var table, md, js bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(table.String(), "\n")
	header := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "OPERATION") })
	if header < 0 {
		t.Fatalf("no table header:\n%s", table.String())
	}
	col := strings.Index(lines[header], "RESULT")
	for _, l := range lines[header+1 : header+1+len(reportOps)] {
		if len(l) < col || strings.TrimSpace(l[col:]) == "" {
			t.Errorf("row not aligned under RESULT: %q", l)
		}
	}
	for _, want := range []string{"Unexpected violations:", "body /events: required", "getConversation: /extra", rep.Verdict} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Operation | Route |", "`POST /api/reset-settings` (deprecated)", "## Expected violations", "## Undeclared response fields (drift)"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Operations) != len(reportOps) || back.Verdict != rep.Verdict {
		t.Errorf("JSON round trip lost data")
	}

	dir := t.TempDir()
	if err := rep.save(filepath.Join(dir, "r.md"), filepath.Join(dir, "r.json")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "r.md")); !bytes.Equal(got, md.Bytes()) {
		t.Error("saved Markdown differs")
	}
	if err := rep.save(filepath.Join(dir, "missing", "r.md"), ""); err == nil {
		t.Error("no error writing into a missing folder")
	}
}

func TestUnseenExpectations(t *testing.T) {
	sc := Scenario{Expect: []Expectation{
		{Kind: KindResponse, Status: 405, Why: "the removed host refuses POSTs"},
		{Kind: KindRequest, Operation: "getEvents", Why: "limit"},
	}}
	xs := []Exchange{{Violations: []Violation{{Kind: KindResponse, Operation: "createConversation", Status: 405, Message: "status 405 is not declared"}}}}
	missing := unseenExpectations(sc, xs)
	if len(missing) != 1 || !strings.Contains(missing[0], "getEvents") {
		t.Fatalf("missing %v, want the getEvents expectation only", missing)
	}
}
