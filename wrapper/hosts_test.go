package wrapper

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

func TestRuntimeBaseURL(t *testing.T) {
	const id = stubConvID
	cases := []struct {
		name, app, url, want string
	}{
		{"hosted runtime", "https://app.all-hands.dev", "https://abc123.prod-runtime.all-hands.dev/api/conversations/" + id, "https://abc123.prod-runtime.all-hands.dev"},
		{"path routing", "https://app.all-hands.dev", "https://runtime.example.com/runtime/api/conversations/" + id, "https://runtime.example.com/runtime"},
		{"docker nested", "http://localhost:3000", "http://localhost:35123/api/conversations/" + id, "http://localhost:35123"},
		{"standalone relative", "http://localhost:3000", "/api/conversations/" + id, "http://localhost:3000"},
		{"relative against a base with a path", "http://host:3000/prefix", "/api/conversations/" + id, "http://host:3000"},
		{"trailing slash", "http://localhost:3000", "http://rt:4000/api/conversations/" + id + "/", "http://rt:4000"},
		{"query and fragment dropped", "http://localhost:3000", "http://rt:4000/api/conversations/" + id + "?x=1#y", "http://rt:4000"},
		{"user info dropped", "http://localhost:3000", "http://u:p@rt:4000/api/conversations/" + id, "http://rt:4000"},
	}
	for _, tc := range cases {
		got, err := RuntimeBaseURL(tc.app, tc.url, id)
		if err != nil || got != tc.want {
			t.Errorf("%s: RuntimeBaseURL(%q, %q) = %q, %v; want %q", tc.name, tc.app, tc.url, got, err, tc.want)
		}
	}
	bad := []struct{ name, app, url string }{
		{"no url (not running)", "http://localhost:3000", ""},
		{"blank url", "http://localhost:3000", "   "},
		{"another conversation", "http://localhost:3000", "http://rt/api/conversations/ffff"},
		{"no conversation suffix", "http://localhost:3000", "http://rt/"},
		{"not http", "http://localhost:3000", "ws://rt/api/conversations/" + id},
		{"relative app base", "localhost:3000", "/api/conversations/" + id},
		{"unparsable url", "http://localhost:3000", "http://[::1/api/conversations/" + id},
	}
	for _, tc := range bad {
		if got, err := RuntimeBaseURL(tc.app, tc.url, id); !errors.Is(err, ErrRuntimeUnavailable) {
			t.Errorf("%s: RuntimeBaseURL = %q, %v; want ErrRuntimeUnavailable", tc.name, got, err)
		}
	}
}

// fallbackFixture is an app host whose conversation-scoped routes answer
// the maintenance page and a runtime host that serves them.
type fallbackFixture struct {
	app, runtime *stub
}

// newFallbackFixture builds the two hosts; info adjusts the conversation
// the app host returns (its url is set to the runtime host by default).
func newFallbackFixture(t *testing.T, info func(rt string, ci *api.ConversationInfo), opts ...Option) *fallbackFixture {
	t.Helper()
	f := &fallbackFixture{}
	f.runtime = newStub(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/events"):
			stubJSON(w, 200, api.EventPage{Events: []api.Event{{ID: 0, Source: "user", Action: "message", Message: "hello"}}})
		case strings.HasSuffix(r.URL.Path, "/message"):
			stubJSON(w, 200, api.SuccessResponse{Success: true})
		default:
			http.NotFound(w, r)
		}
	})
	f.app = newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/conversations/"+stubConvID {
			ci := api.ConversationInfo{
				ConversationID: stubConvID, Title: "t", Status: "RUNNING", ConversationVersion: "V0",
				URL: f.runtime.srv.URL + "/api/conversations/" + stubConvID, SessionAPIKey: stubSessionKey,
			}
			if info != nil {
				info(f.runtime.srv.URL, &ci)
			}
			stubJSON(w, 200, ci)
			return
		}
		stubRaw(w, 500, "text/html", maintenancePage)
	}, opts...)
	return f
}

