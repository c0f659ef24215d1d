package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/ghcomment"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// The seed client's commands (scripts/llm_conversation.py), with its flags
// and its output lines, minus its bugs: the real conversation_status is
// printed (the seed printed "ok"), --poll uses wrapper.Wait with a
// configurable interval, prompt files render with real variables, and
// configure-llm without LLM_MODEL is an error (the seed warned and exited 0).

// seedPrompt is the seed's default --prompt-file.
const seedPrompt = "new_conversation.j2"

// newConversationFlags are the flags of new-conversation and configure-and-start.
type newConversationFlags struct {
	repository, branch        string
	promptFile, customPrompt  string
	poll                      bool
	pollInterval, pollTimeout time.Duration
	commentRepo               string
	commentIssue              int
	prompts                   promptFlags
}

func (f *newConversationFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.repository, "repository", "", "repository to work on (owner/name)")
	fs.StringVar(&f.branch, "branch", "", "branch to work on")
	fs.StringVar(&f.promptFile, "prompt-file", seedPrompt, "prompt template name (new_conversation, debug_issue, ...; the seed's .j2 names work) or a file")
	fs.StringVar(&f.customPrompt, "custom-prompt", "", "the first message, instead of the prompt file")
	fs.BoolVar(&f.poll, "poll", false, "wait until the conversation stops")
	fs.DurationVar(&f.pollInterval, "poll-interval", wrapper.DefaultPollInterval, "time between two polls with --poll")
	fs.DurationVar(&f.pollTimeout, "poll-timeout", defaultWaitTimeout, "how long --poll waits at most")
	fs.StringVar(&f.commentRepo, "comment-repo", "", "repository (owner/name) of the issue to comment the link on (needs GITHUB_TOKEN)")
	fs.IntVar(&f.commentIssue, "comment-issue", 0, "issue or pull request number to comment the link on")
	f.prompts.add(cmd)
}

// startedConversation is the JSON of new-conversation and configure-and-start.
type startedConversation struct {
	ConversationID     string `json:"conversation_id"`
	ConversationStatus string `json:"conversation_status"`
	Link               string `json:"link"`
	// FinalStatus is the status --poll ended with ("" without --poll).
	FinalStatus string `json:"final_status,omitempty"`
	// Commented says the link was commented on the GitHub issue.
	Commented bool `json:"commented"`
	// LLM is what configure-and-start stored first.
	LLM *llmResult `json:"llm,omitempty"`
}

func (a *app) seedCommands() []*cobra.Command {
	return []*cobra.Command{a.seedConfigureLLMCommand(), a.newConversationCommand(), a.configureAndStartCommand()}
}

func (a *app) seedConfigureLLMCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "configure-llm",
		Short: "Store the LLM settings from LLM_MODEL, LLM_BASE_URL and LLM_API_KEY (seed command)",
		Long: `Store the LLM settings from the environment: LLM_MODEL (required), LLM_BASE_URL
and LLM_API_KEY, keeping every other setting. Unlike the seed, a missing
LLM_MODEL is an error (exit 1), not a warning. See also 'settings configure-llm'.`,
		Example: `  LLM_MODEL=anthropic/claude-sonnet-4-5 LLM_API_KEY=... openhands-v0 configure-llm`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			llm, err := a.configureLLMFromEnv(cmd)
			if err != nil || !a.jsonOutput() {
				return err
			}
			return writeJSON(a.stdout, llm)
		},
	}
}

// configureLLMFromEnv is the seed's configure_llm_settings; it returns
// what it stored, for the JSON output.
func (a *app) configureLLMFromEnv(cmd *cobra.Command) (*llmResult, error) {
	c, err := a.api(cmd)
	if err != nil {
		return nil, err
	}
	a.say("Configuring LLM settings from repository secrets...")
	llm := wrapper.LLMSettings{
		Model:   strings.TrimSpace(os.Getenv(envLLMModel)),
		BaseURL: strings.TrimSpace(os.Getenv(envLLMBaseURL)),
		APIKey:  strings.TrimSpace(os.Getenv(envLLMAPIKey)),
	}
	if llm.Model == "" {
		return nil, &codedError{code: exitError, err: errors.New("LLM_MODEL is not set: name the model to configure, e.g. anthropic/claude-sonnet-4-5"),
			hint: "set LLM_MODEL (and LLM_API_KEY, LLM_BASE_URL), or use 'openhands-v0 settings configure-llm --model M'"}
	}
	if err := c.StoreLLMSettings(cmd.Context(), llm); err != nil {
		return nil, err
	}
	a.say("✅ LLM settings configured successfully: %s", llm.Model)
	if llm.BaseURL != "" {
		a.say("   Base URL: %s", llm.BaseURL)
	}
	return &llmResult{Model: llm.Model, BaseURL: llm.BaseURL, APIKeySet: llm.APIKey != ""}, nil
}

func (a *app) newConversationCommand() *cobra.Command {
	var f newConversationFlags
	cmd := &cobra.Command{
		Use:   "new-conversation",
		Short: "Start a conversation from a prompt template or custom prompt (seed command)",
		Long: `Start a conversation on a repository and branch with a prompt: --custom-prompt
TEXT, or --prompt-file (default new_conversation.j2): a template name (the seed's
.j2 names work), a .tmpl file rendered as a template, or any other file sent as
is. Templates see .Repository, .Branch and the --var values. Prints the
conversation's id, its real status and its link; with --poll waits until it
stops (STOPPED, ARCHIVED or ERROR; ERROR exits 1). With GITHUB_TOKEN,
--comment-repo and --comment-issue it comments the link on that issue, and on
the issue again if starting or polling fails.`,
		Example: `  openhands-v0 new-conversation --repository owner/repo --branch main --prompt-file debug_issue.j2 --poll
  openhands-v0 new-conversation --custom-prompt "Summarize the open issues" --comment-repo owner/repo --comment-issue 95`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.newConversation(cmd, &f, nil)
		},
	}
	f.add(cmd)
	return cmd
}

