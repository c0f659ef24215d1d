package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/openhands-go/openhands-v0/internal/bench"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
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

// trajectories measures the download of the bulk generator's trajectory
// from a simulator in this process: wrapper.DownloadTrajectory in this
// process against a raw io.Copy of the same answer into a file (the goal),
// the same copy followed by fsync (what durability costs), and the
// `openhands-v0 trajectory` command as a child process, whose throughput
// includes its start-up and whose peak RSS is read from outside.
func trajectories(ctx context.Context, p plan, t *toolset) ([]bench.Row, error) {
	s := sim.New(sim.WithTiming(0, 24*time.Hour))
	base, stop, err := s.Start("")
	if err != nil {
		return nil, err
	}
	defer stop(context.Background())
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		return nil, err
	}

	var idle []bench.Process
	for range 5 {
		proc, err := bench.Run(cliCommand(ctx, t, base, nil, "version"))
		if err != nil {
			return nil, err
		}
		idle = append(idle, proc)
	}
	perEvent, err := bytesPerEvent(ctx, s, base, t.dir)
	if err != nil {
		return nil, err
	}
	rows := []bench.Row{{Name: "CLI start-up: openhands-v0 version, wall time", Unit: "ms",
		Value: bench.Median(collect(idle, func(p bench.Process) float64 { return p.Wall.Seconds() * 1e3 }))}}
	idleRSS := bench.Median(collect(idle, func(p bench.Process) float64 { return float64(p.MaxRSS) / mb }))
	for _, size := range p.trajectories {
		events := int(float64(size.bytes)/perEvent + 0.5)
		id := s.AddBulkConversation(events, trajectoryPayload)
		r, err := measureTrajectory(ctx, t, c, base, id, size, idleRSS)
		if err != nil {
			return rows, fmt.Errorf("trajectory %s: %w", size.label, err)
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// collect maps xs through f.
func collect[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
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

// measureTrajectory runs the rounds of one size, each side once a round,
// starting with a different side each round, and returns its rows.
func measureTrajectory(ctx context.Context, t *toolset, c *wrapper.Client, base, id string, size trajectorySize, idleRSS float64) ([]bench.Row, error) {
	var raw, synced, sdk, cli []float64
	var peak, bytes int64
	file := filepath.Join(t.dir, "trajectory.json")
	same := func(n int64, who string) error {
		if bytes != 0 && n != bytes {
			return fmt.Errorf("%s saved %d bytes, another side %d", who, n, bytes)
		}
		bytes = n
		return nil
	}
	sides := []func() error{
		func() error {
			n, d, err := rawCopy(ctx, base, id, file, false)
			raw = append(raw, mbps(n, d))
			return errors.Join(err, same(n, "the raw copy"))
		},
		func() error {
			n, d, err := rawCopy(ctx, base, id, file, true)
			synced = append(synced, mbps(n, d))
			return errors.Join(err, same(n, "the raw copy with fsync"))
		},
		func() error {
			start := time.Now()
			res, err := c.DownloadTrajectory(ctx, id, file)
			d := time.Since(start)
			os.Remove(file)
			if err != nil {
				return err
			}
			sdk = append(sdk, mbps(res.Bytes, d))
			return same(res.Bytes, "DownloadTrajectory")
		},
		func() error {
			n, proc, err := cliDownload(ctx, t, base, id, file)
			if err != nil {
				return err
			}
			cli = append(cli, mbps(n, proc.Wall))
			peak = max(peak, proc.MaxRSS)
			return same(n, "the CLI")
		},
	}
	for round := range size.rounds {
		logf("  trajectory %s, round %d of %d", size.label, round+1, size.rounds)
		for i := range sides {
			if err := sides[(i+round)%len(sides)](); err != nil {
				return nil, err
			}
		}
	}
	name := fmt.Sprintf("trajectory %s (%.1f MB): ", size.label, float64(bytes)/mb)
	rawMed := bench.Median(raw)
	return []bench.Row{
		{Name: name + "DownloadTrajectory vs raw io.Copy, in process", Unit: "MB/s", Value: bench.Median(sdk), Baseline: rawMed,
			Goal: bench.Goal{Kind: bench.RatioAtLeast, Limit: 0.8}},
		{Name: name + "raw io.Copy+fsync vs raw io.Copy (the price of durability)", Unit: "MB/s", Value: bench.Median(synced), Baseline: rawMed},
		{Name: name + "CLI process (start-up included) vs raw io.Copy", Unit: "MB/s", Value: bench.Median(cli), Baseline: rawMed},
		{Name: name + "CLI peak RSS vs the idle CLI", Unit: "MB", Value: float64(peak) / mb, Baseline: idleRSS,
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