// paths lists "METHOD path" of the requests s saw.
func paths(s *stub) []string {
	var out []string
	for _, r := range s.requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func TestFallbackToTheRuntimeHost(t *testing.T) {
	ctx := context.Background()
	t.Run("GetEvents", func(t *testing.T) {
		f := newFallbackFixture(t, nil)
		page, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{Reverse: true, Limit: ptr(1)})
		if err != nil {
			t.Fatalf("GetEvents: %v", err)
		}
		if len(page.Events) != 1 || page.Events[0].Message != "hello" {
			t.Errorf("page = %+v", page)
		}
		wantApp := []string{"GET /api/conversations/" + stubConvID + "/events", "GET /api/conversations/" + stubConvID}
		if got := paths(f.app); strings.Join(got, ",") != strings.Join(wantApp, ",") {
			t.Errorf("app host saw %v, want %v", got, wantApp)
		}
		rt := f.runtime.requests()
		if len(rt) != 1 || rt[0].Path != "/api/conversations/"+stubConvID+"/events" {
			t.Fatalf("runtime host saw %v", paths(f.runtime))
		}
		if q, _ := url.ParseQuery(rt[0].Query); q.Get("limit") != "1" || q.Get("reverse") != "true" {
			t.Errorf("runtime query %q", rt[0].Query)
		}
		if got := rt[0].Header.Get("X-Session-API-Key"); got != stubSessionKey {
			t.Errorf("X-Session-API-Key = %q, want the conversation's key", got)
		}
		if got := rt[0].Header.Get("Authorization"); got != "" {
			t.Errorf("Authorization = %q: the app's bearer key went to a runtime host on another origin", got)
		}
	})
	t.Run("SendMessage", func(t *testing.T) {
		f := newFallbackFixture(t, nil)
		if err := f.app.c.SendMessage(ctx, stubConvID, "carry on"); err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		app := paths(f.app)
		if len(app) != 2 || app[0] != "POST /api/conversations/"+stubConvID+"/message" {
			t.Errorf("app host saw %v, want one POST and the lookup", app)
		}
		rt := f.runtime.requests()
		if len(rt) != 1 || rt[0].Method != "POST" || string(rt[0].Body) != `{"message":"carry on"}` {
			t.Fatalf("runtime host saw %v", rt)
		}
		if rt[0].Header.Get("X-Session-API-Key") != stubSessionKey {
			t.Errorf("no session key on the runtime host")
		}
	})
	t.Run("path routing", func(t *testing.T) {
		f := newFallbackFixture(t, func(rt string, ci *api.ConversationInfo) {
			ci.URL = rt + "/runtime/api/conversations/" + stubConvID
		})
		if _, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{}); err != nil {
			t.Fatalf("GetEvents: %v", err)
		}
		if got := paths(f.runtime); len(got) != 1 || got[0] != "GET /runtime/api/conversations/"+stubConvID+"/events" {
			t.Errorf("runtime host saw %v", got)
		}
	})
	t.Run("app host without V0", func(t *testing.T) {
		rt := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 200, api.EventPage{Events: []api.Event{}}) })
		app := newStub(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/conversations/"+stubConvID {
				stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, URL: rt.srv.URL + "/api/conversations/" + stubConvID, SessionAPIKey: stubSessionKey})
				return
			}
			stubRaw(w, 200, "text/html", spaPage)
		})
		if _, err := app.c.GetEvents(ctx, stubConvID, EventsQuery{}); err != nil {
			t.Fatalf("GetEvents: %v", err)
		}
		if n := len(rt.requests()); n != 1 {
			t.Errorf("runtime host saw %d requests, want 1", n)
		}
	})
}

func TestFallbackStandaloneRelativeURL(t *testing.T) {
	var s *stub
	eventsCalls := 0
	s = newStub(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/conversations/" + stubConvID:
			stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, Status: "RUNNING", URL: "/api/conversations/" + stubConvID})
		case "/api/conversations/" + stubConvID + "/events":
			if eventsCalls++; eventsCalls == 1 {
				stubRaw(w, 500, "text/plain", "Internal Server Error")
				return
			}
			stubJSON(w, 200, api.EventPage{Events: []api.Event{{ID: 3}}})
		}
	}, WithSessionAPIKey("self-hosted-key"), WithRetry(NoRetry()))
	page, err := s.c.GetEvents(context.Background(), stubConvID, EventsQuery{})
	if err != nil {
		t.Fatalf("GetEvents: %v", err)
	}
	if len(page.Events) != 1 || page.Events[0].ID != 3 {
		t.Errorf("page %+v", page)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("requests %v, want events, lookup, events", paths(s))
	}
	if got := reqs[2].Header.Get("X-Session-API-Key"); got != "self-hosted-key" {
		t.Errorf("fallback on the same host sent X-Session-API-Key %q, want the client's own", got)
	}
}

