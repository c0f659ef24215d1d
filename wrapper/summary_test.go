package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/timestamp"
)

func TestSummaryFields(t *testing.T) {
	f := newFakeV0(t)
	f.setConversation(&api.ConversationInfo{
		ConversationID: stubConvID, Title: "Fix the tests", Status: api.ConversationStatusRunning, RuntimeStatus: api.RuntimeStatusReady,
		CreatedAt: timestamp.MustParse("2025-11-09T10:00:00Z"), LastUpdatedAt: timestamp.MustParse("2025-11-09T10:05:00Z"),
		SelectedRepository: "octo/repo", SelectedBranch: "main",
		URL: "https://rt1.prod-runtime.all-hands.dev/api/conversations/" + stubConvID, SessionAPIKey: stubSessionKey,
		LLMModel: "litellm_proxy/claude-sonnet-4",
	})
	long := strings.Repeat("é", 250) // 2 bytes a character: a byte cut would split one
	f.setEvents(evUser(long), evAgent("run", "claude-sonnet-4-20250514"), evObs("run", 1))
	s, err := f.client().Summary(context.Background(), stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	want := ConversationSummary{
		ConversationID: stubConvID, Title: "Fix the tests", Status: api.ConversationStatusRunning, RuntimeStatus: api.RuntimeStatusReady,
		CreatedAt: timestamp.MustParse("2025-11-09T10:00:00Z"), LastUpdatedAt: timestamp.MustParse("2025-11-09T10:05:00Z"), Repository: "octo/repo", Branch: "main",
		EventCount: 3, Model: "litellm_proxy/claude-sonnet-4", ModelSource: ModelSourceConversation,
		FirstMessage: strings.Repeat("é", 200), URL: "https://rt1.prod-runtime.all-hands.dev/api/conversations/" + stubConvID,
		HasRuntime: true, Host: "app",
	}
	if *s != want {
		t.Errorf("Summary =\n%+v\nwant\n%+v", *s, want)
	}
	if !utf8.ValidString(s.FirstMessage) {
		t.Error("first_message is not valid UTF-8")
	}
}

func TestSummaryJSONKeys(t *testing.T) {
	data, err := json.Marshal(ConversationSummary{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	// The seed's 13 keys, then the two this SDK adds.
	want := []string{"conversation_id", "title", "status", "runtime_status", "created_at", "last_updated_at",
		"repository", "branch", "event_count", "model", "first_message", "url", "has_runtime",
		"model_source", "host"}
	got := slices.Sorted(maps.Keys(m))
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("keys = %q, want %q", got, want)
	}
	if strings.Contains(string(data), "session") {
		t.Errorf("a summary must not carry the session key: %s", data)
	}
}

func TestSummaryModelSources(t *testing.T) {
	cases := []struct {
		name       string
		events     []map[string]any
		window     int
		model      string
		source     string
		wantServed int // events the server sent in all
	}{
		{"recent events", append([]map[string]any{evUser("go"), evAgent("run", "old"), evAgent("run", "gpt-4o")}, evFiller(30)...),
			DefaultScanWindow, "gpt-4o", ModelSourceRecentEvents, -1},
		// 700 events, the only model at id 5: the recent window (the last
		// 500) misses it; the early scan reads ids 0..5 only.
		{"early events", append(append(evFiller(5), evAgent("run", "claude-3-5-sonnet-20241022")), evFiller(694)...),
			DefaultScanWindow, "claude-3-5-sonnet-20241022", ModelSourceEarlyEvents, -1},
		// 300 events, no model: the recent window covered them all, so no
		// early scan is made.
		{"none", evFiller(300), DefaultScanWindow, "", "", 1 + 300 + 300},
		// A window of 50 over 120 events: the recent scan reads ids
		// 70..119, the early scan the first window, ids 0..49.
		{"none, small window", evFiller(120), 50, "", "", 1 + 50 + 50 + 50},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeV0(t)
			f.setEvents(tc.events...)
			s, err := f.client().Summary(context.Background(), stubConvID, WithScanWindow(tc.window))
			if err != nil {
				t.Fatal(err)
			}
			if s.Model != tc.model || s.ModelSource != tc.source {
				t.Errorf("model = %q from %q, want %q from %q", s.Model, s.ModelSource, tc.model, tc.source)
			}
			if s.EventCount != len(tc.events) {
				t.Errorf("event_count = %d, want %d", s.EventCount, len(tc.events))
			}
			if got := f.eventsServed(); tc.wantServed >= 0 && got != tc.wantServed {
				t.Errorf("the server sent %d events, want %d", got, tc.wantServed)
			}
		})
	}
}

