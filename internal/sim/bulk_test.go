//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

func TestBulkConversation(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	const n, payload = 5000, 1000
	id := e.srv.AddBulkConversation(n, payload)
	info := e.get(id)
	if info.Status != api.ConversationStatusRunning {
		t.Errorf("bulk conversation is %s", info.Status)
	}

	r, err := e.client.GetEventsWithResponse(ctx(t), id, &api.GetEventsParams{StartID: ptr(3000), Limit: ptr(100)})
	if err != nil || r.JSON200 == nil || len(r.JSON200.Events) != 100 || !r.JSON200.HasMore || r.JSON200.Events[0].ID != 3000 {
		t.Fatalf("bulk events page: %v %d", err, r.StatusCode())
	}
	r, _ = e.client.GetEventsWithResponse(ctx(t), id, &api.GetEventsParams{Reverse: ptr(true), Limit: ptr(1)})
	if r.JSON200.Events[0].ID != n-1 {
		t.Errorf("latest bulk event %d", r.JSON200.Events[0].ID)
	}

	resp, err := http.Get(e.base + "/api/conversations/" + id + "/trajectory")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != -1 {
		t.Errorf("a bulk trajectory was not streamed (Content-Length %d)", resp.ContentLength)
	}
	counter := &countingReader{r: resp.Body}
	dec := json.NewDecoder(counter)
	for _, want := range []json.Token{json.Delim('{'), "trajectory", json.Delim('[')} {
		if tok, err := dec.Token(); err != nil || tok != want {
			t.Fatalf("trajectory starts with %v (%v), want %v", tok, err, want)
		}
	}
	count := 0
	for dec.More() {
		var ev api.Event
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("event %d: %v", count, err)
		}
		if ev.ID != count {
			t.Fatalf("event %d has id %d", count, ev.ID)
		}
		if ev.Observation != "" && ev.Observation != "agent_state_changed" && (ev.Cause == nil || *ev.Cause != ev.ID-1) {
			t.Fatalf("observation %d has cause %v", ev.ID, ev.Cause)
		}
		count++
	}
	if count != n {
		t.Errorf("%d events in the trajectory, want %d", count, n)
	}
	if _, err := io.Copy(io.Discard, counter); err != nil {
		t.Fatal(err)
	}
	if counter.n < n*payload {
		t.Errorf("trajectory of %d bytes, want more than %d", counter.n, n*payload)
	}

	// Messages append after the generated events.
	if m, _ := e.client.SendMessageWithResponse(ctx(t), id, api.SendMessageRequest{Message: "more"}); m.StatusCode() != 200 {
		t.Fatalf("message: %d", m.StatusCode())
	}
	r, _ = e.client.GetEventsWithResponse(ctx(t), id, &api.GetEventsParams{StartID: ptr(n)})
	if len(r.JSON200.Events) == 0 || r.JSON200.Events[0].ID != n || r.JSON200.Events[0].Action != "message" {
		t.Errorf("event after the bulk: %s", r.Body)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestConcurrentClients drives one simulator from 64 goroutines (run it
// with -race): creates, reads, messages and listings interleave.
func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 64 {
		wg.Go(func() {
			c := newClient(t, e.base)
			r, err := c.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{InitialUserMsg: "task"})
			if err != nil || r.JSON200 == nil {
				errs <- "create failed"
				return
			}
			id := r.JSON200.ConversationID
			for i := range 20 {
				if g%2 == 0 {
					e.clock.Advance(100 * time.Millisecond)
				}
				switch i % 4 {
				case 0:
					_, err = c.GetConversationWithResponse(ctx(t), id)
				case 1:
					_, err = c.GetEventsWithResponse(ctx(t), id, nil)
				case 2:
					_, err = c.SendMessageWithResponse(ctx(t), id, api.SendMessageRequest{Message: "hi"})
				default:
					_, err = c.ListConversationsWithResponse(ctx(t), nil)
				}
				if err != nil {
					errs <- err.Error()
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if n := e.srv.Count("POST", "/api/conversations"); n != 64 {
		t.Errorf("%d creates arrived", n)
	}
	if n := len(e.srv.Arrivals()); n != 64*21 {
		t.Errorf("%d arrivals, want %d", n, 64*21)
	}
}

// BenchmarkBulkTrajectory streams a trajectory of 100,000 events (about
// 250 MB); run with -benchmem to see that memory does not grow with it.
func BenchmarkBulkTrajectory(b *testing.B) {
	srv, base := simtest.NewServer(b)
	id := srv.AddBulkConversation(100000, 1000)
	b.ResetTimer()
	for b.Loop() {
		resp, err := http.Get(base + "/api/conversations/" + id + "/trajectory")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(n)
	}
}

// BenchmarkLoad is the load test: 64 goroutines, 500 calls each, per
// iteration.
func BenchmarkLoad(b *testing.B) {
	srv, base := simtest.NewServer(b, sim.WithSampleData())
	_ = srv
	for b.Loop() {
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				c, _ := api.NewClientWithResponses(base)
				r, err := c.CreateConversationWithResponse(b.Context(), api.CreateConversationRequest{InitialUserMsg: "load"})
				if err != nil || r.JSON200 == nil {
					b.Error("create failed")
					return
				}
				for i := range 499 {
					if i%2 == 0 {
						_, err = c.GetConversationWithResponse(b.Context(), r.JSON200.ConversationID)
					} else {
						_, err = c.GetEventsWithResponse(b.Context(), r.JSON200.ConversationID, nil)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
}
