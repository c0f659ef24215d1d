package openhandstest

import (
	"io"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	apiKey, sessionKey string
	sim                []sim.Option
}

// WithAPIKey makes the server play the hosted service (app.all-hands.dev)
// with one valid API key: every /api route but /api/options/config wants
// `Authorization: Bearer <key>`, and any other key is a 401
// (wrapper.ErrUnauthorized). Running conversations get their own runtime
// host, as on the hosted service.
func WithAPIKey(key string) Option { return func(o *options) { o.apiKey = key } }

// WithSessionAPIKey makes the server play a self-hosted install started
// with SESSION_API_KEY=key: every route but the health routes wants
// `X-Session-API-Key: <key>`, else 401.
func WithSessionAPIKey(key string) Option { return func(o *options) { o.sessionKey = key } }

// WithSampleData fills the server with stored settings (an LLM model and
// key), a GitHub token, two custom secrets, and conversations in every state:
// STOPPED ones with a repository and a pull request, an ARCHIVED one, one in
// ERROR, a RUNNING one waiting for the user, and a V1 conversation.
func WithSampleData() Option { return simOption(sim.WithSampleData()) }

// WithBulkConversation adds a RUNNING conversation of events generated
// events of about payloadBytes bytes of text each (given more than once, one
// conversation each time). Its title says "Bulk conversation (N events)".
func WithBulkConversation(events, payloadBytes int) Option {
	return simOption(sim.WithBulkConversation(events, payloadBytes))
}

// WithFault injects a fault from the start (see Server.InjectFault).
func WithFault(f Fault) Option { return simOption(sim.WithFault(f)) }

// WithLatency delays every answer by d, as a distant server would.
func WithLatency(d time.Duration) Option { return simOption(sim.WithLatency(d)) }

// WithTiming sets how long a new conversation stays STARTING and how long its
// scripted agent works before the conversation stops (default 0 and 0: a
// conversation is done when it is next looked at).
func WithTiming(startDelay, runDuration time.Duration) Option {
	return simOption(sim.WithTiming(startDelay, runDuration))
}

// WithKeepRunning keeps a conversation RUNNING once its agent has finished,
// awaiting input until it is stopped, as a real server does; by default it
// stops (STOPPED) when its agent finishes, so that Wait returns. With it, a
// conversation's trajectory stays readable (servers up to 0.62.0 serve the
// trajectory of a running conversation only).
func WithKeepRunning() Option { return simOption(sim.WithKeepRunning()) }

// WithRateLimit switches on the rate limiter of the mode played: 20
// requests a second per client on a self-hosted server, "10/second;
// 100/minute" per key on the hosted service (WithAPIKey); past it, 429
// with Retry-After.
func WithRateLimit() Option { return simOption(sim.WithRateLimit(true)) }

// WithV0Removed makes the server a host that no longer serves V0: every GET
// answers the web app's index.html, every other method 405
// (wrapper.ErrNotV0).
func WithV0Removed() Option { return simOption(sim.WithMode(sim.ModeRemoved)) }

// WithRequestLog writes one line per request (time, host, method, path,
// status) to w; headers and bodies are never logged.
func WithRequestLog(w io.Writer) Option { return simOption(sim.WithLog(w)) }

func simOption(o sim.Option) Option { return func(opts *options) { opts.sim = append(opts.sim, o) } }
