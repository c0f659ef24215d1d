package wrapper

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// fakeV0 is a small V0 host for the scan, summary, wait and download tests:
// one conversation and its events, served with the real server's paging
// rules, plus a hook a test uses to answer some requests itself.
type fakeV0 struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	conv   *api.ConversationInfo // nil: getConversation answers 200 null
	events []json.RawMessage     // event i has id i
	served int                   // events served by getEvents so far
	pages  []string              // the query of every getEvents request, keys sorted
	hook   func(w http.ResponseWriter, r *http.Request) bool
}

// newFakeV0 starts a fake host with a RUNNING conversation stubConvID.
func newFakeV0(t *testing.T) *fakeV0 {
	t.Helper()
	f := &fakeV0{t: t, conv: &api.ConversationInfo{ConversationID: stubConvID, Title: "Fix the tests", Status: api.ConversationStatusRunning}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a Client for the fake host without transport retries, so
// each test sees every answer the host gives.
func (f *fakeV0) client(opts ...Option) *Client {
	f.t.Helper()
	c, err := New(append([]Option{WithBaseURL(f.srv.URL), WithAPIKey(stubAPIKey), WithRetry(NoRetry())}, opts...)...)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return c
}

// setEvents replaces the events; each gets its index as id.
func (f *fakeV0) setEvents(evs ...map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = f.events[:0]
	for i, ev := range evs {
		ev["id"] = i
		raw, err := json.Marshal(ev)
		if err != nil {
			f.t.Fatalf("marshal event: %v", err)
		}
		f.events = append(f.events, raw)
	}
}

// setHook sets the function that may answer a request before the fake does.
func (f *fakeV0) setHook(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *fakeV0) setConversation(info *api.ConversationInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conv = info
}

// eventsServed returns how many events getEvents has answered with.
func (f *fakeV0) eventsServed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.served
}

// pageQueries returns the query of every getEvents request so far, keys sorted.
func (f *fakeV0) pageQueries() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.pages...)
}

func (f *fakeV0) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	prefix := "/api/conversations/" + stubConvID
	switch {
	case r.Method == http.MethodGet && r.URL.Path == prefix:
		f.mu.Lock()
		conv := f.conv
		f.mu.Unlock()
		stubJSON(w, http.StatusOK, conv)
	case r.Method == http.MethodGet && r.URL.Path == prefix+"/events":
		f.serveEvents(w, r)
	case r.Method == http.MethodGet && r.URL.Path == prefix+"/trajectory":
		f.mu.Lock()
		body := `{"trajectory":[` + string(joinRaw(f.events)) + `]}`
		f.mu.Unlock()
		stubRaw(w, http.StatusOK, "application/json", body)
	default:
		stubJSON(w, http.StatusNotFound, map[string]string{"detail": "Not Found"})
	}
}

// serveEvents pages as openhands/events/event_store.py does: ids from
// start_id to end_id inclusive (newest first with reverse=true), limit
// 0..100 (default 20), has_more from fetching one more.
func (f *fakeV0) serveEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	num := func(key string, def int) int {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				f.t.Errorf("getEvents: %s=%q", key, v)
			}
			return n
		}
		return def
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, q.Encode())
	limit := num("limit", 20)
	if limit < 0 || limit > 100 {
		stubJSON(w, http.StatusBadRequest, map[string]string{"detail": "Invalid limit"})
		return
	}
	start, end := num("start_id", 0), num("end_id", len(f.events)-1)
	end = min(end, len(f.events)-1)
	var ids []int
	if q.Get("reverse") == "true" {
		for id := end; id >= start && len(ids) <= limit; id-- {
			ids = append(ids, id)
		}
	} else {
		for id := start; id <= end && len(ids) <= limit; id++ {
			ids = append(ids, id)
		}
	}
	hasMore := len(ids) > limit
	if hasMore {
		ids = ids[:limit]
	}
	page := make([]json.RawMessage, len(ids))
	for i, id := range ids {
		page[i] = f.events[id]
	}
	f.served += len(page)
	stubRaw(w, http.StatusOK, "application/json",
		`{"events":[`+string(joinRaw(page))+`],"has_more":`+strconv.FormatBool(hasMore)+`}`)
}

func joinRaw(items []json.RawMessage) []byte {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(it)
	}
	return []byte(strings.Join(parts, ","))
}

// Event makers, in the shape event_to_dict gives.

func evUser(text string) map[string]any {
	return map[string]any{"source": "user", "action": "message", "message": text,
		"args": map[string]any{"content": text, "image_urls": []any{}, "wait_for_response": false}}
}

func evAgent(action, model string) map[string]any {
	ev := map[string]any{"source": "agent", "action": action, "message": "", "args": map[string]any{"thought": ""}}
	if model != "" {
		ev["tool_call_metadata"] = map[string]any{"function_name": "execute_bash", "tool_call_id": "toolu_01",
			"model_response":          map[string]any{"id": "chatcmpl-1", "model": model, "object": "chat.completion"},
			"total_calls_in_response": 1}
	}
	return ev
}

func evObs(kind string, cause int) map[string]any {
	return map[string]any{"source": "environment", "observation": kind, "message": "ran", "content": "ok",
		"cause": cause, "extras": map[string]any{"metadata": map[string]any{"exit_code": 0}}, "success": true}
}

// evFiller returns n observations, a conversation's bulk without a model.
func evFiller(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = evObs("run", 0)
	}
	return out
}
