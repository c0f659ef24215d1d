package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEndToEnd builds the binary, serves the simulator with 'sim serve' on a
// free loopback port, and drives a whole session through the binary as a
// user would, in a fresh environment.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; run without -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "openhands-v0")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command(goTool(t), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	server := exec.CommandContext(ctx, bin, "sim", "serve", "--addr", "127.0.0.1:0", "--start-delay", "100ms", "--run-duration", "400ms", "-v")
	server.Env = cleanEnv(nil)
	var requests lockedBuffer
	server.Stderr = &requests
	out, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = server.Process.Signal(os.Interrupt)
		if err := server.Wait(); err != nil {
			t.Errorf("sim serve did not stop cleanly: %v\n%s", err, requests.String())
		}
	}
	defer stop()
	first, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the simulator's address: %v", err)
	}
	_, base, ok := strings.Cut(strings.TrimSpace(first), "listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("sim serve said %q", first)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	env := cleanEnv([]string{"OPENHANDS_APP_BASE=" + base, "LLM_MODEL=openai/gpt-5", "LLM_API_KEY=sk-e2e-secret"})
	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env, cmd.Dir = env, dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("openhands-v0 %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), "sk-e2e-secret") {
			t.Fatalf("openhands-v0 %s printed the LLM key", strings.Join(args, " "))
		}
		return stdout.String()
	}

	if got := cli("configure-llm"); !strings.Contains(got, "configured successfully: openai/gpt-5") {
		t.Fatalf("configure-llm said %q", got)
	}

	var started startedConversation
	decode(t, cli("new-conversation", "--custom-prompt", "Add a CONTRIBUTING.md", "--poll", "--poll-interval", "50ms", "-o", "json"), &started)
	if started.ConversationID == "" || started.ConversationStatus != "STARTING" || started.FinalStatus != "STOPPED" {
		t.Fatalf("new-conversation --poll: %+v", started)
	}
	id := started.ConversationID

	var summary map[string]any
	decode(t, cli("conversations", "summary", id, "-o", "json"), &summary)
	if len(summary) != 15 || summary["model"] != "openai/gpt-5" || summary["first_message"] != "Add a CONTRIBUTING.md" {
		t.Fatalf("summary: %v", summary)
	}
	count := int(summary["event_count"].(float64))

	lines := strings.Split(strings.TrimSpace(cli("events", id, "--all", "-o", "json")), "\n")
	if len(lines) != count || count == 0 {
		t.Fatalf("events --all printed %d lines, the summary counts %d events", len(lines), count)
	}
	for i, line := range lines {
		var ev struct {
			ID *int `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.ID == nil || *ev.ID != i {
			t.Fatalf("event line %d is not event %d: %s", i, i, line)
		}
	}

	// The conversation has stopped: a server serves the trajectory of a
	// running conversation only, and the command says what to do instead.
	traj := exec.CommandContext(ctx, bin, "trajectory", id, "-f", "trajectory.json")
	traj.Env, traj.Dir = env, dir
	var trajErr bytes.Buffer
	traj.Stderr = &trajErr
	if err := traj.Run(); err == nil || !strings.Contains(trajErr.String(), "running conversation only") ||
		!strings.Contains(trajErr.String(), "events "+id+" --all") {
		t.Fatalf("trajectory of a stopped conversation: %v\n%s", err, trajErr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "trajectory.json")); err == nil {
		t.Fatal("a failed trajectory download left trajectory.json")
	}

	var firstRun, secondRun struct {
		Listed   int `json:"listed"`
		Fetched  int `json:"fetched"`
		UpToDate int `json:"up_to_date"`
	}
	decode(t, cli("export", "--dir", "archive", "-o", "json"), &firstRun)
	trajectories := strings.Count(requests.String(), "/trajectory ")
	decode(t, cli("export", "--dir", "archive", "-o", "json"), &secondRun)
	if firstRun.Fetched != firstRun.Listed || firstRun.Listed == 0 {
		t.Fatalf("first export: %+v", firstRun)
	}
	if secondRun.Fetched != 0 || secondRun.UpToDate != firstRun.Listed {
		t.Fatalf("second export fetched again: %+v", secondRun)
	}
	if again := strings.Count(requests.String(), "/trajectory "); again != trajectories {
		t.Fatalf("the second export asked the server for %d trajectories", again-trajectories)
	}

	cli("conversations", "delete", id)
	get := exec.CommandContext(ctx, bin, "conversations", "get", id)
	get.Env = env
	if err := get.Run(); err == nil || get.ProcessState.ExitCode() != exitNotFound {
		t.Fatalf("get after delete: %v, want exit %d", err, exitNotFound)
	}
	stop()
}

// goTool is the go command; go test puts its own toolchain first on PATH.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the binary with")
	}
	return p
}

// cleanEnv is the process environment without anything the command reads,
// plus extra.
func cleanEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, own := range cliEnv {
			drop = drop || k == own
		}
		if !drop {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, s)
	}
}

// lockedBuffer is a bytes.Buffer safe to write from a process's copier
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
