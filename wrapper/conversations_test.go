package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// bodyKeys decodes a JSON object body and returns its keys, sorted.
func bodyKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", body, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestCreateConversationSendsOnlySetFields(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		stubJSON(w, 200, map[string]any{"status": "ok", "conversation_id": stubConvID, "message": nil, "conversation_status": "STARTING"})
	})
	resp, err := s.c.CreateConversation(context.Background(), api.CreateConversationRequest{
		InitialUserMsg: "fix the bug", Repository: "octo/hello", Branch: "main",
	})
	if err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	if resp.ConversationID != stubConvID || resp.ConversationStatus != "STARTING" || resp.Status != "ok" {
		t.Errorf("response %+v", resp)
	}
	r := s.requests()[0]
	if r.Method != "POST" || r.Path != "/api/conversations" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if got := bodyKeys(t, r.Body); !slices.Equal(got, []string{"initial_user_msg", "repository", "selected_branch"}) {
		t.Errorf("body keys %v (body %s)", got, r.Body)
	}
	for h, want := range map[string]string{
		"Authorization": "Bearer " + stubAPIKey, "Content-Type": "application/json",
		"Accept": "application/json", "User-Agent": "openhands-v0-go/" + Version,
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if r.Header.Get("X-Session-API-Key") != "" {
		t.Error("X-Session-API-Key sent without one configured")
	}
}

func TestStartStopRename(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {
			stubJSON(w, 200, true)
			return
		}
		stubJSON(w, 200, api.ConversationResponse{Status: "ok", ConversationID: stubConvID, ConversationStatus: "RUNNING"})
	})
	ctx := context.Background()
	if _, err := s.c.StartConversation(ctx, stubConvID, nil); err != nil {
		t.Fatalf("StartConversation: %v", err)
	}
	if _, err := s.c.StartConversation(ctx, stubConvID, []api.ProviderType{api.ProviderTypeGithub, api.ProviderTypeGitlab}); err != nil {
		t.Fatalf("StartConversation with providers: %v", err)
	}
	stopped, err := s.c.StopConversation(ctx, stubConvID)
	if err != nil || stopped.ConversationStatus != "RUNNING" {
		t.Fatalf("StopConversation: %+v, %v", stopped, err)
	}
	if err := s.c.RenameConversation(ctx, stubConvID, "New title"); err != nil {
		t.Fatalf("RenameConversation: %v", err)
	}
	reqs := s.requests()
	want := []struct{ method, path, body string }{
		{"POST", "/api/conversations/" + stubConvID + "/start", "{}"},
		{"POST", "/api/conversations/" + stubConvID + "/start", `{"providers_set":["github","gitlab"]}`},
		{"POST", "/api/conversations/" + stubConvID + "/stop", ""},
		{"PATCH", "/api/conversations/" + stubConvID, `{"title":"New title"}`},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if reqs[i].Method != w.method || reqs[i].Path != w.path || string(reqs[i].Body) != w.body {
			t.Errorf("request %d: %s %s %s, want %s %s %s", i, reqs[i].Method, reqs[i].Path, reqs[i].Body, w.method, w.path, w.body)
		}
	}
}

func TestGetConversationNullIsNotFound(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubRaw(w, 200, "application/json", "null") })
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 {
		t.Fatalf("err = %v, want an *APIError with status 200", err)
	}
	checkSentinels(t, err, ErrNotFound)
}

func TestDeleteConversation(t *testing.T) {
	answer := "true"
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubRaw(w, 200, "application/json", answer) })
	if err := s.c.DeleteConversation(context.Background(), stubConvID); err != nil {
		t.Fatalf("DeleteConversation(true): %v", err)
	}
	answer = "false"
	err := s.c.DeleteConversation(context.Background(), stubConvID)
	checkSentinels(t, err, ErrNotFound)
	if r := s.requests()[0]; r.Method != "DELETE" || r.Path != "/api/conversations/"+stubConvID {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
}

