package ghcomment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

type seen struct {
	method, path, body string
	header             http.Header
}

func server(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var reqs []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, seen{r.Method, r.URL.Path, string(b), r.Header.Clone()})
		mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), reqs...) }
}

func TestPostSendsOneComment(t *testing.T) {
	srv, reqs := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":1}`)
	})
	c := Client{HTTP: srv.Client(), API: srv.URL + "/api/v3/", Token: "ghp-test-token", UserAgent: "openhands-v0/test"}
	if err := c.Post(context.Background(), "octo/hello", 95, "Conversation started, see [it](http://x)"); err != nil {
		t.Fatal(err)
	}
	got := reqs()
	if len(got) != 1 || got[0].method != "POST" || got[0].path != "/api/v3/repos/octo/hello/issues/95/comments" ||
		got[0].body != `{"body":"Conversation started, see [it](http://x)"}` {
		t.Fatalf("requests %+v", got)
	}
	for h, want := range map[string]string{"Authorization": "Bearer ghp-test-token", "Accept": "application/vnd.github+json",
		"Content-Type": "application/json", "User-Agent": "openhands-v0/test"} {
		if v := got[0].header.Get(h); v != want {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
}

func TestPostErrors(t *testing.T) {
	ctx := context.Background()
	const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	srv, reqs := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message":"Bad credentials: %s"}`, r.Header.Get("Authorization"))
	})
	c := Client{HTTP: srv.Client(), API: srv.URL, Token: token}
	err := c.Post(ctx, "octo/hello", 1, "x")
	var ghErr *Error
	if !errors.As(err, &ghErr) || ghErr.StatusCode != 401 || strings.Contains(err.Error(), token) || !strings.Contains(ghErr.Message, "Bad credentials") {
		t.Fatalf("err = %v, want a 401 *Error without the token", err)
	}
	before := len(reqs())
	for _, in := range []struct {
		repo  string
		issue int
		body  string
	}{{"octo", 1, "x"}, {"octo/hello/x", 1, "x"}, {"octo/..", 1, "x"}, {"octo/hel lo", 1, "x"}, {"/hello", 1, "x"}, {"octo/hello", 0, "x"}, {"octo/hello", 1, ""}} {
		if err := c.Post(ctx, in.repo, in.issue, in.body); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Post(%q, %d, %q) = %v, want ErrInvalidInput", in.repo, in.issue, in.body, err)
		}
	}
	if err := (Client{HTTP: srv.Client(), API: srv.URL}).Post(ctx, "octo/hello", 1, "x"); !errors.Is(err, ErrMissingToken) {
		t.Errorf("no token: %v", err)
	}
	if n := len(reqs()) - before; n != 0 {
		t.Errorf("%d requests for refused input", n)
	}
}
