package wrapper

import (
	"errors"
	"fmt"
	"math"
	"net/http"
)

// ErrNoProgress: a paginated walk stopped because the server's pages did
// not move it forward (a page repeated, ids that do not advance, a run of
// pages with nothing new). The error is an *APIError that also matches
// ErrUnexpectedResponse; what was read before it stands.
var ErrNoProgress = errors.New("pagination made no progress")

// maxBarrenPages is how many pages in a row may bring nothing to yield (no
// result, only V1 conversations, only ones already seen) before a listing
// stops: a server handing out a new cursor with every empty page would
// otherwise be walked forever. 32 pages of 100 is 3,200 conversations.
const maxBarrenPages = 32

// noProgress is the one error of every walk that stopped moving.
func noProgress(op, host, format string, args ...any) *APIError {
	return &APIError{Operation: op, Host: host, StatusCode: http.StatusOK, ContentType: "application/json",
		Message: fmt.Sprintf(format, args...) + "; stopping", kinds: []error{ErrUnexpectedResponse, ErrNoProgress}}
}

// nextEventID checks that a page of events read from start (oldest first)
// advanced, and returns where the next page starts. last is the page's
// newest id.
func nextEventID(op, host string, start, last int) (int, error) {
	switch {
	case last < start:
		return 0, noProgress(op, host, "asked for events from id %d, got up to %d", start, last)
	case last == math.MaxInt:
		return 0, noProgress(op, host, "event id %d is the largest there can be, yet the server says more follow", last)
	}
	return last + 1, nil
}

// prevEventID checks that a page of events read newest first, at or below
// end (nil: from the newest), advanced, and returns the next page's end.
func prevEventID(op, host string, end *int, last int) (int, error) {
	if end != nil && last > *end {
		return 0, noProgress(op, host, "asked for events up to id %d, got %d", *end, last)
	}
	if last == math.MinInt {
		return 0, noProgress(op, host, "event id %d is the smallest there can be, yet the server says more follow", last)
	}
	return last - 1, nil
}
