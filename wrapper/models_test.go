package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/upstream"
)

func decodeEvent(t testing.TB, raw string) api.Event {
	t.Helper()
	var ev api.Event
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return ev
}

func TestModelFromEvent(t *testing.T) {
	cases := []struct {
		name, event, want string
	}{
		{"tool call metadata", `{"id":3,"source":"agent","action":"run","tool_call_metadata":{"function_name":"execute_bash","model_response":{"model":"claude-3-5-sonnet-20241022","choices":[]}}}`, "claude-3-5-sonnet-20241022"},
		{"metadata wins over args", `{"action":"run","args":{"model":"from-args"},"tool_call_metadata":{"model_response":{"model":"from-metadata"}}}`, "from-metadata"},
		{"args model", `{"action":"delegate","args":{"model":"gpt-4o"}}`, "gpt-4o"},
		{"args llm_model", `{"action":"delegate","args":{"llm_model":"litellm_proxy/o3"}}`, "litellm_proxy/o3"},
		{"blank metadata falls through", `{"action":"run","args":{"llm_model":"m2"},"tool_call_metadata":{"model_response":{"model":"  "}}}`, "m2"},
		{"args model not a string", `{"action":"run","args":{"model":42,"llm_model":"m3"}}`, "m3"},
		{"accumulated token usage", `{"action":"run","llm_metrics":{"accumulated_cost":0.1,"accumulated_token_usage":{"model":"anthropic/claude-sonnet-4","prompt_tokens":10}}}`, "anthropic/claude-sonnet-4"},
		{"last token usage", `{"action":"run","llm_metrics":{"token_usages":[{"model":"old"},{"model":"new"}]}}`, "new"},
		{"last cost", `{"action":"run","llm_metrics":{"costs":[{"model":"a","cost":1},{"model":"b","cost":2}]}}`, "b"},
		{"trimmed", `{"action":"run","tool_call_metadata":{"model_response":{"model":" gpt-5 \n"}}}`, "gpt-5"},
		{"user message", `{"id":0,"source":"user","action":"message","message":"hi","args":{"content":"hi"}}`, ""},
		{"observation", `{"id":4,"source":"environment","observation":"run","content":"ok","extras":{"metadata":{"exit_code":0}}}`, ""},
		{"empty", `{}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ModelFromEvent(decodeEvent(t, tc.event)); got != tc.want {
				t.Errorf("ModelFromEvent = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUserMessageText(t *testing.T) {
	cases := []struct {
		name, event, want string
	}{
		{"message", `{"source":"user","action":"message","message":"  Fix it  ","args":{"content":"  Fix it  "}}`, "Fix it"},
		{"content only in args", `{"source":"user","action":"message","message":"","args":{"content":"from args"}}`, "from args"},
		{"top-level content", `{"source":"user","content":"legacy"}`, "legacy"},
		{"blank", `{"source":"user","action":"message","message":"  ","args":{"content":"\n"}}`, ""},
		{"agent message", `{"source":"agent","action":"message","message":"hello"}`, ""},
		{"user state change", `{"source":"user","action":"change_agent_state","message":"Agent state changed to paused","args":{"agent_state":"paused"}}`, ""},
		{"user command", `{"source":"user","action":"run","message":"Running command: ls","args":{"command":"ls"}}`, ""},
		{"recall", `{"source":"user","action":"recall","message":"Retrieving content for: Fix","args":{"query":"Fix"}}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := userMessageText(decodeEvent(t, tc.event)); got != tc.want {
				t.Errorf("userMessageText = %q, want %q", got, tc.want)
			}
		})
	}
}

// The real event samples from the OpenHands repository.
func TestModelAndMessageFromUpstreamSamples(t *testing.T) {
	dir := upstream.Dir(t)
	cases := []struct {
		file, firstModel, firstMessage string
	}{
		{upstream.TrajsBasic, "claude-3-5-sonnet-20241022", "Please create a simple 2048 game. No need to run it. Please finish the interaction after your finish coding."},
		{upstream.TrajsBasicInteractions, "gpt-4o-2024-08-06", "what's 1+1?"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var events []api.Event
			if err := json.Unmarshal(data, &events); err != nil {
				t.Fatal(err)
			}
			model, message := "", ""
			for _, ev := range events {
				if model == "" {
					model = ModelFromEvent(ev)
				}
				if message == "" {
					message = userMessageText(ev)
				}
			}
			if model != tc.firstModel {
				t.Errorf("first model = %q, want %q", model, tc.firstModel)
			}
			if !strings.HasPrefix(message, tc.firstMessage) {
				t.Errorf("first user message = %q, want it to start with %q", message, tc.firstMessage)
			}
		})
	}
}

