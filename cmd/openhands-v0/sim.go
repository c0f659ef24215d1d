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
		seedData, allowRemote   bool
		keepRunning             bool
		startDelay, runDuration time.Duration
		bulkEvents              int
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
request is logged on stderr. It stops on Ctrl-C.`,
		Example: `  openhands-v0 sim serve --seed-data --bulk-events 100000 &
  OPENHANDS_APP_BASE=http://127.0.0.1:3000 openhands-v0 conversations list`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sim.ParseMode(mode)
			if err != nil {
				return &usageError{err: err}
			}
			if startDelay < 0 || runDuration < 0 || bulkEvents < 0 {
				return usagef("--start-delay, --run-duration and --bulk-events must not be negative")
			}
			if err := checkLoopback(addr, allowRemote); err != nil {
				return err
			}
			opts := []sim.Option{sim.WithMode(m), sim.WithTiming(startDelay, runDuration)}
			if seedData {
				opts = append(opts, sim.WithSeedData())
			}
			if keepRunning {
				opts = append(opts, sim.WithKeepRunning())
			}
			if a.verbose {
				opts = append(opts, sim.WithLog(a.stderr))
			}
			s := sim.New(opts...)
			if bulkEvents > 0 {
				s.AddBulkConversation(bulkEvents, 256)
			}
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
	f.BoolVar(&seedData, "seed-data", false, "start with settings, secrets and conversations in every state")
	f.DurationVar(&startDelay, "start-delay", sim.DefaultStartDelay, "how long a new conversation stays STARTING")
	f.DurationVar(&runDuration, "run-duration", sim.DefaultRunDuration, "how long the scripted agent works before the conversation stops (or, with --keep-running, awaits input)")
	f.BoolVar(&keepRunning, "keep-running", false, "keep a conversation RUNNING once its agent is done, as a real server does")
	f.BoolVar(&allowRemote, "allow-remote", false, "allow a non-loopback --addr")
	f.IntVar(&bulkEvents, "bulk-events", 0, "also serve a conversation of this many generated events (for exports at scale)")
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
