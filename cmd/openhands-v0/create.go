package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
)

// createdConversation is the JSON of 'conversations create': the server's
// answer plus the conversation's web address.
type createdConversation struct {
	api.ConversationResponse
	Link string `json:"link"`
}

func (a *app) createCommand() *cobra.Command {
	var (
		message, template, promptFile string
		repository, branch, provider  string
		prompts                       promptFlags
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a conversation and start its agent",
		Long: `Create a conversation and start its agent on a first message: --message TEXT,
--template NAME (a prompt template, see 'templates list') or --prompt-file FILE
(a .tmpl file renders as a template, any other file is the message as is).
Templates see .Repository, .Branch and the --var values as .Vars.`,
		Example: `  openhands-v0 conversations create --message "Add a CONTRIBUTING.md" --repository owner/repo --branch main
  openhands-v0 conversations create --template debug_issue --var task="CI fails on Windows" --repository owner/repo`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			given := 0
			for _, s := range []string{"message", "template", "prompt-file"} {
				if cmd.Flags().Changed(s) {
					given++
				}
			}
			if given != 1 {
				return usagef("give exactly one of --message, --template and --prompt-file")
			}
			data, err := prompts.data(repository, branch)
			if err != nil {
				return err
			}
			text := message
			switch {
			case cmd.Flags().Changed("template"):
				text, err = prompts.renderTemplate(cmd, template, data)
			case cmd.Flags().Changed("prompt-file"):
				text, err = prompts.renderPromptFile(cmd, promptFile, data)
			}
			if err != nil {
				return err
			}
			if strings.TrimSpace(text) == "" {
				return usagef("the first message is empty")
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			resp, err := c.CreateConversation(cmd.Context(), api.CreateConversationRequest{
				InitialUserMsg: text,
				Repository:     repository,
				Branch:         branch,
				GitProvider:    api.ProviderType(provider),
			})
			if err != nil {
				return err
			}
			out := createdConversation{ConversationResponse: *resp, Link: c.ConversationLink(resp.ConversationID)}
			return a.printer().emit(out, func(w io.Writer) error {
				return writeFields(w,
					[2]string{"conversation_id", out.ConversationID},
					[2]string{"conversation_status", string(out.ConversationStatus)},
					[2]string{"link", out.Link},
				)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&message, "message", "", "the first message")
	f.StringVar(&template, "template", "", "render this prompt template as the first message")
	f.StringVar(&promptFile, "prompt-file", "", "the first message from a file (.tmpl: rendered as a template)")
	f.StringVar(&repository, "repository", "", "repository to work on (owner/name)")
	f.StringVar(&branch, "branch", "", "branch to work on")
	f.StringVar(&provider, "git-provider", "", "git provider of the repository (github, gitlab, bitbucket, ...)")
	prompts.add(cmd)
	return cmd
}

// note prints a remark about the output (a listing cut short) on stderr,
// where it cannot mix with the result.
func (a *app) note(format string, args ...any) {
	fmt.Fprintln(a.stderr, oneLine(fmt.Sprintf(format, args...)))
}

// say writes a line of progress for people (text output only). Every
// argument that is text (a server's status, id, link or error) is cleaned
// (see oneLine); the format is ours.
func (a *app) say(format string, args ...any) {
	if !a.jsonOutput() {
		fmt.Fprintf(a.stdout, format+"\n", printable(args)...)
	}
}

// printable cleans every argument that prints as text (strings and named
// string types, errors, Stringers); numbers and the rest stay as they are.
func printable(args []any) []any {
	out := make([]any, len(args))
	for i, arg := range args {
		switch v := arg.(type) {
		case error:
			out[i] = oneLine(v.Error())
		case fmt.Stringer:
			out[i] = oneLine(v.String())
		default:
			out[i] = arg
			if arg != nil && reflect.TypeOf(arg).Kind() == reflect.String {
				out[i] = oneLine(reflect.ValueOf(arg).String())
			}
		}
	}
	return out
}
