// Package upstream finds the folder of upstream OpenHands data files (the
// FastAPI OpenAPI documents and real event samples) that the spec and
// contract tests compare against. The files are read in place and never
// copied into this repository: a user's clone has no such folder, and the
// tests that need it skip with a message naming where they looked.
package upstream

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// EnvVar names the environment variable that overrides where the upstream
// data folder is.
const EnvVar = "OPENHANDS_V0_UPSTREAM_DIR"

// The upstream files the tests read, by name.
const (
	// LiveOpenAPI is the V0 part of app.all-hands.dev's /openapi.json, dumped 2026-03-02 (OpenAPI 3.1).
	LiveOpenAPI = "openapi_live_saas_2026-03-02_v0.json"
	// DocsOpenAPI is the OSS server's docs/openapi.json of 2025-08-20 (OpenAPI 3.1).
	DocsOpenAPI = "openapi_docs_2025-08-20.json"
	// TrajsBasic holds 4 real events as the event stream serialises them (a JSON array).
	TrajsBasic = "trajs_basic.json"
	// TrajsBasicInteractions holds 6 real events (a JSON array).
	TrajsBasicInteractions = "trajs_basic_interactions.json"
	// TrajectoryResponse holds the events of TrajsBasicInteractions in the getTrajectory envelope.
	TrajectoryResponse = "trajectory_response_basic_interactions.json"
)

// Locate returns the upstream data folder and whether it exists: the value of
// OPENHANDS_V0_UPSTREAM_DIR when set, else ../shared/upstream relative to the
// root of this module (the nearest directory above the working directory
// holding go.mod). When nothing is found it returns the path it looked at.
func Locate() (string, bool) {
	dir := candidate()
	if dir == "" {
		return "", false
	}
	info, err := os.Stat(dir)
	return dir, err == nil && info.IsDir()
}

// Dir returns the upstream data folder for a test, or skips the test with a
// message naming the folder it looked for when there is none.
func Dir(t testing.TB) string {
	t.Helper()
	dir, ok := Locate()
	if !ok {
		where := dir
		if where == "" {
			where = "../shared/upstream (no go.mod found above the working directory)"
		}
		t.Skipf("upstream data not found at %s (set %s): this test compares with upstream OpenHands files that are not part of the repository", where, EnvVar)
	}
	return dir
}

// candidate is where the folder should be, whether or not it exists.
func candidate() string {
	if dir := os.Getenv(EnvVar); dir != "" {
		return dir
	}
	root, err := moduleRoot()
	if err != nil {
		return ""
	}
	return filepath.Join(filepath.Dir(root), "shared", "upstream")
}

// moduleRoot walks up from the working directory to the first directory
// holding a go.mod file.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
