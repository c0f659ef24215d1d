//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

// rawGet sends a GET with a fresh connection and reads the whole answer.
func rawGet(t *testing.T, url string) (*http.Response, []byte, error) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequestWithContext(ctx(t), "GET", url, nil)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestFaultKinds(t *testing.T) {
	const path = "/api/options/agents"
	normal := `["BrowsingAgent","CodeActAgent","DummyAgent","LocAgent","ReadOnlyAgent","VisualBrowsingAgent"]`
	cases := []struct {
		fault sim.Fault
		check func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{sim.Fault{Kind: sim.FaultLatency, Latency: 30 * time.Millisecond}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || string(body) != normal {
				t.Errorf("latency: %v %s", err, body)
			}
		}},
		{sim.Fault{Kind: sim.FaultStatus, Status: 503, Body: []byte(`{"error":"busy"}`), Header: http.Header{"Retry-After": {"7"}}}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "7" || string(body) != `{"error":"busy"}` || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status: %v %v %s", err, resp, body)
			}
		}},
		{sim.Fault{Kind: sim.FaultStatus, Status: 502, ContentType: "text/html; charset=utf-8", Body: []byte(sim.MaintenanceHTML)}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("html status: %v %v", err, resp)
			}
		}},
		{sim.Fault{Kind: sim.FaultHTML200}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || string(body) != sim.IndexHTML {
				t.Errorf("html 200: %v %v", err, resp)
			}
		}},
		{sim.Fault{Kind: sim.FaultResetBeforeHeaders}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err == nil {
				t.Errorf("reset before headers: got %d", resp.StatusCode)
			}
		}},
		{sim.Fault{Kind: sim.FaultResetAfterHeaders}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if resp == nil || resp.StatusCode != 200 || err == nil {
				t.Errorf("reset after headers: %v %v", resp, err)
			}
		}},
		{sim.Fault{Kind: sim.FaultTruncatedBody, Size: 10}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if resp == nil || !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != normal[:10] || resp.ContentLength != int64(len(normal)) {
				t.Errorf("truncated: %v %q %v", resp, body, err)
			}
		}},
		{sim.Fault{Kind: sim.FaultSlowBody, ChunkSize: 16, ChunkDelay: time.Millisecond}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || string(body) != normal {
				t.Errorf("slow: %v %s", err, body)
			}
		}},
		{sim.Fault{Kind: sim.FaultOversizedBody, Size: 3 << 20}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			var v api.ErrorMessage
			if err != nil || resp.StatusCode != 500 || len(body) != 3<<20 || json.Unmarshal(body, &v) != nil {
				t.Errorf("oversized: %v %d bytes", err, len(body))
			}
		}},
		{sim.Fault{Kind: sim.FaultOversizedBody}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || len(body) != sim.DefaultOversizedBody {
				t.Errorf("oversized default: %v %d bytes", err, len(body))
			}
		}},
		{sim.Fault{Kind: sim.FaultInvalidUTF8}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || utf8.Valid(body) || resp.StatusCode != 200 {
				t.Errorf("invalid utf-8: %v %q", err, body)
			}
		}},
		{sim.Fault{Kind: sim.FaultMalformedJSON}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || json.Valid(body) || resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) {
				t.Errorf("malformed: %v %q", err, body)
			}
		}},
	}
	kinds := map[sim.FaultKind]bool{}
	for _, tc := range cases {
		t.Run(string(tc.fault.Kind), func(t *testing.T) {
			e := newEnv(t)
			f := tc.fault
			f.Method, f.Path, f.Times = "GET", path, 1
			e.srv.InjectFault(f)
			resp, body, err := rawGet(t, e.base+path)
			tc.check(t, resp, body, err)
			if _, body, err := rawGet(t, e.base+path); err != nil || string(body) != normal {
				t.Errorf("the fault outlived its one hit: %v %s", err, body)
			}
			arr := e.srv.Arrivals()
			if len(arr) != 2 || arr[0].Fault != f.Kind || arr[1].Fault != "" {
				t.Errorf("arrivals: %+v", arr)
			}
		})
		kinds[tc.fault.Kind] = true
	}
	for _, k := range sim.FaultKinds() {
		if !kinds[k] {
			t.Errorf("fault kind %s is not tested", k)
		}
	}
}

