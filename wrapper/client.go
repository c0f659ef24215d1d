package wrapper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.1.0"

// Environment variables NewFromEnv reads.
const (
	EnvAPIKey        = "OPENHANDS_API_KEY"
	EnvAppBase       = "OPENHANDS_APP_BASE"
	EnvSessionAPIKey = "OPENHANDS_SESSION_API_KEY"
)

// ErrMissingAPIKey is returned by New for the hosted service without an API key.
// The SDK's remedy is WithAPIKey (or OPENHANDS_API_KEY with NewFromEnv).
var ErrMissingAPIKey = errors.New("openhands: an API key is required for app.all-hands.dev")

// Client is the OpenHands V0 client: typed calls over the generated api
// package, with retries, typed errors, the runtime-host fallback, iterators
// and polling. It is safe for concurrent use.
type Client struct {
	cfg  config
	base *url.URL
	hc   *http.Client
	raw  *api.Client
	api  *api.ClientWithResponses
	log  *slog.Logger
}

// New returns a Client for the app host set by WithBaseURL (default
// DefaultBaseURL). The hosted service requires WithAPIKey; a self-hosted
// server may need WithSessionAPIKey; a plain local install needs neither.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	base, err := url.Parse(cfg.baseURL)
	if err != nil {
		return nil, fmt.Errorf("openhands: base URL: %w", err)
	}
	if cfg.apiKey == "" && isHostedService(base) {
		return nil, ErrMissingAPIKey
	}
	c := &Client{cfg: cfg, base: base, log: cfg.logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.hc = c.httpClient()
	if c.raw, err = c.hostClient(cfg.baseURL, cfg.apiKey, cfg.sessionAPIKey); err != nil {
		return nil, err
	}
	c.api = &api.ClientWithResponses{ClientInterface: c.raw}
	return c, nil
}

// NewFromEnv is New with settings from the environment: OPENHANDS_API_KEY,
// OPENHANDS_APP_BASE (default DefaultBaseURL, http://localhost:3000),
// and OPENHANDS_SESSION_API_KEY. Options given here win over
// the environment.
func NewFromEnv(opts ...Option) (*Client, error) {
	var env []Option
	if v := os.Getenv(EnvAppBase); v != "" {
		env = append(env, fromEnv(EnvAppBase, WithBaseURL(v)))
	}
	if v := os.Getenv(EnvAPIKey); v != "" {
		env = append(env, WithAPIKey(v))
	}
	if v := os.Getenv(EnvSessionAPIKey); v != "" {
		env = append(env, WithSessionAPIKey(v))
	}
	return New(append(env, opts...)...)
}

// fromEnv names the environment variable in an option's error.
func fromEnv(name string, opt Option) Option {
	return func(c *config) error {
		if err := opt(c); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
}

// API returns the generated client this Client uses for the app host, with
// the same transport (auth, retries). Every spec operation is reachable
// there; its answers are not turned into errors.
func (c *Client) API() *api.ClientWithResponses { return c.api }

// BaseURL returns the app host's base URL.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// HTTPClient returns the *http.Client with the retrying transport, for calls
// the spec does not cover.
func (c *Client) HTTPClient() *http.Client { return c.hc }

// WithHostPolicy returns a copy of c that routes conversation-scoped calls
// by p; c itself is unchanged.
func (c *Client) WithHostPolicy(p HostPolicy) *Client {
	out := *c
	out.cfg.hostPolicy = p
	return &out
}

// ConversationLink returns the web UI's address of a conversation.
func (c *Client) ConversationLink(conversationID string) string {
	return c.cfg.baseURL + "/conversations/" + url.PathEscape(conversationID)
}

func isHostedService(u *url.URL) bool {
	h := strings.ToLower(u.Hostname())
	return h == "app.all-hands.dev"
}

// httpClient builds the client: retries over logging over the base transport.
func (c *Client) httpClient() *http.Client {
	var out http.Client
	if c.cfg.httpClient != nil {
		out = *c.cfg.httpClient
	}
	base := c.cfg.transport
	if base == nil {
		base = out.Transport
	}
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = callTransport{def: &c.cfg.callConfig, next: &retryTransport{
		next:    &logTransport{next: guardInflation(base, c.cfg.limits.MaxInflation), log: c.log},
		policy:  c.cfg.retry,
		timeout: c.cfg.timeout,
		whole:   c.cfg.requestTimeout,
		log:     c.log,
		sleep:   sleepCtx,
	}}
	out.CheckRedirect = withRedirectPolicy(out.CheckRedirect)
	return &out
}

// hostClient returns a generated client for a host that sends apiKey as
// the bearer token and sessionKey as X-Session-API-Key, when set.
func (c *Client) hostClient(server, apiKey, sessionKey string) (*api.Client, error) {
	ua := c.cfg.userAgent
	return api.NewClient(server,
		api.WithHTTPClient(c.hc),
		api.WithRequestEditorFn(func(ctx context.Context, req *http.Request) error {
			cc := c.callSettings(ctx)
			if cc.err != nil {
				return cc.err
			}
			for name, values := range cc.header {
				req.Header[name] = append([]string(nil), values...)
			}
			if apiKey != "" {
				req.Header.Set("Authorization", "Bearer "+apiKey)
			}
			if sessionKey != "" {
				req.Header.Set("X-Session-API-Key", sessionKey)
			}
			if ua != "" {
				req.Header.Set("User-Agent", ua)
			}
			req.Header.Set("Accept", "application/json")
			return nil
		}))
}

// logTransport writes one debug line per try: method, path, status, time.
// It never logs headers, query strings or bodies, so no credential reaches a log.
type logTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

// CloseIdleConnections closes the idle connections of the transport below.
func (t *logTransport) CloseIdleConnections() { closeIdle(t.next) }

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.log.Enabled(req.Context(), slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []any{"method", req.Method, "host", req.URL.Host, "path", req.URL.EscapedPath(), "elapsed", time.Since(start).Round(time.Microsecond)}
	if err != nil {
		t.log.DebugContext(req.Context(), "openhands: request failed", append(attrs, "error", err.Error())...)
		return nil, err
	}
	t.log.DebugContext(req.Context(), "openhands: request", append(attrs, "status", resp.StatusCode)...)
	return resp, nil
}
