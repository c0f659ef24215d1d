package wrapper

import (
	"context"
	"fmt"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// call sends a request to the app host and decodes its 2xx JSON answer into out.
func (c *Client) call(ctx context.Context, op string, out any, send func(context.Context) (*http.Response, error)) error {
	resp, err := send(ctx)
	if err != nil {
		return fmt.Errorf("openhands: %s: %w", op, err)
	}
	return c.decode(op, hostApp, resp, out)
}

// callConversation sends a conversation-scoped request to the host
// onConversation chooses and decodes its answer into out. It returns the host.
func (c *Client) callConversation(ctx context.Context, op, id string, out any, send conversationCall) (string, error) {
	resp, host, err := c.onConversation(ctx, op, id, send)
	if err != nil {
		return host, err
	}
	return host, c.decode(op, host, resp, out)
}

// decode is decodeJSON within the client's bound on a decoded answer.
func (c *Client) decode(op, host string, resp *http.Response, out any) error {
	resp.Body = capBody(resp.Body, c.cfg.limits.MaxBytes)
	return decodeJSON(op, host, resp, out)
}

// fetch is call for an answer of type T.
func fetch[T any](ctx context.Context, c *Client, op string, send func(context.Context) (*http.Response, error)) (T, error) {
	var out T
	err := c.call(ctx, op, &out, send)
	return out, err
}

// fetchPtr is fetch returning a pointer, nil on error.
func fetchPtr[T any](ctx context.Context, c *Client, op string, send func(context.Context) (*http.Response, error)) (*T, error) {
	out, err := fetch[T](ctx, c, op, send)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// bare adapts a generated call that takes nothing but the context.
func bare(send func(context.Context, ...api.RequestEditorFn) (*http.Response, error)) func(context.Context) (*http.Response, error) {
	return func(ctx context.Context) (*http.Response, error) { return send(ctx) }
}

// fetchConversation is callConversation for an answer of type T.
func fetchConversation[T any](ctx context.Context, c *Client, op, id string, send conversationCall) (T, error) {
	var out T
	_, err := c.callConversation(ctx, op, id, &out, send)
	return out, err
}

// message sends a call whose success answer is {"message": ...} and
// reports only whether it succeeded.
func (c *Client) message(ctx context.Context, op string, send func(context.Context) (*http.Response, error)) error {
	_, err := fetch[api.MessageResponse](ctx, c, op, send)
	return err
}

// succeeded turns a 2xx {"success": false, "error"} into an error.
func succeeded(op, host string, out api.SuccessResponse) error {
	if out.Success {
		return nil
	}
	return &APIError{Operation: op, Host: host, StatusCode: http.StatusOK, ContentType: "application/json",
		Message: "the server answered success=false: " + out.Error, kinds: []error{ErrUnexpectedResponse}}
}
