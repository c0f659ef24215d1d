package bench

import "testing"

func TestProcField(t *testing.T) {
	cpuinfo := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9B14\nflags\t\t: fpu\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 9B14\n"
	if got := procField(cpuinfo, "model name", "?"); got != "AMD EPYC 9B14" {
		t.Errorf("model name %q", got)
	}
	if got := procField("MemTotal:       24683612 kB\nMemFree: 1 kB\n", "MemTotal", ""); got != "24683612 kB" {
		t.Errorf("MemTotal %q", got)
	}
	if got := procField("a: b\n", "model name", "unknown"); got != "unknown" {
		t.Errorf("missing field %q", got)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := Median(tc.xs); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

func TestDescribeMachine(t *testing.T) {
	m := DescribeMachine()
	if m.CPUs < 1 || m.GoVersion == "" || m.Date.IsZero() || m.String() == "" {
		t.Errorf("machine %+v", m)
	}
}