func TestSendMessageNotAdded(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		stubJSON(w, 200, api.SuccessResponse{Success: false, Error: "no agent loop"})
	})
	err := s.c.SendMessage(context.Background(), stubConvID, "hi")
	checkSentinels(t, err, ErrUnexpectedResponse)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Host != hostApp {
		t.Errorf("err %v does not say which host answered", err)
	}
}

// conversationPages serves listConversations from fixed pages keyed by
// page_id ("" is the first page).
type conversationPage struct {
	ids  []string
	next string
}

func servePages(pages map[string]conversationPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Query().Get("page_id")]
		if !ok {
			stubJSON(w, 400, map[string]string{"detail": "bad page"})
			return
		}
		set := api.ConversationInfoResultSet{Results: []api.ConversationInfo{}, NextPageID: p.next}
		for _, id := range p.ids {
			ci := api.ConversationInfo{ConversationID: id, Title: id, Status: "STOPPED", ConversationVersion: "V0"}
			if id[0] == 'v' {
				ci.ConversationVersion = "V1"
			}
			set.Results = append(set.Results, ci)
		}
		stubJSON(w, 200, set)
	}
}

func ids(convs []api.ConversationInfo) []string {
	var out []string
	for _, c := range convs {
		out = append(out, c.ConversationID)
	}
	return out
}

