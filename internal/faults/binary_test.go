package faults

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// cliBinary builds the openhands-v0 command once per test binary and
// returns its path. Tests that need it skip in -short mode.
func cliBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the openhands-v0 binary; run without -short")
	}
	build.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			build.err = err
			return
		}
		dir, err := os.MkdirTemp("", "openhands-v0-faults-")
		if err != nil {
			build.err = err
			return
		}
		build.dir = dir
		build.path = filepath.Join(dir, "openhands-v0")
		if runtime.GOOS == "windows" {
			build.path += ".exe"
		}
		cmd := exec.Command(goTool, "build", "-o", build.path, "github.com/openhands-go/openhands-v0/cmd/openhands-v0")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = &buildError{err: err, out: string(out)}
		}
	})
	if build.err != nil {
		t.Fatalf("go build ./cmd/openhands-v0: %v", build.err)
	}
	return build.path
}

var build struct {
	once      sync.Once
	dir, path string
	err       error
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// cliEnv is the environment of a CLI run: the process's, without any
// variable the command reads, plus extra.
func cliEnv(extra ...string) []string {
	read := []string{"OPENHANDS_API_KEY", "OPENHANDS_APP_BASE", "OPENHANDS_SESSION_API_KEY", "LLM_MODEL", "LLM_BASE_URL",
		"LLM_API_KEY", "GITHUB_TOKEN", "GITHUB_API_URL", "OPENHANDS_TEMPLATE_DIR"}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, r := range read {
			keep = keep && k != r
		}
		if keep {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// cliResult is a finished CLI run.
type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs the binary to completion (at most a minute) in dir.
func runCLI(t *testing.T, bin, dir string, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Dir = env, dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	if exit, ok := err.(*exec.ExitError); ok {
		res.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("openhands-v0 %s: %v", strings.Join(args, " "), err)
	}
	return res
}
