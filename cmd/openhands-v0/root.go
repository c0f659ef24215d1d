package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// app is one invocation of the command: its streams, global flags and the
// client built from them on first use.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	baseURL       string
	apiKey        string
	sessionAPIKey string
	output        string
	timeout       time.Duration
	maxTime       time.Duration
	verbose       bool

	// started is set once flags and arguments are parsed and a command
	// runs: an error before that is a usage error.
	started bool
	log     *slog.Logger
	client  *wrapper.Client
	root    *cobra.Command
}

// run executes the command line args and returns the exit code. It is the
// whole program: main only adds the process's streams and signals.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, log: slog.New(slog.DiscardHandler)}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if !a.started {
		var usage *usageError
		if !errors.As(err, &usage) {
			err = &usageError{err: err}
		}
	}
	name := "openhands-v0"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	hosted := a.hostedChosen()
	if a.output == outputJSON {
		_ = newJSONLines(stderr).write(errorObject(name, err, hosted))
	} else {
		fmt.Fprintln(stderr, errorLine(name, err, hosted))
	}
	return exitCode(err)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "openhands-v0",
		Short: "Command-line client of the OpenHands V0 REST API",
		Long: `openhands-v0 talks to an OpenHands server's V0 REST API: conversations, events,
trajectories, settings, an archive export of every conversation, the seed client's
commands (new-conversation, configure-llm, configure-and-start), a local simulator
and the contract-test harness.

The default server is a self-hosted OpenHands on ` + wrapper.DefaultBaseURL + `; point
--base-url (or OPENHANDS_APP_BASE) elsewhere. V0 was removed from
app.all-hands.dev on 2026-04-16.

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 unauthorized or forbidden,
5 the host does not serve V0 or answered a maintenance page, 6 a wait timed
out (the conversation had not stopped). With -o json a failure prints one JSON
object on stderr: {"command", "message", "hint", "kind", "exit_code"}.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		Args:              cobra.NoArgs,
		PersistentPreRunE: a.prepare,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(a.stderr)
			_ = cmd.Usage()
			return usagef("missing command")
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	a.root = root
	f := root.PersistentFlags()
	f.StringVar(&a.baseURL, "base-url", "", "the server's base URL (env OPENHANDS_APP_BASE; default "+wrapper.DefaultBaseURL+")")
	f.StringVar(&a.apiKey, "api-key", "", "bearer API key (env OPENHANDS_API_KEY)")
	f.StringVar(&a.sessionAPIKey, "session-api-key", "", "X-Session-API-Key of a server started with SESSION_API_KEY (env OPENHANDS_SESSION_API_KEY)")
	f.StringVarP(&a.output, "output", "o", outputText, "output format: text or json")
	f.DurationVar(&a.timeout, "timeout", wrapper.DefaultTimeout, "per-request timeout: the longest wait for an answer, and the longest silence within one")
	f.DurationVar(&a.maxTime, "max-time", wrapper.DefaultRequestTimeout, "the longest one request may take, answer included, however steadily it arrives (0: no bound)")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "debug log on stderr (credentials are never logged)")

	root.AddCommand(
		a.conversationsCommand(),
		a.eventsCommand(),
		a.trajectoryCommand(),
		a.exportCommand(),
		a.versionCommand(),
		a.completionCommand(),
		a.settingsCommand(),
		a.userCommand(),
		a.templatesCommand(),
		a.simCommand(),
		a.contractCommand(),
	)
	root.AddCommand(a.runtimeCommands()...)
	root.AddCommand(a.seedCommands()...)
	return root
}

// prepare runs before every command, once flags and arguments are parsed.
func (a *app) prepare(cmd *cobra.Command, _ []string) error {
	switch a.output {
	case outputText, outputJSON:
	default:
		return usagef("--output must be text or json, got %q", a.output)
	}
	if a.timeout < 0 || a.maxTime < 0 {
		return usagef("--timeout and --max-time must not be negative")
	}
	level := slog.LevelWarn
	if a.verbose {
		level = slog.LevelDebug
	}
	a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}))
	a.started = true
	return nil
}

// redactAttr blanks any log attribute whose name suggests a credential. The
// wrapper never logs one; this keeps it so for anything else.
func redactAttr(_ []string, attr slog.Attr) slog.Attr {
	key := strings.ToLower(attr.Key)
	for _, word := range []string{"key", "token", "secret", "password", "authorization", "cookie"} {
		if strings.Contains(key, word) {
			return slog.String(attr.Key, redacted)
		}
	}
	return attr
}

// hostedChosen reports whether the app host chosen (the client's, else
// --base-url, OPENHANDS_APP_BASE or the default) is the hosted service.
func (a *app) hostedChosen() bool {
	base := cmp.Or(a.baseURL, os.Getenv(wrapper.EnvAppBase), wrapper.DefaultBaseURL)
	if a.client != nil {
		base = a.client.BaseURL()
	}
	u, err := url.Parse(base)
	return err == nil && strings.EqualFold(u.Hostname(), hostedHost)
}

// hostedHost is the hosted service's host, which served V0 until 2026-04-16.
const hostedHost = "app.all-hands.dev"

// printer returns the result printer for the chosen --output.
func (a *app) printer() printer {
	return printer{w: a.stdout, json: a.output == outputJSON}
}

// jsonOutput reports whether -o json was chosen.
func (a *app) jsonOutput() bool { return a.output == outputJSON }

// api returns the client, built on first use from the environment
// (wrapper.NewFromEnv) with the flags given on the command line winning.
func (a *app) api(cmd *cobra.Command) (*wrapper.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	opts := []wrapper.Option{wrapper.WithLogger(a.log), wrapper.WithUserAgent("openhands-v0/" + version())}
	flags := cmd.Flags()
	if flags.Changed("base-url") {
		opts = append(opts, wrapper.WithBaseURL(a.baseURL))
	}
	if flags.Changed("api-key") {
		opts = append(opts, wrapper.WithAPIKey(a.apiKey))
	}
	if flags.Changed("session-api-key") {
		opts = append(opts, wrapper.WithSessionAPIKey(a.sessionAPIKey))
	}
	if t := flags.Lookup("timeout"); t != nil && t.Changed && t == a.root.PersistentFlags().Lookup("timeout") {
		opts = append(opts, wrapper.WithTimeout(a.timeout))
	}
	if t := flags.Lookup("max-time"); t != nil && t.Changed && t == a.root.PersistentFlags().Lookup("max-time") {
		opts = append(opts, wrapper.WithRequestTimeout(a.maxTime))
	}
	c, err := wrapper.NewFromEnv(opts...)
	if err != nil {
		if errors.Is(err, wrapper.ErrMissingAPIKey) {
			return nil, err
		}
		return nil, &usageError{err: err}
	}
	a.client = c
	return c, nil
}

// The environment the seed commands read besides the SDK's: the GitHub API
// base GitHub Actions sets (GitHub Enterprise: https://HOST/api/v3) and the
// token comments are posted with, and the LLM settings of configure-llm.
const (
	envGitHubAPI   = "GITHUB_API_URL"
	envGitHubToken = "GITHUB_TOKEN"
	envLLMModel    = "LLM_MODEL"
	envLLMBaseURL  = "LLM_BASE_URL"
	envLLMAPIKey   = "LLM_API_KEY"
)

// group returns a command that only holds subcommands: run bare or with an
// unknown subcommand, it is a usage error.
func group(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Aliases: aliases,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return usagef("missing subcommand")
		},
	}
}

// exactArgs is cobra.ExactArgs with the argument names in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("%s takes %d argument(s): %s; got %d", cmd.CommandPath(), len(names), strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// rangeArgs accepts between min and max arguments.
func rangeArgs(lo, hi int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("%s takes %s; got %d argument(s)", cmd.CommandPath(), names, len(args))
		}
		return nil
	}
}
