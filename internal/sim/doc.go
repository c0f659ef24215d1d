// Package sim is an in-memory simulator of the OpenHands V0 server, for
// tests, cassette recording, fault injection and load tests where no real
// V0 server is reachable.
//
// A *Server is an http.Handler that serves the app host and, below
// /runtime/<runtime_id>, one runtime host per running conversation, each with
// its own session key. It follows the upstream server's documented behaviour
// (reference/v0-api.md): 200 null for a missing conversation, true/false from
// DELETE, FastAPI's 422 bodies for unknown fields, events paging with
// start_id/end_id/reverse/limit and has_more, an opaque list cursor mixing V1
// conversations into V0 listings, url and session_api_key only while a
// conversation runs, the hosted service's HTML maintenance page on runtime-only
// routes, the web app's index.html on unknown GETs, and both rate limiters.
//
// Every JSON body it reads or writes goes through the generated models of
// package api, so it speaks exactly what spec/openapi.yaml says.
//
// Time is injectable (Clock): a conversation's lifecycle (STARTING, RUNNING,
// STOPPED) and the scripted agent's events are computed from timestamps when
// a request arrives, without goroutines, so a StepClock or ManualClock makes
// every response deterministic. Identifiers derive from a salt and counters,
// never from crypto/rand, so cassettes recorded from the simulator are
// byte-identical across runs.
//
// Faults (latency, error statuses, HTML pages, connection resets, truncated,
// slow, oversized or malformed bodies) are switched on per route with
// InjectFault, and every request is recorded (Arrivals, Count).
package sim
