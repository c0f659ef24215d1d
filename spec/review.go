package spec

import (
	"embed"
	"io/fs"
)

// expectedDrift is the drift review: the reviewed differences between this
// spec and the upstream OpenAPI documents, by reason.
//
//go:embed expected_drift.yaml
var expectedDrift []byte

// baselines holds the reviewed upstream documents kept in the repository
// (baselines/NAME.json) and their README.
//
//go:embed baselines
var baselines embed.FS

// ExpectedDrift returns expected_drift.yaml, the drift review that the
// tests and `contract drift` read (internal/drift.LoadReview parses it).
func ExpectedDrift() []byte {
	out := make([]byte, len(expectedDrift))
	copy(out, expectedDrift)
	return out
}

// Baselines returns the folder spec/baselines: the OpenAPI documents real
// OpenHands servers served, one NAME.json per version, each reviewed in
// expected_drift.yaml. It may hold no document yet.
func Baselines() fs.FS {
	sub, err := fs.Sub(baselines, "baselines")
	if err != nil {
		panic(err) // "baselines" is a valid path: fs.Sub cannot fail
	}
	return sub
}
