//lint:file-ignore SA1019 every V0 operation is deprecated upstream; these show the raw client the SDK wraps.
package wrapper

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

func TestPerCallHeadersAndResponse(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+r.Header.Get("X-Trace"))
		stubJSON(w, 200, []string{"gpt-4o"})
	}, WithHeader("X-Client", "all"))
	var resp *http.Response
	models, err := s.c.ListModels(context.Background(), WithHeader("X-Trace", "t1"), WithResponseInto(&resp))
	if err != nil || len(models) != 1 {
		t.Fatalf("ListModels: %v %v", models, err)
	}
	if resp == nil || resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") != "req-t1" {
		t.Fatalf("captured response %+v", resp)
	}
	if _, err := s.c.ListModels(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if h := reqs[0].Header; h.Get("X-Trace") != "t1" || h.Get("X-Client") != "all" || h.Get("Authorization") != "Bearer "+stubAPIKey {
		t.Errorf("first call's headers: %v", h)
	}
	if h := reqs[1].Header; h.Get("X-Trace") != "" || h.Get("X-Client") != "all" {
		t.Errorf("a call's header leaked into the next call: %v", h)
	}
}

// A header cannot replace the credentials the client sends.
func TestPerCallHeaderDoesNotReplaceCredentials(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) { stubJSON(w, 200, []string{}) })
	if _, err := s.c.ListModels(context.Background(), WithHeader("Authorization", "Bearer other")); err != nil {
		t.Fatal(err)
	}
	if got := s.requests()[0].Header.Values("Authorization"); len(got) != 1 || got[0] != "Bearer "+stubAPIKey {
		t.Errorf("Authorization sent: %q", got)
	}
}

func TestPerCallRetryOverride(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) { stubJSON(w, 503, map[string]string{"error": "busy"}) })
	_, err := s.c.ListModels(context.Background(), WithRetry(NoRetry()))
	if !errors.Is(err, ErrServer) || len(s.requests()) != 1 {
		t.Fatalf("NoRetry for one call: %v after %d requests", err, len(s.requests()))
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Header.Get("Content-Type") != "application/json" {
		t.Errorf("APIError.Header = %v", apiErr)
	}
	_, _ = s.c.ListModels(context.Background())
	if n := len(s.requests()); n != 1+DefaultRetryPolicy().MaxAttempts {
		t.Errorf("the client's own policy after the call: %d requests in all, want %d", n, 1+DefaultRetryPolicy().MaxAttempts)
	}
}

// A bad per-call option, or one that only a client can take, fails the call
// with ErrValidation naming the method, and nothing is sent.
func TestPerCallOptionErrorsSendNothing(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) { stubJSON(w, 200, map[string]any{}) })
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"GetConversation": func() error {
			_, err := s.c.GetConversation(ctx, stubConvID, WithTimeout(-1))
			return err
		},
		"CreateConversation": func() error {
			_, err := s.c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "x"}, WithBaseURL("http://elsewhere.invalid"))
			return err
		},
		"DeleteConversation": func() error { return s.c.DeleteConversation(ctx, stubConvID, WithHeader("Bad Name", "x")) },
		"Wait": func() error {
			_, err := s.c.Wait(ctx, stubConvID, WithAPIKey("other"))
			return err
		},
	} {
		err := call()
		if !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want ErrValidation naming %s", name, err, name)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Wait's options work for the client as a whole, too.
func TestWaitOptionsOnTheClient(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, Title: "t", Status: api.ConversationStatusStopped})
	}, WithPollInterval(0))
	if _, err := s.c.Wait(context.Background(), stubConvID); !errors.Is(err, ErrValidation) {
		t.Errorf("a client-wide zero poll interval: %v", err)
	}
	if info, err := s.c.Wait(context.Background(), stubConvID, WithPollInterval(1)); err != nil || info.Status != api.ConversationStatusStopped {
		t.Errorf("a per-call poll interval: %v %v", info, err)
	}
}