// All four calls must be in flight at once: each request is held until the
// four have arrived, so a Summary that made them one by one would never
// finish (the test would fail at its deadline).
func TestSummaryCallsRunConcurrently(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(evUser("hello"), evAgent("run", "gpt-4o"), evObs("run", 1))
	arrived := make(chan string, 4)
	all := make(chan struct{})
	go func() {
		seen := map[string]bool{}
		for len(seen) < 4 {
			seen[<-arrived] = true
		}
		close(all)
	}()
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		q := r.URL.Query()
		kind := "conversation"
		if strings.HasSuffix(r.URL.Path, "/events") {
			kind = "events limit=" + q.Get("limit") + " reverse=" + q.Get("reverse")
		}
		arrived <- kind
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			t.Errorf("%s: the other calls never came: the summary's calls are not concurrent", kind)
		}
		return false
	})
	s, err := f.client().Summary(context.Background(), stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Model != "gpt-4o" || s.FirstMessage != "hello" || s.EventCount != 3 {
		t.Errorf("summary = %+v", s)
	}
}

// The first failure cancels the calls still running and is returned. The
// conversation's 200 null is held back until the three event calls are in
// the server, so each of them must see its request cancelled.
func TestSummaryFailureCancelsTheOtherCalls(t *testing.T) {
	f := newFakeV0(t)
	f.setConversation(nil) // getConversation answers 200 null
	f.setEvents(evUser("hello"))
	arrived, cancelled := make(chan struct{}, 3), make(chan struct{}, 3)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/events") {
			for range 3 {
				select {
				case <-arrived:
				case <-time.After(10 * time.Second):
					t.Errorf("the event calls never came")
					return false
				}
			}
			return false
		}
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			cancelled <- struct{}{}
		case <-time.After(10 * time.Second):
			t.Errorf("an events call was not cancelled")
		}
		return true
	})
	_, err := f.client().Summary(context.Background(), stubConvID)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Summary = %v, want ErrNotFound", err)
	}
	for range 3 {
		select {
		case <-cancelled:
		case <-time.After(10 * time.Second):
			t.Fatal("an events call was not cancelled")
		}
	}
}

func TestSummaryReportsTheRuntimeHost(t *testing.T) {
	runtime := newFakeV0(t)
	runtime.setEvents(evUser("from the runtime"), evAgent("run", "gpt-4o"))
	runtime.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("X-Session-API-Key") != stubSessionKey {
			stubJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Invalid session API key"})
			return true
		}
		return false
	})
	app := newFakeV0(t)
	app.setConversation(&api.ConversationInfo{ConversationID: stubConvID, Status: api.ConversationStatusRunning,
		URL: runtime.srv.URL + "/api/conversations/" + stubConvID, SessionAPIKey: stubSessionKey})
	app.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/events") {
			stubRaw(w, http.StatusServiceUnavailable, "text/html", maintenancePage)
			return true
		}
		return false
	})
	s, err := app.client().Summary(context.Background(), stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Host != hostRuntime || s.EventCount != 2 || s.Model != "gpt-4o" || s.FirstMessage != "from the runtime" {
		t.Errorf("summary = %+v, want the runtime host's events", s)
	}
}

func TestHasRuntime(t *testing.T) {
	const abs = "https://rt.prod-runtime.all-hands.dev/api/conversations/" + stubConvID
	cases := []struct {
		name string
		info api.ConversationInfo
		want bool
	}{
		{"hosted, running", api.ConversationInfo{URL: abs, SessionAPIKey: "k"}, true},
		{"absolute url without key", api.ConversationInfo{URL: abs}, false},
		{"standalone install", api.ConversationInfo{URL: "/api/conversations/" + stubConvID}, true},
		{"stopped", api.ConversationInfo{SessionAPIKey: "k"}, false},
		{"V1 conversation", api.ConversationInfo{URL: abs, SessionAPIKey: "k", ConversationVersion: "V1"}, false},
	}
	for _, tc := range cases {
		if got := hasRuntime(&tc.info); got != tc.want {
			t.Errorf("%s: hasRuntime = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSummaryRefusesBadInput(t *testing.T) {
	f := newFakeV0(t)
	c := f.client()
	if _, err := c.Summary(context.Background(), "a/b"); !errors.Is(err, ErrValidation) {
		t.Errorf("bad id: %v, want ErrValidation", err)
	}
	if _, err := c.Summary(context.Background(), stubConvID, WithScanWindow(-5)); !errors.Is(err, ErrValidation) {
		t.Errorf("negative window: %v, want ErrValidation", err)
	}
}
