package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Scenario is a named sequence of SDK calls whose exchanges the harness
// records, replays and checks against the spec.
type Scenario struct {
	// Name names the scenario and its cassette (cassettes/<Name>.yaml).
	Name string
	// Description says what the scenario shows, in one sentence.
	Description string
	// Writes marks a scenario that creates, starts, changes or deletes
	// something on the server: a live run skips it unless writes are allowed,
	// and it undoes what it did (Session.Cleanup) even when it fails.
	Writes bool
	// SimOnly marks a scenario that needs a server behaviour only the
	// simulator can be asked for (a fault, the removed or hosted mode): a
	// live run skips it.
	SimOnly bool
	// Disposable marks a scenario that changes what it cannot put back (the
	// user's git provider tokens, which cannot be read back): a live run
	// makes it only against a throw-away server (RunOptions.Disposable).
	Disposable bool
	// NotOnRealServer, when set, says why the scenario cannot run against a
	// real self-hosted OpenHands install at all (it needs the hosted service,
	// a git host, or sends data off the machine); live runs and the real
	// server's report give this reason for the skip.
	NotOnRealServer string
	// Sim is the simulator the scenario is recorded against.
	Sim SimSetup
	// Expect lists the spec violations the scenario causes on purpose; they
	// are reported as expected, and one that does not happen fails the
	// scenario (the server changed).
	Expect []Expectation
	// Run makes the calls. It returns an error when the SDK's results are not
	// what the scenario expects of a server that honours the spec.
	Run func(ctx context.Context, s *Session) error
}

// SimSetup is the simulator a scenario is recorded against. Each scenario
// gets a fresh simulator with a deterministic clock and seed.
type SimSetup struct {
	// Mode is the kind of server (default sim.ModeOSS).
	Mode sim.Mode
	// SampleData fills the server with settings, secrets and conversations in
	// every state.
	SampleData bool
	// APIKey makes the simulator check the recording API key (hosted and
	// removed modes; the client always sends it).
	APIKey bool
	// SessionAPIKey gives the simulator SESSION_API_KEY (oss mode); the
	// client sends the recording session key.
	SessionAPIKey bool
	// Nested gives each running conversation its own runtime host (oss mode).
	Nested bool
	// RateLimit switches the mode's rate limiter on.
	RateLimit bool
	// Prepare, if set, arranges the server before the scenario runs
	// (faults, say).
	Prepare func(*sim.Server)
}

// Credentials and secret values the scenarios use when recording against
// the simulator and replaying. They are fake, and still scrubbed from the
// cassettes like real ones, which the meta-tests check.
const (
	recordAPIKey        = "contract-api-key-7f3a9c2e5b1d40861c"
	recordSessionAPIKey = "contract-session-key-4be1d07a93c2f5"
	fakeLLMKey          = "sk-contract-llm-key-0123456789abcdef"
	fakeSearchKey       = "contract-search-key-90a1b2c3d4e5"
	fakeSecretValue     = "contract-secret-value-5d2f8e1a7c"
	fakeSecretValue2    = "contract-secret-value-rotated-3b9e"
	fakeGitHubToken     = "ghp_contractFakeToken0123456789abcdefABCD"
)

// scenarioSecrets are the secret values scenarios place in requests.
var scenarioSecrets = []string{fakeLLMKey, fakeSearchKey, fakeSecretValue, fakeSecretValue2, fakeGitHubToken}

// Session is what a scenario's Run gets: an SDK client wired through the
// harness (recorder and validator), and helpers to build more clients,
// register clean-ups, skip and take notes.
type Session struct {
	// Client is the SDK client for the target server.
	Client *wrapper.Client

	mode Mode
	// recordedLive marks a replay of a cassette recorded from a live server:
	// the scenario takes the paths it took live.
	recordedLive bool
	newClient    func(opts ...wrapper.Option) (*wrapper.Client, error)
	pollEvery    time.Duration
	waitFor      time.Duration
	cleanups     []cleanup
	notes        []string
}

type cleanup struct {
	what string
	fn   func(ctx context.Context) error
}

// Mode says how the scenario is run: replaying, live, or against the simulator.
func (s *Session) Mode() Mode { return s.mode }

// Live reports whether the scenario runs against a live server, whose data
// it does not know in advance, or replays what one answered.
func (s *Session) Live() bool { return s.mode == ModeLive || s.recordedLive }

// OnNetwork reports whether requests really reach a server (live or the
// simulator), as opposed to a replay: only then is waiting worth its time.
func (s *Session) OnNetwork() bool { return s.mode != ModeReplay }

// NewClient returns another SDK client for the same server and through the
// same harness, with opts applied after the session's own (other
// credentials, say).
func (s *Session) NewClient(opts ...wrapper.Option) (*wrapper.Client, error) {
	return s.newClient(opts...)
}

// WaitOptions are the options a scenario passes to wrapper.Client.Wait:
// a poll interval shrunk to nothing in replay, and a bound on the wait.
func (s *Session) WaitOptions() []wrapper.Option {
	return []wrapper.Option{wrapper.WithPollInterval(s.pollEvery), wrapper.WithWaitTimeout(s.waitFor)}
}

// Cleanup registers fn to undo something the scenario did (delete the
// conversation it created, say). Clean-ups run after the scenario, last
// registered first, whether it passed or failed.
func (s *Session) Cleanup(what string, fn func(ctx context.Context) error) {
	s.cleanups = append(s.cleanups, cleanup{what: what, fn: fn})
}

// Notef records a line for the report (what the scenario found, what it
// could not check on this server).
func (s *Session) Notef(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// ErrSkipped is the error Skip returns; a scenario that returns it is
// reported as skipped with the reason.
var ErrSkipped = errors.New("skipped")

// Skip ends the scenario as skipped: on a live server there may be nothing
// to read, or the server does not check credentials.
func (s *Session) Skip(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSkipped, fmt.Sprintf(format, args...))
}

// runCleanups runs the clean-ups, last first, each with its own bounded
// context that outlives a cancelled scenario. It returns their errors.
func (s *Session) runCleanups(ctx context.Context, timeout time.Duration) []error {
	var errs []error
	for _, c := range slices.Backward(s.cleanups) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		if err := c.fn(cctx); err != nil {
			errs = append(errs, fmt.Errorf("clean-up %s: %w", c.what, err))
		}
		cancel()
	}
	s.cleanups = nil
	return errs
}