func TestNoFallbackWhenThereIsNoRuntime(t *testing.T) {
	ctx := context.Background()
	cases := map[string]func(rt string, ci *api.ConversationInfo){
		"V1 conversation": func(_ string, ci *api.ConversationInfo) { ci.ConversationVersion = "V1" },
		"not running":     func(_ string, ci *api.ConversationInfo) { ci.URL, ci.SessionAPIKey, ci.Status = "", "", "STOPPED" },
		"foreign url":     func(rt string, ci *api.ConversationInfo) { ci.URL = rt + "/somewhere/else" },
	}
	for name, adjust := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFallbackFixture(t, adjust)
			_, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{})
			if !errors.Is(err, ErrRuntimeUnavailable) || !errors.Is(err, ErrMaintenance) || !errors.Is(err, ErrServer) {
				t.Fatalf("err = %v, want the app host's maintenance error and ErrRuntimeUnavailable", err)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Operation != "getEvents" || apiErr.StatusCode != 500 {
				t.Errorf("errors.As gives %+v, want the app host's getEvents 500", apiErr)
			}
			if n := len(f.runtime.requests()); n != 0 {
				t.Errorf("runtime host saw %d requests", n)
			}
		})
	}
}

func TestNoFallbackOnClientErrors(t *testing.T) {
	for _, status := range []int{401, 404, 422} {
		s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
			stubJSON(w, status, map[string]string{"detail": "no"})
		})
		_, err := s.c.GetEvents(context.Background(), stubConvID, EventsQuery{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Errorf("status %d: err = %v", status, err)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("status %d: %d requests (%v), want 1 and no runtime lookup", status, n, paths(s))
		}
	}
}

func TestHostPolicies(t *testing.T) {
	ctx := context.Background()
	t.Run("app never falls back", func(t *testing.T) {
		f := newFallbackFixture(t, nil, WithHostPolicy(HostApp))
		_, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{})
		if !errors.Is(err, ErrMaintenance) {
			t.Fatalf("err = %v, want ErrMaintenance", err)
		}
		if got := paths(f.app); len(got) != 1 {
			t.Errorf("app host saw %v, want only the events call", got)
		}
		if n := len(f.runtime.requests()); n != 0 {
			t.Errorf("runtime host saw %d requests", n)
		}
	})
	t.Run("runtime goes straight there", func(t *testing.T) {
		f := newFallbackFixture(t, nil, WithHostPolicy(HostRuntime))
		if _, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{}); err != nil {
			t.Fatalf("GetEvents: %v", err)
		}
		if got := paths(f.app); len(got) != 1 || got[0] != "GET /api/conversations/"+stubConvID {
			t.Errorf("app host saw %v, want only the lookup", got)
		}
		if n := len(f.runtime.requests()); n != 1 {
			t.Errorf("runtime host saw %d requests, want 1", n)
		}
	})
	t.Run("runtime without a runtime", func(t *testing.T) {
		f := newFallbackFixture(t, func(_ string, ci *api.ConversationInfo) { ci.URL = "" }, WithHostPolicy(HostRuntime))
		if _, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{}); !errors.Is(err, ErrRuntimeUnavailable) {
			t.Fatalf("err = %v, want ErrRuntimeUnavailable", err)
		}
	})
	t.Run("WithHostPolicy copies", func(t *testing.T) {
		f := newFallbackFixture(t, nil)
		appOnly := f.app.c.WithHostPolicy(HostApp)
		if _, err := appOnly.GetEvents(ctx, stubConvID, EventsQuery{}); !errors.Is(err, ErrMaintenance) {
			t.Fatalf("copy: err = %v, want ErrMaintenance", err)
		}
		if _, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{}); err != nil {
			t.Fatalf("original still falls back: %v", err)
		}
	})
	t.Run("policy names and bad values", func(t *testing.T) {
		for p, want := range map[HostPolicy]string{HostAuto: "auto", HostApp: "app", HostRuntime: "runtime"} {
			if p.String() != want {
				t.Errorf("%d.String() = %q", p, p.String())
			}
		}
		if _, err := New(WithBaseURL("http://localhost:1"), WithHostPolicy(HostPolicy(7))); err == nil {
			t.Error("unknown host policy accepted")
		}
	})
}

