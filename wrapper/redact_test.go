package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestEchoedCredentialsAreRedacted: a server that echoes the request's
// credentials in its error answer does not get them into the *APIError.
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	const apiKey, sessionKey, ghToken = "api-key-0123456789abcdef", "session-key-0123456789abcdef", "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"detail":"bad credentials: %s / %s"}`, r.Header.Get("Authorization"), r.Header.Get("X-Session-API-Key"))
	}))
	defer echo.Close()
	c, err := New(WithBaseURL(echo.URL), WithAPIKey(apiKey), WithSessionAPIKey(sessionKey), WithGitHub(echo.URL, ghToken), WithRetry(NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	_, listErr := c.ListConversations(context.Background(), ListOptions{})
	commentErr := c.PostGitHubComment(context.Background(), "acme/ops", 1, "hi")
	for _, err := range []error{listErr, commentErr} {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("got %v, want a 401 *APIError", err)
		}
		for _, secret := range []string{apiKey, sessionKey, ghToken} {
			if strings.Contains(err.Error(), secret) || strings.Contains(string(apiErr.Body), secret) {
				t.Errorf("the error carries a credential the server echoed: %s", err)
			}
		}
		if !strings.Contains(apiErr.Message, "bad credentials: Bearer "+redacted) {
			t.Errorf("message %q: the rest of the server's words should stay", apiErr.Message)
		}
	}
}
