package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/openhands-go/openhands-v0/internal/bench"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

// trajectoryPayload is the text each generated event carries on top of its
// structure (about 17.5 KB an event: long command outputs and file
// contents). The generator builds and encodes every event's structure, so
// with small events it, not the client, would be the bottleneck: on the
// 2-core reference machine it serves ~90 MB/s at 2 KB of text an event and
// ~250 MB/s at 16 KB.
const trajectoryPayload = 16000

// rssGoal is the peak RSS the CLI must stay under, in MB.
const rssGoal = 40

// trajectories measures `openhands-v0 trajectory` downloading the bulk
// generator's trajectory from a simulator in this process, against a raw
// io.Copy of the same answer into a file (and, to show what durability
// costs, the same copy followed by fsync), plus the CLI's peak RSS.
func trajectories(ctx context.Context, p plan, t *toolset) ([]bench.Row, error) {
	s := sim.New(sim.WithTiming(0, 24*time.Hour))
	base, stop, err := s.Start("")
	if err != nil {
		return nil, err
	}
	defer stop(context.Background())

	idle, err := bench.Run(cliCommand(ctx, t, base, nil, "version"))
	if err != nil {
		return nil, err
	}
	perEvent, err := bytesPerEvent(ctx, s, base, t.dir)
	if err != nil {
		return nil, err
	}
	var rows []bench.Row
	for _, size := range p.trajectories {
		events := int(float64(size.bytes)/perEvent + 0.5)
		id := s.AddBulkConversation(events, trajectoryPayload)
		r, err := measureTrajectory(ctx, t, base, id, size, idle.MaxRSS)
		if err != nil {
			return rows, fmt.Errorf("trajectory %s: %w", size.label, err)
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// bytesPerEvent measures the generator's average trajectory bytes per event.
func bytesPerEvent(ctx context.Context, s *sim.Server, base, dir string) (float64, error) {
	const sample = 600 // a multiple of the generator's cycle
	id := s.AddBulkConversation(sample, trajectoryPayload)
	n, _, err := rawCopy(ctx, base, id, filepath.Join(dir, "calibrate.json"), false)
	if err != nil {
		return 0, err
	}
	return float64(n) / sample, nil
}

// measureTrajectory runs the rounds of one size, alternating which side
// goes first, and returns its rows.
func measureTrajectory(ctx context.Context, t *toolset, base, id string, size trajectorySize, idleRSS int64) ([]bench.Row, error) {
	var raw, synced, cli, cliCPU, cliWall []float64
	var peak, bytes int64
	file := filepath.Join(t.dir, "trajectory.json")
	for round := range size.rounds {
		logf("  trajectory %s, round %d of %d", size.label, round+1, size.rounds)
		sides := []func() error{
			func() error {
				n, d, err := rawCopy(ctx, base, id, file, false)
				raw = append(raw, mbps(n, d))
				bytes = n
				return err
			},
			func() error {
				n, d, err := rawCopy(ctx, base, id, file, true)
				synced = append(synced, mbps(n, d))
				return err
			},
			func() error {
				n, proc, err := cliDownload(ctx, t, base, id, file)
				cli = append(cli, mbps(n, proc.Wall))
				cliCPU, cliWall = append(cliCPU, proc.CPU.Seconds()), append(cliWall, proc.Wall.Seconds())
				peak = max(peak, proc.MaxRSS)
				if err == nil && bytes != 0 && n != bytes {
					err = fmt.Errorf("the CLI saved %d bytes, the raw copy %d", n, bytes)
				}
				return err
			},
		}
		if round%2 == 1 {
			sides[0], sides[2] = sides[2], sides[0]
		}
		for _, side := range sides {
			if err := side(); err != nil {
				return nil, err
			}
		}
	}
	name := fmt.Sprintf("trajectory %s (%.1f MB): ", size.label, float64(bytes)/mb)
	rawMed := bench.Median(raw)
	return []bench.Row{
		{Name: name + "CLI vs raw io.Copy, throughput", Unit: "MB/s", Value: bench.Median(cli), Baseline: rawMed,
			Goal: bench.Goal{Kind: bench.RatioAtLeast, Limit: 0.8}},
		{Name: name + "raw io.Copy+fsync vs raw io.Copy (the cost of durability)", Unit: "MB/s", Value: bench.Median(synced), Baseline: rawMed},
		{Name: name + "CLI CPU time (user+sys) vs its wall time", Unit: "s", Value: bench.Median(cliCPU), Baseline: bench.Median(cliWall)},
		{Name: name + "CLI peak RSS vs the idle CLI (version)", Unit: "MB", Value: float64(peak) / mb, Baseline: float64(idleRSS) / mb,
			Goal: bench.Goal{Kind: bench.ValueBelow, Limit: rssGoal}},
	}, nil
}

// rawCopy is the baseline: GET the trajectory and io.Copy it into a new
// file (and fsync it when sync). It returns the bytes and the time taken,
// and removes the file.
func rawCopy(ctx context.Context, base, id, path string, sync bool) (int64, time.Duration, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/conversations/"+id+"/trajectory", nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("raw GET: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(path)
	n, err := io.Copy(f, resp.Body)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, time.Since(start), err
}

// cliDownload runs `openhands-v0 trajectory ID -f path -o json`, checks its
// answer, and removes the file.
func cliDownload(ctx context.Context, t *toolset, base, id, path string) (int64, bench.Process, error) {
	var stdout bytes.Buffer
	proc, err := bench.Run(cliCommand(ctx, t, base, &stdout, "trajectory", id, "-f", path, "-o", "json"))
	defer os.Remove(path)
	if err != nil {
		return 0, proc, err
	}
	if proc.ExitCode != 0 {
		return 0, proc, fmt.Errorf("the CLI exited %d: %s", proc.ExitCode, tail(stdout.String(), 500))
	}
	var saved struct {
		Bytes int64 `json:"bytes"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &saved); err != nil {
		return 0, proc, fmt.Errorf("the CLI's answer %q: %w", tail(stdout.String(), 200), err)
	}
	return saved.Bytes, proc, nil
}

// cliCommand is the CLI with args against the simulator at base, stdout
// into out (discarded when nil) and stderr discarded.
func cliCommand(ctx context.Context, t *toolset, base string, out io.Writer, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, t.cli, args...)
	cmd.Dir = t.dir
	cmd.Env = cliEnv(base)
	cmd.Stdout = out
	return cmd
}

// mbps is a throughput in MB/s.
func mbps(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / mb / d.Seconds()
}
