package sim

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

func TestTrajectoryForm(t *testing.T) {
	browse := api.Event{Observation: "browse", Extras: map[string]any{"url": "https://x", "screenshot": "b64", "dom_object": map[string]any{}, "axtree_object": 1}}
	got := trajectoryForm(browse)
	if len(got.Extras) != 1 || got.Extras["url"] != "https://x" {
		t.Errorf("trajectory form kept %v", got.Extras)
	}
	if len(browse.Extras) != 4 {
		t.Error("trajectoryForm changed its input")
	}
	if ev := (api.Event{Action: "run", Args: map[string]any{"hidden": true}}); !hidden(ev) {
		t.Error("hidden run not hidden")
	}
	if hidden(api.Event{Observation: "run", Extras: map[string]any{"hidden": false}}) {
		t.Error("visible run hidden")
	}
}

func TestTimestampsLookLikePython(t *testing.T) {
	at := time.Date(2025, 1, 27, 22, 44, 56, 900854000, time.UTC)
	if got := isoNaive(at); got != "2025-01-27T22:44:56.900854" {
		t.Errorf("isoNaive = %q", got)
	}
	if got := isoNaive(at.Truncate(time.Second)); got != "2025-01-27T22:44:56" {
		t.Errorf("isoNaive without microseconds = %q", got)
	}
	if got := isoUTC(at); got != "2025-01-27T22:44:56.900854Z" {
		t.Errorf("isoUTC = %q", got)
	}
}

func TestHiddenEventsStayOutOfTrajectories(t *testing.T) {
	s := New(WithClock(NewManualClock(DefaultEpoch)))
	id := s.AddBulkConversation(0, 0)
	c := s.conversations[id]
	c.append(api.Event{Timestamp: stamp("t"), Source: api.EventSourceAgent, Action: "run", Args: map[string]any{"command": "x", "hidden": true}}, DefaultEpoch)
	c.append(userMessage(DefaultEpoch, "seen", nil), DefaultEpoch)
	c.bulk = nil
	rec := newRecorderCall(t, s, "/api/conversations/"+id+"/trajectory")
	if got := rec.body.String(); got != `{"trajectory":[{"action":"message","args":{"content":"seen","file_urls":[],"image_urls":[],"security_risk":-1,"wait_for_response":false},"id":1,"message":"seen","source":"user","timestamp":"2025-11-20T09:00:00"}]}` {
		t.Errorf("trajectory = %s", got)
	}
}

// newRecorderCall serves one GET in process.
func newRecorderCall(t *testing.T, s *Server, path string) *recorder {
	t.Helper()
	return record(func(w http.ResponseWriter) {
		req := httptest.NewRequest("GET", "http://sim.test"+path, nil)
		s.ServeHTTP(w, req)
	})
}
