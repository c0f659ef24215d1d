// Package contract is the contract harness of the OpenHands V0 SDK: named
// scenarios of SDK calls (package wrapper) whose HTTP exchanges are recorded
// as go-vcr cassettes, replayed offline, or made against a live server, and
// checked one by one against spec/openapi.yaml.
//
// Three ways to run (Run, RunOptions.Mode):
//
//   - ModeReplay (the default, `make contract`): each scenario replays its
//     cassette, cassettes/<scenario>.yaml, with recorder.ModeReplayOnly and no
//     simulated latency. A missing cassette, a request the cassette does not
//     hold, or a recorded request the scenario no longer makes fails the
//     scenario; nothing goes to the network. Requests match on method, path,
//     canonical query and JSON body (matcher), never on the host, so
//     exchanges with a conversation's runtime host replay wherever they were
//     recorded; identical polls replay in recorded order.
//   - ModeSimulator: each scenario runs against its own fresh simulator
//     (internal/sim) on loopback, with a clock that moves one second per
//     request. With Record it rewrites the cassettes (Record, `make record`),
//     byte for byte the same on every run.
//   - ModeLive: the scenarios run against a live V0 server (BaseURL and
//     credentials). Scenarios that create, start, change or delete run only
//     with AllowWrites and undo what they did even when they fail; scenarios
//     that need a behaviour only the simulator can be asked for (SimOnly) are
//     skipped. With Record the run rewrites the cassettes of the scenarios
//     that passed.
//
// Every exchange goes through a validating transport (spec.Validator:
// kin-openapi's openapi3filter with undeclared statuses and content types
// counted as failures, text/html read as text, servers ignored). Scenarios
// declare the violations they cause on purpose (Scenario.Expect); those are
// reported as expected, and one that does not happen fails the scenario.
// Response fields the spec does not declare are reported as drift.
//
// The Report has one row per spec operation (scenarios, statuses seen,
// violations, undeclared fields, result), one per scenario, and a verdict;
// it prints as an aligned table (WriteTable) and is written as Markdown and
// JSON.
//
// Secrets never reach a cassette: before a recording is saved, scrub removes
// credential headers and replaces secret JSON fields, secret query
// parameters, every value found in them, the credentials of the run and
// anything shaped like a token, on copies of the recorder's maps.
//
// Probe classifies a host from its answers to the safe V0 GETs (V0, the web
// app's HTML, 401, 404, 405, 5xx); Drift compares a server's /openapi.json
// with the spec using oasdiff (internal/drift).
package contract
