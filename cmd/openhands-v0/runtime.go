package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
)

// runtimeCommands are the conversation-scoped runtime calls. Each asks the
// app host and falls back to the conversation's runtime host.
func (a *app) runtimeCommands() []*cobra.Command {
	return []*cobra.Command{
		a.filesCommand(),
		a.runtimeConfigCommand(),
		a.vscodeURLCommand(),
		a.webHostsCommand(),
		a.microagentsCommand(),
		a.feedbackCommand(),
	}
}

func (a *app) filesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "files ID [PATH]",
		Short: "List a directory of a conversation's workspace (directories end with /)",
		Example: `  openhands-v0 files 0c2a5e...
  openhands-v0 files 0c2a5e... src/ -o json`,
		Args: rangeArgs(1, 2, "ID and an optional PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			dir := ""
			if len(args) == 2 {
				dir = args[1]
			}
			files, err := c.ListFiles(cmd.Context(), args[0], dir)
			if err != nil {
				return err
			}
			if files == nil {
				files = []string{}
			}
			return a.printer().emit(files, func(w io.Writer) error {
				for _, f := range files {
					if _, err := fmt.Fprintln(w, oneLine(f)); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}

func (a *app) runtimeConfigCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "runtime-config ID",
		Short: "Show a conversation's runtime id and session id",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			cfg, err := c.GetRuntimeConfig(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(cfg, func(w io.Writer) error {
				return writeFields(w, [2]string{"runtime_id", cfg.RuntimeID}, [2]string{"session_id", cfg.SessionID})
			})
		},
	}
}

func (a *app) vscodeURLCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "vscode-url ID",
		Short: "Print the address of a running conversation's VS Code (it carries an access token)",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			u, err := c.GetVSCodeURL(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := api.VSCodeURL{VscodeURL: u}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, cell(u))
				return err
			})
		},
	}
}

func (a *app) webHostsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "web-hosts ID",
		Short: "List the web servers a running conversation's runtime exposes",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			hosts, err := c.GetWebHosts(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if hosts == nil {
				hosts = map[string]int{}
			}
			return a.printer().emit(api.WebHosts{Hosts: hosts}, func(w io.Writer) error {
				urls := make([]string, 0, len(hosts))
				for u := range hosts {
					urls = append(urls, u)
				}
				sort.Strings(urls)
				t := newTable(w, "URL", "PORT")
				for _, u := range urls {
					t.row(u, strconv.Itoa(hosts[u]))
				}
				return t.flush()
			})
		},
	}
}

func (a *app) microagentsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "microagents ID",
		Short: "List the microagents loaded in a running conversation",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			agents, err := c.GetMicroagents(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := api.ConversationMicroagents{Microagents: agents}
			if out.Microagents == nil {
				out.Microagents = []api.ConversationMicroagent{}
			}
			return a.printer().emit(out, func(w io.Writer) error {
				t := newTable(w, "NAME", "TYPE", "TRIGGERS")
				for _, m := range agents {
					t.row(m.Name, string(m.Type), strings.Join(m.Triggers, ", "))
				}
				return t.flush()
			})
		},
	}
}

func (a *app) feedbackCommand() *cobra.Command {
	var polarity, permissions, email string
	cmd := &cobra.Command{
		Use:   "feedback ID",
		Short: "Share a conversation's trajectory with the OpenHands feedback service",
		Long: `Share a conversation's trajectory with the OpenHands feedback service, rated
--polarity positive or negative, --permissions private (default) or public.
The answer's password lets you view the shared feedback.`,
		Example: `  openhands-v0 feedback 0c2a5e... --polarity positive --email me@example.com`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			fb := api.FeedbackRequest{
				Polarity:    api.FeedbackRequestPolarity(polarity),
				Permissions: api.FeedbackRequestPermissions(permissions),
				Email:       email,
				Version:     version(),
			}
			if !fb.Polarity.Valid() {
				return usagef("--polarity must be positive or negative, got %q", polarity)
			}
			if !fb.Permissions.Valid() {
				return usagef("--permissions must be private or public, got %q", permissions)
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			res, err := c.SubmitFeedback(cmd.Context(), args[0], fb)
			if err != nil {
				return err
			}
			return a.printer().emit(res, func(w io.Writer) error {
				return writeFields(w,
					[2]string{"status_code", strconv.Itoa(res.StatusCode)},
					[2]string{"message", res.Body.Message},
					[2]string{"feedback_id", res.Body.FeedbackID},
					[2]string{"password", res.Body.Password},
				)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&polarity, "polarity", "", "positive or negative (required)")
	f.StringVar(&permissions, "permissions", string(api.FeedbackRequestPermissionsPrivate), "private or public")
	f.StringVar(&email, "email", "", "your e-mail address, to be contacted about it")
	return cmd
}