func TestValidateConversationID(t *testing.T) {
	// The server refuses only controls below U+0020 (ord(c) < 32): DEL and
	// the C1 controls pass there, so they pass here.
	ok := []string{stubConvID, "a", strings.Repeat("x", 100), strings.Repeat("é", 100), "with-dash_and.dot", "a\x7fb", "a\u0085b"}
	for _, id := range ok {
		if err := ValidateConversationID(id); err != nil {
			t.Errorf("ValidateConversationID(%q) = %v", id, err)
		}
	}
	bad := map[string]string{
		"empty":     "",
		"too long":  strings.Repeat("x", 101),
		"dot dot":   "a..b",
		"lone dot":  ".",
		"slash":     "a/b",
		"backslash": `a\b`,
		"NUL":       "a\x00b",
		"newline":   "a\nb",
		"tab":       "a\tb",
		"unit sep":  "a\x1fb",
	}
	for name, id := range bad {
		err := ValidateConversationID(id)
		if !errors.Is(err, ErrValidation) {
			t.Errorf("%s: ValidateConversationID(%q) = %v, want ErrValidation", name, id, err)
		}
	}
}

// appHostFailing is an app host that knows one running conversation on
// runtime and answers every other route with status, contentType and body.
func appHostFailing(t *testing.T, runtime *stub, status int, contentType, body string) *stub {
	t.Helper()
	return newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/conversations/"+stubConvID {
			stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, Title: "t", Status: "RUNNING",
				URL: runtime.srv.URL + "/api/conversations/" + stubConvID, SessionAPIKey: stubSessionKey})
			return
		}
		stubRaw(w, status, contentType, body)
	}, WithRetry(NoRetry()))
}

// TestPOSTFallsBackOnlyWhenTheAppHostDidNothing: a POST goes to the runtime
// host after the 500 maintenance page or a host without V0, never after a
// gateway error that may have followed the handler, so it arrives once.
func TestPOSTFallsBackOnlyWhenTheAppHostDidNothing(t *testing.T) {
	cases := []struct {
		name         string
		status       int
		contentType  string
		body         string
		wantFallback bool
	}{
		{"maintenance page", 500, "text/html", maintenancePage, true},
		{"web app HTML", 200, "text/html", "<!doctype html><html><title>OpenHands</title></html>", true},
		{"method not allowed", 405, "application/json", `{"detail":"Method Not Allowed"}`, true},
		{"gateway timeout page", 504, "text/html", "<html><title>504 Gateway Time-out</title></html>", false},
		{"bad gateway", 502, "text/plain", "Bad Gateway", false},
		{"JSON 500", 500, "application/json", `{"success":false,"error":"Error adding message"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runtime := newFallbackFixture(t, nil).runtime
			app := appHostFailing(t, runtime, tc.status, tc.contentType, tc.body)
			err := app.c.SendMessage(context.Background(), stubConvID, "hi")
			posts := 0
			for _, s := range []*stub{app, runtime} {
				for _, r := range s.requests() {
					if r.Method == http.MethodPost {
						posts++
					}
				}
			}
			if tc.wantFallback {
				if err != nil || posts != 2 {
					t.Fatalf("err = %v, %d POSTs; want success on the runtime host after one app-host POST", err, posts)
				}
				return
			}
			if err == nil || posts != 1 {
				t.Fatalf("err = %v, %d POSTs; want the app host's error and exactly one POST", err, posts)
			}
		})
	}
}

// TestGETFallsBackOnAnyServerError: a GET may be repeated on the runtime host
// after any 5xx.
func TestGETFallsBackOnAnyServerError(t *testing.T) {
	runtime := newFallbackFixture(t, nil).runtime
	app := appHostFailing(t, runtime, 502, "text/plain", "Bad Gateway")
	if _, err := app.c.GetEvents(context.Background(), stubConvID, EventsQuery{}); err != nil {
		t.Fatalf("GetEvents after a 502: %v", err)
	}
	if got := paths(runtime); len(got) != 1 {
		t.Fatalf("runtime host saw %v, want one events request", got)
	}
}
