package bench

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// GoalKind is how a row's goal is checked.
type GoalKind int

const (
	// NoGoal: the row is reported, not judged.
	NoGoal GoalKind = iota
	// RatioAtMost: value/baseline must be at most Limit.
	RatioAtMost
	// RatioAtLeast: value/baseline must be at least Limit.
	RatioAtLeast
	// ValueBelow: the value itself must be below Limit (in the row's unit).
	ValueBelow
)

// Goal is what a row must achieve.
type Goal struct {
	Kind  GoalKind
	Limit float64
}

// Row is one line of the summary table: a measurement, the baseline it is
// compared with (measured in the same run), and its goal.
type Row struct {
	// Name says what was measured and against what.
	Name string
	// Unit is the unit of Value and Baseline ("µs/op", "MB/s", "MB", "s").
	Unit string
	// Value is the measurement.
	Value float64
	// Baseline is the value compared with; 0 when there is none.
	Baseline float64
	// Goal is what Value must achieve.
	Goal Goal
	// Err is set when the measurement failed; the row then fails.
	Err error
}

// Ratio is Value/Baseline, or 0 without a baseline.
func (r Row) Ratio() float64 {
	if r.Baseline == 0 {
		return 0
	}
	return r.Value / r.Baseline
}

// Verdict is the row's result: "pass", "FAIL", "ERROR" or "-" (no goal).
func (r Row) Verdict() string {
	if r.Err != nil {
		return "ERROR"
	}
	ok := true
	switch r.Goal.Kind {
	case NoGoal:
		return "-"
	case RatioAtMost:
		ok = r.Baseline > 0 && r.Ratio() <= r.Goal.Limit
	case RatioAtLeast:
		ok = r.Baseline > 0 && r.Ratio() >= r.Goal.Limit
	case ValueBelow:
		ok = r.Value >= 0 && r.Value < r.Goal.Limit
	}
	if ok {
		return "pass"
	}
	return "FAIL"
}

// Passed reports whether the row met its goal (a row without one passes
// unless its measurement failed).
func (r Row) Passed() bool { v := r.Verdict(); return v == "pass" || v == "-" }

func (r Row) cells() []string {
	value, baseline, ratio, goal := Number(r.Value, r.Unit), "-", "-", "-"
	if r.Err != nil {
		value = "error: " + strings.Join(strings.Fields(r.Err.Error()), " ")
	}
	if r.Baseline != 0 {
		baseline = Number(r.Baseline, r.Unit)
		ratio = strconv.FormatFloat(r.Ratio(), 'f', 2, 64) + "x"
	}
	switch r.Goal.Kind {
	case RatioAtMost:
		goal = "<= " + strconv.FormatFloat(r.Goal.Limit, 'f', -1, 64) + "x"
	case RatioAtLeast:
		goal = ">= " + strconv.FormatFloat(r.Goal.Limit, 'f', -1, 64) + "x"
	case ValueBelow:
		goal = "< " + strconv.FormatFloat(r.Goal.Limit, 'f', -1, 64) + " " + r.Unit
	}
	return []string{r.Name, value, baseline, ratio, goal, r.Verdict()}
}

var header = []string{"NAME", "VALUE", "BASELINE", "RATIO", "GOAL", "RESULT"}

// WriteTable prints rows as an aligned text table.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t"))
	}
	return tw.Flush()
}

// WriteMarkdown prints rows as a Markdown table.
func WriteMarkdown(w io.Writer, rows []Row) error {
	line := func(cells []string) string {
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		return "| " + strings.Join(cells, " | ") + " |\n"
	}
	var b strings.Builder
	b.WriteString(line(append([]string(nil), header...)))
	b.WriteString("|" + strings.Repeat(" --- |", len(header)) + "\n")
	for _, r := range rows {
		b.WriteString(line(r.cells()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Number formats v with three significant figures or so, and its unit.
func Number(v float64, unit string) string {
	var s string
	switch a := abs(v); {
	case a >= 100:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	if unit == "" {
		return s
	}
	return s + " " + unit
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
