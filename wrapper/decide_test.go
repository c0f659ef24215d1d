package wrapper

import (
	"net/http"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// TestWorthRuntimeHostReadsTheOperationTable: the fallback decision comes
// from the spec's table (host and idempotency), not from the request.
func TestWorthRuntimeHostReadsTheOperationTable(t *testing.T) {
	apiErr := func(status int, html bool) error {
		return &APIError{StatusCode: status, kinds: kindsFor(status, html)}
	}
	for _, tc := range []struct {
		op   string
		err  error
		want bool
	}{
		{api.OpGetEvents, apiErr(http.StatusBadGateway, false), true},           // idempotent, either host
		{api.OpSendMessage, apiErr(http.StatusBadGateway, false), false},        // a POST may have been processed
		{api.OpSendMessage, apiErr(http.StatusInternalServerError, true), true}, // the maintenance page precedes any handler
		{api.OpSendMessage, apiErr(http.StatusMethodNotAllowed, false), true},   // no V0 here
		{api.OpGetEvents, apiErr(http.StatusNotFound, false), false},
		{api.OpGetSettings, apiErr(http.StatusMethodNotAllowed, false), false}, // an app-host operation
		{"runtimeHost", apiErr(http.StatusMethodNotAllowed, false), false},     // not an operation of the spec
	} {
		if got := worthRuntimeHost(tc.op, tc.err); got != tc.want {
			t.Errorf("worthRuntimeHost(%s, %v) = %v, want %v", tc.op, tc.err, got, tc.want)
		}
	}
}

// TestRepeatableReadsTheOperationTable: the transport finds a request's
// operation in api.Operations (below a runtime host's base path too, an
// escaped owner/name as one segment) and asks it whether it may be sent twice.
func TestRepeatableReadsTheOperationTable(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		op           string
		want         bool
	}{
		{"GET", "/api/conversations/abc/events", api.OpGetEvents, true},
		{"POST", "/runtime/xyz/api/conversations/abc/message", api.OpSendMessage, false},
		{"DELETE", "/api/secrets/NPM_TOKEN", api.OpDeleteSecret, true},
		{"GET", "/api/user/repository/acme%2Fapi/microagents", api.OpListRepositoryMicroagents, true},
		{"HEAD", "/alive", api.OpAlive, true},
		{"POST", "/repos/acme/ops/issues/1/comments", "", false}, // not the spec's: the method decides
		{"PUT", "/elsewhere", "", true},
	} {
		req, err := http.NewRequest(tc.method, "http://h.test"+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		op, ok := operationOf(req.Method, req.URL.EscapedPath())
		if ok != (tc.op != "") || op.ID != tc.op {
			t.Errorf("%s %s: operation %q (found %v), want %q", tc.method, tc.path, op.ID, ok, tc.op)
		}
		if got := repeatable(req); got != tc.want {
			t.Errorf("%s %s: repeatable = %v, want %v", tc.method, tc.path, got, tc.want)
		}
	}
}
