package wrapper

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// serveEventIDs answers getEvents over events with ids 0..n-1 the way the
// server pages them: start_id and end_id inclusive, newest first when
// reversed, at most limit (default 20, 0..100), has_more if any are left.
func serveEventIDs(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		intOr := func(key string, def int) int {
			if v, err := strconv.Atoi(q.Get(key)); err == nil {
				return v
			}
			return def
		}
		start, end, limit := intOr("start_id", 0), intOr("end_id", n-1), intOr("limit", 20)
		if limit < 0 || limit > 100 {
			stubJSON(w, 400, map[string]string{"detail": "Invalid limit"})
			return
		}
		var match []api.Event
		for id := start; id <= min(end, n-1); id++ {
			match = append(match, api.Event{ID: id, Source: "agent", Observation: "run"})
		}
		if q.Get("reverse") == "true" {
			slices.Reverse(match)
		}
		page := api.EventPage{Events: match[:min(limit, len(match))], HasMore: len(match) > limit}
		if page.Events == nil {
			page.Events = []api.Event{}
		}
		stubJSON(w, 200, page)
	}
}

func collectIDs(t *testing.T, seq func(func(api.Event, error) bool)) []int {
	t.Helper()
	var out []int
	for ev, err := range seq {
		if err != nil {
			t.Fatalf("iteration error: %v", err)
		}
		out = append(out, ev.ID)
	}
	return out
}

func span(from, to int) []int {
	var out []int
	if from <= to {
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	}
	for i := from; i >= to; i-- {
		out = append(out, i)
	}
	return out
}

func TestEventIterators(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		r        EventRange
		reverse  bool
		want     []int
		requests int
	}{
		{"forward, all", EventRange{PageSize: 10}, false, span(0, 24), 3},
		{"forward, bounded", EventRange{StartID: 5, EndID: ptr(17), PageSize: 10}, false, span(5, 17), 2},
		{"forward, end on a page boundary", EventRange{EndID: ptr(9), PageSize: 10}, false, span(0, 9), 1},
		{"forward, default page size", EventRange{}, false, span(0, 24), 1},
		{"reverse, all", EventRange{PageSize: 10}, true, span(24, 0), 3},
		{"reverse, bounded", EventRange{StartID: 5, EndID: ptr(17), PageSize: 10}, true, span(17, 5), 2},
		{"reverse, start on a page boundary", EventRange{StartID: 15, PageSize: 10}, true, span(24, 15), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub(t, serveEventIDs(25))
			seq := s.c.Events(ctx, stubConvID, tc.r)
			if tc.reverse {
				seq = s.c.EventsReverse(ctx, stubConvID, tc.r)
			}
			if got := collectIDs(t, seq); !slices.Equal(got, tc.want) {
				t.Errorf("ids %v, want %v", got, tc.want)
			}
			if n := len(s.requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
	t.Run("bad page size", func(t *testing.T) {
		s := newStub(t, serveEventIDs(3))
		for _, err := range s.c.Events(ctx, stubConvID, EventRange{PageSize: 101}) {
			checkSentinels(t, err, ErrValidation)
		}
		if len(s.requests()) != 0 {
			t.Error("a request was sent for a bad page size")
		}
	})
	t.Run("early break", func(t *testing.T) {
		s := newStub(t, serveEventIDs(25))
		n := 0
		for range s.c.Events(ctx, stubConvID, EventRange{PageSize: 5}) {
			if n++; n == 3 {
				break
			}
		}
		if got := len(s.requests()); got != 1 {
			t.Errorf("%d requests, want 1", got)
		}
	})
}

func TestGetEventsQuery(t *testing.T) {
	s := newStub(t, serveEventIDs(5))
	page, err := s.c.GetEvents(context.Background(), stubConvID, EventsQuery{StartID: 1, EndID: ptr(3), Limit: ptr(2)})
	if err != nil {
		t.Fatalf("GetEvents: %v", err)
	}
	if len(page.Events) != 2 || !page.HasMore || page.Events[0].ID != 1 {
		t.Errorf("page %+v", page)
	}
	if q := s.requests()[0].Query; q != "start_id=1&end_id=3&limit=2" {
		t.Errorf("query %q", q)
	}
	if _, err := s.c.GetEvents(context.Background(), stubConvID, EventsQuery{}); err != nil {
		t.Fatalf("GetEvents: %v", err)
	}
	if q := s.requests()[1].Query; q != "" {
		t.Errorf("default query %q, want none (server defaults)", q)
	}
}

func TestEventCountAndLastEventID(t *testing.T) {
	ctx := context.Background()
	s := newStub(t, serveEventIDs(42))
	n, err := s.c.EventCount(ctx, stubConvID)
	if err != nil || n != 42 {
		t.Fatalf("EventCount = %d, %v; want 42", n, err)
	}
	if reqs := s.requests(); len(reqs) != 1 || reqs[0].Query != "reverse=true&limit=1" {
		t.Errorf("requests %v, want one reverse limit=1 query", reqs)
	}
	empty := newStub(t, serveEventIDs(0))
	last, ok, err := empty.c.LastEventID(ctx, stubConvID)
	if err != nil || ok || last != 0 {
		t.Errorf("LastEventID on no events = %d, %v, %v", last, ok, err)
	}
	if n, err := empty.c.EventCount(ctx, stubConvID); err != nil || n != 0 {
		t.Errorf("EventCount on no events = %d, %v", n, err)
	}
}
