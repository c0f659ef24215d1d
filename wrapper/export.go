package wrapper

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/atomicfile"
)

// rawEventPage is a getEvents answer with each event kept as the server
// wrote it. Re-encoding api.Event would change the events: keys the spec
// does not model are dropped, and empty values the server does send
// ("message": "", "content": "") are left out.
type rawEventPage struct {
	Events  []json.RawMessage `json:"events"`
	HasMore bool              `json:"has_more"`
}

// ExportEvents writes the events of r to w oldest first, one JSON object a
// line (JSON Lines), each exactly as the server sent it, reading a page at a
// time (spec: getEvents), from the app host or, when that cannot serve
// them, the conversation's runtime host. Memory stays at one page whatever
// the conversation's size, so it serves conversations too large for one
// getTrajectory answer. It returns how many events it wrote.
//
// Unlike a trajectory, the export includes hidden events and every key of
// each event.
func (c *Client) ExportEvents(ctx context.Context, id string, w io.Writer, r EventRange, opts ...Option) (int, error) {
	ctx = c.withCall(ctx, "ExportEvents", opts)
	const op = api.OpGetEvents
	size := cmp.Or(r.PageSize, MaxEventsPage)
	switch {
	case size < 1 || size > MaxEventsPage:
		return 0, inputError(sdkMethod(ctx, op), "page size must be 1 to %d, got %d", MaxEventsPage, r.PageSize)
	case r.StartID < 0:
		return 0, inputError(sdkMethod(ctx, op), "start id must not be negative, got %d", r.StartID)
	}
	params := api.GetEventsParams{EndID: r.EndID, Limit: &size}
	start := r.StartID
	written := 0
	var line bytes.Buffer
	for {
		if start != 0 {
			params.StartID = ptr(start)
		}
		var page rawEventPage
		host, err := c.callConversation(ctx, op, id, &page, func(ctx context.Context, h *api.Client) (*http.Response, error) {
			return h.GetEvents(ctx, id, &params)
		})
		if err != nil {
			return written, err
		}
		if n := len(page.Events); n > 0 && page.HasMore {
			// The one no-progress rule, before a line of the page is written.
			var head struct {
				ID *int `json:"id"`
			}
			if json.Unmarshal(page.Events[n-1], &head) == nil && head.ID != nil && (r.EndID == nil || *head.ID < *r.EndID) {
				if _, err := nextEventID(op, host, start, *head.ID); err != nil {
					return written, err
				}
			}
		}
		last := -1
		for i, raw := range page.Events {
			var head struct {
				ID *int `json:"id"`
			}
			line.Reset()
			if err := json.Compact(&line, raw); err != nil || json.Unmarshal(raw, &head) != nil || head.ID == nil {
				return written, &APIError{Operation: op, Host: host, StatusCode: http.StatusOK, ContentType: "application/json",
					Message: fmt.Sprintf("event %d of the page from id %d is not an object with an id", i, start), kinds: []error{ErrUnexpectedResponse}}
			}
			line.WriteByte('\n')
			if _, err := w.Write(line.Bytes()); err != nil {
				return written, fmt.Errorf("openhands: exporting events: %w", err)
			}
			written++
			last = *head.ID
		}
		if !page.HasMore || last < 0 || (r.EndID != nil && last >= *r.EndID) {
			return written, nil
		}
		if start, err = nextEventID(op, host, start, last); err != nil {
			return written, err
		}
	}
}

// DefaultEventsPath is the file ExportEventsFile writes when given no path:
// events_<id>.jsonl in the working directory.
func DefaultEventsPath(id string) string { return "events_" + id + ".jsonl" }

// ExportEventsFile is ExportEvents of every event into the file at path
// (DefaultEventsPath when empty), written through a temporary file that
// replaces path only when the export is complete (see atomicfile.Write).
func (c *Client) ExportEventsFile(ctx context.Context, id, path string, opts ...Option) (int, error) {
	ctx = c.withCall(ctx, "ExportEventsFile", opts)
	if err := validID(ctx, id); err != nil {
		return 0, err
	}
	if path == "" {
		path = DefaultEventsPath(id)
	}
	n := 0
	err := atomicfile.Write(path, 0o644, func(f io.Writer) error {
		bw := bufio.NewWriterSize(f, 256<<10)
		var err error
		if n, err = c.ExportEvents(ctx, id, bw, EventRange{}); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
