package wrapper

import (
	"context"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// SubmitFeedback shares the conversation's trajectory with the OpenHands
// feedback service (spec: submitFeedback), with the fields the server reads:
// Polarity (api.FeedbackRequestPolarityPositive or api.FeedbackRequestPolarityNegative, required), Permissions
// (api.FeedbackRequestPermissionsPrivate, the default, or api.FeedbackRequestPermissionsPublic), Email and Version. The server
// adds the trajectory itself and returns the service's answer.
func (c *Client) SubmitFeedback(ctx context.Context, id string, fb api.FeedbackRequest, opts ...Option) (*api.FeedbackResult, error) {
	ctx = c.withCall(ctx, "SubmitFeedback", opts)
	const op = api.OpSubmitFeedback
	if !fb.Polarity.Valid() {
		return nil, inputError(sdkMethod(ctx, op), "polarity must be %q or %q, got %q", api.FeedbackRequestPolarityPositive, api.FeedbackRequestPolarityNegative, fb.Polarity)
	}
	if fb.Permissions == "" {
		fb.Permissions = api.FeedbackRequestPermissionsPrivate
	}
	if !fb.Permissions.Valid() {
		return nil, inputError(sdkMethod(ctx, op), "permissions must be %q or %q, got %q", api.FeedbackRequestPermissionsPrivate, api.FeedbackRequestPermissionsPublic, fb.Permissions)
	}
	out, err := fetchConversation[api.FeedbackResult](ctx, c, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.SubmitFeedback(ctx, id, fb)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
