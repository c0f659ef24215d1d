package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// seen is one request as the test server received it.
type seen struct {
	method      string
	escapedPath string // the path as sent, percent-encoding kept
	rawQuery    string
	contentType string
	body        []byte
}

// fakeServer records requests and answers each with status, content type and
// body; POST /api/conversations rejects unknown body fields with 422 as the
// server does (InitSessionRequest has extra="forbid").
type fakeServer struct {
	mu          sync.Mutex
	requests    []seen
	status      int
	contentType string
	body        string
}

// initSessionFields are the fields the server's InitSessionRequest accepts
// (manage_conversations.py; conversation_id only with ALLOW_SET_CONVERSATION_ID).
var initSessionFields = []string{
	"repository", "git_provider", "selected_branch", "initial_user_msg", "image_urls", "replay_json",
	"suggested_task", "create_microagent", "conversation_instructions", "mcp_config",
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), body})
	status, contentType, answer := f.status, f.contentType, f.body
	f.mu.Unlock()
	if r.Method == http.MethodPost && r.URL.Path == "/api/conversations" {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil {
			status, contentType, answer = 422, "application/json", `{"detail":[{"type":"json_invalid","loc":["body"],"msg":"JSON decode error"}]}`
		}
		for k := range fields {
			if !slices.Contains(initSessionFields, k) {
				status, contentType, answer = 422, "application/json",
					`{"detail":[{"type":"extra_forbidden","loc":["body","`+k+`"],"msg":"Extra inputs are not permitted"}]}`
			}
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

func (f *fakeServer) answer(status int, contentType, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.contentType, f.body = status, contentType, body
}

func (f *fakeServer) last(t *testing.T) seen {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		t.Fatal("the server got no request")
	}
	return f.requests[len(f.requests)-1]
}

func newClient(t *testing.T) (*api.ClientWithResponses, *fakeServer) {
	t.Helper()
	fake := &fakeServer{contentType: "application/json", body: "{}"}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c, err := api.NewClientWithResponses(srv.URL, api.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

func TestPathParametersAreOneEscapedSegment(t *testing.T) {
	c, fake := newClient(t)
	ctx := context.Background()
	cases := map[string]string{
		"6b2f5a0c9d3e4f1a8b7c6d5e4f3a2b1c": "/api/conversations/6b2f5a0c9d3e4f1a8b7c6d5e4f3a2b1c",
		"a/b":                              "/api/conversations/a%2Fb",
		"../x":                             "/api/conversations/..%2Fx",
		"x/../../y":                        "/api/conversations/x%2F..%2F..%2Fy",
		"a?limit=1":                        "/api/conversations/a%3Flimit=1",
		"a#frag":                           "/api/conversations/a%23frag",
		"a b":                              "/api/conversations/a%20b",
		"%2F":                              "/api/conversations/%252F",
	}
	for id, want := range cases {
		fake.answer(200, "application/json", "null")
		if _, err := c.GetConversationWithResponse(ctx, id); err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		got := fake.last(t)
		if got.escapedPath != want || got.rawQuery != "" {
			t.Errorf("id %q: the server saw %q?%s, want %q", id, got.escapedPath, got.rawQuery, want)
		}
		fake.answer(200, "application/json", "true")
		if _, err := c.DeleteConversationWithResponse(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := fake.last(t); got.method != http.MethodDelete || got.escapedPath != want {
			t.Errorf("DELETE id %q: the server saw %s %q", id, got.method, got.escapedPath)
		}
	}
}

// The generated client resolves its path against the server URL, so a
// path parameter that is a whole dot segment is removed like one: "."
// lands on the list and ".." on /api/. Ids are not validated here;
// wrapper.ValidateConversationID must reject "." and ".." before a call.
func TestDotSegmentIDsEscapeTheirPath(t *testing.T) {
	c, fake := newClient(t)
	for id, want := range map[string]string{".": "/api/conversations/", "..": "/api/"} {
		if _, err := c.GetConversationWithResponse(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if got := fake.last(t).escapedPath; got != want {
			t.Errorf("id %q: the server saw %q; if the generator now keeps dot segments, update this test and the wrapper", id, got)
		}
	}
}

func TestRepositoryNameKeepsItsSlashEscaped(t *testing.T) {
	c, fake := newClient(t)
	fake.answer(200, "application/json", `[]`)
	if _, err := c.ListRepositoryMicroagentsWithResponse(context.Background(), "octo-org/webapp"); err != nil {
		t.Fatal(err)
	}
	if got, want := fake.last(t).escapedPath, "/api/user/repository/octo-org%2Fwebapp/microagents"; got != want {
		t.Errorf("the server saw %q, want %q", got, want)
	}
	fake.answer(200, "application/json", `{"content":"x","path":".openhands/microagents/repo.md"}`)
	params := &api.GetRepositoryMicroagentContentParams{FilePath: ".openhands/microagents/repo.md"}
	if _, err := c.GetRepositoryMicroagentContentWithResponse(context.Background(), "octo-org/webapp", params); err != nil {
		t.Fatal(err)
	}
	got := fake.last(t)
	if got.escapedPath != "/api/user/repository/octo-org%2Fwebapp/microagents/content" ||
		got.rawQuery != "file_path=.openhands%2Fmicroagents%2Frepo.md" {
		t.Errorf("the server saw %q?%s", got.escapedPath, got.rawQuery)
	}
}

func TestEventsQuerySendsOnlyTheParametersSet(t *testing.T) {
	c, fake := newClient(t)
	fake.answer(200, "application/json", `{"events":[],"has_more":false}`)
	zero, ten, limit, yes := 0, 10, 100, true
	cases := []struct {
		name   string
		params *api.GetEventsParams
		want   string
	}{
		{"none", nil, ""},
		{"no field set", &api.GetEventsParams{}, ""},
		{"limit", &api.GetEventsParams{Limit: &limit}, "limit=100"},
		{"reverse", &api.GetEventsParams{Reverse: &yes, Limit: &ten}, "limit=10&reverse=true"},
		{"end_id 0 is sent", &api.GetEventsParams{EndID: &zero}, "end_id=0"},
		{"start_id 0 is sent", &api.GetEventsParams{StartID: &zero, EndID: &ten}, "end_id=10&start_id=0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.GetEventsWithResponse(context.Background(), "abc", tc.params); err != nil {
				t.Fatal(err)
			}
			got := fake.last(t)
			if got.escapedPath != "/api/conversations/abc/events" || canonicalQuery(got.rawQuery) != tc.want {
				t.Errorf("the server saw %q?%s, want query %q", got.escapedPath, got.rawQuery, tc.want)
			}
			if len(got.body) != 0 {
				t.Errorf("a GET with a body (the server's `filter`): %q", got.body)
			}
		})
	}
}

// canonicalQuery sorts the pairs of a raw query.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	pairs := strings.Split(raw, "&")
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func TestCreateBodyHasOnlyTheFieldsSet(t *testing.T) {
	c, fake := newClient(t)
	fake.answer(200, "application/json", `{"status":"ok","conversation_id":"abc","conversation_status":"STARTING"}`)
	cases := []struct {
		body api.CreateConversationRequest
		want string
	}{
		{api.CreateConversationRequest{}, `{}`},
		{api.CreateConversationRequest{InitialUserMsg: "hi"}, `{"initial_user_msg":"hi"}`},
		{api.CreateConversationRequest{Repository: "octo-org/webapp", GitProvider: "github", Branch: "main"},
			`{"git_provider":"github","repository":"octo-org/webapp","selected_branch":"main"}`},
	}
	for _, tc := range cases {
		res, err := c.CreateConversationWithResponse(context.Background(), tc.body)
		if err != nil {
			t.Fatal(err)
		}
		got := fake.last(t)
		if string(got.body) != tc.want || got.contentType != "application/json" {
			t.Errorf("body %s (%s), want %s", got.body, got.contentType, tc.want)
		}
		if res.StatusCode() != 200 || res.JSON200 == nil || res.JSON200.ConversationID != "abc" {
			t.Errorf("answer %d %+v", res.StatusCode(), res.JSON200)
		}
	}
}

func TestCreateBodyNeverHasAFieldTheServerForbids(t *testing.T) {
	// Every field of the generated type is one the server accepts ...
	typ := reflect.TypeFor[api.CreateConversationRequest]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if !slices.Contains(initSessionFields, name) {
			t.Errorf("InitSessionRequest.%s is sent as %q, which the server rejects with 422", typ.Field(i).Name, name)
		}
	}
	// ... and the test server does reject the others, as the real one does.
	c, _ := newClient(t)
	res, err := c.CreateConversationWithBodyWithResponse(context.Background(), "application/json",
		strings.NewReader(`{"initial_user_msg":"hi","conversation_id":"mine"}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != 422 || res.JSON422 == nil || len(res.JSON422.Detail) != 1 || res.JSON422.Detail[0].Type != "extra_forbidden" {
		t.Errorf("want 422 extra_forbidden, got %d %s", res.StatusCode(), res.Body)
	}
}

func TestStartBody(t *testing.T) {
	c, fake := newClient(t)
	fake.answer(200, "application/json", `{"status":"ok","conversation_id":"abc","conversation_status":"RUNNING"}`)
	for _, tc := range []struct {
		body api.StartConversationRequest
		want string
	}{
		{api.StartConversationRequest{}, `{}`},
		{api.StartConversationRequest{ProvidersSet: []api.ProviderType{"github", "gitlab"}}, `{"providers_set":["github","gitlab"]}`},
	} {
		if _, err := c.StartConversationWithResponse(context.Background(), "abc", tc.body); err != nil {
			t.Fatal(err)
		}
		got := fake.last(t)
		if got.method != http.MethodPost || got.escapedPath != "/api/conversations/abc/start" ||
			string(got.body) != tc.want || got.contentType != "application/json" {
			t.Errorf("the server saw %s %s %q (%s), want body %s", got.method, got.escapedPath, got.body, got.contentType, tc.want)
		}
	}
}

func TestStopSendsNoBody(t *testing.T) {
	c, fake := newClient(t)
	if _, err := c.StopConversationWithResponse(context.Background(), "abc"); err != nil {
		t.Fatal(err)
	}
	if got := fake.last(t); got.method != http.MethodPost || len(got.body) != 0 || got.contentType != "" {
		t.Errorf("stop sent %s with body %q (%s)", got.method, got.body, got.contentType)
	}
}

// A missing conversation is 200 with the JSON null. The generated parser
// decodes it into a zero ConversationInfo, so JSON200 is NOT nil: a caller
// must look at the raw body (wrapper does: "null" means not found).
func TestGetConversationNullGivesANonNilZeroValue(t *testing.T) {
	c, fake := newClient(t)
	fake.answer(200, "application/json", "null")
	res, err := c.GetConversationWithResponse(context.Background(), "abc")
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatal("JSON200 is nil for null; if the generator changed this, simplify wrapper's not-found check")
	}
	if !reflect.DeepEqual(*res.JSON200, api.ConversationInfo{}) || !bytes.Equal(bytes.TrimSpace(res.Body), []byte("null")) {
		t.Errorf("JSON200 %+v, body %q", *res.JSON200, res.Body)
	}

	fake.answer(200, "application/json", `{"conversation_id":"abc","title":"t","status":"STOPPED","created_at":"2025-11-28T10:14:03"}`)
	res, err = c.GetConversationWithResponse(context.Background(), "abc")
	if err != nil || res.JSON200 == nil || res.JSON200.ConversationID != "abc" {
		t.Fatalf("a conversation: %+v, %v", res, err)
	}
}

// An HTML page with status 200 (the web app's fallback on a host without
// V0) parses without error and with JSON200 nil; the page is in Body.
func TestHTMLAnswerLeavesJSON200Nil(t *testing.T) {
	c, fake := newClient(t)
	fake.answer(200, "text/html; charset=utf-8", "<!DOCTYPE html><html><body>OpenHands</body></html>")
	res, err := c.GetConversationWithResponse(context.Background(), "abc")
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 != nil || res.StatusCode() != 200 || !bytes.HasPrefix(res.Body, []byte("<!DOCTYPE html>")) {
		t.Errorf("JSON200 %+v, status %d, body %q", res.JSON200, res.StatusCode(), res.Body)
	}
	events, err := c.GetEventsWithResponse(context.Background(), "abc", nil)
	if err != nil || events.JSON200 != nil {
		t.Errorf("events: %+v, %v", events.JSON200, err)
	}
}

func TestDeleteAnswersABoolean(t *testing.T) {
	c, fake := newClient(t)
	for body, want := range map[string]bool{"true": true, "false": false} {
		fake.answer(200, "application/json", body)
		res, err := c.DeleteConversationWithResponse(context.Background(), "abc")
		if err != nil || res.JSON200 == nil || *res.JSON200 != want {
			t.Errorf("%s: %+v, %v", body, res, err)
		}
	}
}

// The generated client resolves paths against the server URL: a server
// URL with a path prefix must end with "/" or the prefix is dropped.
func TestServerPrefixNeedsATrailingSlash(t *testing.T) {
	for server, want := range map[string]string{
		"http://127.0.0.1:3000":            "/api/conversations/abc",
		"http://127.0.0.1:3000/":           "/api/conversations/abc",
		"http://127.0.0.1:3000/openhands/": "/openhands/api/conversations/abc",
		"http://127.0.0.1:3000/openhands":  "/api/conversations/abc",
	} {
		req, err := api.NewGetConversationRequest(server, "abc")
		if err != nil {
			t.Fatal(err)
		}
		if req.URL.Path != want {
			t.Errorf("%s: path %q, want %q", server, req.URL.Path, want)
		}
	}
}

// TestEnumsAcceptValuesAddedLater: a newer server's enum values (a new
// status, runtime status, trigger or provider) decode as they are, through
// the generated client, and Valid tells them from the known ones.
func TestEnumsAcceptValuesAddedLater(t *testing.T) {
	body := `{"conversation_id":"c1","title":"t","status":"PAUSED","runtime_status":"STATUS$SETTING_UP_SKILLS",` +
		`"trigger":"github_app","git_provider":"codeberg","created_at":"2026-01-01T00:00:00"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	c, err := api.NewClientWithResponses(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.GetConversationWithResponse(context.Background(), "c1")
	if err != nil || resp.JSON200 == nil {
		t.Fatalf("decoding a conversation with new enum values: %v", err)
	}
	got := resp.JSON200
	if got.Status != "PAUSED" || got.RuntimeStatus != "STATUS$SETTING_UP_SKILLS" || got.Trigger != "github_app" || got.GitProvider != "codeberg" {
		t.Fatalf("values changed in decoding: %+v", got)
	}
	if got.Status.Valid() || got.RuntimeStatus.Valid() || got.Trigger.Valid() || got.GitProvider.Valid() {
		t.Error("Valid() is true for a value the spec does not list")
	}
	if !api.ConversationStatusStopped.Valid() || !api.RuntimeStatusReady.Valid() {
		t.Error("Valid() is false for a listed value")
	}
}