func TestConversationsIterator(t *testing.T) {
	ctx := context.Background()
	pages := map[string]conversationPage{
		"":   {ids: []string{"a1", "v1", "a2"}, next: "p2"},
		"p2": {ids: []string{"a2", "a3"}, next: "p3"}, // a2 again: the merged V0/V1 paging repeats items
		"p3": {ids: []string{"a4"}},
	}
	t.Run("all pages, V1 skipped, no duplicates", func(t *testing.T) {
		s := newStub(t, servePages(pages))
		got, err := s.c.ListConversations(ctx, ListOptions{})
		if err != nil {
			t.Fatalf("ListConversations: %v", err)
		}
		if want := []string{"a1", "a2", "a3", "a4"}; !slices.Equal(ids(got), want) {
			t.Errorf("ids %v, want %v", ids(got), want)
		}
		if n := len(s.requests()); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
		q, _ := url.ParseQuery(s.requests()[0].Query)
		if q.Get("limit") != "100" {
			t.Errorf("first page query %v, want limit=100", q)
		}
	})
	t.Run("IncludeV1", func(t *testing.T) {
		s := newStub(t, servePages(pages))
		got, err := s.c.ListConversations(ctx, ListOptions{IncludeV1: true})
		if err != nil {
			t.Fatalf("ListConversations: %v", err)
		}
		if want := []string{"a1", "v1", "a2", "a3", "a4"}; !slices.Equal(ids(got), want) {
			t.Errorf("ids %v, want %v", ids(got), want)
		}
	})
	t.Run("Max stops early", func(t *testing.T) {
		s := newStub(t, servePages(pages))
		got, err := s.c.ListConversations(ctx, ListOptions{Max: 2, PageSize: 3})
		if err != nil {
			t.Fatalf("ListConversations: %v", err)
		}
		if want := []string{"a1", "a2"}; !slices.Equal(ids(got), want) {
			t.Errorf("ids %v, want %v", ids(got), want)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("%d requests for 2 conversations on the first page, want 1", n)
		}
	})
	t.Run("filters", func(t *testing.T) {
		s := newStub(t, servePages(map[string]conversationPage{"": {ids: []string{"a1"}}}))
		_, err := s.c.ListConversations(ctx, ListOptions{Repository: "octo/hello", Trigger: "openhands_api", IncludeSubConversations: true, PageSize: 7})
		if err != nil {
			t.Fatalf("ListConversations: %v", err)
		}
		q, _ := url.ParseQuery(s.requests()[0].Query)
		want := url.Values{"limit": {"7"}, "selected_repository": {"octo/hello"}, "conversation_trigger": {"openhands_api"}, "include_sub_conversations": {"true"}}
		if q.Encode() != want.Encode() {
			t.Errorf("query %s, want %s", q.Encode(), want.Encode())
		}
	})
	t.Run("a page id seen twice stops with an error", func(t *testing.T) {
		loop := map[string]conversationPage{
			"":   {ids: []string{"a1"}, next: "p2"},
			"p2": {ids: []string{"a2"}, next: "p2"},
		}
		s := newStub(t, servePages(loop))
		got, err := s.c.ListConversations(ctx, ListOptions{})
		checkSentinels(t, err, ErrUnexpectedResponse)
		if want := []string{"a1", "a2"}; !slices.Equal(ids(got), want) {
			t.Errorf("ids before the error %v, want %v", ids(got), want)
		}
		if n := len(s.requests()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("an error on a later page", func(t *testing.T) {
		s := newStub(t, servePages(map[string]conversationPage{"": {ids: []string{"a1"}, next: "gone"}}), WithRetry(NoRetry()))
		got, err := s.c.ListConversations(ctx, ListOptions{})
		checkSentinels(t, err, ErrValidation)
		if !slices.Equal(ids(got), []string{"a1"}) {
			t.Errorf("ids before the error %v", ids(got))
		}
	})
	t.Run("break stops fetching", func(t *testing.T) {
		s := newStub(t, servePages(pages))
		for conv, err := range s.c.Conversations(ctx, ListOptions{}) {
			if err != nil || conv.ConversationID != "a1" {
				t.Fatalf("first = %v, %v", conv.ConversationID, err)
			}
			break
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("%d requests after break, want 1", n)
		}
	})
}

// TestSendMessageWithoutTheMessageRoute: a server older than /message
// (openhands-ai 0.53.0) answers FastAPI's 404 {"detail":"Not Found"}; the
// message goes as a message event instead, once.
func TestSendMessageWithoutTheMessageRoute(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/message") {
			stubJSON(w, 404, map[string]string{"detail": "Not Found"})
			return
		}
		stubJSON(w, 200, api.SuccessResponse{Success: true})
	})
	if err := s.c.SendMessage(context.Background(), stubConvID, "hi"); err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	reqs := s.requests()
	if len(reqs) != 2 || reqs[1].Method != "POST" || reqs[1].Path != "/api/conversations/"+stubConvID+"/events" {
		t.Fatalf("requests %+v; want /message then one /events", reqs)
	}
	var ev map[string]any
	if err := json.Unmarshal(reqs[1].Body, &ev); err != nil || ev["action"] != "message" ||
		ev["args"].(map[string]any)["content"] != "hi" {
		t.Errorf("event %s (%v)", reqs[1].Body, err)
	}
}

// TestSendMessageToAMissingConversation: a 404 that is not the route's own
// is an error, and nothing else is sent.
func TestSendMessageToAMissingConversation(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		stubJSON(w, 404, map[string]string{"detail": "Conversation " + stubConvID + " not found"})
	})
	err := s.c.SendMessage(context.Background(), stubConvID, "hi")
	checkSentinels(t, err, ErrNotFound)
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// Max bounds the page asked for: no more is fetched than is wanted.
func TestListPageSizeFollowsMax(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		stubJSON(w, 200, api.ConversationInfoResultSet{Results: []api.ConversationInfo{}})
	})
	for _, tc := range []struct {
		opts ListOptions
		want string
	}{
		{ListOptions{Max: 5}, "limit=5"},
		{ListOptions{Max: 500}, "limit=100"},
		{ListOptions{}, "limit=100"},
		{ListOptions{Max: 5, PageSize: 50}, "limit=50"},
	} {
		if _, err := s.c.ListConversations(context.Background(), tc.opts); err != nil {
			t.Fatal(err)
		}
		reqs := s.requests()
		if q := reqs[len(reqs)-1].Query; q != tc.want {
			t.Errorf("%+v asked %q, want %q", tc.opts, q, tc.want)
		}
	}
}
