package bench

import (
	"os"
	"syscall"
)

// maxRSS is the waited child's peak RSS: Linux reports ru_maxrss in KiB.
func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return -1
}
