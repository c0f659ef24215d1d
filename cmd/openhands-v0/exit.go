package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/openhands-go/openhands-v0/internal/clean"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Exit codes, documented in the command's help and README.
const (
	exitOK           = 0
	exitError        = 1
	exitUsage        = 2
	exitNotFound     = 3
	exitUnauthorized = 4
	exitNotV0        = 5
	exitTimeout      = 6
)

// usageError marks an error in how the command was called: a bad flag, a
// wrong number of arguments, a value out of range. It exits with exitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// codedError carries an explicit exit code and the hint printed with it, for
// failures that are not an *wrapper.APIError (a failed export, a contract
// run with violations). kind names it in a JSON error ("" derives it from
// the code).
type codedError struct {
	code int
	err  error
	hint string
	kind string
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// exitCode maps an error to the documented exit code.
func exitCode(err error) int {
	var coded *codedError
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &coded):
		return coded.code
	case errors.As(err, &usage):
		return exitUsage
	case errors.Is(err, wrapper.ErrNotV0), errors.Is(err, wrapper.ErrMaintenance):
		return exitNotV0
	case errors.Is(err, wrapper.ErrUnauthorized), errors.Is(err, wrapper.ErrForbidden),
		errors.Is(err, wrapper.ErrMissingAPIKey):
		return exitUnauthorized
	case errors.Is(err, wrapper.ErrNotFound):
		return exitNotFound
	case isInputRefusal(err):
		return exitUsage
	}
	return exitError
}

// isInputRefusal reports whether the SDK refused the input before sending
// anything (an invalid conversation id, a limit out of range): a usage error.
func isInputRefusal(err error) bool {
	var apiErr *wrapper.APIError
	return errors.Is(err, wrapper.ErrValidation) && errors.As(err, &apiErr) && apiErr.StatusCode == 0
}

// hint says what to do about an error, or "" when the error says it all.
// command is the command path, for the usage hint; hosted says the chosen
// app host is the hosted service, whose V0 removal the hint then explains.
func hint(err error, command string, hosted bool) string {
	var coded *codedError
	var usage *usageError
	var netErr *net.OpError
	switch {
	case errors.As(err, &usage):
		return "see '" + command + " --help'"
	case errors.As(err, &coded) && coded.hint != "":
		return coded.hint
	case errors.Is(err, wrapper.ErrNotV0) && hosted:
		return "V0 was removed from app.all-hands.dev on 2026-04-16: point --base-url (OPENHANDS_APP_BASE) " +
			"at a self-hosted OpenHands server that still serves V0"
	case errors.Is(err, wrapper.ErrNotV0):
		return "this host does not serve the V0 API (it answered with the web app's HTML or 405): " +
			"point --base-url (OPENHANDS_APP_BASE) at an OpenHands server that still serves V0"
	case errors.Is(err, wrapper.ErrMaintenance):
		return "the host answered with an HTML maintenance page: try again later, " +
			"or start the conversation so its runtime host can answer"
	case errors.Is(err, wrapper.ErrMissingAPIKey):
		return "pass --api-key or set OPENHANDS_API_KEY; for a self-hosted server set --base-url or OPENHANDS_APP_BASE " +
			"(V0 was removed from app.all-hands.dev on 2026-04-16; the default is " + wrapper.DefaultBaseURL + ")"
	case errors.Is(err, wrapper.ErrUnauthorized):
		return "check the credentials: --api-key (OPENHANDS_API_KEY) for the hosted service, " +
			"--session-api-key (OPENHANDS_SESSION_API_KEY) for a server started with SESSION_API_KEY"
	case errors.Is(err, wrapper.ErrForbidden):
		return "the credentials are valid but not allowed to do this"
	case errors.Is(err, wrapper.ErrNotFound):
		return "check the id with 'openhands-v0 conversations list'"
	case errors.Is(err, wrapper.ErrRedirectRefused):
		return "the server redirected elsewhere and the request was not sent again (credentials stay on --base-url's origin, a POST is never resent): " +
			"point --base-url (OPENHANDS_APP_BASE) at the address the server redirects to, if you trust it"
	case errors.Is(err, wrapper.ErrNoProgress):
		return "the server's pages did not advance, so the walk stopped rather than loop: a server fault; try again later"
	case errors.Is(err, wrapper.ErrRuntimeUnavailable):
		return "the conversation is not running: start it with 'openhands-v0 conversations start ID'"
	case errors.Is(err, wrapper.ErrRateLimited):
		return "the server is still rate limiting after retries: wait a minute and try again"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out: raise --timeout"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &netErr):
		return "could not reach the server: check --base-url (OPENHANDS_APP_BASE) and that the server is running"
	case isInputRefusal(err):
		return "see '" + command + " --help'"
	}
	return ""
}

