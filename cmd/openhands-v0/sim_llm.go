package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/internal/scriptedllm"
)

func (a *app) simLLMCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "llm",
		Short: "Serve a scripted OpenAI-compatible model on loopback, for a real server's agent",
		Long: `Serve a scripted model at /v1/chat/completions (OpenAI-compatible): the
agent of a real OpenHands server pointed at it runs one shell command and
finishes, with no network and no model, the same way every time. It is what
make contract-real gives the real server, through the settings
(llm_model openai/..., llm_base_url http://ADDR/v1). It listens on loopback
only; the first line on stdout names the address; it stops on Ctrl-C.`,
		Example: `  openhands-v0 sim llm --addr 127.0.0.1:3900 &
  openhands-v0 settings configure-llm --model openai/scripted --base-url http://127.0.0.1:3900/v1 --api-key unused`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLoopback(addr, false); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("sim llm: %w", err)
			}
			srv := &http.Server{Handler: scriptedllm.New(), ReadHeaderTimeout: 10 * time.Second}
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			fmt.Fprintf(a.stdout, "scripted model listening on http://%s/v1\n", ln.Addr())
			select {
			case <-cmd.Context().Done():
			case err := <-done:
				return fmt.Errorf("sim llm: %w", err)
			}
			shutdown, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("sim llm: shutting down: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:3900", "loopback address to listen on (port 0: any free port)")
	return cmd
}
