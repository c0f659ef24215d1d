package contract

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

func TestProbeClassifiesHosts(t *testing.T) {
	const key = "probe-api-key-123456789"
	fixed := func(status int, contentType, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			io.WriteString(w, body)
		})
	}
	cases := []struct {
		name    string
		handler http.Handler
		opts    ProbeOptions
		want    HostClass
		verdict string
	}{
		{"oss simulator", sim.New(sim.WithSampleData()), ProbeOptions{}, ClassV0, "V0:"},
		{"hosted simulator with its key", sim.New(sim.WithMode(sim.ModeHosted), sim.WithAPIKey(key), sim.WithSampleData()), ProbeOptions{APIKey: key}, ClassV0, "V0:"},
		{"hosted simulator without a key", sim.New(sim.WithMode(sim.ModeHosted), sim.WithAPIKey(key)), ProbeOptions{}, ClassUnauthorized, "401:"},
		{"self-hosted with a wrong session key", sim.New(sim.WithSessionAPIKey("right-session-key-000")), ProbeOptions{SessionAPIKey: "wrong-session-key-000"}, ClassUnauthorized, "401:"},
		{"V0 removed", sim.New(sim.WithMode(sim.ModeRemoved)), ProbeOptions{}, ClassRemoved, "V0 removed"},
		{"no such routes", http.NotFoundHandler(), ProbeOptions{}, ClassNotFound, "404:"},
		{"methods refused", fixed(http.StatusMethodNotAllowed, "application/json", `{"detail":"Method Not Allowed"}`), ProbeOptions{}, ClassMethodNotAllowed, "405:"},
		{"broken", fixed(http.StatusInternalServerError, "text/html", "<html><title>System Maintenance</title></html>"), ProbeOptions{}, ClassServerError, "5xx:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			tc.opts.BaseURL = srv.URL
			res, err := Probe(context.Background(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Class != tc.want || !strings.HasPrefix(res.Verdict, tc.verdict) {
				t.Errorf("class %s, verdict %q; want %s, %q...", res.Class, res.Verdict, tc.want, tc.verdict)
			}
			if len(res.Checks) != len(probeRoutes) {
				t.Errorf("%d checks, want %d", len(res.Checks), len(probeRoutes))
			}
			for _, c := range res.Checks {
				if strings.Contains(c.Detail, key) {
					t.Errorf("check %s leaks the key: %s", c.Path, c.Detail)
				}
			}
		})
	}
}

func TestProbeUnreachableAndPartial(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res, err := Probe(context.Background(), ProbeOptions{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if res.Class != ClassUnreachable {
		t.Errorf("closed port: %s (%s)", res.Class, res.Verdict)
	}

	// Options answer JSON, everything else the web app: some V0 left.
	v0 := sim.New()
	mixed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/options/") {
			v0.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><title>OpenHands</title></html>")
	}))
	defer mixed.Close()
	res, err = Probe(context.Background(), ProbeOptions{BaseURL: mixed.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Class != ClassV0Partial || !strings.Contains(res.Verdict, "html:") {
		t.Errorf("mixed host: %s, %q", res.Class, res.Verdict)
	}
	if _, err := Probe(context.Background(), ProbeOptions{BaseURL: "not a url"}); err == nil {
		t.Error("no error for a bad base URL")
	}
}
