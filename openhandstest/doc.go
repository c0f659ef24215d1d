// Package openhandstest runs a fake OpenHands V0 server for your tests: the
// simulator this module's own tests use, on a loopback port, so code built on
// package wrapper can be tested offline, quickly and deterministically.
//
//	func TestMyBot(t *testing.T) {
//		srv := openhandstest.NewServer(t, openhandstest.WithSampleData())
//		c := srv.Client()
//		... // your code, given c (or srv.URL and srv.APIKey())
//	}
//
// The server follows the real V0 server's documented behaviour: 200 null for
// a missing conversation, FastAPI's 422 bodies, events paging, a scripted
// agent that runs each new conversation to STOPPED with realistic events
// (messages, commands, file edits, costs), and, in hosted mode, bearer API
// keys and one runtime host per running conversation.
//
// Options choose what it plays: WithAPIKey (the hosted service, accepting
// only that key: a wrong key is a 401), WithSessionAPIKey (a self-hosted
// server with SESSION_API_KEY), WithSampleData (settings, secrets and
// conversations in every state), WithBulkConversation (a running
// conversation of any number of generated events), WithFault and
// Server.InjectFault (5xx, 429, HTML pages, resets, slow or truncated
// bodies, on the routes you name), WithLatency and WithTiming. Server.Count
// and Server.Arrivals tell which requests arrived, to check retries or that
// something was not called.
//
// By default a new conversation is RUNNING at once and STOPPED as soon as it
// is looked at again (WithTiming(0, 0)), so Wait returns on its first poll.
// The same switches exist on the command line: `openhands-v0 sim serve
// --help`.
package openhandstest
