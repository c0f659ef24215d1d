package faults

import (
	"os"
	"syscall"
)

// peakRSS is a waited child's peak RSS: Linux reports ru_maxrss in KiB.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return -1
}
