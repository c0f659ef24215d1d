package main

import (
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/bench"
)

func TestGoBenchRows(t *testing.T) {
	results := `BenchmarkGetConversation/raw-2   100  60000 ns/op  7400 B/op  87 allocs/op
BenchmarkGetConversation/generated-2   100  62000 ns/op  8600 B/op  99 allocs/op
BenchmarkGetConversation/wrapper-2   100  80000 ns/op  10500 B/op  116 allocs/op
BenchmarkConversations/raw-2  1  1 ns/op  5000 items/op  6000 ns/item  10 allocs/item
BenchmarkConversations/wrapper-2  1  1 ns/op  5000 items/op  6600 ns/item  10.5 allocs/item
BenchmarkEvents/forward/raw-2  1  1 ns/op  50000 items/op  40000 ns/item  157 allocs/item
BenchmarkEvents/forward/wrapper-2  1  1 ns/op  50000 items/op  40000 ns/item  157.5 allocs/item
BenchmarkEvents/reverse/raw-2  1  1 ns/op  50000 items/op  40000 ns/item  157 allocs/item
BenchmarkEvents/reverse/wrapper-2  1  1 ns/op  50000 items/op  40000 ns/item  157.5 allocs/item
BenchmarkDownloadTrajectory/raw-2  3  1 ns/op  500 MB/s  63.2 MB/op
BenchmarkDownloadTrajectory/wrapper-2  3  1 ns/op  300 MB/s  63.2 MB/op
`
	s := samples{}
	parsed, err := bench.ParseGoTest(strings.NewReader(results + strings.ReplaceAll(results, "80000 ns/op", "70000 ns/op")))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range parsed {
		if s[r.Name] == nil {
			s[r.Name] = map[string][]float64{}
		}
		for unit, v := range r.Metrics {
			s[r.Name][unit] = append(s[r.Name][unit], v)
		}
	}
	rows := goBenchRows(s)
	if len(rows) != 11 {
		t.Fatalf("%d rows", len(rows))
	}
	first := rows[0]
	if first.Value != 75 || first.Baseline != 60 || first.Verdict() != "pass" { // the median of 80 and 70 µs: 1.25x of 60
		t.Errorf("first row %+v (%s)", first, first.Verdict())
	}
	if !strings.Contains(rows[4].Name, "5000 conversations") || !strings.Contains(rows[10].Name, "63 MB") {
		t.Errorf("names %q, %q", rows[4].Name, rows[10].Name)
	}
	for _, r := range rows {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	if rows := goBenchRows(samples{}); rows[0].Verdict() != "ERROR" {
		t.Errorf("no figures: %s", rows[0].Verdict())
	}
}

func TestSelectSteps(t *testing.T) {
	all, err := selectSteps("")
	if err != nil || len(all) != len(allSteps) {
		t.Fatalf("all steps: %d, %v", len(all), err)
	}
	some, err := selectSteps("trajectory, go")
	if err != nil || len(some) != 2 || some[0].flag != "trajectory" || some[1].flag != "go" {
		t.Errorf("two steps: %+v, %v", some, err)
	}
	if _, err := selectSteps("go,nope"); err == nil {
		t.Error("an unknown step was accepted")
	}
}

func TestPlans(t *testing.T) {
	for _, p := range []plan{fullPlan(), quickPlan(), fullPlan().withRounds(1)} {
		if p.callRounds < 1 || p.itemRounds < 1 || p.downloadRounds < 1 || p.exportRounds < 1 || p.contractRounds < 1 ||
			len(p.trajectories) == 0 || len(p.exportConcurrency) == 0 || p.exportConcurrency[0] != 1 {
			t.Errorf("plan %s: %+v", p.name, p)
		}
	}
	full := fullPlan()
	if full.trajectories[0].bytes != 100*mb || full.trajectories[1].bytes != gb || full.exportConversations != 500 {
		t.Errorf("the full plan does not measure what issue 8 asks: %+v", full)
	}
	one := full.withRounds(7)
	if one.trajectories[1].rounds != 7 || full.trajectories[1].rounds == 7 {
		t.Error("withRounds changed the original plan or missed a size")
	}
}
