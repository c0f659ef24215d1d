package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFault(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want Fault
	}{
		{"slow-body,path=/api/conversations/{id}/trajectory,chunk-delay=20ms,chunk-size=128",
			Fault{Kind: FaultSlowBody, Path: "/api/conversations/{id}/trajectory", ChunkDelay: 20 * time.Millisecond, ChunkSize: 128}},
		{"kind=status,status=503,method=get,times=2,host=runtime,header=Retry-After: 1,body={\"x\":1}",
			Fault{Kind: FaultStatus, Status: 503, Method: "GET", Times: 2, Host: HostRuntime,
				Header: http.Header{"Retry-After": {"1"}}, Body: []byte(`{"x":1}`)}},
		{"oversized-body,size=1024,content-type=text/html,latency=1s",
			Fault{Kind: FaultOversizedBody, Size: 1024, ContentType: "text/html", Latency: time.Second}},
	} {
		got, err := ParseFault(tc.spec)
		if err != nil {
			t.Errorf("ParseFault(%q): %v", tc.spec, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseFault(%q) = %+v, want %+v", tc.spec, got, tc.want)
		}
	}
	for spec, why := range map[string]string{
		"":                      "unknown kind",
		"teapot":                "unknown kind",
		"path=/x":               "no kind",
		"status,status=42":      "not an HTTP status",
		"status,times=-1":       "not a whole number",
		"latency,latency=soon":  "not a duration",
		"status,colour=red":     "unknown key",
		"status,host=elsewhere": "neither app nor runtime",
		"status,header=NoColon": "not Name:Value",
		"status,/api/x":         "not key=value",
	} {
		if _, err := ParseFault(spec); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseFault(%q) = %v, want an error saying %q", spec, err, why)
		}
	}
}

func TestBuildTimeOptions(t *testing.T) {
	s := New(WithBulkConversation(12, 0), WithBulkConversation(3, 0),
		WithFault(Fault{Kind: FaultStatus, Status: 418, Path: "/api/options/config", Times: 1}))
	get := func(ctx context.Context, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil))
		return w
	}
	var page struct {
		Results []struct{ Title string } `json:"results"`
	}
	if err := json.Unmarshal(get(t.Context(), "/api/conversations").Body.Bytes(), &page); err != nil || len(page.Results) != 2 {
		t.Fatalf("listing: %+v %v, want the two bulk conversations", page, err)
	}
	if w := get(t.Context(), "/api/options/config"); w.Code != 418 {
		t.Errorf("first config call: %d, want the injected 418", w.Code)
	}
	if w := get(t.Context(), "/api/options/config"); w.Code != 200 {
		t.Errorf("second config call: %d, want 200 (the fault hits once)", w.Code)
	}

	// With latency, a request whose context is already over gets nothing.
	slow := New(WithLatency(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	w := httptest.NewRecorder()
	slow.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/options/config", nil))
	if w.Body.Len() != 0 || w.Code != 200 || w.Flushed {
		t.Errorf("a request cancelled during the latency was answered: %d %q", w.Code, w.Body)
	}
	if w := get(t.Context(), "/api/options/config"); w.Body.Len() == 0 {
		t.Error("without latency the same request is answered")
	}
}
