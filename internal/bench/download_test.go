package bench_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// downloadEvents and downloadPayload size the trajectory of
// BenchmarkDownloadTrajectory: about 64 MB (8 MB with -short).
const downloadEvents, shortDownloadEvents, downloadPayload = 8000, 1000, 6500

// BenchmarkDownloadTrajectory saves a generated trajectory to a file:
// wrapper.DownloadTrajectory (temporary file, SHA-256, shape check,
// progress, atomic rename) against http.Get and io.Copy into a file. The
// body is replayed from memory, so the figures are the client's; the CLI's
// download from the live generator is measured by cmd/benchrun.
func BenchmarkDownloadTrajectory(b *testing.B) {
	events := downloadEvents
	if testing.Short() {
		events = shortDownloadEvents
	}
	s := newSim()
	id := s.AddBulkConversation(events, downloadPayload)
	rs := newReplayServer(b, s)
	url := rs.url + "/api/conversations/" + id + "/trajectory"
	dir := b.TempDir()
	size, err := rawDownload(url, filepath.Join(dir, "warm.json")) // fills the replay cache
	if err != nil {
		b.Fatal(err)
	}
	c, err := wrapper.New(wrapper.WithBaseURL(rs.url))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	b.Run("raw", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			if n, err := rawDownload(url, filepath.Join(dir, "raw.json")); err != nil || n != size {
				b.Fatalf("raw: %d bytes, %v", n, err)
			}
		}
		b.ReportMetric(float64(size)/1e6, "MB/op")
	})
	b.Run("wrapper", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.DownloadTrajectory(ctx, id, filepath.Join(dir, "wrapper.json"))
			if err != nil || res.Bytes != size {
				b.Fatalf("wrapper: %v", err)
			}
		}
		b.ReportMetric(float64(size)/1e6, "MB/op")
	})
	if n := rs.misses.Load(); n != 1 {
		b.Errorf("%d requests reached the simulator, want 1", n)
	}
}

// rawDownload is the baseline: http.Get and io.Copy into a new file.
func rawDownload(url, path string) (int64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}
