package spec_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openhands-go/openhands-v0/spec"
)

// sharedValidator is built once: loading and validating the spec is the
// slow part, and a Validator is safe for concurrent use.
var sharedValidator = sync.OnceValues(func() (*spec.Validator, error) {
	return spec.NewValidator(context.Background())
})

func validator(t testing.TB) *spec.Validator {
	t.Helper()
	v, err := sharedValidator()
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	return v
}

// fixture reads a file of spec/testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

// exchange builds an Exchange; a non-empty requestBody is sent as JSON.
func exchange(t testing.TB, method, url, requestBody string, status int, contentType string, body []byte) spec.Exchange {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(requestBody))
	if err != nil {
		t.Fatal(err)
	}
	if requestBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	header := http.Header{}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return spec.Exchange{Request: req, RequestBody: []byte(requestBody), StatusCode: status, Header: header, Body: body}
}

// containsLine reports whether one of lines contains every part.
func containsLine(lines []string, parts ...string) bool {
	for _, line := range lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