func TestFaultMatching(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	e.srv.InjectFault(sim.Fault{Kind: sim.FaultStatus, Status: 418, Method: "POST", Path: "/api/conversations/{id}/stop", Times: 2})
	e.srv.InjectFault(sim.Fault{Kind: sim.FaultStatus, Status: 429, Path: "/api/user/*", Body: []byte(`{"message":"Too many requests"}`)})
	e.srv.InjectFault(sim.Fault{Kind: sim.FaultStatus, Status: 502, Host: sim.HostRuntime})
	id := strings.Repeat("ab", 16)
	for i, want := range []int{418, 418, 200} {
		if r, _ := e.client.StopConversationWithResponse(ctx(t), id); r.StatusCode() != want {
			t.Errorf("stop %d: %d, want %d", i, r.StatusCode(), want)
		}
	}
	if r, _ := e.client.GetUserInfoWithResponse(ctx(t)); r.StatusCode() != 429 {
		t.Errorf("prefix fault: %d", r.StatusCode())
	}
	if r, _ := e.client.GetSettingsWithResponse(ctx(t)); r.StatusCode() != 200 {
		t.Errorf("a fault hit an unmatched route: %d", r.StatusCode())
	}
	if status, _, _ := e.do("GET", "/runtime/0123/alive", "", ""); status != 502 {
		t.Errorf("runtime host fault: %d", status)
	}
	if arr := e.srv.Arrivals(); arr[len(arr)-1].Host != sim.HostRuntime || arr[len(arr)-1].RuntimeID != "0123" || arr[len(arr)-1].Path != "/alive" {
		t.Errorf("runtime arrival: %+v", arr[len(arr)-1])
	}
	if n := len(e.srv.PendingFaults()); n != 2 {
		t.Errorf("%d faults pending, want 2", n)
	}
	if n := e.srv.Count("POST", "/api/conversations/{id}/stop"); n != 3 {
		t.Errorf("Count(stop) = %d", n)
	}
	if n := e.srv.Count("", "*"); n != len(e.srv.Arrivals()) {
		t.Errorf("Count(all) = %d", n)
	}
	e.srv.ClearFaults()
	if r, _ := e.client.GetUserInfoWithResponse(ctx(t)); r.StatusCode() != 200 {
		t.Errorf("after ClearFaults: %d", r.StatusCode())
	}
	e.srv.ResetArrivals()
	if len(e.srv.Arrivals()) != 0 {
		t.Error("ResetArrivals kept arrivals")
	}
}

func TestPostArrivesOnce(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	e.srv.InjectFault(sim.Fault{Kind: sim.FaultResetAfterHeaders, Method: "POST", Path: "/api/conversations", Times: 1})
	if _, err := e.client.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{}); err == nil {
		t.Fatal("create survived a reset")
	}
	if n := e.srv.Count("POST", "/api/conversations"); n != 1 {
		t.Errorf("POST arrived %d times", n)
	}
	arr := e.srv.Arrivals()
	if arr[0].Status != 200 || arr[0].Fault != sim.FaultResetAfterHeaders {
		t.Errorf("arrival: %+v", arr[0])
	}
}

func TestMatchPath(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"", "/x", true},
		{"*", "/x", true},
		{"/api/settings", "/api/settings", true},
		{"/api/settings", "/api/settings/x", false},
		{"/api/conversations/*", "/api/conversations/abc/events", true},
		{"/api/conversations/{id}", "/api/conversations/abc", true},
		{"/api/conversations/{id}", "/api/conversations/abc/events", false},
		{"/api/conversations/{id}/events", "/api/conversations//events", false},
		{"/api/conversations/{id}/ev*", "/api/conversations/abc/events", true},
		{"/api/conversations/{id}/ev*", "/api/conversations", false},
	}
	for _, tc := range cases {
		if got := sim.MatchPath(tc.pattern, tc.path); got != tc.want {
			t.Errorf("MatchPath(%q, %q) = %v", tc.pattern, tc.path, got)
		}
	}
}
