package wrapper

import (
	"context"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// The calls below are conversation-scoped: they go to the app host and fall
// back to the conversation's runtime host as the host policy says.

// GetRuntimeConfig returns the conversation's runtime and session ids (spec:
// getRuntimeConfig).
func (c *Client) GetRuntimeConfig(ctx context.Context, id string, opts ...Option) (*api.RuntimeConfig, error) {
	ctx = c.withCall(ctx, "GetRuntimeConfig", opts)
	out, err := fetchConversation[api.RuntimeConfig](ctx, c, api.OpGetRuntimeConfig, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetRuntimeConfig(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetVSCodeURL returns the address of the conversation's VS Code, or "" if
// the runtime has none (spec: getVSCodeURL).
func (c *Client) GetVSCodeURL(ctx context.Context, id string, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "GetVSCodeURL", opts)
	out, err := fetchConversation[api.VSCodeURL](ctx, c, api.OpGetVSCodeURL, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetVSCodeURL(ctx, id)
	})
	return out.VscodeURL, err
}

// GetWebHosts returns the web servers the conversation's runtime exposes,
// URL to port (spec: getWebHosts).
func (c *Client) GetWebHosts(ctx context.Context, id string, opts ...Option) (map[string]int, error) {
	ctx = c.withCall(ctx, "GetWebHosts", opts)
	out, err := fetchConversation[api.WebHosts](ctx, c, api.OpGetWebHosts, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetWebHosts(ctx, id)
	})
	return out.Hosts, err
}

// GetMicroagents returns the microagents loaded in the conversation (spec:
// getMicroagents).
func (c *Client) GetMicroagents(ctx context.Context, id string, opts ...Option) ([]api.ConversationMicroagent, error) {
	ctx = c.withCall(ctx, "GetMicroagents", opts)
	out, err := fetchConversation[api.ConversationMicroagents](ctx, c, api.OpGetMicroagents, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetMicroagents(ctx, id)
	})
	return out.Microagents, err
}

// GetRememberPrompt returns the prompt the server suggests for turning the
// conversation up to eventID into a microagent (spec: getRememberPrompt).
func (c *Client) GetRememberPrompt(ctx context.Context, id string, eventID int, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "GetRememberPrompt", opts)
	const op = api.OpGetRememberPrompt
	if eventID < 0 {
		return "", inputError(sdkMethod(ctx, op), "event id must not be negative, got %d", eventID)
	}
	out, err := fetchConversation[api.RememberPrompt](ctx, c, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetRememberPrompt(ctx, id, &api.GetRememberPromptParams{EventID: eventID})
	})
	return out.Prompt, err
}

// AddEvent posts a raw event to a running conversation, in the server's
// event shape, e.g. {"action": "change_agent_state", "args":
// {"agent_state": "stopped"}} (spec: addEvent).
func (c *Client) AddEvent(ctx context.Context, id string, event map[string]any, opts ...Option) error {
	ctx = c.withCall(ctx, "AddEvent", opts)
	const op = api.OpAddEvent
	if _, ok := event["action"].(string); !ok {
		return inputError(sdkMethod(ctx, op), `the event needs an "action", e.g. "message" or "change_agent_state"`)
	}
	var out api.SuccessResponse
	host, err := c.callConversation(ctx, op, id, &out, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.AddEvent(ctx, id, event)
	})
	if err != nil {
		return err
	}
	return succeeded(op, host, out)
}
