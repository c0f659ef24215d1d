package main

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// defaultListLimit is how many conversations 'conversations list' shows
// without --limit or --all: the server's own page size.
const defaultListLimit = 20

func (a *app) conversationsCommand() *cobra.Command {
	cmd := group("conversations", "List, create, inspect and drive conversations", "conv")
	cmd.AddCommand(
		a.listCommand(),
		a.getCommand(),
		a.createCommand(),
		a.deleteCommand(),
		a.renameCommand(),
		a.startCommand(),
		a.stopCommand(),
		a.sendCommand(),
		a.waitCommand(),
		a.summaryCommand(),
		a.countCommand(),
	)
	return cmd
}

// redactConversation hides the runtime host's session key, a credential,
// from anything the command prints or writes.
func redactConversation(c api.ConversationInfo) api.ConversationInfo {
	if c.SessionAPIKey != "" {
		c.SessionAPIKey = redacted
	}
	return c
}

func (a *app) listCommand() *cobra.Command {
	var (
		all        bool
		limit      int
		repository string
		trigger    string
		includeV1  bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List conversations, newest first",
		Long: `List conversations, newest first: the first 20 by default, --limit N of them,
or --all of them. V1 conversations the server mixes into V0 listings are left
out unless --include-v1.`,
		Example: `  openhands-v0 conversations list --limit 5
  openhands-v0 conv list --all --repository owner/repo -o json`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if all && cmd.Flags().Changed("limit") {
				return usagef("--all and --limit exclude each other")
			}
			if limit < 1 {
				return usagef("--limit must be at least 1, got %d", limit)
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			opts := wrapper.ListOptions{
				Repository: repository,
				Trigger:    api.ConversationTrigger(trigger),
				IncludeV1:  includeV1,
			}
			if !all {
				opts.Max = limit + 1 // one more says whether the listing is cut short
				opts.PageSize = min(limit, 100)
			}
			convs, err := c.ListConversations(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if !all && len(convs) > limit {
				convs = convs[:limit]
				a.note("%s: showing the first %d conversations; more exist: raise --limit or pass --all", cmd.CommandPath(), limit)
			}
			out := make([]api.ConversationInfo, len(convs))
			for i, conv := range convs {
				out[i] = redactConversation(conv)
			}
			return a.printer().emit(out, func(w io.Writer) error {
				t := newTable(w, "ID", "STATUS", "RUNTIME", "UPDATED", "REPOSITORY", "TITLE")
				for _, conv := range out {
					t.row(conv.ConversationID, string(conv.Status), runtimeStatus(conv.RuntimeStatus),
						cmp.Or(conv.LastUpdatedAt, conv.CreatedAt).String(), conv.SelectedRepository, truncate(conv.Title, 60))
				}
				return t.flush()
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "list every conversation, page after page")
	f.IntVar(&limit, "limit", defaultListLimit, "list at most N conversations")
	f.StringVar(&repository, "repository", "", "only conversations on this repository (owner/name)")
	f.StringVar(&trigger, "trigger", "", "only conversations started by this trigger (gui, openhands_api, resolver, ...)")
	f.BoolVar(&includeV1, "include-v1", false, "include the V1 conversations the server lists beside V0 ones")
	return cmd
}

// runtimeStatus shortens "STATUS$READY" to "READY" for tables.
func runtimeStatus(s api.RuntimeStatus) string {
	return strings.TrimPrefix(string(s), "STATUS$")
}

func (a *app) getCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "get ID",
		Short:   "Show one conversation",
		Example: `  openhands-v0 conversations get 0c2a5e...`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			conv, err := c.GetConversation(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			info := redactConversation(*conv)
			return a.printer().emit(info, func(w io.Writer) error {
				return writeConversation(w, info, c.ConversationLink(info.ConversationID))
			})
		},
	}
}

// writeConversation prints a conversation's fields for people.
func writeConversation(w io.Writer, c api.ConversationInfo, link string) error {
	prs := make([]string, len(c.PrNumber))
	for i, n := range c.PrNumber {
		prs[i] = "#" + strconv.Itoa(n)
	}
	return writeFields(w,
		[2]string{"conversation_id", c.ConversationID},
		[2]string{"title", c.Title},
		[2]string{"status", string(c.Status)},
		[2]string{"runtime_status", string(c.RuntimeStatus)},
		[2]string{"created_at", c.CreatedAt.String()},
		[2]string{"last_updated_at", c.LastUpdatedAt.String()},
		[2]string{"repository", c.SelectedRepository},
		[2]string{"branch", c.SelectedBranch},
		[2]string{"git_provider", string(c.GitProvider)},
		[2]string{"trigger", string(c.Trigger)},
		[2]string{"llm_model", c.LLMModel},
		[2]string{"pr_number", strings.Join(prs, " ")},
		[2]string{"version", c.ConversationVersion},
		[2]string{"url", c.URL},
		[2]string{"link", link},
	)
}

func (a *app) deleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a conversation",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			if err := c.DeleteConversation(cmd.Context(), args[0]); err != nil {
				return err
			}
			out := struct {
				ConversationID string `json:"conversation_id"`
				Deleted        bool   `json:"deleted"`
			}{args[0], true}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "deleted %s\n", args[0])
				return err
			})
		},
	}
}

