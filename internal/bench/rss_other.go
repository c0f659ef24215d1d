//go:build !linux && !darwin

package bench

import "os"

// maxRSS is unknown here.
func maxRSS(*os.ProcessState) int64 { return -1 }
