package bench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Result is one line of Go's benchmark output.
type Result struct {
	// Name is the benchmark's full name without the -GOMAXPROCS suffix,
	// e.g. "BenchmarkEvents/forward/raw".
	Name string
	// N is the number of iterations measured.
	N int
	// Metrics maps each unit to its value: "ns/op", "B/op", "allocs/op",
	// "MB/s" and any custom metric a benchmark reports.
	Metrics map[string]float64
}

// ParseGoTest reads the output of `go test -bench` (or a test binary run
// with -test.bench) and returns its benchmark lines in order. Other lines
// (goos, PASS, logs) are skipped; a line that starts like a result but
// does not parse is an error.
func ParseGoTest(r io.Reader) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		n, err := strconv.Atoi(fields[1])
		if err != nil {
			continue // a benchmark's log line, or its name alone before a failure
		}
		if len(fields)%2 != 0 {
			return nil, fmt.Errorf("line %d: metrics are not value/unit pairs: %q", line, sc.Text())
		}
		res := Result{Name: trimProcs(fields[0]), N: n, Metrics: map[string]float64{}}
		for i := 2; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %q is not a number: %q", line, fields[i], sc.Text())
			}
			res.Metrics[fields[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// trimProcs drops the -GOMAXPROCS suffix Go appends to a benchmark's name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}