func (a *app) renameCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "rename ID TITLE",
		Short:   "Set a conversation's title (1 to 200 characters)",
		Example: `  openhands-v0 conversations rename 0c2a5e... "Fix the flaky test"`,
		Args:    exactArgs("ID", "TITLE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			if err := c.RenameConversation(cmd.Context(), args[0], args[1]); err != nil {
				return err
			}
			out := struct {
				ConversationID string `json:"conversation_id"`
				Title          string `json:"title"`
			}{args[0], args[1]}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "renamed %s: %s\n", args[0], oneLine(args[1]))
				return err
			})
		},
	}
}

func (a *app) startCommand() *cobra.Command {
	var providers []string
	cmd := &cobra.Command{
		Use:     "start ID",
		Short:   "Start a conversation's agent",
		Example: `  openhands-v0 conversations start 0c2a5e... --provider github`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			set := make([]api.ProviderType, len(providers))
			for i, p := range providers {
				set[i] = api.ProviderType(p)
			}
			resp, err := c.StartConversation(cmd.Context(), args[0], set)
			if err != nil {
				return err
			}
			return a.printConversationResponse(resp)
		},
	}
	cmd.Flags().StringArrayVar(&providers, "provider", nil, "a git provider whose token the agent gets (repeatable: github, gitlab, bitbucket, ...)")
	return cmd
}

func (a *app) stopCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stop ID",
		Short: "Stop a conversation's agent",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			resp, err := c.StopConversation(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printConversationResponse(resp)
		},
	}
}

// printConversationResponse prints the answer of start and stop.
func (a *app) printConversationResponse(resp *api.ConversationResponse) error {
	return a.printer().emit(resp, func(w io.Writer) error {
		fields := [][2]string{
			{"conversation_id", resp.ConversationID},
			{"conversation_status", string(resp.ConversationStatus)},
		}
		if resp.Message != "" {
			fields = append(fields, [2]string{"message", resp.Message})
		}
		return writeFields(w, fields...)
	})
}

func (a *app) sendCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "send ID TEXT",
		Short: "Send a user message to a running conversation (TEXT - reads stdin)",
		Example: `  openhands-v0 conversations send 0c2a5e... "Please also add a test"
  git diff | openhands-v0 conversations send 0c2a5e... -`,
		Args: exactArgs("ID", "TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			text := args[1]
			if text == "-" {
				b, err := io.ReadAll(a.stdin)
				if err != nil {
					return fmt.Errorf("reading the message from stdin: %w", err)
				}
				text = string(b)
			}
			if strings.TrimSpace(text) == "" {
				return usagef("the message is empty")
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			if err := c.SendMessage(cmd.Context(), args[0], text); err != nil {
				return err
			}
			out := struct {
				ConversationID string `json:"conversation_id"`
				Sent           bool   `json:"sent"`
			}{args[0], true}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "sent to %s\n", args[0])
				return err
			})
		},
	}
}

func (a *app) countCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "count ID",
		Short: "Count a conversation's events (one request)",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			n, err := c.EventCount(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := struct {
				ConversationID string `json:"conversation_id"`
				EventCount     int    `json:"event_count"`
			}{args[0], n}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, n)
				return err
			})
		},
	}
}
