package wrapper

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

func TestCheckRedirect(t *testing.T) {
	req := func(method, raw string) *http.Request {
		u, _ := url.Parse(raw)
		return &http.Request{Method: method, URL: u, Response: &http.Response{StatusCode: 302}}
	}
	for _, tc := range []struct {
		name   string
		first  *http.Request
		next   string
		hops   int
		refuse bool
	}{
		{"same origin GET", req("GET", "http://app.test/a"), "http://app.test/b", 1, false},
		{"default port spelled out", req("GET", "https://app.test/a"), "https://APP.test:443/b", 1, false},
		{"another host", req("GET", "http://app.test/a"), "http://evil.test/a", 1, true},
		{"another port", req("GET", "http://app.test/a"), "http://app.test:8080/a", 1, true},
		{"scheme upgrade", req("GET", "http://app.test/a"), "https://app.test/a", 1, true},
		{"a POST", req("POST", "http://app.test/a"), "http://app.test/b", 1, true},
		{"a DELETE", req("DELETE", "http://app.test/a"), "http://app.test/b", 1, true},
		{"too many hops", req("GET", "http://app.test/a"), "http://app.test/b", maxRedirects + 1, true},
	} {
		via := []*http.Request{tc.first}
		for len(via) < tc.hops {
			via = append(via, tc.first)
		}
		err := CheckRedirect(req("GET", tc.next), via)
		var apiErr *APIError
		if refused := errors.Is(err, ErrRedirectRefused); refused != tc.refuse || (refused && (!errors.As(err, &apiErr) || apiErr.StatusCode != 302)) {
			t.Errorf("%s: CheckRedirect = %v, want refused %v with status 302", tc.name, err, tc.refuse)
		}
	}
}

// TestRedirectPolicyKeepsTheCallersOwn: a client given with WithHTTPClient
// keeps its CheckRedirect, which runs after the SDK's.
func TestRedirectPolicyKeepsTheCallersOwn(t *testing.T) {
	own := errors.New("the caller's policy")
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/moved" {
			http.Redirect(w, r, "/moved", http.StatusFound)
			return
		}
		stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID})
	}, WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return own }}))
	if _, err := s.c.GetConversation(context.Background(), stubConvID); !errors.Is(err, own) {
		t.Fatalf("got %v, want the caller's policy to have refused the same-origin redirect", err)
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return out.Bytes()
}

// TestAnswerBounds: a decoded answer of exactly the bound decodes, one byte
// more fails; a gzip answer decodes unless it inflates past the ratio.
func TestAnswerBounds(t *testing.T) {
	info := []byte(`{"conversation_id":"` + stubConvID + `","title":"` + strings.Repeat("t", 1000) + `"}`)
	type answer struct {
		body []byte
		gz   bool
	}
	var current atomic.Pointer[answer]
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		a := current.Load()
		w.Header().Set("Content-Type", "application/json")
		if a.gz {
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Write(a.body)
	})
	get := func(opts ...Option) error {
		c, err := New(append([]Option{WithBaseURL(s.srv.URL), WithRetry(NoRetry())}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetConversation(context.Background(), stubConvID)
		return err
	}
	current.Store(&answer{body: info})
	if err := get(WithAnswerLimits(AnswerLimits{MaxBytes: int64(len(info))})); err != nil {
		t.Errorf("an answer of exactly the bound: %v", err)
	}
	if err := get(WithAnswerLimits(AnswerLimits{MaxBytes: int64(len(info) - 1)})); !errors.Is(err, ErrUnexpectedResponse) {
		t.Errorf("an answer one byte past the bound: %v, want ErrUnexpectedResponse", err)
	}
	current.Store(&answer{body: gzipped(t, info), gz: true})
	if err := get(); err != nil {
		t.Errorf("a gzip answer: %v", err)
	}
	big := []byte(`{"conversation_id":"` + stubConvID + `","title":"` + strings.Repeat("t", 4<<20) + `"}`)
	bomb := gzipped(t, big)
	current.Store(&answer{body: bomb, gz: true})
	if err := get(); !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), "inflated") {
		t.Errorf("a gzip answer inflating %d times: %v, want the inflation bound", len(big)/len(bomb), err)
	}
	if err := get(WithAnswerLimits(AnswerLimits{MaxInflation: 100000})); err != nil {
		t.Errorf("the same with the ratio raised: %v", err)
	}
	if _, err := New(WithAnswerLimits(AnswerLimits{MaxBytes: -1})); err == nil {
		t.Error("New accepted a negative bound")
	}
}

