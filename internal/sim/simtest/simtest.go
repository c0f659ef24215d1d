// Package simtest runs the V0 simulator for the length of a test. It lives
// apart from package sim so that programs serving the simulator (the CLI's
// `sim serve`) do not link the testing packages.
package simtest

import (
	"net/http/httptest"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

// NewServer starts a simulator on an httptest server on loopback and returns
// it with its base URL. The server closes in t.Cleanup.
func NewServer(t testing.TB, opts ...sim.Option) (*sim.Server, string) {
	t.Helper()
	s := sim.New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}
