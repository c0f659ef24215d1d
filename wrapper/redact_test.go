package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestEchoedCredentialsAreRedacted: a server that echoes the request's
// credentials in its error answer does not get them into the *APIError.
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	const apiKey, sessionKey = "api-key-0123456789abcdef", "session-key-0123456789abcdef"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"detail":"bad credentials: %s / %s"}`, r.Header.Get("Authorization"), r.Header.Get("X-Session-API-Key"))
	}))
	defer echo.Close()
	c, err := New(WithBaseURL(echo.URL), WithAPIKey(apiKey), WithSessionAPIKey(sessionKey), WithRetry(NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	_, listErr := c.ListConversations(context.Background(), ListOptions{})
	for _, err := range []error{listErr} {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("got %v, want a 401 *APIError", err)
		}
		for _, secret := range []string{apiKey, sessionKey} {
			if strings.Contains(err.Error(), secret) || strings.Contains(string(apiErr.Body), secret) {
				t.Errorf("the error carries a credential the server echoed: %s", err)
			}
		}
		if !strings.Contains(apiErr.Message, "bad credentials: Bearer "+redacted) {
			t.Errorf("message %q: the rest of the server's words should stay", apiErr.Message)
		}
	}
}

// TestJSONEscapedEchoIsRedacted: a server that echoes the key with every
// character JSON-escaped (which decoding turns back into the key) gets it
// into neither the message nor the body excerpt.
func TestJSONEscapedEchoIsRedacted(t *testing.T) {
	const key = "sk-abc/0123456789"
	body := `{"detail":"bad key ` + jsonSpell(key, ^uint64(0)) + ` and ` + jsonSpell(key, 0xaa) + `"}`
	e := echoedError(key, body)
	if strings.Contains(e.Error(), key) || strings.Contains(decodedDetail(e.Body), key) {
		t.Fatalf("the key leaked: %s / %s", e.Error(), e.Body)
	}
	if !strings.Contains(e.Message, "bad key "+redacted+" and "+redacted) {
		t.Errorf("message %q: the rest of the server's words should stay", e.Message)
	}
}

// jsonSpell spells s as a JSON string's content, escaping character i as
// \uXXXX (or '/' as \/) when bit i%64 of mask is set.
func jsonSpell(s string, mask uint64) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case mask&(1<<(uint(i)%64)) == 0:
			b.WriteRune(r)
		case r == '/' && i%2 == 0:
			b.WriteString(`\/`)
		default:
			fmt.Fprintf(&b, `\u%04X`, r)
		}
	}
	return b.String()
}

func echoedError(key, body string) *APIError {
	req, _ := http.NewRequest(http.MethodGet, "http://app.test/api/settings", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp := &http.Response{StatusCode: 401, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}
	return errorFromResponse("getSettings", hostApp, resp)
}

func decodedDetail(body []byte) string {
	var v struct{ Detail string }
	_ = json.Unmarshal(body, &v)
	return v.Detail
}

// FuzzRedactCredentials: a key echoed in an error answer, in any JSON
// spelling, among any other words, reaches neither the error's message
// nor its decoded body.
func FuzzRedactCredentials(f *testing.F) {
	f.Add("sk-0123456789abcdef", "bad key ", " rejected", uint64(0))
	f.Add("sk-0123456789abcdef", "", "", ^uint64(0))
	f.Add("a/b/c/d/e/f/g/h", "x", "y", uint64(0x5555))
	f.Add("aaaaaaaa", "aaaa", "aaaa", uint64(0xf0))
	f.Fuzz(func(t *testing.T, key, before, after string, mask uint64) {
		if len(key) < minCredentialLen || strings.Trim(key, keyAlphabet) != "" {
			t.Skip("not a key's alphabet")
		}
		quote := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
		body := `{"detail":"` + quote(before) + jsonSpell(key, mask) + quote(after) + `"}`
		e := echoedError(key, body)
		if strings.Contains(e.Message, key) || strings.Contains(e.Error(), key) {
			t.Fatalf("message carries the key: %q (body %s)", e.Message, body)
		}
		if strings.Contains(decodedDetail(e.Body), key) {
			t.Fatalf("decoded body carries the key: %s (from %s)", e.Body, body)
		}
	})
}

// keyAlphabet is what API keys, session keys and tokens are made of.
const keyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+=~"
