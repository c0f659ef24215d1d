package contract

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

// simStep is how far the simulator's clock moves per request: time passes
// only with requests, so a recording is the same on every run.
const simStep = time.Second

// recordingCredentials are the credentials a scenario's client sends when
// recording against the simulator or replaying: the recording API key for a
// hosted or removed server, the recording session key for a server with
// SESSION_API_KEY.
func recordingCredentials(setup SimSetup) (apiKey, sessionKey string) {
	if setup.Mode == sim.ModeHosted || setup.Mode == sim.ModeRemoved || setup.APIKey {
		apiKey = recordAPIKey
	}
	if setup.SessionAPIKey {
		sessionKey = recordSessionAPIKey
	}
	return apiKey, sessionKey
}

// simOptions turns a scenario's setup into simulator options.
func simOptions(setup SimSetup) []sim.Option {
	mode := setup.Mode
	if mode == "" {
		mode = sim.ModeOSS
	}
	opts := []sim.Option{
		sim.WithMode(mode),
		sim.WithClock(sim.NewStepClock(sim.DefaultEpoch, simStep)),
		sim.WithIDSalt(sim.DefaultIDSalt),
		// As a real server: a conversation whose agent is done stays RUNNING.
		sim.WithKeepRunning(),
	}
	if setup.SampleData {
		opts = append(opts, sim.WithSampleData())
	}
	if setup.APIKey {
		opts = append(opts, sim.WithAPIKey(recordAPIKey))
	}
	if setup.SessionAPIKey {
		opts = append(opts, sim.WithSessionAPIKey(recordSessionAPIKey))
	}
	if setup.Nested {
		opts = append(opts, sim.WithNestedRuntimes())
	}
	if setup.RateLimit {
		opts = append(opts, sim.WithRateLimit(true))
	}
	return opts
}

// simOrigin describes a simulator for a cassette's origin line.
func simOrigin(setup SimSetup) string {
	mode := setup.Mode
	if mode == "" {
		mode = sim.ModeOSS
	}
	return fmt.Sprintf("the simulator (internal/sim, mode %s, seed %s, clock from %s), by `make record`",
		mode, sim.DefaultIDSalt, sim.DefaultEpoch.Format(time.RFC3339))
}

// loopbackSim is a simulator served on a loopback port for one scenario.
type loopbackSim struct {
	server    *sim.Server
	listener  net.Listener
	http      *http.Server
	transport *http.Transport
	done      chan error
}

// startSim serves a fresh simulator on 127.0.0.1. Its transport dials that
// port whatever host a request names, so the cassettes show the stable
// replayBaseURL host (and the runtime hosts under it), never a port.
func startSim(setup SimSetup) (*loopbackSim, error) {
	server := sim.New(simOptions(setup)...)
	if setup.Prepare != nil {
		setup.Prepare(server)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("contract: listen for the simulator: %w", err)
	}
	addr := ln.Addr().String()
	var dialer net.Dialer
	ls := &loopbackSim{
		server:   server,
		listener: ln,
		http:     &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second},
		transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
			DisableCompression: true,
		},
		done: make(chan error, 1),
	}
	go func() { ls.done <- ls.http.Serve(ln) }()
	return ls, nil
}

// stop closes the connections and the server.
func (ls *loopbackSim) stop() error {
	ls.transport.CloseIdleConnections()
	err := ls.http.Close()
	if serveErr := <-ls.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// simulatorHarness runs a scenario against its own simulator, recording the
// cassette when asked.
func simulatorHarness(sc Scenario, opts RunOptions) (*harness, error) {
	ls, err := startSim(sc.Sim)
	if err != nil {
		return nil, err
	}
	apiKey, sessionKey := recordingCredentials(sc.Sim)
	secrets := append([]string{recordAPIKey, recordSessionAPIKey}, scenarioSecrets...)
	h := &harness{
		baseURL: replayBaseURL, apiKey: apiKey, sessionAPIKey: sessionKey,
		transport: ls.transport, retry: replayRetry(), pollEvery: time.Millisecond, waitFor: time.Minute,
		secrets: secrets, finish: func(bool) error { return ls.stop() },
	}
	if !opts.Record {
		return h, nil
	}
	rec, err := startRecording(opts.CassetteDir, sc, ls.transport, secrets, simOrigin(sc.Sim))
	if err != nil {
		_ = ls.stop()
		return nil, err
	}
	h.transport = rec.rec
	h.finish = func(passed bool) error {
		return errors.Join(rec.finish(passed), ls.stop())
	}
	return h, nil
}
