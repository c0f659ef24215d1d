package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"

	"github.com/openhands-go/openhands-v0/internal/bench"
)

// contractSuite times `openhands-v0 contract run`: the offline replay of
// every cassette with the spec validation and the report, compiled
// beforehand, run from the repository root where the cassettes are.
func contractSuite(ctx context.Context, p plan, t *toolset) ([]bench.Row, error) {
	var walls []float64
	for round := range p.contractRounds {
		logf("  contract run, round %d of %d", round+1, p.contractRounds)
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, t.cli, "contract", "run")
		cmd.Dir = t.root
		cmd.Env = cliEnv("") // no server: the cassettes are replayed
		cmd.Stdout, cmd.Stderr = &out, &out
		proc, err := bench.Run(cmd)
		if err != nil {
			return nil, err
		}
		if proc.ExitCode != 0 {
			return nil, fmt.Errorf("contract run exited %d: %s", proc.ExitCode, tail(out.String(), 300))
		}
		walls = append(walls, proc.Wall.Seconds())
	}
	return []bench.Row{{Name: "contract suite: openhands-v0 contract run (replay, compiled)", Unit: "s", Value: bench.Median(walls)}}, nil
}
