package openhandstest

import "github.com/openhands-go/openhands-v0/internal/sim"

// Fault is a misbehaviour injected into matching requests. Its fields:
//
//   - Kind: what happens (FaultStatus, FaultSlowBody, ...).
//   - Method ("" for any), Path (an exact path, a prefix ending in "*", or
//     segments written {name} matching any one segment, e.g.
//     "/api/conversations/{id}/events"; "" for every path), Host (HostApp,
//     HostRuntime or HostAny): which requests.
//   - Times: how many matching requests it hits; 0 means every one until
//     ClearFaults.
//   - Latency: waited first, whatever the kind.
//   - Status, ContentType, Body, Header: FaultStatus's answer (Body also
//     replaces FaultMalformedJSON's); Status and ContentType also shape
//     FaultOversizedBody.
//   - Size: FaultOversizedBody's body size, or the bytes FaultTruncatedBody
//     sends.
//   - ChunkSize, ChunkDelay: FaultSlowBody's pace.
type Fault = sim.Fault

// FaultKind is what a Fault does.
type FaultKind = sim.FaultKind

// The kinds of fault. Every kind first waits Fault.Latency, if set.
const (
	// FaultLatency waits Fault.Latency, then answers normally.
	FaultLatency = sim.FaultLatency
	// FaultStatus answers Fault.Status (default 500) with Fault.Body as
	// Fault.ContentType (default application/json) and Fault.Header.
	FaultStatus = sim.FaultStatus
	// FaultHTML200 answers 200 text/html, as a host without V0 does.
	FaultHTML200 = sim.FaultHTML200
	// FaultResetBeforeHeaders resets the connection before any byte.
	FaultResetBeforeHeaders = sim.FaultResetBeforeHeaders
	// FaultResetAfterHeaders sends the real headers, then resets.
	FaultResetAfterHeaders = sim.FaultResetAfterHeaders
	// FaultTruncatedBody closes the connection after Fault.Size body bytes
	// (default half) of the real answer.
	FaultTruncatedBody = sim.FaultTruncatedBody
	// FaultSlowBody sends the real answer Fault.ChunkSize bytes (default 64)
	// at a time, Fault.ChunkDelay (default 50ms) apart: a download's
	// progress can be watched.
	FaultSlowBody = sim.FaultSlowBody
	// FaultOversizedBody answers Fault.Status with a Fault.Size-byte body.
	FaultOversizedBody = sim.FaultOversizedBody
	// FaultInvalidUTF8 puts invalid UTF-8 into the real answer's first JSON
	// string.
	FaultInvalidUTF8 = sim.FaultInvalidUTF8
	// FaultMalformedJSON cuts the real answer's JSON in half.
	FaultMalformedJSON = sim.FaultMalformedJSON
)

// HostKind restricts a Fault to the app host or the runtime hosts.
type HostKind = sim.HostKind

// The hosts a Fault or an Arrival names.
const (
	HostAny     = sim.HostAny
	HostApp     = sim.HostApp
	HostRuntime = sim.HostRuntime
)

// Arrival is one request the server received: when, method, path (relative
// to its host), which host, the status sent and the fault applied.
type Arrival = sim.Arrival

// ParseFault reads a fault in the form of `sim serve --fault`:
// "KIND[,key=value...]", e.g. "status,status=503,path=/api/conversations,times=2".
func ParseFault(spec string) (Fault, error) { return sim.ParseFault(spec) }
