// Package bench measures what the SDK costs over the physical limit: a raw
// net/http call and a JSON decode of the same bytes from the same server, in
// the same process and the same run, so every figure is a ratio against a
// baseline measured next to it, never an absolute threshold.
//
// The Go benchmarks live in this package's _test files, not next to the code
// they measure: they need the simulator (internal/sim), the wrapper and a raw
// client side by side, and keeping them here leaves the import sets of the
// SDK packages (api, wrapper) and of their tests unchanged. They are:
//
//   - BenchmarkGetConversation: one GetConversation through the wrapper (its
//     retry and error layers included) against http.Get and a json.Decoder
//     into the same struct, from an httptest server on loopback.
//   - BenchmarkConversations: 5,000 conversations over pages of 100.
//   - BenchmarkEvents: 50,000 events forward and in reverse, pages of 100.
//   - BenchmarkDownloadTrajectory: DownloadTrajectory against io.Copy of the
//     same streamed answer, in process.
//
// The pages are produced once by the simulator and then served from memory,
// so the server's share of every measurement is the same small constant on
// both sides and the allocation counts are the client's.
//
// The rest of the package is what cmd/benchrun needs to measure the CLI from
// outside (wall time and peak RSS of a child process), to read Go's
// benchmark output, and to print the summary table of `make bench`.
package bench
