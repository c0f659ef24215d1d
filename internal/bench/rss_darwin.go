package bench

import (
	"os"
	"syscall"
)

// maxRSS is the waited child's peak RSS: macOS reports ru_maxrss in bytes.
func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return -1
}
