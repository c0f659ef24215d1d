package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// listingSize is how many conversations BenchmarkConversations lists (with
// -short, shortListingSize).
const listingSize, shortListingSize = 5000, 500

// listingPage is the page size both sides ask for (the wrapper's default).
const listingPage = 100

// BenchmarkConversations walks a listing of 5,000 conversations (500 with
// -short) in pages of 100: the wrapper's Conversations iterator (V1 filter, de-duplication,
// page-id loop check) against a raw loop that decodes each page into
// api.ConversationInfoResultSet and follows next_page_id.
func BenchmarkConversations(b *testing.B) {
	size := listingSize
	if testing.Short() {
		size = shortListingSize
	}
	s := newSim()
	for range size {
		s.AddBulkConversation(0, 0)
	}
	rs := newReplayServer(b, s)
	c, err := wrapper.New(wrapper.WithBaseURL(rs.url))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if n, err := rawConversations(rs.url); err != nil || n != size { // fills the replay cache
		b.Fatalf("raw listing: %d conversations, %v", n, err)
	}
	warm := rs.misses.Load()

	b.Run("raw", func(b *testing.B) {
		measureItems(b, size, func(b *testing.B) int {
			n, err := rawConversations(rs.url)
			if err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
	b.Run("wrapper", func(b *testing.B) {
		measureItems(b, size, func(b *testing.B) int {
			n := 0
			for conv, err := range c.Conversations(ctx, wrapper.ListOptions{PageSize: listingPage}) {
				if err != nil {
					b.Fatal(err)
				}
				if conv.ConversationID != "" {
					n++
				}
			}
			return n
		})
	})
	if n := rs.misses.Load(); n != warm {
		b.Errorf("%d timed requests reached the simulator: the two sides asked for different pages", n-warm)
	}
}

// rawConversations is the baseline listing: decode a page, follow its id.
func rawConversations(base string) (int, error) {
	n := 0
	q := url.Values{"limit": {fmt.Sprint(listingPage)}}
	for {
		var page api.ConversationInfoResultSet
		if err := rawGetJSON(base+"/api/conversations?"+q.Encode(), &page); err != nil {
			return n, err
		}
		for _, conv := range page.Results {
			if conv.ConversationID != "" {
				n++
			}
		}
		if page.NextPageID == "" {
			return n, nil
		}
		q.Set("page_id", page.NextPageID)
	}
}

// rawGetJSON is http.Get and a json.Decoder into out.
func rawGetJSON(url string, out any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
