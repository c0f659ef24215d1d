package sim

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Mode is the kind of server the simulator plays.
type Mode string

const (
	// ModeOSS is a self-hosted OpenHands install: no authentication (unless
	// WithSessionAPIKey), relative conversation URLs, a per-IP rate limiter.
	ModeOSS Mode = "oss"
	// ModeHosted is the hosted service (app.all-hands.dev before 2026-04-16):
	// bearer API keys, one runtime host per running conversation, the HTML
	// maintenance page for runtime-only routes called on the app host, and a
	// per-user rate limiter.
	ModeHosted Mode = "hosted"
	// ModeRemoved is a host that no longer serves V0: every GET answers the
	// web app's index.html (200 text/html), every other method 405.
	ModeRemoved Mode = "removed"
)

// Modes lists every mode, in a stable order.
func Modes() []Mode { return []Mode{ModeOSS, ModeHosted, ModeRemoved} }

// ErrUnknownMode is the error ParseMode wraps for a name that is not a mode.
var ErrUnknownMode = errors.New("sim: unknown mode")

// ParseMode turns "oss", "hosted" or "removed" into a Mode.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("%w %q (want oss, hosted or removed)", ErrUnknownMode, s)
}

// Default timings of the scripted lifecycle.
const (
	// DefaultStartDelay is how long a conversation stays STARTING.
	DefaultStartDelay = 2 * time.Second
	// DefaultRunDuration is how long the scripted agent works on a task
	// before it finishes and the conversation becomes STOPPED (it stays
	// RUNNING with WithKeepRunning, as on a real server).
	DefaultRunDuration = 8 * time.Second
	// DefaultIDSalt salts every identifier the simulator derives.
	DefaultIDSalt = "openhands-v0-sim"
	// DefaultModel is the LLM model named in events when no settings name one.
	DefaultModel = "claude-sonnet-4-5-20250929"
)

// config is what the options set.
type config struct {
	mode          Mode
	apiKey        string
	sessionAPIKey string
	clock         Clock
	rateLimit     bool
	sampleData    bool
	startDelay    time.Duration
	runDuration   time.Duration
	keepRunning   bool
	idSalt        string
	nested        bool
	maintenance   string
	log           io.Writer
	bulk          []bulkSpec
	faults        []Fault
	latency       time.Duration
}

// bulkSpec is a bulk conversation WithBulkConversation asks for.
type bulkSpec struct{ events, payloadBytes int }

func defaultConfig() config {
	return config{
		mode:        ModeOSS,
		clock:       RealClock(),
		startDelay:  DefaultStartDelay,
		runDuration: DefaultRunDuration,
		idSalt:      DefaultIDSalt,
	}
}

// Option configures a Server.
type Option func(*config)

// WithMode selects the kind of server to play (default ModeOSS).
func WithMode(m Mode) Option { return func(c *config) { c.mode = m } }

// WithAPIKey sets the hosted service's API key. In ModeHosted every /api
// route except /api/options/config then wants `Authorization: Bearer <key>`
// or `X-Session-API-Key: <key>`; anything else is 401
// {"error":"NoCredentialsError"}. Without it ModeHosted accepts any non-empty
// credential. In ModeRemoved a configured key is checked first, as the hosted
// service did after V0's removal.
func WithAPIKey(key string) Option { return func(c *config) { c.apiKey = key } }

// WithSessionAPIKey sets a self-hosted server's SESSION_API_KEY: every route
// but the health routes then wants `X-Session-API-Key: <key>`, else 401
// {"detail":"Unauthorized"}.
func WithSessionAPIKey(key string) Option { return func(c *config) { c.sessionAPIKey = key } }

// WithClock sets the clock lifecycles and timestamps are computed from
// (default the real clock). Use NewStepClock or NewManualClock for
// deterministic runs.
func WithClock(clock Clock) Option {
	return func(c *config) {
		if clock != nil {
			c.clock = clock
		}
	}
}

// WithRateLimit switches the mode's rate limiter on (default off): per
// client IP in ModeOSS (more than 20 requests in a second: 429
// {"message":"Too many requests"} with Retry-After: 1), per API key in
// ModeHosted ("10/second; 100/minute": 429 {"error":"Rate limit exceeded: ..."}
// with X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset and
// Retry-After).
func WithRateLimit(on bool) Option { return func(c *config) { c.rateLimit = on } }

// WithSampleData fills the server with stored settings, a git provider token,
// custom secrets, and conversations in every state (STOPPED, ARCHIVED, ERROR,
// RUNNING, a microagent-management one) plus one V1 conversation.
func WithSampleData() Option { return func(c *config) { c.sampleData = true } }

// WithTiming sets how long a conversation stays STARTING and how long the
// scripted agent works on a task before it finishes.
func WithTiming(startDelay, runDuration time.Duration) Option {
	return func(c *config) {
		c.startDelay = max(startDelay, 0)
		c.runDuration = max(runDuration, 0)
	}
}

// WithKeepRunning keeps a conversation RUNNING once its agent has finished
// its task, its agent awaiting input, until it is stopped: what a real
// OpenHands server (0.62.0) does, and what the contract recordings use.
// Without it a conversation stops (STOPPED) when its agent finishes, which
// clients that wait for a conversation to end (wrapper.Client.Wait, the CLI's
// --poll) rely on: on a real server they wait until their timeout.
func WithKeepRunning() Option { return func(c *config) { c.keepRunning = true } }

// WithIDSalt changes the salt every identifier derives from (default
// DefaultIDSalt). Two servers with the same salt, clock and request sequence
// answer byte for byte the same.
func WithIDSalt(salt string) Option { return func(c *config) { c.idSalt = salt } }

// WithNestedRuntimes makes ModeOSS behave like a docker-nested install: each
// running conversation gets its own runtime host and session key, as in
// ModeHosted, and the runtime-only routes on the app host answer 500
// text/plain "Internal Server Error". ModeHosted always runs nested.
func WithNestedRuntimes() Option { return func(c *config) { c.nested = true } }

// WithMaintenance announces a maintenance window in GET /api/options/config
// (MAINTENANCE.startTime; ModeHosted only), as ISO-8601 with an offset.
func WithMaintenance(startTime string) Option {
	return func(c *config) { c.maintenance = startTime }
}

// WithLog writes one line per request (time, host kind, method, path, status)
// to w. Headers and bodies are never logged.
func WithLog(w io.Writer) Option { return func(c *config) { c.log = w } }

// WithBulkConversation adds, when the server is built, a RUNNING
// conversation of events generated events carrying about payloadBytes bytes
// of text each (see Server.AddBulkConversation). Given more than once, it
// adds one conversation each time.
func WithBulkConversation(events, payloadBytes int) Option {
	return func(c *config) { c.bulk = append(c.bulk, bulkSpec{events: events, payloadBytes: payloadBytes}) }
}

// WithFault injects f when the server is built, as Server.InjectFault does
// later. Faults apply in the order given.
func WithFault(f Fault) Option { return func(c *config) { c.faults = append(c.faults, f) } }

// WithLatency delays every response by d before anything else, faults
// included (they add their own Fault.Latency on top), as a distant server
// would.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = max(d, 0) } }
