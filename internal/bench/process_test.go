package bench

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
)

// helperEnv asks this test binary, run as a child, to hold that many MiB.
const helperEnv = "BENCH_HELPER_HOLD_MIB"

// TestMain lets the test binary play the measured child.
func TestMain(m *testing.M) {
	if v := os.Getenv(helperEnv); v != "" {
		os.Exit(holdMemory(v))
	}
	os.Exit(m.Run())
}

// holdMemory touches mib MiB, so they count in the RSS, and exits 3.
func holdMemory(v string) int {
	mib, err := strconv.Atoi(v)
	if err != nil {
		return 2
	}
	buf := make([]byte, mib<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	runtime.KeepAlive(buf)
	return 3
}

func TestRunMeasuresPeakRSSAndExitCode(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("peak RSS is measured on linux and darwin only")
	}
	measure := func(mib int) Process {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+strconv.Itoa(mib))
		p, err := Run(cmd)
		if err != nil {
			t.Fatal(err)
		}
		if p.ExitCode != 3 {
			t.Fatalf("exit code %d, want 3", p.ExitCode)
		}
		return p
	}
	small, big := measure(1), measure(64)
	if big.MaxRSS < 64<<20 {
		t.Errorf("a child holding 64 MiB has a peak RSS of %d bytes", big.MaxRSS)
	}
	if small.MaxRSS <= 0 || small.MaxRSS >= big.MaxRSS {
		t.Errorf("peak RSS %d (1 MiB) vs %d (64 MiB)", small.MaxRSS, big.MaxRSS)
	}
	if big.CPU <= 0 || big.Wall <= 0 {
		t.Errorf("CPU %v, wall %v", big.CPU, big.Wall)
	}
}

func TestRunFailsWhenTheCommandCannotStart(t *testing.T) {
	if _, err := Run(exec.Command("/nonexistent/benchmark-child")); err == nil {
		t.Error("no error for a missing program")
	}
}
