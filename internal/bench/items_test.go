package bench_test

import (
	"runtime"
	"testing"
)

// measureItems runs pass (one walk over every item, returning how many it
// saw) b.N times and reports, besides the usual per-walk figures, the time,
// allocations and bytes per item. Allocations are the whole process's, the
// replay server's included; it writes one cached page per request, the same
// on both sides.
func measureItems(b *testing.B, items int, pass func(b *testing.B) int) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	walks := 0
	for b.Loop() {
		if got := pass(b); got != items {
			b.Fatalf("a walk saw %d items, want %d", got, items)
		}
		walks++
	}
	runtime.ReadMemStats(&after)
	total := float64(walks * items)
	b.ReportMetric(float64(items), "items/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/item")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/item")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/total, "B/item")
}
