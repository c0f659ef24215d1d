package contract

import (
	"net/http"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// knownRecordingSecrets are every credential and secret value the scenarios
// and the simulator's seed data put on the wire.
var knownRecordingSecrets = append([]string{
	recordAPIKey, recordSessionAPIKey, wrongKey,
	// The simulator's seed data (internal/sim/seed.go).
	"sk-sim-not-a-real-key", "ghp_simNotARealToken0000000000000000000", "npm_sim_not_a_real_token",
	"postgres://sim:sim@staging.invalid:5432/app",
}, scenarioSecrets...)

// TestCassettesHoldNoCredentials is the secret scan: no cassette holds a
// known recording secret, a credential header, a string shaped like a token,
// or a secret JSON field with anything but the placeholder.
func TestCassettesHoldNoCredentials(t *testing.T) {
	dir := committedCassettes(t)
	names, err := cassetteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no cassettes")
	}
	for _, name := range names {
		raw := string(readFile(t, cassettePath(dir, name)))
		for _, secret := range knownRecordingSecrets {
			if strings.Contains(raw, secret) {
				t.Errorf("%s holds the recording secret %.6s...", name, secret)
			}
		}
		for _, re := range tokenPatterns {
			if m := re.FindString(raw); m != "" {
				t.Errorf("%s holds a string shaped like a credential (%s): %.8s...", name, re, m)
			}
		}
		c, err := cassette.Load(cassetteName(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, i := range c.Interactions {
			for _, h := range []http.Header{i.Request.Headers, i.Response.Headers} {
				for header := range h {
					if sensitiveHeader(header) {
						t.Errorf("%s interaction %d keeps the header %s", name, i.ID, header)
					}
				}
			}
			for _, v := range secretsIn(*i) {
				t.Errorf("%s interaction %d holds a secret value in a secret field or header: %.4s...", name, i.ID, v)
			}
		}
	}
}
