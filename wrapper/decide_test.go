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
