package faults

import (
	"net/http"
	"strconv"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

// row is one fault of the matrix. make builds the simulator fault (the
// path, method and count are the column's to set).
type row struct {
	name string
	make func() sim.Fault
	// persistent faults hit every matching request; the others hit one.
	persistent bool
}

func statusFault(code int, contentType, body string, header http.Header) func() sim.Fault {
	return func() sim.Fault {
		return sim.Fault{Kind: sim.FaultStatus, Status: code, ContentType: contentType, Body: []byte(body), Header: header}
	}
}

func kindFault(k sim.FaultKind) func() sim.Fault {
	return func() sim.Fault { return sim.Fault{Kind: k} }
}

const (
	contentJSON = "application/json"
	contentHTML = "text/html; charset=utf-8"
	contentText = "text/plain; charset=utf-8"
)

// gatewayHTML is a proxy's error page, as nginx sends for 502 and 504.
const gatewayHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// rows are the faults, in the order of issue 7.
func rows() []row {
	rs := []row{
		{name: "429 Retry-After", make: statusFault(http.StatusTooManyRequests, contentJSON, `{"message":"Too many requests"}`,
			http.Header{"Retry-After": {"0.05"}})},
		{name: "429 X-RateLimit-Reset", make: func() sim.Fault {
			reset := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
			return statusFault(http.StatusTooManyRequests, contentJSON, `{"error":"Rate limit exceeded: 10 per 1 second"}`,
				http.Header{"X-Ratelimit-Limit": {"10 per 1 second"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}})()
		}},
	}
	for _, code := range []int{500, 502, 503, 504} {
		name := strconv.Itoa(code)
		html := sim.MaintenanceHTML
		if code != 500 {
			html = gatewayHTML
		}
		rs = append(rs,
			row{name: name + " JSON", make: statusFault(code, contentJSON, `{"detail":"`+http.StatusText(code)+`"}`, nil)},
			row{name: name + " HTML", make: statusFault(code, contentHTML, html, nil)},
			row{name: name + " text", make: statusFault(code, contentText, http.StatusText(code), nil)},
		)
	}
	return append(rs,
		row{name: "reset before headers", make: kindFault(sim.FaultResetBeforeHeaders)},
		row{name: "reset after headers", make: kindFault(sim.FaultResetAfterHeaders)},
		row{name: "reset mid-body", make: kindFault(sim.FaultTruncatedBody)},
		row{name: "truncated JSON", make: kindFault(sim.FaultMalformedJSON)},
		row{name: "slow headers > timeout", make: func() sim.Fault {
			return sim.Fault{Kind: sim.FaultLatency, Latency: 3 * tryTimeout}
		}},
		row{name: "slow body > timeout", make: func() sim.Fault {
			return sim.Fault{Kind: sim.FaultSlowBody, ChunkSize: 4, ChunkDelay: 3 * tryTimeout}
		}},
		row{name: "200 text/html", make: kindFault(sim.FaultHTML200)},
		row{name: "200 null", make: statusFault(http.StatusOK, contentJSON, "null", nil)},
		row{name: "20 MB error body", make: func() sim.Fault {
			return sim.Fault{Kind: sim.FaultOversizedBody, Status: http.StatusInternalServerError, Size: sim.DefaultOversizedBody}
		}},
		row{name: "invalid UTF-8", make: kindFault(sim.FaultInvalidUTF8)},
		row{name: "malformed JSON", make: func() sim.Fault {
			return sim.Fault{Kind: sim.FaultMalformedJSON, Body: []byte(`{"status": ok, "conversation_id": }`)}
		}},
		row{name: "503 JSON, every try", persistent: true, make: statusFault(503, contentJSON, `{"detail":"Service Unavailable"}`, nil)},
		row{name: "reset before headers, every try", persistent: true, make: kindFault(sim.FaultResetBeforeHeaders)},
	)
}
