package wrapper

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"net/http"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
)

// CreateConversation creates a conversation and starts its agent (spec:
// createConversation, POST /api/conversations). Only the fields set in req
// are sent; the server rejects unknown fields.
func (c *Client) CreateConversation(ctx context.Context, req api.CreateConversationRequest, opts ...Option) (*api.ConversationResponse, error) {
	ctx = c.withCall(ctx, "CreateConversation", opts)
	const op = api.OpCreateConversation
	var out api.ConversationResponse
	if err := c.call(ctx, op, &out, func(ctx context.Context) (*http.Response, error) {
		return c.raw.CreateConversation(ctx, req)
	}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetConversation returns a conversation (spec: getConversation, GET
// /api/conversations/{id}). The server answers 200 with null for a missing
// conversation; that is an error matching ErrNotFound here.
func (c *Client) GetConversation(ctx context.Context, id string, opts ...Option) (*api.ConversationInfo, error) {
	ctx = c.withCall(ctx, "GetConversation", opts)
	const op = api.OpGetConversation
	if err := validID(ctx, id); err != nil {
		return nil, err
	}
	var out *api.ConversationInfo
	if err := c.call(ctx, op, &out, func(ctx context.Context) (*http.Response, error) {
		return c.raw.GetConversation(ctx, id)
	}); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, &APIError{Operation: op, Host: hostApp, StatusCode: http.StatusOK, ContentType: "application/json",
			Message: "no conversation " + id + " (the server answered null)", kinds: []error{ErrNotFound}}
	}
	return out, nil
}

// DeleteConversation deletes a conversation (spec: deleteConversation).
// The server's false, for a conversation it does not have, is ErrNotFound;
// when the transport had to send the DELETE again (a gateway error, a
// timeout), false means an earlier try deleted it, and that is success.
func (c *Client) DeleteConversation(ctx context.Context, id string, opts ...Option) error {
	ctx = c.withCall(ctx, "DeleteConversation", opts)
	const op = api.OpDeleteConversation
	if err := validID(ctx, id); err != nil {
		return err
	}
	var deleted bool
	var tries int
	if err := c.call(ctx, op, &deleted, countTries(&tries, func(ctx context.Context) (*http.Response, error) {
		return c.raw.DeleteConversation(ctx, id)
	})); err != nil {
		return err
	}
	if !deleted && tries > 1 {
		return nil
	}
	if !deleted {
		return &APIError{Operation: op, Host: hostApp, StatusCode: http.StatusOK, ContentType: "application/json",
			Message: "no conversation " + id + " (the server answered false)", kinds: []error{ErrNotFound}}
	}
	return nil
}

// RenameConversation sets a conversation's title, 1 to 200 characters
// (spec: updateConversation, PATCH /api/conversations/{id}).
func (c *Client) RenameConversation(ctx context.Context, id, title string, opts ...Option) error {
	ctx = c.withCall(ctx, "RenameConversation", opts)
	const op = api.OpUpdateConversation
	if err := validID(ctx, id); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(title); n < 1 || n > 200 {
		return inputError(sdkMethod(ctx, op), "title must be 1 to 200 characters, got %d", n)
	}
	var ok bool
	return c.call(ctx, op, &ok, func(ctx context.Context) (*http.Response, error) {
		return c.raw.UpdateConversation(ctx, id, api.UpdateConversationRequest{Title: title})
	})
}

// StartConversation starts a conversation's agent loop (spec:
// startConversation). providers, if any, are sent as providers_set.
func (c *Client) StartConversation(ctx context.Context, id string, providers []api.ProviderType, opts ...Option) (*api.ConversationResponse, error) {
	ctx = c.withCall(ctx, "StartConversation", opts)
	const op = api.OpStartConversation
	if err := validID(ctx, id); err != nil {
		return nil, err
	}
	var out api.ConversationResponse
	if err := c.call(ctx, op, &out, func(ctx context.Context) (*http.Response, error) {
		return c.raw.StartConversation(ctx, id, api.StartConversationRequest{ProvidersSet: providers})
	}); err != nil {
		return nil, err
	}
	return &out, nil
}

// StopConversation stops a conversation's agent loop (spec: stopConversation).
func (c *Client) StopConversation(ctx context.Context, id string, opts ...Option) (*api.ConversationResponse, error) {
	ctx = c.withCall(ctx, "StopConversation", opts)
	const op = api.OpStopConversation
	if err := validID(ctx, id); err != nil {
		return nil, err
	}
	var out api.ConversationResponse
	if err := c.call(ctx, op, &out, func(ctx context.Context) (*http.Response, error) {
		return c.raw.StopConversation(ctx, id)
	}); err != nil {
		return nil, err
	}
	return &out, nil
}

// SendMessage adds a user message to a running conversation (spec:
// sendMessage, POST .../message), on the runtime host if the app host cannot.
//
// Servers older than the /message route (openhands-ai 0.53.0 and before)
// answer it with FastAPI's 404 {"detail":"Not Found"} for a route they do not
// have: the message then goes as the message event the route would have
// added (spec: addEvent), which those servers take. The 404 proves the first
// request did nothing, so the message is never sent twice.
func (c *Client) SendMessage(ctx context.Context, id, message string, opts ...Option) error {
	ctx = c.withCall(ctx, "SendMessage", opts)
	const op = api.OpSendMessage
	var out api.SuccessResponse
	host, err := c.callConversation(ctx, op, id, &out, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.SendMessage(ctx, id, api.SendMessageRequest{Message: message})
	})
	if routeMissing(err) {
		c.log.DebugContext(ctx, "openhands: the server has no /message route; sending the message as an event",
			"operation", op, "conversation_id", id)
		return c.AddEvent(ctx, id, map[string]any{"action": "message",
			"args": map[string]any{"content": message, "image_urls": []any{}, "file_urls": []any{}}})
	}
	if err != nil {
		return err
	}
	return succeeded(op, host, out)
}

// routeMissing reports whether err is FastAPI's answer for a route the
// server does not have: 404 {"detail":"Not Found"} (a missing conversation
// is "Conversation ... not found", or 200 null / false).
func routeMissing(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Message == "Not Found"
}

// ListOptions filters and bounds a conversation listing.
type ListOptions struct {
	// PageSize is the page size asked of the server (default 100, or Max
	// when Max is smaller).
	PageSize int
	// Repository keeps conversations on this repository (owner/name).
	Repository string
	// Trigger keeps conversations started by this trigger.
	Trigger api.ConversationTrigger
	// IncludeSubConversations asks for sub-conversations too.
	IncludeSubConversations bool
	// IncludeV1 keeps the V1 conversations the server merges into V0
	// listings (conversation_version "V1"); they are skipped by default.
	IncludeV1 bool
	// Max stops after this many conversations (0: all).
	Max int
}

// Conversations iterates over every conversation, page by page (spec:
// listConversations). It stops at opts.Max, skips V1 conversations unless
// opts.IncludeV1, never yields one conversation twice (the server's merged
// V0/V1 paging can repeat one), and stops with an error matching
// ErrNoProgress if the server hands back a page id it already gave or 32
// pages in a row bring no conversation to yield.
func (c *Client) Conversations(ctx context.Context, opts ListOptions, callOpts ...Option) iter.Seq2[api.ConversationInfo, error] {
	ctx = c.withCall(ctx, "Conversations", callOpts)
	const op = api.OpListConversations
	return func(yield func(api.ConversationInfo, error) bool) {
		if opts.PageSize < 0 || opts.Max < 0 {
			yield(api.ConversationInfo{}, inputError(sdkMethod(ctx, op), "page size and max must not be negative"))
			return
		}
		pageSize := cmp.Or(opts.PageSize, 100)
		if opts.PageSize == 0 && opts.Max > 0 {
			pageSize = min(opts.Max, 100) // no more than Max is wanted
		}
		params := api.ListConversationsParams{Limit: ptr(pageSize)}
		if opts.Repository != "" {
			params.SelectedRepository = &opts.Repository
		}
		if opts.Trigger != "" {
			params.ConversationTrigger = &opts.Trigger
		}
		if opts.IncludeSubConversations {
			params.IncludeSubConversations = ptr(true)
		}
		seenPages := map[string]bool{}
		seen := map[string]bool{}
		yielded, barren := 0, 0
		for {
			var page api.ConversationInfoResultSet
			if err := c.call(ctx, op, &page, func(ctx context.Context) (*http.Response, error) {
				return c.raw.ListConversations(ctx, &params)
			}); err != nil {
				yield(api.ConversationInfo{}, err)
				return
			}
			fresh := false
			for _, conv := range page.Results {
				if seen[conv.ConversationID] || (!opts.IncludeV1 && conv.ConversationVersion == "V1") {
					continue
				}
				fresh = true
				seen[conv.ConversationID] = true
				if !yield(conv, nil) {
					return
				}
				if yielded++; opts.Max > 0 && yielded >= opts.Max {
					return
				}
			}
			next := page.NextPageID
			if next == "" {
				return
			}
			if seenPages[next] {
				yield(api.ConversationInfo{}, noProgress(op, hostApp, "the server returned page id %q twice", next))
				return
			}
			barren++
			if fresh {
				barren = 0
			}
			if barren >= maxBarrenPages {
				yield(api.ConversationInfo{}, noProgress(op, hostApp, "%d pages in a row brought no conversation to list (empty, V1 only or already seen)", barren))
				return
			}
			seenPages[next] = true
			params.PageID = &next
		}
	}
}

// ListConversations collects Conversations into a slice.
func (c *Client) ListConversations(ctx context.Context, opts ListOptions, callOpts ...Option) ([]api.ConversationInfo, error) {
	ctx = c.withCall(ctx, "ListConversations", callOpts)
	var out []api.ConversationInfo
	for conv, err := range c.Conversations(ctx, opts) {
		if err != nil {
			return out, err
		}
		out = append(out, conv)
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }
