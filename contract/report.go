package contract

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openhands-go/openhands-v0/spec"
)

// Report is the result of a run: one row per spec operation, one per
// scenario, and the verdict.
type Report struct {
	// Mode is where the exchanges came from: replay, live or simulator.
	Mode Mode `json:"mode"`
	// Target is what was run against: the cassette folder, or the live
	// server's scheme and host, or "simulator".
	Target string `json:"target"`
	// Recorded says whether the run rewrote cassettes.
	Recorded bool `json:"recorded"`
	// Pass is the verdict: every scenario run passed, no unexpected
	// violation, and (for a full run not against a live server) every
	// operation answered a success status at least once.
	Pass bool `json:"pass"`
	// Verdict is the verdict in one line.
	Verdict string `json:"verdict"`
	// Operations has one row per spec operation, in the spec's order (path, method).
	Operations []OperationResult `json:"operations"`
	// Scenarios has one row per scenario.
	Scenarios []ScenarioResult `json:"scenarios"`
	// UnknownRoutes are exchanges whose route the spec does not have.
	UnknownRoutes []Exchange `json:"unknown_routes,omitempty"`
	// Totals counts what the rows hold.
	Totals Totals `json:"totals"`
	// Real are the replays of the cassettes recorded from real OpenHands
	// servers, one per version (a replay of the default cassette folder).
	Real []RealServerReport `json:"real_servers,omitempty"`
}

// Totals sums up a report.
type Totals struct {
	Operations         int  `json:"operations"`
	Covered            int  `json:"covered"`
	WithSuccess        int  `json:"with_success"`
	Exchanges          int  `json:"exchanges"`
	Violations         int  `json:"violations"`
	ExpectedViolations int  `json:"expected_violations"`
	UndeclaredFields   int  `json:"undeclared_fields"`
	ScenariosPassed    int  `json:"scenarios_passed"`
	ScenariosFailed    int  `json:"scenarios_failed"`
	ScenariosSkipped   int  `json:"scenarios_skipped"`
	CoverageRequired   bool `json:"coverage_required"`
}

// OperationResult is what the run saw of one spec operation.
type OperationResult struct {
	// Operation is the operationId; Method and Path its route in the spec.
	Operation  string `json:"operation"`
	Method     string `json:"method"`
	Path       string `json:"path"`
	Deprecated bool   `json:"deprecated,omitempty"`
	// AbsentIn are the server versions the spec says lack the route.
	AbsentIn []string `json:"absent_in,omitempty"`
	// Scenarios are the scenarios that called it.
	Scenarios []string `json:"scenarios"`
	// Statuses are the response statuses seen, sorted.
	Statuses []int `json:"statuses"`
	// SuccessStatuses are the statuses the spec declares for success (2xx;
	// for an operation that declares none, its one documented outcome, such
	// as resetSettings' 410).
	SuccessStatuses []int `json:"success_statuses"`
	// Success says a success status was seen.
	Success bool `json:"success"`
	// Violations are the unexpected violations; Expected the declared ones.
	Violations []Violation `json:"violations,omitempty"`
	Expected   []Violation `json:"expected_violations,omitempty"`
	// Undeclared are response fields the spec does not declare (drift), as
	// JSON pointers, sorted.
	Undeclared []string `json:"undeclared,omitempty"`
	// Notes say what was not checked (a body too large to hold).
	Notes []string `json:"notes,omitempty"`
	// Result is the row's verdict: ok, violations, no success, not covered,
	// or drift (ok but with undeclared fields).
	Result string `json:"result"`
	// Unreached says, for an operation a live or real server's run did not
	// call, why: the scenarios that call it and how each went there.
	Unreached string `json:"unreached,omitempty"`
}

// ScenarioResult is how one scenario went.
type ScenarioResult struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Writes      bool    `json:"writes"`
	SimOnly     bool    `json:"sim_only"`
	Outcome     Outcome `json:"outcome"`
	// Reason says why it failed or was skipped.
	Reason string `json:"reason,omitempty"`
	// Notes are what the scenario reported on the way.
	Notes []string `json:"notes,omitempty"`
	// Exchanges is how many requests it made.
	Exchanges int `json:"exchanges"`
	// Operations are the operations it called, sorted.
	Operations []string `json:"operations"`
	// Violations counts its unexpected violations.
	Violations int `json:"violations"`
}

// Row verdicts.
const (
	resultOK         = "ok"
	resultViolations = "violations"
	resultNoSuccess  = "no success"
	resultNotCovered = "not covered"
	resultDrift      = "drift"
)