func TestCheckResponse(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete:
			stubRaw(w, 200, "application/json", "false")
		case strings.HasSuffix(r.URL.Path, "/models"):
			w.Header().Set("X-Request-Id", "r-429")
			stubRaw(w, 429, "application/json", `{"error":"Rate limit exceeded: 10 per 1 second"}`)
		case strings.HasSuffix(r.URL.Path, "/agents"):
			stubRaw(w, 200, "text/html", "<!doctype html><title>OpenHands</title>")
		case strings.HasSuffix(r.URL.Path, "/security-analyzers"):
			stubRaw(w, 200, "application/json", `["llm"]`)
		default:
			stubRaw(w, 200, "application/json", "null")
		}
	}, WithRetry(NoRetry()))
	ctx := context.Background()
	raw := s.c.API()

	g, err := raw.GetConversationWithResponse(ctx, stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckResponse("getConversation", g.HTTPResponse, g.Body); !errors.Is(err, ErrNotFound) {
		t.Errorf("200 null: %v", err)
	}
	d, _ := raw.DeleteConversationWithResponse(ctx, stubConvID)
	if err := CheckResponse("deleteConversation", d.HTTPResponse, d.Body); !errors.Is(err, ErrNotFound) {
		t.Errorf("200 false: %v", err)
	}
	m, _ := raw.ListModelsWithResponse(ctx)
	err = CheckResponse("listModels", m.HTTPResponse, m.Body)
	var apiErr *APIError
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.Header.Get("X-Request-Id") != "r-429" || apiErr.Operation != "listModels" {
		t.Errorf("429: %v", err)
	}
	a, _ := raw.ListAgentsWithResponse(ctx)
	if err := CheckResponse("listAgents", a.HTTPResponse, a.Body); !errors.Is(err, ErrNotV0) {
		t.Errorf("200 HTML: %v", err)
	}
	ok, _ := raw.ListSecurityAnalyzersWithResponse(ctx)
	if err := CheckResponse("listSecurityAnalyzers", ok.HTTPResponse, ok.Body); err != nil {
		t.Errorf("200 JSON: %v", err)
	}
	if err := CheckResponse("x", nil, nil); !errors.Is(err, ErrValidation) {
		t.Errorf("nil response: %v", err)
	}
}

func TestPerCallTimeout(t *testing.T) {
	release := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, WithRetry(NoRetry()))
	defer close(release)
	_, err := s.c.ListModels(context.Background(), WithTimeout(20*time.Millisecond))
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Errorf("a call with a short timeout of its own: %v", err)
	}
}

// Input the SDK refuses is reported under the method the caller called.
func TestValidationErrorsNameTheMethod(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s", r.URL) })
	ctx := context.Background()
	for method, err := range map[string]error{
		"GetConversation": second2(s.c.GetConversation(ctx, "../x")),
		"Summary":         second2(s.c.Summary(ctx, "a/b")),
		"GetTrajectory":   second2(s.c.GetTrajectory(ctx, "")),
		"GetEvents":       second2(s.c.GetEvents(ctx, stubConvID, EventsQuery{StartID: -1})),
		"UpdateSecret":    s.c.UpdateSecret(ctx, "", api.UpdateSecretRequest{}),
	} {
		var e *APIError
		if !errors.As(err, &e) || !errors.Is(err, ErrValidation) || e.Operation != method {
			t.Errorf("%s: %v, want ErrValidation naming %s", method, err, method)
		}
	}
	if err := ValidateConversationID(""); !strings.Contains(err.Error(), "ValidateConversationID") {
		t.Errorf("ValidateConversationID on its own: %v", err)
	}
}

func second2[T any](_ T, err error) error { return err }

// Summary's concurrent requests store the response without a race (run
// with -race).
func TestResponseIntoWithConcurrentRequests(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/events"):
			stubJSON(w, 200, api.EventPage{Events: []api.Event{}})
		default:
			stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, Title: "t", Status: api.ConversationStatusStopped})
		}
	})
	var resp *http.Response
	if _, err := s.c.Summary(context.Background(), stubConvID, WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Errorf("stored %v", resp)
	}
}

// The whole-request bound can be given to one call too.
func TestPerCallRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for { // a byte at a time: never silent for long, never done
			select {
			case <-release:
				return
			case <-r.Context().Done():
				return
			case <-tick.C:
				_, _ = w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	}, WithRetry(NoRetry()))
	defer close(release)
	_, err := s.c.ListModels(context.Background(), WithRequestTimeout(50*time.Millisecond))
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() || !strings.Contains(err.Error(), "in all") {
		t.Errorf("a dripping answer under a per-call bound: %v", err)
	}
}
