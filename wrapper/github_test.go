package wrapper

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// githubStub is a GitHub API at a GitHub Enterprise-style base path.
func githubStub(t *testing.T, h http.HandlerFunc, token string) (*stub, *Client) {
	t.Helper()
	s := newStub(t, h)
	c, err := New(WithBaseURL("http://localhost:3000"), WithAPIKey(stubAPIKey), WithGitHub(s.srv.URL+"/api/v3", token))
	if err != nil {
		t.Fatal(err)
	}
	setRetrySleep(c, s.sleep)
	return s, c
}

func TestPostGitHubComment(t *testing.T) {
	s, c := githubStub(t, func(w http.ResponseWriter, _ *http.Request) {
		stubJSON(w, 201, map[string]any{"id": 1, "body": "done"})
	}, "ghp-test-token")
	if err := c.PostGitHubComment(context.Background(), "octo/hello", 95, "Conversation started, see [it](http://x)"); err != nil {
		t.Fatalf("PostGitHubComment: %v", err)
	}
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/api/v3/repos/octo/hello/issues/95/comments" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if string(r.Body) != `{"body":"Conversation started, see [it](http://x)"}` {
		t.Errorf("body %s", r.Body)
	}
	for h, want := range map[string]string{
		"Authorization": "Bearer ghp-test-token", "Accept": "application/vnd.github+json", "Content-Type": "application/json",
		"X-Session-API-Key": "",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
}

func TestPostGitHubCommentErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("not found", func(t *testing.T) {
		_, c := githubStub(t, func(w http.ResponseWriter, _ *http.Request) {
			stubJSON(w, 404, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
		}, "t")
		err := c.PostGitHubComment(ctx, "octo/hello", 1, "x")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Operation != "githubComment" || apiErr.Host != hostGitHub || apiErr.Message != "Not Found" {
			t.Fatalf("err = %#v", err)
		}
		checkSentinels(t, err, ErrNotFound)
	})
	t.Run("a POST is not repeated", func(t *testing.T) {
		s, c := githubStub(t, func(w http.ResponseWriter, _ *http.Request) {
			stubRaw(w, 502, "text/html", "<html><title>502 Bad Gateway</title></html>")
		}, "t")
		if err := c.PostGitHubComment(ctx, "octo/hello", 1, "x"); !errors.Is(err, ErrServer) {
			t.Errorf("err = %v", err)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("GitHub saw %d POSTs, want 1", n)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		s, c := githubStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 201, nil) }, "t")
		for _, in := range []struct {
			repo  string
			issue int
			body  string
		}{{"octo", 1, "x"}, {"octo/hello/x", 1, "x"}, {"octo/..", 1, "x"}, {"octo/hel lo", 1, "x"}, {"/hello", 1, "x"}, {"octo/hello", 0, "x"}, {"octo/hello", -3, "x"}, {"octo/hello", 1, ""}} {
			if err := c.PostGitHubComment(ctx, in.repo, in.issue, in.body); !errors.Is(err, ErrValidation) {
				t.Errorf("PostGitHubComment(%q, %d, %q) = %v, want ErrValidation", in.repo, in.issue, in.body, err)
			}
		}
		if n := len(s.requests()); n != 0 {
			t.Errorf("%d requests for bad input", n)
		}
	})
	t.Run("no token", func(t *testing.T) {
		s, c := githubStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 201, nil) }, "")
		if err := c.PostGitHubComment(ctx, "octo/hello", 1, "x"); !errors.Is(err, ErrMissingGitHubToken) {
			t.Errorf("err = %v, want ErrMissingGitHubToken", err)
		}
		if n := len(s.requests()); n != 0 {
			t.Errorf("%d requests without a token", n)
		}
	})
}