// errorLine is the one line printed on stderr for a failed command: what
// failed, the error, and what to do.
func errorLine(command string, err error, hosted bool) string {
	var b strings.Builder
	b.WriteString(command)
	b.WriteString(": ")
	b.WriteString(err.Error())
	if h := hint(err, command, hosted); h != "" {
		b.WriteString("; ")
		b.WriteString(h)
	}
	return oneLine(b.String())
}

// oneLine makes a server's text one line that cannot drive the terminal
// (clean.Line: escape sequences removed, controls folded into spaces, bidi
// and zero-width characters removed). It is the command's one cleaner.
func oneLine(s string) string { return clean.Line(s) }

// errorKind names an error's class for the JSON error object: stable words
// scripts can branch on, one per sentinel the exit code is chosen by.
func errorKind(err error) string {
	var coded *codedError
	var usage *usageError
	var netErr *net.OpError
	switch {
	case errors.As(err, &coded) && coded.kind != "":
		return coded.kind
	case errors.As(err, &coded) && coded.code == exitTimeout:
		return "timeout"
	case errors.As(err, &usage), isInputRefusal(err):
		return "usage"
	case errors.Is(err, wrapper.ErrNotV0):
		return "not_v0"
	case errors.Is(err, wrapper.ErrMaintenance):
		return "maintenance"
	case errors.Is(err, wrapper.ErrMissingAPIKey):
		return "missing_api_key"
	case errors.Is(err, wrapper.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, wrapper.ErrForbidden):
		return "forbidden"
	case errors.Is(err, wrapper.ErrNotFound):
		return "not_found"
	case errors.Is(err, wrapper.ErrRuntimeUnavailable):
		return "runtime_unavailable"
	case errors.Is(err, wrapper.ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, wrapper.ErrValidation):
		return "validation"
	case errors.Is(err, wrapper.ErrServer):
		return "server"
	case errors.Is(err, wrapper.ErrRedirectRefused):
		return "redirect_refused"
	case errors.Is(err, wrapper.ErrNoProgress):
		return "no_progress"
	case errors.Is(err, wrapper.ErrUnexpectedResponse):
		return "unexpected_response"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &netErr):
		return "network"
	}
	return "error"
}

// jsonError is the one JSON object printed on stderr for a failed command
// under -o json.
type jsonError struct {
	Command  string `json:"command"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	Kind     string `json:"kind"`
	ExitCode int    `json:"exit_code"`
}

// errorObject is the JSON form of errorLine.
func errorObject(command string, err error, hosted bool) jsonError {
	return jsonError{
		Command:  command,
		Message:  oneLine(err.Error()),
		Hint:     hint(err, command, hosted),
		Kind:     errorKind(err),
		ExitCode: exitCode(err),
	}
}

// waitTimedOut gives a wait that ran out of time (its own --timeout, not an
// interrupt) the exit code of its own, exitTimeout.
func waitTimedOut(err error) error {
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &codedError{code: exitTimeout, err: err, kind: "timeout",
		hint: "the conversation has not stopped yet: wait again, or raise --timeout"}
}
