package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// toolset is what a run builds before measuring anything, so no figure
// includes compilation.
type toolset struct {
	// root is the repository root (the folder of go.mod).
	root string
	// dir is a temporary folder for the binaries and the files a run writes.
	dir string
	// cli is the openhands-v0 binary.
	cli string
	// benchmarks is the compiled test binary of internal/bench.
	benchmarks string
}

// build compiles the CLI and the benchmarks' test binary into a temporary folder.
func build(ctx context.Context, goTool string) (*toolset, error) {
	gomod, err := output(ctx, "", goTool, "env", "GOMOD")
	if err != nil {
		return nil, err
	}
	gomod = strings.TrimSpace(gomod)
	if gomod == "" || gomod == os.DevNull {
		return nil, errors.New("run benchrun inside the openhands-v0 module (go env GOMOD is empty)")
	}
	dir, err := os.MkdirTemp("", "openhands-v0-bench-")
	if err != nil {
		return nil, err
	}
	t := &toolset{root: filepath.Dir(gomod), dir: dir,
		cli: filepath.Join(dir, "openhands-v0"), benchmarks: filepath.Join(dir, "bench.test")}
	if _, err := output(ctx, t.root, goTool, "build", "-o", t.cli, "./cmd/openhands-v0"); err != nil {
		t.remove()
		return nil, err
	}
	if _, err := output(ctx, t.root, goTool, "test", "-c", "-o", t.benchmarks, "./internal/bench"); err != nil {
		t.remove()
		return nil, err
	}
	return t, nil
}

// remove deletes the temporary folder.
func (t *toolset) remove() { _ = os.RemoveAll(t.dir) }

// output runs a command in dir and returns its stdout; on failure the error
// carries the end of its stderr.
func output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.String(), nil
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// cliEnv is the environment of a measured CLI process: the system's basics
// and the simulator's address (when set), no credential of the caller's.
func cliEnv(baseURL string) []string {
	var env []string
	if baseURL != "" {
		env = append(env, "OPENHANDS_APP_BASE="+baseURL)
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
