package wrapper

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option configures a Client (given to New) or one call (given to a
// method): the same type for both. Options are applied in order; the first
// one that fails stops New with its error, or fails the call with
// ErrValidation before anything is sent. Per call, only the options that
// shape a call apply: WithHeader, WithTimeout, WithRequestTimeout, WithRetry,
// WithResponseInto, and the options of Wait, DownloadTrajectory and the
// event scans; another (WithBaseURL, WithAPIKey, ...) fails the call.
type Option func(*config) error

// HostPolicy says which host serves conversation-scoped calls.
type HostPolicy int

const (
	// HostAuto calls the app host and falls back to the conversation's
	// runtime host on a maintenance page, a host without V0, or a 5xx.
	HostAuto HostPolicy = iota
	// HostApp calls only the app host.
	HostApp
	// HostRuntime calls the conversation's runtime host directly.
	HostRuntime
)

// String names the policy as the CLI spells it.
func (p HostPolicy) String() string {
	switch p {
	case HostApp:
		return "app"
	case HostRuntime:
		return "runtime"
	}
	return "auto"
}

// DefaultBaseURL is where a self-hosted OpenHands serves by default. (The
// hosted service, https://app.all-hands.dev, answered V0 until 2026-04-16.)
const DefaultBaseURL = "http://localhost:3000"

// DefaultTimeout is the per-try timeout: how long to wait for an answer's
// headers, and the longest silence while reading its body.
const DefaultTimeout = 60 * time.Second

type config struct {
	baseURL       string
	apiKey        string
	sessionAPIKey string
	httpClient    *http.Client
	transport     http.RoundTripper
	logger        *slog.Logger
	userAgent     string
	hostPolicy    HostPolicy

	limits AnswerLimits
	callConfig
}

func defaultConfig() config {
	return config{
		baseURL:   DefaultBaseURL,
		userAgent: "openhands-v0-go/" + Version,

		limits: defaultLimits(),
		callConfig: callConfig{
			timeout:        DefaultTimeout,
			requestTimeout: DefaultRequestTimeout,
			retry:          DefaultRetryPolicy(),
			wait:           waitConfig{interval: DefaultPollInterval, clock: realClock{}},
			scan:           scanConfig{window: DefaultScanWindow},
		},
	}
}

// WithBaseURL sets the app host, e.g. http://localhost:3000 for a local install.
func WithBaseURL(raw string) Option {
	return func(c *config) error {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("openhands: base URL must be an absolute http(s) URL, got " + quote(raw))
		}
		c.baseURL = strings.TrimRight(u.String(), "/")
		return nil
	}
}

// WithAPIKey sets the bearer API key (OpenHands Cloud, Settings > API Keys).
func WithAPIKey(key string) Option {
	return func(c *config) error { c.apiKey = strings.TrimSpace(key); return nil }
}

// WithSessionAPIKey sets the X-Session-API-Key a self-hosted server with
// SESSION_API_KEY requires on every route.
func WithSessionAPIKey(key string) Option {
	return func(c *config) error { c.sessionAPIKey = strings.TrimSpace(key); return nil }
}

// WithHTTPClient sets the HTTP client whose transport sends the requests.
// Its Transport is wrapped by the retry layer; its Timeout, if set, bounds
// each whole call including retries, so prefer contexts and WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("openhands: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTransport sets the round tripper under the retry layer (a go-vcr
// recorder, a test double, a tuned *http.Transport).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("openhands: WithTransport(nil)")
		}
		c.transport = rt
		return nil
	}
}

// WithTimeout sets the per-try timeout (default 60s): the longest wait for
// an answer's headers and the longest silence while reading its body. A body
// that keeps flowing is never cut off; the context bounds the whole call.
// Zero disables it.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("openhands: negative timeout")
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets the retry policy (default DefaultRetryPolicy; NoRetry turns
// retries off). A zero MinBackoff, MaxBackoff or MaxRetryAfter takes
// DefaultRetryPolicy's value, so RetryPolicy{MaxAttempts: 6} still backs off
// and still honours Retry-After.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 1 || p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
			return errors.New("openhands: retry policy needs MaxAttempts >= 1 and no negative durations")
		}
		def := DefaultRetryPolicy()
		p.MinBackoff = cmp.Or(p.MinBackoff, def.MinBackoff)
		p.MaxBackoff = cmp.Or(p.MaxBackoff, def.MaxBackoff)
		p.MaxRetryAfter = cmp.Or(p.MaxRetryAfter, def.MaxRetryAfter)
		c.retry = p
		return nil
	}
}

// WithLogger sets the logger for debug lines (requests, retries, host
// decisions). Credentials are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error { c.userAgent = ua; return nil }
}

// WithHostPolicy sets which host serves conversation-scoped calls (default HostAuto).
func WithHostPolicy(p HostPolicy) Option {
	return func(c *config) error {
		if p < HostAuto || p > HostRuntime {
			return errors.New("openhands: unknown host policy")
		}
		c.hostPolicy = p
		return nil
	}
}

func quote(s string) string { return "\"" + s + "\"" }