func (a *app) configureAndStartCommand() *cobra.Command {
	var f newConversationFlags
	cmd := &cobra.Command{
		Use:   "configure-and-start",
		Short: "configure-llm, then new-conversation (seed command)",
		Long: `Store the LLM settings from LLM_MODEL, LLM_BASE_URL and LLM_API_KEY, then start
a conversation as new-conversation does, with the same flags. Unlike the seed,
a missing LLM_MODEL stops it with exit 1 before any conversation starts.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			llm, err := a.configureLLMFromEnv(cmd)
			if err != nil {
				return err
			}
			return a.newConversation(cmd, &f, llm)
		},
	}
	f.add(cmd)
	return cmd
}

// check validates the flags before anything is sent.
func (f *newConversationFlags) check() error {
	switch {
	case f.pollInterval <= 0:
		return usagef("--poll-interval must be positive, got %s", f.pollInterval)
	case f.pollTimeout < 0:
		return usagef("--poll-timeout must not be negative, got %s", f.pollTimeout)
	case f.commentIssue < 0:
		return usagef("--comment-issue must be positive, got %d", f.commentIssue)
	case (f.commentRepo == "") != (f.commentIssue == 0):
		return usagef("--comment-repo and --comment-issue go together")
	}
	return nil
}

// newConversation is the seed's start_new_conversation; llm is what
// configure-and-start stored first (nil for new-conversation).
func (a *app) newConversation(cmd *cobra.Command, f *newConversationFlags, llm *llmResult) error {
	if err := f.check(); err != nil {
		return err
	}
	a.say("Starting new conversation...")
	text := f.customPrompt
	if cmd.Flags().Changed("custom-prompt") {
		if text == "" {
			return usagef("--custom-prompt is empty")
		}
		a.say("Using custom prompt: %s...", oneLine(truncateRunes(text, 50)))
	} else {
		data, err := f.prompts.data(f.repository, f.branch)
		if err != nil {
			return err
		}
		if text, err = f.prompts.renderPromptFile(cmd, f.promptFile, data); err != nil {
			return err
		}
		a.say("Using prompt file: %s", f.promptFile)
	}
	c, err := a.api(cmd)
	if err != nil {
		return err
	}
	comment := a.commenter(cmd.Context(), c, f)

	resp, err := c.CreateConversation(cmd.Context(), api.CreateConversationRequest{
		InitialUserMsg: text,
		Repository:     f.repository,
		Branch:         f.branch,
	})
	if err != nil {
		comment("Got an error while starting conversation")
		return err
	}
	out := startedConversation{
		ConversationID:     resp.ConversationID,
		ConversationStatus: string(resp.ConversationStatus),
		Link:               c.ConversationLink(resp.ConversationID),
		LLM:                llm,
	}
	a.say("✅ Conversation started successfully!")
	a.say("   Conversation ID: %s", out.ConversationID)
	a.say("   Status: %s", out.ConversationStatus)
	a.say("   Link: %s", out.Link)
	out.Commented = comment(fmt.Sprintf("Conversation started, see it [here](%s)", out.Link))
	if out.Commented {
		a.say("   Commented on %s#%d", f.commentRepo, f.commentIssue)
	}

	var waitErr error
	if f.poll {
		a.say("\n🔄 Polling until conversation stops...")
		info, err := c.Wait(cmd.Context(), out.ConversationID,
			wrapper.WithPollInterval(f.pollInterval), wrapper.WithWaitTimeout(f.pollTimeout))
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			a.say("⏰ Timeout: %v", err)
			comment("Conversation timed out while polling")
			waitErr = waitTimedOut(err)
		case err != nil:
			comment("Got an error while polling the conversation")
			waitErr = err
		default:
			out.FinalStatus = string(info.Status)
			a.say("✅ Conversation stopped with status: %s", out.FinalStatus)
			waitErr = endedInError(info)
		}
	}
	if a.jsonOutput() {
		if err := writeJSON(a.stdout, out); err != nil {
			return err
		}
	}
	return waitErr
}

// commenter returns a function that comments on the GitHub issue given by
// --comment-repo and --comment-issue, when GITHUB_TOKEN is set, and reports
// whether it did. A failed comment is a warning on stderr, as in the seed.
func (a *app) commenter(ctx context.Context, c *wrapper.Client, f *newConversationFlags) func(string) bool {
	if f.commentRepo == "" {
		return func(string) bool { return false }
	}
	gh := ghcomment.Client{HTTP: c.HTTPClient(), API: os.Getenv(envGitHubAPI), Token: os.Getenv(envGitHubToken),
		UserAgent: "openhands-v0/" + version()}
	warned := false
	return func(body string) bool {
		err := gh.Post(ctx, f.commentRepo, f.commentIssue, body)
		switch {
		case errors.Is(err, ghcomment.ErrMissingToken):
			if !warned {
				fmt.Fprintf(a.stderr, "warning: not commenting on %s#%d: GITHUB_TOKEN is not set\n", f.commentRepo, f.commentIssue)
				warned = true
			}
			return false
		case err != nil:
			fmt.Fprintf(a.stderr, "⚠️  Could not post to GitHub issue: %s\n", oneLine(err.Error()))
			return false
		}
		return true
	}
}
