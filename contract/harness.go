package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/dnaeon/go-vcr.v3/recorder"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// harness is what a scenario runs through: the target's base URL and
// credentials, the transport under the validator, and what to do at the end.
type harness struct {
	baseURL       string
	apiKey        string
	sessionAPIKey string
	transport     http.RoundTripper
	network       http.RoundTripper // the real transport under transport (nil in a replay)
	retry         wrapper.RetryPolicy
	pollEvery     time.Duration
	waitFor       time.Duration
	secrets       []string
	// finish stops the recorder (saving a recording) and the simulator; it
	// returns an error for a replay that left recorded interactions unused.
	finish func(passed bool) error
}

// replayRetry is the SDK's default retry policy with every wait removed: a
// replay or simulator run retries exactly as a live one does, at once.
func replayRetry() wrapper.RetryPolicy {
	p := wrapper.DefaultRetryPolicy()
	p.MinBackoff, p.MaxBackoff, p.MaxRetryAfter = 0, 0, 0
	return p
}

// newHarness prepares the transport and credentials of one scenario.
func newHarness(sc Scenario, opts RunOptions) (*harness, error) {
	switch opts.Mode {
	case ModeReplay:
		return replayHarness(sc, opts)
	case ModeSimulator:
		return simulatorHarness(sc, opts)
	default:
		return liveHarness(sc, opts)
	}
}

func replayHarness(sc Scenario, opts RunOptions) (*harness, error) {
	apiKey, sessionKey := recordingCredentials(sc.Sim)
	secrets := append([]string{recordAPIKey, recordSessionAPIKey}, scenarioSecrets...)
	rec, err := newReplayer(opts.CassetteDir, sc.Name, secrets)
	if err != nil {
		return nil, err
	}
	var replayed atomic.Int64
	rec.AddHook(func(*cassette.Interaction) error { replayed.Add(1); return nil }, recorder.BeforeResponseReplayHook)
	return &harness{
		baseURL: replayBaseURL, apiKey: apiKey, sessionAPIKey: sessionKey,
		transport: rec, retry: replayRetry(), pollEvery: time.Millisecond, waitFor: time.Minute, secrets: secrets,
		finish: func(passed bool) error {
			if err := rec.Stop(); err != nil {
				return err
			}
			c, err := cassette.Load(cassetteName(opts.CassetteDir, sc.Name))
			if err != nil {
				return err
			}
			if n := int(replayed.Load()); passed && n < len(c.Interactions) {
				return fmt.Errorf("the scenario made %d requests but its cassette holds %d: the scenario changed since it was recorded (re-record with `make record`)",
					n, len(c.Interactions))
			}
			return nil
		},
	}, nil
}

func liveHarness(sc Scenario, opts RunOptions) (*harness, error) {
	real := http.DefaultTransport
	if opts.HTTPClient != nil && opts.HTTPClient.Transport != nil {
		real = opts.HTTPClient.Transport
	}
	secrets := append([]string{opts.APIKey, opts.SessionAPIKey}, scenarioSecrets...)
	h := &harness{
		baseURL: strings.TrimRight(strings.TrimSpace(opts.BaseURL), "/"), apiKey: opts.APIKey, sessionAPIKey: opts.SessionAPIKey,
		transport: real, network: real, retry: wrapper.DefaultRetryPolicy(), pollEvery: opts.PollInterval, waitFor: opts.WaitTimeout,
		secrets: secrets, finish: func(bool) error { return nil },
	}
	if !opts.Record {
		return h, nil
	}
	origin := fmt.Sprintf("a live server at %s on %s (UTC)", hostOf(h.baseURL), opts.Now().UTC().Format(time.DateOnly))
	rec, err := startRecording(opts.CassetteDir, sc, real, secrets, origin)
	if err != nil {
		return nil, err
	}
	h.transport, h.finish = rec.rec, rec.finish
	return h, nil
}

// hostOf is a base URL's scheme and host, without any path, user or query.
func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}
