// Command benchrun is `make bench`: it runs the Go benchmarks of
// internal/bench in interleaved rounds, measures the openhands-v0 command
// from outside (trajectory downloads from the simulator's bulk generator,
// export at several concurrencies, the offline contract suite), and prints
// one summary table: each figure beside a baseline measured in the same run,
// the ratio, the goal and whether it was met.
//
// Run it from the repository root:
//
//	go run ./internal/bench/cmd/benchrun            # everything, 1 GB download included
//	go run ./internal/bench/cmd/benchrun -quick     # small sizes, one round: a smoke run
//	go run ./internal/bench/cmd/benchrun -markdown perf.md
//
// It exits 1 when a measurement fails, and with -strict also when a goal is
// missed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	quick, noLarge, strict bool
	markdown, goTool, only string
	rounds                 int
	timeout                time.Duration
}

func run() error {
	var o options
	flag.BoolVar(&o.quick, "quick", false, "small sizes and one round: checks that every measurement works (seconds, not minutes)")
	flag.BoolVar(&o.noLarge, "no-large", false, "skip the 1 GB trajectory download")
	flag.BoolVar(&o.strict, "strict", false, "exit 1 when a goal is missed, not only when a measurement fails")
	flag.StringVar(&o.markdown, "markdown", "", "also write the machine and the table as Markdown to this file")
	flag.StringVar(&o.goTool, "go", "go", "the go command that builds the CLI and the benchmarks")
	flag.StringVar(&o.only, "only", "", "run only these steps, comma-separated: go, trajectory, export, contract")
	flag.IntVar(&o.rounds, "rounds", 0, "run every measurement this many times (default: the plan's, 2 to 5)")
	flag.DurationVar(&o.timeout, "timeout", 9*time.Minute, "give up after this long")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	p := fullPlan()
	if o.quick {
		p = quickPlan()
	}
	if o.noLarge {
		p.trajectories = p.trajectories[:1]
	}
	if o.rounds > 0 {
		p = p.withRounds(o.rounds)
	}
	steps, err := selectSteps(o.only)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	machine := bench.DescribeMachine()
	logf("machine: %s", machine)
	start := time.Now()
	tools, err := build(ctx, o.goTool)
	if err != nil {
		return err
	}
	defer tools.remove()
	logf("built the CLI and the benchmarks in %s", time.Since(start).Round(time.Second))

	var rows []bench.Row
	for _, step := range steps {
		t := time.Now()
		logf("%s ...", step.name)
		r, err := step.run(ctx, p, tools)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", step.name, err)
			}
			r = append(r, bench.Row{Name: step.name, Err: err})
		}
		rows = append(rows, r...)
		logf("%s done in %s", step.name, time.Since(t).Round(time.Second))
	}
	elapsed := time.Since(start).Round(time.Second)

	fmt.Printf("\nopenhands-v0 benchmarks (%s), %s\n", p.name, machine)
	fmt.Printf("total time %s (building included)\n\n", elapsed)
	if err := bench.WriteTable(os.Stdout, rows); err != nil {
		return err
	}
	if o.markdown != "" {
		if err := writeMarkdown(o.markdown, p, machine, elapsed, rows); err != nil {
			return err
		}
	}
	return verdict(rows, o.strict)
}

// step is one part of a run.
type step struct {
	name, flag string
	run        func(context.Context, plan, *toolset) ([]bench.Row, error)
}

var allSteps = []step{
	{"Go benchmarks", "go", goBenchmarks},
	{"trajectory downloads", "trajectory", trajectories},
	{"export", "export", exports},
	{"contract suite", "contract", contractSuite},
}

// selectSteps returns the steps -only names, or all of them.
func selectSteps(only string) ([]step, error) {
	if only == "" {
		return allSteps, nil
	}
	var out []step
	for _, name := range strings.Split(only, ",") {
		i := slices.IndexFunc(allSteps, func(s step) bool { return s.flag == strings.TrimSpace(name) })
		if i < 0 {
			return nil, fmt.Errorf("-only: unknown step %q (want go, trajectory, export or contract)", name)
		}
		out = append(out, allSteps[i])
	}
	return out, nil
}

// verdict is the exit status: an error for a failed measurement, and with
// strict for a missed goal.
func verdict(rows []bench.Row, strict bool) error {
	var failed, missed []string
	for _, r := range rows {
		switch r.Verdict() {
		case "ERROR":
			failed = append(failed, r.Name)
		case "FAIL":
			missed = append(missed, r.Name)
		}
	}
	if len(missed) > 0 {
		fmt.Printf("\ngoals missed: %s\n", strings.Join(missed, "; "))
	}
	switch {
	case len(failed) > 0:
		return errors.New("measurements failed: " + strings.Join(failed, "; "))
	case strict && len(missed) > 0:
		return errors.New("goals missed")
	}
	return nil
}

func writeMarkdown(path string, p plan, m bench.Machine, elapsed time.Duration, rows []bench.Row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "Machine: %s. Plan: %s; total time %s, building included.\n\n", m, p.name, elapsed)
	if err := bench.WriteMarkdown(f, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// logw receives progress lines (stderr, so stdout holds the table alone).
var logw io.Writer = os.Stderr

func logf(format string, args ...any) {
	fmt.Fprintf(logw, "benchrun: "+format+"\n", args...)
}
