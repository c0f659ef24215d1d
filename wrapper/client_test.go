package wrapper

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// clearEnv unsets every variable NewFromEnv reads, for one test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{EnvAPIKey, EnvAppBase, EnvSessionAPIKey} {
		t.Setenv(k, "")
	}
}

func TestNewFromEnv(t *testing.T) {
	seen := func(s *stub) http.Header { return s.requests()[len(s.requests())-1].Header }
	envHost := newStub(t, convOK)
	optHost := newStub(t, convOK)
	ctx := context.Background()

	t.Run("environment alone", func(t *testing.T) {
		clearEnv(t)
		t.Setenv(EnvAppBase, envHost.srv.URL+"/")
		t.Setenv(EnvAPIKey, "env-api-key")
		t.Setenv(EnvSessionAPIKey, "env-session-key")
		c, err := NewFromEnv()
		if err != nil {
			t.Fatalf("NewFromEnv: %v", err)
		}
		if c.BaseURL() != envHost.srv.URL {
			t.Errorf("BaseURL = %q, want %q (trailing slash trimmed)", c.BaseURL(), envHost.srv.URL)
		}
		if _, err := c.GetConversation(ctx, stubConvID); err != nil {
			t.Fatalf("GetConversation: %v", err)
		}
		h := seen(envHost)
		if h.Get("Authorization") != "Bearer env-api-key" || h.Get("X-Session-API-Key") != "env-session-key" {
			t.Errorf("headers from the environment not sent: %v", h)
		}
	})
	t.Run("explicit options win", func(t *testing.T) {
		clearEnv(t)
		t.Setenv(EnvAppBase, envHost.srv.URL)
		t.Setenv(EnvAPIKey, "env-api-key")
		t.Setenv(EnvSessionAPIKey, "env-session-key")
		c, err := NewFromEnv(WithBaseURL(optHost.srv.URL), WithAPIKey("opt-api-key"), WithSessionAPIKey("opt-session-key"))
		if err != nil {
			t.Fatalf("NewFromEnv: %v", err)
		}
		before := len(envHost.requests())
		if _, err := c.GetConversation(ctx, stubConvID); err != nil {
			t.Fatalf("GetConversation: %v", err)
		}
		if len(envHost.requests()) != before {
			t.Error("the request went to OPENHANDS_APP_BASE, not the explicit base URL")
		}
		h := seen(optHost)
		if h.Get("Authorization") != "Bearer opt-api-key" || h.Get("X-Session-API-Key") != "opt-session-key" {
			t.Errorf("explicit credentials not sent: %v", h)
		}
	})
	t.Run("a bad variable is named", func(t *testing.T) {
		clearEnv(t)
		t.Setenv(EnvAppBase, "localhost:3000")
		if _, err := NewFromEnv(); err == nil || !strings.Contains(err.Error(), EnvAppBase) {
			t.Errorf("err = %v, want one naming %s", err, EnvAppBase)
		}
	})
	t.Run("hosted service needs a key", func(t *testing.T) {
		clearEnv(t)
		if c, err := NewFromEnv(); err != nil || c.BaseURL() != "http://localhost:3000" {
			t.Errorf("NewFromEnv with nothing set: %v, want a client for a self-hosted server on localhost:3000", err)
		}
		if _, err := New(WithBaseURL("https://APP.All-Hands.dev")); !errors.Is(err, ErrMissingAPIKey) {
			t.Errorf("New for the hosted service without a key: %v, want ErrMissingAPIKey", err)
		}
		if _, err := New(WithBaseURL("https://app.all-hands.dev"), WithAPIKey("  ")); !errors.Is(err, ErrMissingAPIKey) {
			t.Errorf("a blank key counts as none: %v", err)
		}
		if _, err := New(WithBaseURL("http://localhost:3000")); err != nil {
			t.Errorf("a local install needs no key: %v", err)
		}
	})
}

func TestOptionsRejectBadInput(t *testing.T) {
	bad := map[string]Option{
		"empty base":       WithBaseURL(""),
		"relative base":    WithBaseURL("localhost:3000"),
		"ftp base":         WithBaseURL("ftp://example.com"),
		"nil client":       WithHTTPClient(nil),
		"nil transport":    WithTransport(nil),
		"negative timeout": WithTimeout(-1),
	}
	for name, opt := range bad {
		if _, err := New(WithBaseURL("http://localhost:3000"), opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestClientAccessors(t *testing.T) {
	s := newStub(t, convOK, WithUserAgent("my-tool/1.0"))
	resp, err := s.c.API().AliveWithResponse(context.Background())
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("API().AliveWithResponse: %v, %v", resp, err)
	}
	h := s.requests()[0].Header
	if h.Get("User-Agent") != "my-tool/1.0" || h.Get("Authorization") != "Bearer "+stubAPIKey {
		t.Errorf("API() requests lack the client's headers: %v", h)
	}
	if ct, ok := s.c.HTTPClient().Transport.(callTransport); !ok || ct.next.(*retryTransport) == nil {
		t.Errorf("HTTPClient() transport is %T, want the retry transport", s.c.HTTPClient().Transport)
	}
	if got, want := s.c.ConversationLink("a b"), s.srv.URL+"/conversations/a%20b"; got != want {
		t.Errorf("ConversationLink = %q, want %q", got, want)
	}
}

// TestWithHTTPClientKeepsItsTransport: the caller's client's transport
// (go-vcr, a proxy) sits under the retry layer.
func TestWithHTTPClientKeepsItsTransport(t *testing.T) {
	dt := &dialFailsFirst{next: http.DefaultTransport}
	s := newStub(t, convOK, WithHTTPClient(&http.Client{Transport: dt}))
	if _, err := s.c.GetConversation(context.Background(), stubConvID); err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	if dt.tries.Load() != 1 {
		t.Errorf("the caller's transport saw %d requests, want 1", dt.tries.Load())
	}
}

// TestLogsHoldNoSecrets runs a retry and a runtime fallback with debug
// logging on, then searches the log and the errors for every credential.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFallbackFixture(t, nil, WithLogger(logger), WithSessionAPIKey("app-session-key-77"))
	ctx := context.Background()
	if _, err := f.app.c.GetEvents(ctx, stubConvID, EventsQuery{}); err != nil {
		t.Fatalf("GetEvents: %v", err)
	}
	_, err := f.app.c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "hi"})
	if err == nil {
		t.Fatal("CreateConversation on the maintenance host succeeded")
	}
	retrying := newStub(t, failThen(1, func(w http.ResponseWriter, _ *http.Request) {
		stubRaw(w, 503, "text/plain", "busy")
	}, convOK), WithLogger(logger))
	if _, err := retrying.c.GetConversation(ctx, stubConvID); err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	log := buf.String()
	for _, want := range []string{"openhands: request", "runtime host", "openhands: retrying"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{stubAPIKey, stubSessionKey, "app-session-key-77"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds a credential %q:\n%s", secret, log)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error holds a credential: %v", err)
		}
	}
}
