package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/openhands-go/openhands-v0/internal/bench"
)

// samples holds each benchmark's metrics over the rounds: name -> unit -> values.
type samples map[string]map[string][]float64

// median is the median of a benchmark's metric over the rounds (0 if none).
func (s samples) median(name, unit string) float64 { return bench.Median(s[name][unit]) }

// goBenchmarks runs the Go benchmarks in rounds (one process per round, so
// the raw and the wrapper side of a comparison always run next to each
// other) and turns their medians into rows.
func goBenchmarks(ctx context.Context, p plan, t *toolset) ([]bench.Row, error) {
	s := samples{}
	groups := []struct {
		pattern, benchtime string
		rounds             int
	}{
		{"^BenchmarkGetConversation$", p.callTime, p.callRounds},
		{"^Benchmark(Conversations|Events)$", p.itemTime, p.itemRounds},
		{"^BenchmarkDownloadTrajectory$", p.downloadTime, p.downloadRounds},
	}
	for _, g := range groups {
		for round := range g.rounds {
			logf("  %s, round %d of %d", g.pattern, round+1, g.rounds)
			if err := goBenchRound(ctx, t, g.pattern, g.benchtime, p.short, s); err != nil {
				return nil, err
			}
		}
	}
	return goBenchRows(s), nil
}

// goBenchRound runs the test binary once and adds its results to s.
func goBenchRound(ctx context.Context, t *toolset, pattern, benchtime string, short bool, s samples) error {
	args := []string{"-test.run=^$", "-test.bench=" + pattern, "-test.benchtime=" + benchtime, "-test.benchmem"}
	if short {
		args = append(args, "-test.short")
	}
	cmd := exec.CommandContext(ctx, t.benchmarks, args...)
	cmd.Dir = t.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("benchmarks %s: %w: %s", pattern, err, tail(string(out), 2000))
	}
	results, err := bench.ParseGoTest(strings.NewReader(string(out)))
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("benchmarks %s: no results in: %s", pattern, tail(string(out), 2000))
	}
	for _, r := range results {
		if s[r.Name] == nil {
			s[r.Name] = map[string][]float64{}
		}
		for unit, v := range r.Metrics {
			s[r.Name][unit] = append(s[r.Name][unit], v)
		}
	}
	return nil
}

// goBenchRows turns the medians into the table's rows.
func goBenchRows(s samples) []bench.Row {
	const call = "BenchmarkGetConversation/"
	var rows []bench.Row
	compare := func(name, wrapper, raw, unit, shown string, scale float64, goal bench.Goal) {
		w, r := s.median(wrapper, unit), s.median(raw, unit)
		row := bench.Row{Name: name, Unit: shown, Value: w * scale, Baseline: r * scale, Goal: goal}
		if w == 0 || r == 0 {
			row.Err = fmt.Errorf("no %s figures for %s and %s", unit, wrapper, raw)
		}
		rows = append(rows, row)
	}
	compare("GetConversation: wrapper vs http.Get+json, time", call+"wrapper", call+"raw", "ns/op", "µs/op", 1e-3, bench.Goal{Kind: bench.RatioAtMost, Limit: 1.25})
	compare("GetConversation: generated client vs raw, time", call+"generated", call+"raw", "ns/op", "µs/op", 1e-3, bench.Goal{})
	compare("GetConversation: wrapper vs raw, allocations", call+"wrapper", call+"raw", "allocs/op", "allocs/op", 1, bench.Goal{})
	compare("GetConversation: wrapper vs raw, bytes", call+"wrapper", call+"raw", "B/op", "B/op", 1, bench.Goal{})

	for _, it := range []struct{ prefix, what string }{
		{"BenchmarkConversations/", "conversations listed"},
		{"BenchmarkEvents/forward/", "events forward"},
		{"BenchmarkEvents/reverse/", "events in reverse"},
	} {
		what := fmt.Sprintf("%.0f %s", s.median(it.prefix+"raw", "items/op"), it.what)
		compare(what+": wrapper vs raw decode loop, time", it.prefix+"wrapper", it.prefix+"raw", "ns/item", "µs/item", 1e-3, bench.Goal{})
		compare(what+": wrapper vs raw, allocations", it.prefix+"wrapper", it.prefix+"raw", "allocs/item", "allocs/item", 1, bench.Goal{})
	}
	const dl = "BenchmarkDownloadTrajectory/"
	compare(fmt.Sprintf("DownloadTrajectory %.0f MB in process, from memory: wrapper vs io.Copy to a file", s.median(dl+"raw", "MB/op")),
		dl+"wrapper", dl+"raw", "MB/s", "MB/s", 1, bench.Goal{})
	return rows
}