// buildReport folds the scenarios' exchanges into one row per operation.
func buildReport(ops []spec.Operation, runs []scenarioRun, opts RunOptions) *Report {
	r := &Report{Mode: opts.Mode, Recorded: opts.Record}
	switch opts.Mode {
	case ModeLive:
		r.Target = hostOf(opts.BaseURL)
	case ModeSimulator:
		r.Target = "simulator"
	default:
		r.Target = opts.CassetteDir
	}
	rows := make(map[string]*OperationResult, len(ops))
	for _, op := range ops {
		row := &OperationResult{Operation: op.ID, Method: op.Method, Path: op.Path, Deprecated: op.Deprecated, AbsentIn: op.AbsentIn,
			SuccessStatuses: successStatuses(op.Statuses)}
		rows[op.ID] = row
		r.Operations = append(r.Operations, OperationResult{}) // placeholder, filled below
	}
	for _, run := range runs {
		sr := run.result()
		for _, x := range run.exchanges {
			r.Totals.Exchanges++
			row := rows[x.Operation]
			if row == nil {
				if x.Error == "" {
					r.UnknownRoutes = append(r.UnknownRoutes, x)
				}
				continue
			}
			if !slices.Contains(row.Scenarios, run.scenario.Name) {
				row.Scenarios = append(row.Scenarios, run.scenario.Name)
			}
			if x.Status != 0 && !slices.Contains(row.Statuses, x.Status) {
				row.Statuses = append(row.Statuses, x.Status)
			}
			if slices.Contains(row.SuccessStatuses, x.Status) {
				row.Success = true
			}
			for _, v := range x.Violations {
				if v.Expected {
					row.Expected = appendViolation(row.Expected, v)
				} else {
					row.Violations = appendViolation(row.Violations, v)
				}
			}
			if x.Note != "" && !slices.Contains(row.Notes, x.Note) {
				row.Notes = append(row.Notes, x.Note)
			}
			for _, f := range x.Undeclared {
				if !slices.Contains(row.Undeclared, f) {
					row.Undeclared = append(row.Undeclared, f)
				}
			}
		}
		switch sr.Outcome {
		case OutcomePassed:
			r.Totals.ScenariosPassed++
		case OutcomeFailed:
			r.Totals.ScenariosFailed++
		default:
			r.Totals.ScenariosSkipped++
		}
		r.Scenarios = append(r.Scenarios, sr)
	}
	r.Totals.Operations = len(ops)
	r.Totals.CoverageRequired = opts.Mode != ModeLive && !opts.recordedLive && len(opts.Scenarios) == 0
	for i, op := range ops {
		row := rows[op.ID]
		slices.Sort(row.Statuses)
		slices.Sort(row.Scenarios)
		slices.Sort(row.Undeclared)
		switch {
		case len(row.Violations) > 0:
			row.Result = resultViolations
		case len(row.Scenarios) == 0:
			row.Result = resultNotCovered
		case !row.Success:
			row.Result = resultNoSuccess
		case len(row.Undeclared) > 0:
			row.Result = resultDrift
		default:
			row.Result = resultOK
		}
		if len(row.Scenarios) > 0 {
			r.Totals.Covered++
		}
		if row.Success {
			r.Totals.WithSuccess++
		}
		r.Totals.Violations += len(row.Violations)
		r.Totals.ExpectedViolations += len(row.Expected)
		r.Totals.UndeclaredFields += len(row.Undeclared)
		r.Operations[i] = *row
	}
	for _, x := range r.UnknownRoutes {
		for _, v := range x.Violations {
			if v.Expected {
				r.Totals.ExpectedViolations++
			} else {
				r.Totals.Violations++
			}
		}
	}
	r.Pass, r.Verdict = verdict(r)
	return r
}

// result summarises one scenario's run.
func (run scenarioRun) result() ScenarioResult {
	sr := ScenarioResult{Name: run.scenario.Name, Description: run.scenario.Description, Writes: run.scenario.Writes,
		SimOnly: run.scenario.SimOnly, Outcome: run.outcome, Reason: run.reason, Notes: run.notes,
		Exchanges: len(run.exchanges), Operations: []string{}}
	for _, x := range run.exchanges {
		for _, v := range x.Violations {
			if !v.Expected {
				sr.Violations++
			}
		}
		if x.Operation != "" && !slices.Contains(sr.Operations, x.Operation) {
			sr.Operations = append(sr.Operations, x.Operation)
		}
	}
	slices.Sort(sr.Operations)
	return sr
}

// appendViolation adds v unless the same message was already seen for the
// same operation and status (a poll loop repeats itself).
func appendViolation(vs []Violation, v Violation) []Violation {
	for _, have := range vs {
		if have.Kind == v.Kind && have.Status == v.Status && have.Message == v.Message && have.Scenario == v.Scenario {
			return vs
		}
	}
	return append(vs, v)
}

// successStatuses are the declared 2xx statuses, or, for an operation that
// declares none, its declared statuses other than the generic errors.
func successStatuses(declared []string) []int {
	var ok, other []int
	for _, s := range declared {
		n, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		switch {
		case n >= 200 && n < 300:
			ok = append(ok, n)
		case n != 400 && n != 401 && n != 403 && n != 404 && n != 422 && n != 429 && n < 500:
			other = append(other, n)
		}
	}
	if len(ok) > 0 {
		return ok
	}
	return other
}

// verdict decides a report's outcome and says it in one line.
func verdict(r *Report) (bool, string) {
	var problems []string
	if n := r.Totals.ScenariosFailed; n > 0 {
		problems = append(problems, plural(n, "scenario")+" failed")
	}
	if n := r.Totals.Violations; n > 0 {
		problems = append(problems, plural(n, "unexpected violation"))
	}
	uncovered := r.Totals.Operations - r.Totals.WithSuccess
	if r.Totals.CoverageRequired && uncovered > 0 {
		problems = append(problems, plural(uncovered, "operation")+" without a success status")
	}
	summary := fmt.Sprintf("%d/%d operations answered with success, %d exchanges, %d expected violations, %d undeclared fields",
		r.Totals.WithSuccess, r.Totals.Operations, r.Totals.Exchanges, r.Totals.ExpectedViolations, r.Totals.UndeclaredFields)
	if r.Totals.ScenariosSkipped > 0 {
		summary += ", " + plural(r.Totals.ScenariosSkipped, "scenario") + " skipped"
	}
	if len(problems) > 0 {
		return false, "FAIL: " + strings.Join(problems, ", ") + " (" + summary + ")"
	}
	return true, "PASS: " + summary
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
