// Command openhands-v0 is the command-line client of the OpenHands V0 REST
// API: every SDK capability from the shell, the seed client's commands with
// their flags, an archive export of a whole server, the V0 simulator, and the
// contract harness. It is thin: it parses flags, calls the wrapper, contract
// and sim packages, and prints.
//
// Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 unauthorized or
// forbidden, 5 the host does not serve V0 (or answered a maintenance page),
// 6 a wait timed out. With -o json a failure is one JSON object on stderr.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
