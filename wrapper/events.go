package wrapper

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// MaxEventsPage is the largest page the server serves (limit 0..100).
const MaxEventsPage = 100

// EventsQuery selects one page of events.
type EventsQuery struct {
	// StartID is the first event id (default 0).
	StartID int
	// EndID, when set, is the last event id, inclusive.
	EndID *int
	// Reverse reads newest first.
	Reverse bool
	// Limit is the page size, 0 to 100; nil leaves the server's default (20).
	Limit *int
}

// GetEvents returns one page of a conversation's events (spec: getEvents).
// It refuses a limit outside 0..100, which the server answers with 400.
func (c *Client) GetEvents(ctx context.Context, id string, q EventsQuery, opts ...Option) (*api.EventPage, error) {
	ctx = c.withCall(ctx, "GetEvents", opts)
	const op = api.OpGetEvents
	if q.Limit != nil && (*q.Limit < 0 || *q.Limit > MaxEventsPage) {
		return nil, inputError(sdkMethod(ctx, op), "limit must be 0 to %d, got %d", MaxEventsPage, *q.Limit)
	}
	if q.StartID < 0 {
		return nil, inputError(sdkMethod(ctx, op), "start id must not be negative, got %d", q.StartID)
	}
	params := api.GetEventsParams{EndID: q.EndID, Limit: q.Limit}
	if q.StartID != 0 {
		params.StartID = &q.StartID
	}
	if q.Reverse {
		params.Reverse = ptr(true)
	}
	var page api.EventPage
	if _, err := c.callConversation(ctx, op, id, &page, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetEvents(ctx, id, &params)
	}); err != nil {
		return nil, err
	}
	return &page, nil
}

// EventRange bounds an iteration over events.
type EventRange struct {
	// StartID is the lowest event id (default 0).
	StartID int
	// EndID, when set, is the highest event id, inclusive.
	EndID *int
	// PageSize is the page size asked of the server (default and at most 100).
	PageSize int
}

// Events iterates over a conversation's events from r.StartID up to r.EndID
// (or the latest), oldest first, a page at a time (spec: getEvents). A page
// whose ids do not advance ends it with an error matching ErrNoProgress.
func (c *Client) Events(ctx context.Context, id string, r EventRange, opts ...Option) iter.Seq2[api.Event, error] {
	ctx = c.withCall(ctx, "Events", opts)
	return c.iterateEvents(ctx, id, r, false)
}

// EventsReverse iterates over the same events newest first.
func (c *Client) EventsReverse(ctx context.Context, id string, r EventRange, opts ...Option) iter.Seq2[api.Event, error] {
	ctx = c.withCall(ctx, "EventsReverse", opts)
	return c.iterateEvents(ctx, id, r, true)
}

func (c *Client) iterateEvents(ctx context.Context, id string, r EventRange, reverse bool) iter.Seq2[api.Event, error] {
	return func(yield func(api.Event, error) bool) {
		size := cmp.Or(r.PageSize, MaxEventsPage)
		if size < 1 || size > MaxEventsPage {
			yield(api.Event{}, inputError(sdkMethod(ctx, api.OpGetEvents), "page size must be 1 to %d, got %d", MaxEventsPage, r.PageSize))
			return
		}
		q := EventsQuery{StartID: r.StartID, EndID: r.EndID, Reverse: reverse, Limit: &size}
		for {
			page, err := c.GetEvents(ctx, id, q)
			if err != nil {
				yield(api.Event{}, err)
				return
			}
			// The one no-progress rule (see nextEventID): a page that does
			// not move past the previous one is refused before any of its
			// events is yielded again.
			more := page.HasMore && len(page.Events) > 0
			next := 0
			if more {
				last := page.Events[len(page.Events)-1].ID
				if reverse {
					more = last > r.StartID
				} else {
					more = r.EndID == nil || last < *r.EndID
				}
				var err error
				switch {
				case more && reverse:
					next, err = prevEventID(api.OpGetEvents, "", q.EndID, last)
				case more:
					next, err = nextEventID(api.OpGetEvents, "", q.StartID, last)
				}
				if err != nil {
					yield(api.Event{}, err)
					return
				}
			}
			for _, ev := range page.Events {
				if !yield(ev, nil) {
					return
				}
			}
			if !more {
				return
			}
			if reverse {
				q.EndID = ptr(next)
			} else {
				q.StartID = next
			}
		}
	}
}

// LastEventID returns the id of a conversation's newest event with one
// request (reverse, limit 1); ok is false when it has none.
func (c *Client) LastEventID(ctx context.Context, id string, opts ...Option) (last int, ok bool, err error) {
	ctx = c.withCall(ctx, "LastEventID", opts)
	page, err := c.GetEvents(ctx, id, EventsQuery{Reverse: true, Limit: ptr(1)})
	if err != nil {
		return 0, false, err
	}
	if len(page.Events) == 0 {
		return 0, false, nil
	}
	return page.Events[0].ID, true, nil
}

// EventCount is the number of events, from the newest id (ids count from
// 0), with one request. Hidden events count: the ids are contiguous.
func (c *Client) EventCount(ctx context.Context, id string, opts ...Option) (int, error) {
	ctx = c.withCall(ctx, "EventCount", opts)
	last, ok, err := c.LastEventID(ctx, id)
	if err != nil || !ok {
		return 0, err
	}
	return countFromLast(api.OpGetEvents, "", last)
}

// countFromLast is the event count the newest id implies, refusing an id
// no count can follow (negative, or the largest int, whose +1 overflows).
func countFromLast(op, host string, last int) (int, error) {
	if last < 0 || last == math.MaxInt {
		return 0, &APIError{Operation: op, Host: host, StatusCode: http.StatusOK, ContentType: "application/json",
			Message: fmt.Sprintf("the newest event id is %d: no event count follows from it", last), kinds: []error{ErrUnexpectedResponse}}
	}
	return last + 1, nil
}
