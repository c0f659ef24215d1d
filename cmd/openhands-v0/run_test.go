package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// cliResult is what one in-process run of the command produced.
type cliResult struct {
	args           []string
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with an empty stdin.
func runCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	return runCLIStdin(t, "", args...)
}

func runCLIStdin(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return cliResult{args: args, code: code, stdout: out.String(), stderr: errOut.String()}
}