// TestWalksThatStopMoving: every paginated walk stops with ErrNoProgress
// when the server's pages do not advance, after a bounded number of pages.
func TestWalksThatStopMoving(t *testing.T) {
	ctx := context.Background()
	page := func(hasMore bool, ids ...int) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			evs := make([]api.Event, len(ids))
			for i, id := range ids {
				evs[i] = api.Event{ID: id, Source: "agent"}
			}
			stubJSON(w, 200, api.EventPage{Events: evs, HasMore: hasMore})
		}
	}
	drain := func(seq func(func(api.Event, error) bool)) (n int, err error) {
		for _, e := range seq {
			if e != nil {
				return n, e
			}
			n++
		}
		return n, nil
	}
	for _, tc := range []struct {
		name    string
		h       http.HandlerFunc
		reverse bool
		yielded int
	}{
		{"forward page repeats", page(true, 0, 1, 2), false, 3},
		{"reverse stuck on one id", page(true, 5), true, 1},
		{"forward at the largest id", page(true, math.MaxInt), false, 0},
	} {
		s := newStub(t, tc.h, WithHostPolicy(HostApp))
		seq := s.c.Events(ctx, stubConvID, EventRange{})
		if tc.reverse {
			seq = s.c.EventsReverse(ctx, stubConvID, EventRange{})
		}
		n, err := drain(seq)
		if !errors.Is(err, ErrNoProgress) || !errors.Is(err, ErrUnexpectedResponse) || n != tc.yielded {
			t.Errorf("%s: %d events then %v; want %d events (none twice) then ErrNoProgress", tc.name, n, err, tc.yielded)
		}
		var out bytes.Buffer
		if !tc.reverse {
			if _, err := s.c.ExportEvents(ctx, stubConvID, &out, EventRange{}); !errors.Is(err, ErrNoProgress) || strings.Count(out.String(), "\n") != tc.yielded {
				t.Errorf("%s: ExportEvents wrote %d lines, %v", tc.name, strings.Count(out.String(), "\n"), err)
			}
		}
	}

	for _, v1 := range []bool{false, true} {
		var served atomic.Int32
		s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
			pages := served.Add(1)
			var res []api.ConversationInfo
			if v1 {
				res = append(res, api.ConversationInfo{ConversationID: fmt.Sprint("v1-", pages), ConversationVersion: "V1"})
			}
			stubJSON(w, 200, api.ConversationInfoResultSet{Results: res, NextPageID: fmt.Sprint("p", pages)})
		})
		_, err := s.c.ListConversations(ctx, ListOptions{})
		if !errors.Is(err, ErrNoProgress) || len(s.requests()) != maxBarrenPages {
			t.Errorf("V1 pages %v: %v after %d pages; want ErrNoProgress after %d", v1, err, len(s.requests()), maxBarrenPages)
		}
	}
}

// TestRequestTimeoutEndsADrip: a body that never ends, with the silence
// timeout off, is ended by the whole-request bound.
func TestRequestTimeoutEndsADrip(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"title":"`)
		for r.Context().Err() == nil {
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}, WithRequestTimeout(50e6), WithTimeout(0))
	_, err := s.c.GetConversation(context.Background(), stubConvID)
	var to *timeoutError
	if !errors.As(err, &to) || !to.whole || !strings.Contains(err.Error(), "in all") {
		t.Fatalf("got %v, want the whole-request timeout", err)
	}
}
