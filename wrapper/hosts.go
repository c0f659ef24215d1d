package wrapper

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// Host names, as APIError.Host and the summaries report them.
const (
	hostApp     = "app"
	hostRuntime = "runtime"
)

// RuntimeBaseURL derives a conversation's runtime host from its
// ConversationInfo.url: the url without its /api/conversations/{id} suffix,
// resolved against the app host when it is relative (a standalone install
// hands out "/api/conversations/{id}"). The error matches ErrRuntimeUnavailable.
func RuntimeBaseURL(appBase, conversationURL, conversationID string) (string, error) {
	const op = "runtimeBaseURL"
	fail := func(format string, args ...any) error {
		return &APIError{Operation: op, Message: fmt.Sprintf(format, args...), kinds: []error{ErrRuntimeUnavailable}}
	}
	if strings.TrimSpace(conversationURL) == "" {
		return "", fail("the conversation has no url: it is not running")
	}
	base, err := url.Parse(appBase)
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return "", fail("app base %q is not an absolute http(s) URL", appBase)
	}
	ref, err := url.Parse(conversationURL)
	if err != nil {
		return "", fail("conversation url %q does not parse: %v", conversationURL, err)
	}
	u := base.ResolveReference(ref)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fail("conversation url %q is not an http(s) URL with a host", conversationURL)
	}
	if base.Scheme == "https" && u.Scheme != "https" {
		return "", fail("conversation url %q is plain http under an https app host: refusing to send its session key unencrypted", conversationURL)
	}
	suffix := "/api/conversations/" + conversationID
	path := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(path, suffix) {
		return "", fail("conversation url %q does not end with %s", conversationURL, suffix)
	}
	u.Path = strings.TrimSuffix(path, suffix)
	if strings.HasSuffix(u.Path, "/") {
		return "", fail("conversation url %q has an empty path segment before %s", conversationURL, suffix)
	}
	u.RawPath = ""
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return strings.TrimRight(u.String(), "/"), nil
}

// conversationCall sends one conversation-scoped request to a host.
type conversationCall func(ctx context.Context, host *api.Client) (*http.Response, error)

// onConversation is the one place that decides which host serves a
// conversation-scoped call. With HostAuto it calls the app host and, when
// that answers a maintenance page, a host without V0 or (for a GET) a 5xx,
// calls the conversation's runtime host instead and logs the decision. A
// POST falls back only when the app host's answer proves it did nothing with
// it (see worthRuntimeHost), so a message is never delivered twice. It returns
// a 2xx answer with its body unread, and the host that gave it.
func (c *Client) onConversation(ctx context.Context, op, id string, call conversationCall) (*http.Response, string, error) {
	if err := validID(ctx, id); err != nil {
		return nil, "", err
	}
	if c.cfg.hostPolicy == HostRuntime {
		rt, err := c.runtimeClient(ctx, id)
		if err != nil {
			return nil, "", fmt.Errorf("openhands: %s: %w", op, err)
		}
		return c.answered(ctx, op, hostRuntime, rt, call)
	}
	resp, host, err := c.answered(ctx, op, hostApp, c.raw, call)
	if err == nil || c.cfg.hostPolicy == HostApp || !worthRuntimeHost(op, err) {
		return resp, host, err
	}
	rt, rtErr := c.runtimeClient(ctx, id)
	if rtErr != nil {
		return nil, hostApp, fmt.Errorf("%w (no runtime host to fall back to: %w)", err, rtErr)
	}
	c.log.InfoContext(ctx, "openhands: app host failed; calling the conversation's runtime host",
		"operation", op, "conversation_id", id, "reason", err.Error())
	return c.answered(ctx, op, hostRuntime, rt, call)
}

// answered sends call to one host and turns anything but a non-HTML 2xx
// into an *APIError.
func (c *Client) answered(ctx context.Context, op, host string, target *api.Client, call conversationCall) (*http.Response, string, error) {
	resp, err := call(ctx, target)
	if err != nil {
		return nil, host, fmt.Errorf("openhands: %s: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || looksLikeHTML(mediaType(resp.Header), nil) {
		return nil, host, errorFromResponse(op, host, resp)
	}
	return resp, host, nil
}

// runtimeClient returns a generated client for the conversation's runtime
// host. The trust rule: the runtime host never gets a weaker scheme than
// the app host (RuntimeBaseURL), it gets the conversation's own session
// key, and the app's credentials (bearer key, session key) go only where
// the app host itself is: a runtime host on another origin, named by
// whatever the server answered, gets no credential of the app's.
func (c *Client) runtimeClient(ctx context.Context, id string) (*api.Client, error) {
	info, err := c.GetConversation(ctx, id)
	if err != nil {
		return nil, err
	}
	if info.ConversationVersion == "V1" {
		return nil, &APIError{Operation: "runtimeHost", Message: "a V1 conversation: its url is a V1 agent server, not a V0 runtime", kinds: []error{ErrRuntimeUnavailable}}
	}
	base, err := RuntimeBaseURL(c.cfg.baseURL, info.URL, id)
	if err != nil {
		if info.URL == "" {
			return nil, &APIError{Operation: "runtimeHost", Message: fmt.Sprintf("conversation is %s and has no runtime url", info.Status), kinds: []error{ErrRuntimeUnavailable}}
		}
		return nil, err
	}
	rt, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	apiKey, sessionKey := "", info.SessionAPIKey
	if sameOrigin(rt, c.base) {
		apiKey = c.cfg.apiKey
		if sessionKey == "" {
			sessionKey = c.cfg.sessionAPIKey
		}
	}
	return c.hostClient(base, apiKey, sessionKey)
}
