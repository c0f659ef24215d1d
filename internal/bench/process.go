package bench

import (
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// Process is what Run measured of a child process from outside.
type Process struct {
	// Wall is the time from start to exit.
	Wall time.Duration
	// MaxRSS is the child's peak resident set size in bytes, from the
	// kernel's rusage of the waited child; -1 where the system has none.
	MaxRSS int64
	// CPU is the user and system CPU time the child used.
	CPU time.Duration
	// ExitCode is the child's exit status (0: success).
	ExitCode int
}

// Run starts cmd, waits for it and measures its wall time, CPU time and peak RSS. A
// non-zero exit is not an error (ExitCode says it); failing to start or to
// wait is.
func Run(cmd *exec.Cmd) (Process, error) {
	start := time.Now()
	err := cmd.Run()
	p := Process{Wall: time.Since(start), MaxRSS: -1}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		p.ExitCode = exit.ExitCode()
	case err != nil:
		return p, fmt.Errorf("bench: running %s: %w", cmd.Path, err)
	}
	if ps := cmd.ProcessState; ps != nil {
		p.MaxRSS = maxRSS(ps)
		p.CPU = ps.UserTime() + ps.SystemTime()
	}
	return p, nil
}
