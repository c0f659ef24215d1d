package main

import "testing"

// cliEnv lists every variable the command reads; tests start with all empty.
var cliEnv = []string{
	"OPENHANDS_API_KEY", "OPENHANDS_APP_BASE", "OPENHANDS_SESSION_API_KEY", "GITHUB_TOKEN",
	"LLM_MODEL", "LLM_BASE_URL", "LLM_API_KEY", "GITHUB_API_URL", "OPENHANDS_TEMPLATE_DIR",
}

// isolateEnv empties the environment the command reads, for this test.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range cliEnv {
		t.Setenv(k, "")
	}
}
