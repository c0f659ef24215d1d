//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

// Fixed timing for tests: STARTING for 2s, the agent works for 8s.
const (
	startDelay  = 2 * time.Second
	runDuration = 8 * time.Second
)

// env is a simulator on loopback with a manual clock and a generated client.
type env struct {
	t      *testing.T
	srv    *sim.Server
	base   string
	clock  *sim.ManualClock
	client *api.ClientWithResponses
}

// newEnv starts a simulator with a manual clock at sim.DefaultEpoch; opts
// come after the defaults, so they may override them.
func newEnv(t *testing.T, opts ...sim.Option) *env {
	t.Helper()
	clock := sim.NewManualClock(sim.DefaultEpoch)
	all := append([]sim.Option{sim.WithClock(clock), sim.WithTiming(startDelay, runDuration)}, opts...)
	srv, base := simtest.NewServer(t, all...)
	return &env{t: t, srv: srv, base: base, clock: clock, client: newClient(t, base)}
}

// newClient builds a generated client for base with extra headers.
func newClient(t *testing.T, base string, headers ...string) *api.ClientWithResponses {
	t.Helper()
	c, err := api.NewClientWithResponses(base, api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runtimeClient builds a client for a conversation's runtime host.
func runtimeClient(t *testing.T, info *api.ConversationInfo) *api.ClientWithResponses {
	t.Helper()
	base, ok := strings.CutSuffix(info.URL, "/api/conversations/"+info.ConversationID)
	if !ok || !strings.HasPrefix(base, "http") {
		t.Fatalf("url %q is not an absolute conversation url", info.URL)
	}
	return newClient(t, base+"/", "X-Session-API-Key", info.SessionAPIKey)
}

func ctx(t *testing.T) context.Context { return t.Context() }

// settings stores minimal settings (createConversation needs them).
func (e *env) storeSettings(model string) {
	e.t.Helper()
	r, err := e.client.StoreSettingsWithResponse(ctx(e.t), api.Settings{LLMModel: model, LLMAPIKey: "sk-test"})
	if err != nil || r.StatusCode() != 200 {
		e.t.Fatalf("store settings: %v %d %s", err, r.StatusCode(), r.Body)
	}
}

// create creates a conversation and returns its id.
func (e *env) create(body api.CreateConversationRequest) string {
	e.t.Helper()
	r, err := e.client.CreateConversationWithResponse(ctx(e.t), body)
	if err != nil || r.JSON200 == nil {
		e.t.Fatalf("create: %v %d %s", err, r.StatusCode(), r.Body)
	}
	return r.JSON200.ConversationID
}

// get reads a conversation (nil for the JSON null).
func (e *env) get(id string) *api.ConversationInfo {
	e.t.Helper()
	r, err := e.client.GetConversationWithResponse(ctx(e.t), id)
	if err != nil || r.StatusCode() != 200 {
		e.t.Fatalf("get: %v %d %s", err, r.StatusCode(), r.Body)
	}
	if string(r.Body) == "null" {
		return nil
	}
	return r.JSON200
}

// events reads every event of a conversation, paging forward.
func (e *env) events(c *api.ClientWithResponses, id string) []api.Event {
	e.t.Helper()
	var out []api.Event
	start, limit := 0, 100
	for {
		r, err := c.GetEventsWithResponse(ctx(e.t), id, &api.GetEventsParams{StartID: &start, Limit: &limit})
		if err != nil || r.JSON200 == nil {
			e.t.Fatalf("events: %v %d %s", err, r.StatusCode(), r.Body)
		}
		out = append(out, r.JSON200.Events...)
		if !r.JSON200.HasMore {
			return out
		}
		start = r.JSON200.Events[len(r.JSON200.Events)-1].ID + 1
	}
}

// do sends a raw request to the simulator and returns status, content type and body.
func (e *env) do(method, path, contentType, body string, headers ...string) (int, string, string) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(ctx(e.t), method, e.base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// wantJSON compares a body with an expected JSON document, ignoring layout.
func wantJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	ga, _ := json.Marshal(a)
	gb, _ := json.Marshal(b)
	if !bytes.Equal(ga, gb) {
		t.Errorf("body = %s\nwant   %s", got, want)
	}
}

func ptr[T any](v T) *T { return &v }