func FuzzModelFromEvent(f *testing.F) {
	for _, seed := range []string{
		`{"tool_call_metadata":{"model_response":{"model":"m"}}}`,
		`{"args":{"model":"m","llm_model":null}}`,
		`{"llm_metrics":{"token_usages":[{}],"costs":[{"model":" "}]}}`,
		`{"source":"user","action":"message","args":{"content":["not","a","string"]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ev api.Event
		if json.Unmarshal(data, &ev) != nil {
			return
		}
		for _, got := range []string{ModelFromEvent(ev), userMessageText(ev)} {
			if got != strings.TrimSpace(got) {
				t.Errorf("result %q is not trimmed", got)
			}
		}
	})
}

func TestRecentModelReadsPastTheSeedsTwentyEvents(t *testing.T) {
	f := newFakeV0(t)
	// The model is named 140 events before the end: the seed's 20-event
	// window missed it.
	events := append([]map[string]any{evUser("hi"), evAgent("run", "claude-sonnet-4")}, evFiller(140)...)
	f.setEvents(events...)
	model, err := f.client().RecentModel(context.Background(), stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	if model != "claude-sonnet-4" {
		t.Errorf("RecentModel = %q, want claude-sonnet-4", model)
	}
	// A small first page, then full pages from where it stopped.
	want := []string{"limit=20&reverse=true", "end_id=121&limit=100&reverse=true", "end_id=21&limit=100&reverse=true"}
	if got := f.pageQueries(); !slices.Equal(got, want) {
		t.Errorf("pages = %q, want %q", got, want)
	}
}

func TestRecentModelIsTheNewest(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(evUser("hi"), evAgent("run", "old-model"), evObs("run", 1), evAgent("run", "new-model"), evObs("run", 3))
	model, err := f.client().RecentModel(context.Background(), stubConvID)
	if err != nil || model != "new-model" {
		t.Errorf("RecentModel = %q, %v; want new-model", model, err)
	}
	if got := f.pageQueries(); len(got) != 1 {
		t.Errorf("a conversation of 5 events took %d requests: %q", len(got), got)
	}
}

func TestScanWindowBoundsTheEventsRead(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(evFiller(400)...)
	c := f.client()
	for _, tc := range []struct {
		window, want int
	}{
		{130, 130},
		{20, 20},
		{7, 7},
		{DefaultScanWindow, 400},
		{0, 400},
	} {
		before := f.eventsServed()
		model, err := c.RecentModel(context.Background(), stubConvID, WithScanWindow(tc.window))
		if err != nil || model != "" {
			t.Fatalf("window %d: RecentModel = %q, %v", tc.window, model, err)
		}
		if got := f.eventsServed() - before; got != tc.want {
			t.Errorf("window %d: the server sent %d events, want %d", tc.window, got, tc.want)
		}
	}
}

func TestScanWindowZeroReadsTheWholeConversation(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(append(evFiller(599), evAgent("finish", "gpt-4o"))...)
	c := f.client()
	model, err := c.EarlyModel(context.Background(), stubConvID, WithScanWindow(0))
	if err != nil || model != "gpt-4o" {
		t.Errorf("EarlyModel(window 0) = %q, %v; want gpt-4o", model, err)
	}
	model, err = c.EarlyModel(context.Background(), stubConvID)
	if err != nil || model != "" {
		t.Errorf("EarlyModel(default window) = %q, %v; want nothing: the model is past the first 500 events", model, err)
	}
}

func TestEarlyModelIsTheOldest(t *testing.T) {
	f := newFakeV0(t)
	events := append(evFiller(60), evAgent("run", "first-model"), evAgent("run", "second-model"))
	f.setEvents(events...)
	model, err := f.client().EarlyModel(context.Background(), stubConvID)
	if err != nil || model != "first-model" {
		t.Errorf("EarlyModel = %q, %v; want first-model", model, err)
	}
	want := []string{"limit=20", "end_id=499&limit=100&start_id=20"}
	if got := f.pageQueries(); !slices.Equal(got, want) {
		t.Errorf("pages = %q, want %q", got, want)
	}
}

func TestFirstUserMessageSkipsOtherUserActions(t *testing.T) {
	f := newFakeV0(t)
	events := []map[string]any{
		{"source": "agent", "action": "system", "message": "You are OpenHands", "args": map[string]any{"content": "You are OpenHands"}},
		{"source": "user", "action": "change_agent_state", "message": "Agent state changed to running", "args": map[string]any{"agent_state": "running"}},
		{"source": "user", "action": "run", "message": "Running command: ls", "args": map[string]any{"command": "ls"}},
	}
	events = append(events, evFiller(30)...)
	events = append(events, evUser("  Please fix the flaky test\n"), evUser("and then the docs"))
	f.setEvents(events...)
	text, err := f.client().FirstUserMessage(context.Background(), stubConvID)
	if err != nil || text != "Please fix the flaky test" {
		t.Errorf("FirstUserMessage = %q, %v; want the trimmed message past the first page", text, err)
	}
}

func TestScansOfAnEmptyConversation(t *testing.T) {
	f := newFakeV0(t)
	c := f.client()
	ctx := context.Background()
	for name, scan := range map[string]func() (string, error){
		"recent": func() (string, error) { return c.RecentModel(ctx, stubConvID) },
		"early":  func() (string, error) { return c.EarlyModel(ctx, stubConvID) },
		"first":  func() (string, error) { return c.FirstUserMessage(ctx, stubConvID) },
	} {
		if got, err := scan(); got != "" || err != nil {
			t.Errorf("%s: %q, %v; want nothing and no error", name, got, err)
		}
	}
}

func TestScanErrors(t *testing.T) {
	f := newFakeV0(t)
	c := f.client(WithHostPolicy(HostApp))
	if _, err := c.RecentModel(context.Background(), stubConvID, WithScanWindow(-1)); !errors.Is(err, ErrValidation) {
		t.Errorf("negative window: %v, want ErrValidation", err)
	}
	if _, err := c.FirstUserMessage(context.Background(), "../etc"); !errors.Is(err, ErrValidation) {
		t.Errorf("bad id: %v, want ErrValidation", err)
	}
	if n := len(f.pageQueries()); n != 0 {
		t.Errorf("refused input sent %d requests", n)
	}
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		stubJSON(w, http.StatusNotFound, map[string]string{"detail": "Conversation " + stubConvID + " not found"})
		return true
	})
	if _, err := c.EarlyModel(context.Background(), stubConvID); !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v, want ErrNotFound", err)
	}
}
