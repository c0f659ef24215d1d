// Package faults holds the reliability proof of the SDK, the export and the
// CLI (issue 7). It has no API: its tests are the product.
//
//   - TestFaultMatrix injects every fault the simulator can produce into every
//     class of operation and asserts the outcome of each cell: recovered after
//     N retries or the right typed error, never a panic, never past the
//     deadline, never a POST processed twice, never a partial file, never an
//     error body read whole. It prints the matrix as a table (`make faults`).
//   - TestHostileServer plays a hostile V0 server (issue 12), one attack per
//     row: redirects to other origins, runtime hosts it names, endless bodies
//     and decompression bombs (the built command's peak RSS measured),
//     pagination that never moves on, terminal escapes and Markdown in its
//     strings, JSON-escaped echoes of a credential, overflowing ids, folder
//     collisions, a body dripped forever; and the attacks that already held.
//     It prints its table (`make faults`).
//   - TestLoad runs many goroutines against the rate-limited hosted simulator:
//     every call succeeds or fails typed, no create is duplicated or lost.
//   - TestCrashSafety SIGKILLs the CLI in the middle of a trajectory download
//     and of an export and checks the files it leaves.
//   - TestNoSecretAnywhere injects known secrets through every input and
//     searches every output for them.
package faults
