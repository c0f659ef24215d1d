package sim

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts a simulator on an httptest server for the length of a
// test and returns it with its base URL. The server closes in t.Cleanup.
func NewTestServer(t testing.TB, opts ...Option) (*Server, string) {
	t.Helper()
	s := New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}
