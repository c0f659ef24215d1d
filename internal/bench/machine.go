package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Machine describes where the figures come from.
type Machine struct {
	CPUs      int
	CPUModel  string
	MemoryMiB int64
	Kernel    string
	GoVersion string
	Date      time.Time
}

// DescribeMachine reads the machine's description (CPU model, memory and
// kernel from /proc where it exists).
func DescribeMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Date: time.Now().UTC(), CPUModel: "unknown", MemoryMiB: -1}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = procField(string(b), "model name", "unknown")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, err := strconv.ParseInt(strings.TrimSuffix(procField(string(b), "MemTotal", ""), " kB"), 10, 64); err == nil {
			m.MemoryMiB = kb / 1024
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	} else {
		m.Kernel = runtime.GOOS
	}
	return m
}

// String is one line: "2 CPUs (AMD EPYC), 23.5 GiB, linux 6.1, go1.26.8, 2026-11-27".
func (m Machine) String() string {
	mem := "memory unknown"
	if m.MemoryMiB >= 0 {
		mem = fmt.Sprintf("%.1f GiB", float64(m.MemoryMiB)/1024)
	}
	return fmt.Sprintf("%d CPUs (%s), %s, %s, %s/%s, %s", m.CPUs, m.CPUModel, mem, m.Kernel, m.GoVersion, runtime.GOARCH, m.Date.Format(time.DateOnly))
}

// procField is the value of the first "key : value" line of a /proc file.
func procField(text, key, dflt string) string {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return dflt
}

// Median is the middle value of xs (the mean of the two middle ones for an
// even count), or 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
