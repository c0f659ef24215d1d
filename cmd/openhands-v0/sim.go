package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

func (a *app) simCommand() *cobra.Command {
	cmd := group("sim", "Run the V0 server simulator")
	cmd.AddCommand(a.simServeCommand(), a.simLLMCommand())
	return cmd
}

func (a *app) simServeCommand() *cobra.Command {
	var (
		addr                    string
		mode                    string
		sampleData, allowRemote bool
		keepRunning             bool
		startDelay, runDuration time.Duration
		latency                 time.Duration
		bulkEvents, bulkPayload int
		faults                  []string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the V0 simulator on a loopback address",
		Long: `Serve the V0 server simulator: an in-memory OpenHands V0 server that follows
the real server's behaviour, for trying the CLI, recording cassettes and tests.
Modes: oss (a self-hosted install, no authentication), hosted (the hosted
service: bearer API keys, runtime hosts, the maintenance page), removed (a host
without V0: the web app's HTML for every GET). It listens on loopback only
unless --allow-remote. The first line on stdout names the address; with -v every
request is logged on stderr. It stops on Ctrl-C.

--api-key K makes it accept only K as the bearer (or session) key in hosted
mode; --session-api-key K makes it want X-Session-API-Key: K on every route, as
a self-hosted server with SESSION_API_KEY does. --bulk-events N adds a running
conversation of N generated events; --fault adds a fault (repeatable; its
form is under Flags); --latency delays every answer.`,
		Example: `  openhands-v0 sim serve --sample-data &
  OPENHANDS_APP_BASE=http://127.0.0.1:3000 openhands-v0 conversations list
  openhands-v0 sim serve --mode hosted --api-key sk-test --bulk-events 100000 \
    --fault slow-body,path=/api/conversations/{id}/trajectory,chunk-delay=5ms`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sim.ParseMode(mode)
			if err != nil {
				return &usageError{err: err}
			}
			if startDelay < 0 || runDuration < 0 || latency < 0 {
				return usagef("--start-delay, --run-duration and --latency must not be negative")
			}
			if bulkEvents < 0 || bulkPayload < 0 {
				return usagef("--bulk-events and --bulk-payload must not be negative")
			}
			if err := checkLoopback(addr, allowRemote); err != nil {
				return err
			}
			opts := []sim.Option{sim.WithMode(m), sim.WithTiming(startDelay, runDuration)}
			if sampleData {
				opts = append(opts, sim.WithSampleData())
			}
			if keepRunning {
				opts = append(opts, sim.WithKeepRunning())
			}
			if cmd.Flags().Changed("api-key") {
				if m == sim.ModeOSS {
					return usagef("--api-key is the hosted service's key: give --mode hosted too (a self-hosted server takes --session-api-key)")
				}
				opts = append(opts, sim.WithAPIKey(a.apiKey))
			}
			if cmd.Flags().Changed("session-api-key") {
				opts = append(opts, sim.WithSessionAPIKey(a.sessionAPIKey))
			}
			if bulkEvents > 0 {
				opts = append(opts, sim.WithBulkConversation(bulkEvents, bulkPayload))
			}
			for _, spec := range faults {
				f, err := sim.ParseFault(spec)
				if err != nil {
					return &usageError{err: fmt.Errorf("--fault: %w", err)}
				}
				opts = append(opts, sim.WithFault(f))
			}
			if latency > 0 {
				opts = append(opts, sim.WithLatency(latency))
			}
			if a.verbose {
				opts = append(opts, sim.WithLog(a.stderr))
			}
			s := sim.New(opts...)
			base, stop, err := s.Start(addr)
			if err != nil {
				return fmt.Errorf("sim serve: %w", err)
			}
			fmt.Fprintf(a.stdout, "simulator (mode %s) listening on %s\n", m, base)
			<-cmd.Context().Done()
			shutdown, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), 5*time.Second)
			defer cancel()
			if err := stop(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("sim serve: shutting down: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:3000", "address to listen on (port 0: any free port)")
	f.StringVar(&mode, "mode", string(sim.ModeOSS), "server to play: oss, hosted or removed")
	f.BoolVar(&sampleData, "sample-data", false, "start with settings, secrets and conversations in every state")
	f.DurationVar(&startDelay, "start-delay", sim.DefaultStartDelay, "how long a new conversation stays STARTING")
	f.DurationVar(&runDuration, "run-duration", sim.DefaultRunDuration, "how long the scripted agent works before the conversation stops (or, with --keep-running, awaits input)")
	f.BoolVar(&keepRunning, "keep-running", false, "keep a conversation RUNNING once its agent is done, as a real server does")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a non-loopback --addr")
	f.IntVar(&bulkEvents, "bulk-events", 0, "add a running conversation of this many generated events (paging, downloads, exports at scale)")
	f.IntVar(&bulkPayload, "bulk-payload", 256, "bytes of text in each bulk event, on top of its structure")
	f.DurationVar(&latency, "latency", 0, "delay every answer by this long")
	f.StringArrayVar(&faults, "fault", nil, "inject a fault: KIND[,key=value...] with keys method, path, host, times, latency,\nstatus, content-type, body, size, chunk-size, chunk-delay, header=Name:Value (repeatable)")
	return cmd
}

// checkLoopback refuses an address other machines could reach, unless allowed.
func checkLoopback(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: %v", addr, err)
	}
	if allowRemote || host == "" || host == "localhost" { // sim.Start listens on 127.0.0.1 without a host
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usagef("--addr %q is not a loopback address: the simulator has no real authentication; pass --allow-remote to serve it anyway", addr)
}
