package bench

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseGoTest(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/openhands-go/openhands-v0/internal/bench
cpu: AMD EPYC
BenchmarkGetConversation/raw-2         	   14269	     83114 ns/op	    7477 B/op	      87 allocs/op
BenchmarkEvents/forward/wrapper-2     	       1	1745435680 ns/op	     13697 B/item	       157.5 allocs/item	     50000 items/op
BenchmarkDownloadTrajectory/raw-16         	       3	 170171081 ns/op	 320.19 MB/s
BenchmarkNoProcs   	       5	 10 ns/op
BenchmarkLogs
    percall_test.go:12: a log line
BenchmarkName-with-dash-x 	 2	 3 ns/op
PASS
ok  	github.com/openhands-go/openhands-v0/internal/bench	6.960s
`
	got, err := ParseGoTest(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{"BenchmarkGetConversation/raw", 14269, map[string]float64{"ns/op": 83114, "B/op": 7477, "allocs/op": 87}},
		{"BenchmarkEvents/forward/wrapper", 1, map[string]float64{"ns/op": 1745435680, "B/item": 13697, "allocs/item": 157.5, "items/op": 50000}},
		{"BenchmarkDownloadTrajectory/raw", 3, map[string]float64{"ns/op": 170171081, "MB/s": 320.19}},
		{"BenchmarkNoProcs", 5, map[string]float64{"ns/op": 10}},
		{"BenchmarkName-with-dash-x", 2, map[string]float64{"ns/op": 3}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseGoTestRejectsBrokenLines(t *testing.T) {
	for _, line := range []string{
		"BenchmarkX-2 10 5 ns/op 7",
		"BenchmarkX-2 10 five ns/op",
	} {
		if _, err := ParseGoTest(strings.NewReader(line + "\n")); err == nil {
			t.Errorf("%q parsed", line)
		}
	}
}
