package bench_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// BenchmarkGetConversation is one getConversation call three ways: raw
// (http.Get and a json.Decoder into api.ConversationInfo), generated (the
// api package's client and the same decode: what the spec alone costs), and
// wrapper (GetConversation with its default retry policy, per-try timeout,
// id check and error layer). The answer is a running conversation as the
// simulator serves it (url, session key, metrics), replayed from memory.
func BenchmarkGetConversation(b *testing.B) {
	s := newSim()
	id := s.AddBulkConversation(10, 0)
	rs := newReplayServer(b, s)
	url := rs.url + "/api/conversations/" + id
	c, err := wrapper.New(wrapper.WithBaseURL(rs.url))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := rawGetConversation(url); err != nil { // fills the replay cache
		b.Fatal(err)
	}

	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			info, err := rawGetConversation(url)
			if err != nil || info.ConversationID != id {
				b.Fatalf("raw: %v", err)
			}
		}
	})
	gen, err := api.NewClient(rs.url)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			info, err := generatedGetConversation(ctx, gen, id)
			if err != nil || info.ConversationID != id {
				b.Fatalf("generated: %v", err)
			}
		}
	})
	b.Run("wrapper", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			info, err := c.GetConversation(ctx, id)
			if err != nil || info.ConversationID != id {
				b.Fatalf("wrapper: %v", err)
			}
		}
	})
	if n := rs.misses.Load(); n != 1 {
		b.Errorf("%d requests reached the simulator, want 1", n)
	}
	if n := rs.conns.Load(); n > 4 {
		b.Errorf("%d connections: keep-alive failed on one side", n)
	}
}

// rawGetConversation is the baseline: the least a Go program can do.
func rawGetConversation(url string) (*api.ConversationInfo, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var info api.ConversationInfo
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return nil, err
	}
	return &info, nil
}

// generatedGetConversation is the generated client's call and the same decode.
func generatedGetConversation(ctx context.Context, gen *api.Client, id string) (*api.ConversationInfo, error) {
	resp, err := gen.GetConversation(ctx, id)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var info api.ConversationInfo
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return nil, err
	}
	return &info, nil
}
