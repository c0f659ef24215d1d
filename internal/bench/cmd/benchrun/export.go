package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/openhands-go/openhands-v0/internal/bench"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

// exports measures `openhands-v0 export` of every conversation of a
// simulator in this process, at each concurrency; the first concurrency is
// the baseline of the others.
func exports(ctx context.Context, p plan, t *toolset) ([]bench.Row, error) {
	s := sim.New(sim.WithTiming(0, 24*time.Hour))
	for range p.exportConversations {
		s.AddBulkConversation(p.exportEvents, 0)
	}
	base, stop, err := s.Start("")
	if err != nil {
		return nil, err
	}
	defer stop(context.Background())

	walls := map[int][]float64{}
	var written int64
	for round := range p.exportRounds {
		for _, c := range p.exportConcurrency {
			logf("  export of %d conversations at concurrency %d, round %d of %d", p.exportConversations, c, round+1, p.exportRounds)
			wall, n, err := exportOnce(ctx, t, base, c, p.exportConversations)
			if err != nil {
				return nil, fmt.Errorf("export at concurrency %d: %w", c, err)
			}
			walls[c] = append(walls[c], wall.Seconds())
			written = n
		}
	}
	var rows []bench.Row
	first := p.exportConcurrency[0]
	for _, c := range p.exportConcurrency {
		row := bench.Row{Name: fmt.Sprintf("export %d conversations (%.0f MB), concurrency %d", p.exportConversations, float64(written)/mb, c),
			Unit: "s", Value: bench.Median(walls[c])}
		if c != first {
			row.Name += fmt.Sprintf(" vs %d", first)
			row.Baseline = bench.Median(walls[first])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// exportOnce exports into a fresh folder, checks the report, and removes
// the folder. It returns the wall time and the bytes written.
func exportOnce(ctx context.Context, t *toolset, base string, concurrency, want int) (time.Duration, int64, error) {
	dir := filepath.Join(t.dir, fmt.Sprintf("export-%d", concurrency))
	defer os.RemoveAll(dir)
	var stdout bytes.Buffer
	proc, err := bench.Run(cliCommand(ctx, t, base, &stdout, "export", "--dir", dir, "--concurrency", fmt.Sprint(concurrency), "-o", "json"))
	if err != nil {
		return 0, 0, err
	}
	if proc.ExitCode != 0 {
		return 0, 0, fmt.Errorf("the CLI exited %d: %s", proc.ExitCode, tail(stdout.String(), 500))
	}
	var report struct {
		Listed, Fetched, Failed int
		Bytes                   int64
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		return 0, 0, fmt.Errorf("the CLI's report %q: %w", tail(stdout.String(), 200), err)
	}
	if report.Listed != want || report.Fetched != want || report.Failed != 0 {
		return 0, 0, fmt.Errorf("listed %d, fetched %d, failed %d; want %d fetched", report.Listed, report.Fetched, report.Failed, want)
	}
	return proc.Wall, report.Bytes, nil
}
