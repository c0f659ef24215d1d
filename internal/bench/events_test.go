package bench_test

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// eventsSize is how many generated events BenchmarkEvents walks (with
// -short, shortEventsSize).
const eventsSize, shortEventsSize = 50_000, 5_000

// BenchmarkEvents walks 50,000 events (5,000 with -short) in pages of 100,
// oldest first and newest first: the wrapper's Events and EventsReverse
// iterators against a raw loop that decodes each page into api.EventPage and
// asks for the next.
func BenchmarkEvents(b *testing.B) {
	size := eventsSize
	if testing.Short() {
		size = shortEventsSize
	}
	s := newSim()
	id := s.AddBulkConversation(size, 0)
	rs := newReplayServer(b, s)
	c, err := wrapper.New(wrapper.WithBaseURL(rs.url))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	items := 0
	for _, reverse := range []bool{false, true} { // fills the replay cache
		n, err := warmEvents(rs.url, id, reverse)
		if err != nil || n < size || (items != 0 && n != items) {
			b.Fatalf("raw events (reverse %v): %d events, %v", reverse, n, err)
		}
		items = n
	}
	warm := rs.misses.Load()

	for _, dir := range []struct {
		name    string
		reverse bool
		walk    func(context.Context, string, wrapper.EventRange, ...wrapper.Option) iter.Seq2[api.Event, error]
	}{
		{"forward", false, c.Events},
		{"reverse", true, c.EventsReverse},
	} {
		b.Run(dir.name+"/raw", func(b *testing.B) {
			measureItems(b, items, func(b *testing.B) int {
				n, err := rawEvents(rs.url, id, dir.reverse)
				if err != nil {
					b.Fatal(err)
				}
				return n
			})
		})
		b.Run(dir.name+"/wrapper", func(b *testing.B) {
			measureItems(b, items, func(b *testing.B) int {
				n := 0
				for ev, err := range dir.walk(ctx, id, wrapper.EventRange{}) {
					if err != nil {
						b.Fatal(err)
					}
					if !ev.Timestamp.IsZero() {
						n++
					}
				}
				return n
			})
		})
	}
	if n := rs.misses.Load(); n != warm {
		b.Errorf("%d timed requests reached the simulator: the two sides asked for different pages", n-warm)
	}
}

// rawEvents is the baseline walk: each page decoded into api.EventPage.
func rawEvents(base, id string, reverse bool) (int, error) {
	return walkEvents(base, id, reverse, func(p *api.EventPage) (int, int, bool) {
		n := 0
		for _, ev := range p.Events {
			if !ev.Timestamp.IsZero() {
				n++
			}
		}
		if len(p.Events) == 0 {
			return 0, -1, false
		}
		return n, p.Events[len(p.Events)-1].ID, p.HasMore
	})
}

// idPage is an events page with nothing but the ids: the cheap decode that
// fills the replay cache before the timed walks.
type idPage struct {
	Events []struct {
		ID int `json:"id"`
	} `json:"events"`
	HasMore bool `json:"has_more"`
}

// warmEvents walks the same pages as rawEvents, decoding only the ids.
func warmEvents(base, id string, reverse bool) (int, error) {
	return walkEvents(base, id, reverse, func(p *idPage) (int, int, bool) {
		if len(p.Events) == 0 {
			return 0, -1, false
		}
		return len(p.Events), p.Events[len(p.Events)-1].ID, p.HasMore
	})
}

// walkEvents pages through a conversation's events asking exactly what the
// wrapper asks: limit=100, then start_id after the last id (forward) or
// reverse=true and end_id before it (reverse). read decodes a page's count,
// last id and has_more.
func walkEvents[P any](base, id string, reverse bool, read func(*P) (count, last int, more bool)) (int, error) {
	q := url.Values{"limit": {strconv.Itoa(wrapper.MaxEventsPage)}}
	if reverse {
		q.Set("reverse", "true")
	}
	n := 0
	for {
		var page P
		if err := rawGetJSON(base+"/api/conversations/"+id+"/events?"+q.Encode(), &page); err != nil {
			return n, err
		}
		count, last, more := read(&page)
		n += count
		switch {
		case !more:
			return n, nil
		case !reverse:
			q.Set("start_id", strconv.Itoa(last+1))
		case last == 0:
			return n, nil
		default:
			q.Set("end_id", strconv.Itoa(last-1))
		}
		if n > 10*eventsSize {
			return n, fmt.Errorf("more than %d events: the paging does not end", 10*eventsSize)
		}
	}
}
