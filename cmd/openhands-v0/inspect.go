package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

func (a *app) waitCommand() *cobra.Command {
	var (
		interval, timeout time.Duration
		untilStopped      bool
	)
	cmd := &cobra.Command{
		Use:   "wait ID",
		Short: "Wait until a conversation's agent is done, or the conversation ended",
		Long: `Poll a conversation until it ended (STOPPED, ARCHIVED or ERROR) or its agent is
done (its newest agent state is finished, awaiting_user_input, error, rejected
or stopped), printing each status change. A real server keeps a conversation
RUNNING after its agent finished; --until-stopped waits for the conversation
itself to stop instead. A failed poll that may succeed later (5xx, 429, a
network error) is tried again at the next tick. Exits 1 when the conversation
ends in ERROR, 6 when the wait times out. Here --timeout is the whole wait, not
one request.`,
		Example: `  openhands-v0 conversations wait 0c2a5e... --interval 10s --timeout 1h
  openhands-v0 conversations wait 0c2a5e... --until-stopped`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if interval <= 0 {
				return usagef("--interval must be positive, got %s", interval)
			}
			if timeout < 0 {
				return usagef("--timeout must not be negative, got %s", timeout)
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			var extra []wrapper.Option
			if untilStopped {
				extra = append(extra, wrapper.WithUntilStopped())
			}
			return a.wait(cmd, c, args[0], interval, timeout, extra...)
		},
	}
	cmd.Flags().DurationVar(&interval, "interval", wrapper.DefaultPollInterval, "time between two polls")
	cmd.Flags().DurationVar(&timeout, "timeout", defaultWaitTimeout, "how long to wait at most (0: until interrupted)")
	cmd.Flags().BoolVar(&untilStopped, "until-stopped", false, "wait for the conversation itself to stop, not for its agent to be done")
	return cmd
}

// defaultWaitTimeout is how long 'conversations wait' and --poll wait by
// default: a typical agent task. (The SDK's Wait has no deadline of its own.)
const defaultWaitTimeout = 30 * time.Minute

// wait runs wrapper.Wait, printing status changes (text) or the final
// conversation (-o json); a conversation that ends in ERROR is an error.
func (a *app) wait(cmd *cobra.Command, c *wrapper.Client, id string, interval, timeout time.Duration, extra ...wrapper.Option) error {
	opts := append([]wrapper.Option{wrapper.WithPollInterval(interval), wrapper.WithWaitTimeout(timeout)}, extra...)
	if !a.jsonOutput() {
		opts = append(opts, wrapper.WithStatusCallback(func(info api.ConversationInfo) {
			fmt.Fprintf(a.stdout, "%-9s %s\n", cell(string(info.Status)), cell(runtimeStatus(info.RuntimeStatus)))
		}))
	}
	info, err := c.Wait(cmd.Context(), id, opts...)
	if err != nil {
		return waitTimedOut(err)
	}
	if a.jsonOutput() {
		if err := writeJSON(a.stdout, redactConversation(*info)); err != nil {
			return err
		}
	}
	return endedInError(info)
}

// endedInError turns a conversation that stopped in ERROR into an error.
func endedInError(info *api.ConversationInfo) error {
	if info.Status != api.ConversationStatusError {
		return nil
	}
	return &codedError{code: exitError,
		err:  fmt.Errorf("conversation %s ended in ERROR (runtime status %s)", info.ConversationID, cell(string(info.RuntimeStatus))),
		hint: "see its last events with 'openhands-v0 events " + info.ConversationID + " --reverse --limit 10'"}
}

func (a *app) summaryCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "summary ID",
		Short: "Summarize a conversation: status, event count, model, first message",
		Long: `Summarize a conversation in one value: the seed client's 13 keys
(conversation_id, title, status, runtime_status, created_at, last_updated_at,
repository, branch, event_count, model, first_message, url, has_runtime) plus
model_source (conversation, recent_events or early_events) and host (the host
that answered: app or runtime).`,
		Example: `  openhands-v0 conversations summary 0c2a5e... -o json`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			s, err := c.Summary(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(s, func(w io.Writer) error {
				return writeFields(w,
					[2]string{"conversation_id", s.ConversationID},
					[2]string{"title", s.Title},
					[2]string{"status", string(s.Status)},
					[2]string{"runtime_status", string(s.RuntimeStatus)},
					[2]string{"created_at", s.CreatedAt.String()},
					[2]string{"last_updated_at", s.LastUpdatedAt.String()},
					[2]string{"repository", s.Repository},
					[2]string{"branch", s.Branch},
					[2]string{"event_count", strconv.Itoa(s.EventCount)},
					[2]string{"model", s.Model},
					[2]string{"model_source", s.ModelSource},
					[2]string{"first_message", truncate(s.FirstMessage, 100)},
					[2]string{"url", s.URL},
					[2]string{"has_runtime", strconv.FormatBool(s.HasRuntime)},
					[2]string{"host", s.Host},
				)
			})
		},
	}
}
