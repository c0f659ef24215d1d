package wrapper

import (
	"context"
	"iter"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// DefaultScanWindow is how many events RecentModel, EarlyModel and
// FirstUserMessage read at most unless WithScanWindow says otherwise. The
// seed client read 20, which misses the model of a conversation whose last
// 20 events are observations and user messages.
const DefaultScanWindow = 500

// firstScanPage is the size of a scan's first page: most answers are in the
// first few events, and events can be large (tool_call_metadata holds the
// whole LLM response), so a scan starts small and reads full pages after.
const firstScanPage = 20

type scanConfig struct {
	window int
}

// WithScanWindow sets how many events a scan reads at most; 0 reads the
// whole conversation. A negative window is refused with ErrValidation.
func WithScanWindow(n int) Option {
	return func(c *config) error { c.scan.window = n; return nil }
}

// RecentModel returns the LLM model named by the newest event that names
// one (see ModelFromEvent), reading newest first through the last window
// events (spec: getEvents, reverse). It returns "" and no error when none
// does.
func (c *Client) RecentModel(ctx context.Context, id string, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "RecentModel", opts)
	var model string
	err := c.scanEvents(ctx, id, EventRange{}, true, c.callSettings(ctx).scan, func(ev api.Event) bool {
		model = ModelFromEvent(ev)
		return model != ""
	})
	return model, err
}

// EarlyModel returns the LLM model named by the oldest event that names one,
// reading oldest first through the first window events (spec: getEvents).
// It returns "" and no error when none does.
func (c *Client) EarlyModel(ctx context.Context, id string, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "EarlyModel", opts)
	return c.earlyModel(ctx, id, EventRange{}, c.callSettings(ctx).scan)
}

func (c *Client) earlyModel(ctx context.Context, id string, r EventRange, cfg scanConfig) (string, error) {
	var model string
	err := c.scanEvents(ctx, id, r, false, cfg, func(ev api.Event) bool {
		model = ModelFromEvent(ev)
		return model != ""
	})
	return model, err
}

// FirstUserMessage returns the text of the conversation's first user
// message, trimmed, reading oldest first through the first window events
// (spec: getEvents). It returns "" and no error when there is none.
//
// A user message is an event with source "user" whose action is "message"
// (or that has no action at all) and whose message, content or
// args.content is not blank. Unlike the seed client, other user actions
// ("Agent state changed to paused", "Running command: ls", a recall) are not
// taken for the first message.
func (c *Client) FirstUserMessage(ctx context.Context, id string, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "FirstUserMessage", opts)
	var text string
	err := c.scanEvents(ctx, id, EventRange{}, false, c.callSettings(ctx).scan, func(ev api.Event) bool {
		text = userMessageText(ev)
		return text != ""
	})
	return text, err
}

// ModelFromEvent returns the LLM model an event names, or "". The first
// non-blank value wins, in this order (the seed client's, for the keys the
// V0 event format has):
//
//  1. tool_call_metadata.model_response.model (every action an LLM call
//     produced, and its observation);
//  2. args.model, then args.llm_model;
//  3. llm_metrics.accumulated_token_usage.model, then the model of the last
//     token usage and of the last cost (newer servers attach these metrics
//     to agent actions).
//
// The seed also looked at top-level model, llm_model, provider_model,
// selected_model and metadata/meta keys; event_to_dict emits none of them,
// so api.Event has no such fields.
func ModelFromEvent(ev api.Event) string {
	if m := strings.TrimSpace(ev.ToolCallMetadata.ModelResponse.Model); m != "" {
		return m
	}
	for _, key := range []string{"model", "llm_model"} {
		if m := strings.TrimSpace(argString(ev.Args, key)); m != "" {
			return m
		}
	}
	metrics := ev.LLMMetrics
	if m := strings.TrimSpace(metrics.AccumulatedTokenUsage.Model); m != "" {
		return m
	}
	if n := len(metrics.TokenUsages); n > 0 {
		if m := strings.TrimSpace(metrics.TokenUsages[n-1].Model); m != "" {
			return m
		}
	}
	if n := len(metrics.Costs); n > 0 {
		return strings.TrimSpace(metrics.Costs[n-1].Model)
	}
	return ""
}

// userMessageText returns the trimmed text of a user message event, or "".
func userMessageText(ev api.Event) string {
	if ev.Source != api.EventSourceUser || (ev.Action != "" && ev.Action != "message") {
		return ""
	}
	for _, s := range []string{ev.Message, ev.Content, argString(ev.Args, "content")} {
		if t := strings.TrimSpace(s); t != "" {
			return t
		}
	}
	return ""
}

// argString returns args[key] when it is a string.
func argString(args map[string]any, key string) string {
	s, _ := args[key].(string)
	return s
}

// scanEvents reads the events of r oldest first (newest first when
// newestFirst) until found returns true, cfg.window events were read, or
// the events end. The first page is small; the rest are full pages bounded
// by the window, so no more events are fetched than the window allows.
func (c *Client) scanEvents(ctx context.Context, id string, r EventRange, newestFirst bool, cfg scanConfig, found func(api.Event) bool) error {
	if cfg.window < 0 {
		return inputError(sdkMethod(ctx, api.OpGetEvents), "scan window must not be negative, got %d", cfg.window)
	}
	seen := 0
	// remaining is how many more events the window allows (-1: no bound).
	remaining := func() int {
		if cfg.window == 0 {
			return -1
		}
		return cfg.window - seen
	}
	first := firstScanPage
	if cfg.window > 0 {
		first = min(first, cfg.window)
	}
	r.PageSize = first
	for pass := 0; ; pass++ {
		read, lastID := 0, 0
		for ev, err := range c.eventsIn(ctx, id, r, newestFirst) {
			if err != nil {
				return err
			}
			read++
			seen++
			lastID = ev.ID
			if found(ev) || remaining() == 0 {
				return nil
			}
			if pass == 0 && read == first {
				break
			}
		}
		if pass > 0 || read < first {
			return nil // the events ended
		}
		// The first page was full: read the rest in full pages, from the
		// event after the last one seen, no further than the window.
		rest := remaining()
		r.PageSize = MaxEventsPage
		if rest > 0 {
			r.PageSize = min(MaxEventsPage, rest)
		}
		if newestFirst {
			if lastID <= r.StartID {
				return nil
			}
			r.EndID = ptr(lastID - 1)
			if rest > 0 {
				r.StartID = max(r.StartID, lastID-rest)
			}
		} else {
			r.StartID = lastID + 1
			if rest > 0 && (r.EndID == nil || *r.EndID > lastID+rest) {
				r.EndID = ptr(lastID + rest)
			}
			if r.EndID != nil && r.StartID > *r.EndID {
				return nil
			}
		}
	}
}

func (c *Client) eventsIn(ctx context.Context, id string, r EventRange, newestFirst bool) iter.Seq2[api.Event, error] {
	if newestFirst {
		return c.EventsReverse(ctx, id, r)
	}
	return c.Events(ctx, id, r)
}
