package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

// transcript runs a scenario against a fresh simulator in process and
// returns every status and body.
func transcript(t *testing.T, mode sim.Mode) []byte {
	t.Helper()
	srv := sim.New(sim.WithMode(mode), sim.WithAPIKey(apiKey), sim.WithSampleData(),
		sim.WithClock(sim.NewStepClock(sim.DefaultEpoch, 700*time.Millisecond)))
	var out bytes.Buffer
	send := func(method, path, body string, headers ...string) []byte {
		req := httptest.NewRequest(method, "http://sim.test"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		fmt.Fprintf(&out, "%s %s -> %d %s\n%s\n", method, path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
		return rec.Body.Bytes()
	}
	var created struct {
		ConversationID string `json:"conversation_id"`
	}
	_ = json.Unmarshal(send("POST", "/api/conversations", `{"initial_user_msg":"write a parser","repository":"acme/infra"}`), &created)
	id := created.ConversationID
	var info struct {
		URL           string `json:"url"`
		SessionAPIKey string `json:"session_api_key"`
	}
	for range 8 {
		_ = json.Unmarshal(send("GET", "/api/conversations/"+id, ""), &info)
	}
	send("GET", "/api/conversations?limit=3", "")
	send("GET", "/api/conversations/"+id+"/events?limit=100", "")
	runtime := strings.TrimSuffix(strings.TrimPrefix(info.URL, "http://sim.test"), "/api/conversations/"+id)
	send("POST", runtime+"/api/conversations/"+id+"/message", `{"message":"and tests"}`, "X-Session-API-Key", info.SessionAPIKey)
	send("GET", runtime+"/api/conversations/"+id+"/trajectory", "", "X-Session-API-Key", info.SessionAPIKey)
	send("GET", runtime+"/api/conversations/"+id+"/zip-directory", "", "X-Session-API-Key", info.SessionAPIKey)
	send("GET", "/api/settings", "")
	send("GET", "/server_info", "")
	for range 20 {
		send("GET", "/api/conversations/"+id+"/events?reverse=true&limit=5", "")
	}
	return out.Bytes()
}

func TestDeterministicOutput(t *testing.T) {
	for _, mode := range []sim.Mode{sim.ModeOSS, sim.ModeHosted} {
		a, b := transcript(t, mode), transcript(t, mode)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ", mode)
		}
		if !bytes.Contains(a, []byte(`"observation":"edit"`)) {
			t.Errorf("%s: the scenario did not reach the agent's work:\n%s", mode, a)
		}
	}
	other := sim.New(sim.WithIDSalt("another seed"), sim.WithClock(sim.NewManualClock(sim.DefaultEpoch)))
	id := other.AddBulkConversation(1, 0)
	if first := sim.New(sim.WithClock(sim.NewManualClock(sim.DefaultEpoch))).AddBulkConversation(1, 0); first == id {
		t.Error("different seeds gave the same conversation id")
	}
}
