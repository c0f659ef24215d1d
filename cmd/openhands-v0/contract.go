package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/contract"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Report files 'contract run --report-dir' writes.
const (
	reportMarkdown = "contract-report.md"
	reportJSON     = "contract-report.json"
)

func (a *app) contractCommand() *cobra.Command {
	cmd := group("contract", "Check a server (or the recorded cassettes) against the V0 spec")
	cmd.AddCommand(a.contractRunCommand(), a.contractProbeCommand(), a.contractDriftCommand(), a.contractVersionsCommand())
	return cmd
}

// target is the server the contract commands address: --base-url,
// --api-key and --session-api-key, else their environment variables.
type target struct {
	baseURL, apiKey, sessionAPIKey string
}

func (a *app) target(cmd *cobra.Command) target {
	return target{
		baseURL:       cmp.Or(flagOrEnv(cmd, "base-url", a.baseURL, wrapper.EnvAppBase), wrapper.DefaultBaseURL),
		apiKey:        flagOrEnv(cmd, "api-key", a.apiKey, wrapper.EnvAPIKey),
		sessionAPIKey: flagOrEnv(cmd, "session-api-key", a.sessionAPIKey, wrapper.EnvSessionAPIKey),
	}
}

func (a *app) contractRunCommand() *cobra.Command {
	var (
		live, allowWrites, record, disposable bool
		reportDir, cassetteDir                string
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the contract scenarios and print the per-operation report",
		Long: `Run the contract scenarios and check every exchange against spec/openapi.yaml,
then print one row per spec operation: the scenarios that covered it, the
statuses seen, violations and undeclared fields (drift).

By default the recorded cassettes are replayed, offline, in seconds (run it
inside the repository). --live runs the same scenarios against the server of
--base-url (OPENHANDS_APP_BASE) with its credentials: read-only scenarios
only, unless --allow-writes (those clean up what they create). --record
rewrites the cassettes, scrubbed: from the live server with --live, else from
the simulator. --report-dir also writes contract-report.md and
contract-report.json there. Exits 1 when the report does not pass.`,
		Example: `  openhands-v0 contract run
  OPENHANDS_APP_BASE=http://localhost:3000 openhands-v0 contract run --live --report-dir reports
  openhands-v0 contract run --record            # re-record every cassette from the simulator`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if allowWrites && !live {
				return usagef("--allow-writes needs --live")
			}
			if disposable && !allowWrites {
				return usagef("--disposable needs --live --allow-writes")
			}
			opts := contract.RunOptions{Mode: contract.ModeReplay, Record: record, AllowWrites: allowWrites,
				Disposable: disposable, CassetteDir: cassetteDir}
			if a.verbose {
				opts.Logger = a.log
			}
			switch {
			case live:
				t := a.target(cmd)
				opts.Mode, opts.BaseURL, opts.APIKey, opts.SessionAPIKey = contract.ModeLive, t.baseURL, t.apiKey, t.sessionAPIKey
			case record:
				opts.Mode = contract.ModeSimulator
			}
			if reportDir != "" {
				if err := os.MkdirAll(reportDir, 0o755); err != nil {
					return err
				}
				opts.ReportMarkdown = filepath.Join(reportDir, reportMarkdown)
				opts.ReportJSON = filepath.Join(reportDir, reportJSON)
			}
			report, err := contract.Run(cmd.Context(), opts)
			if report == nil {
				return err
			}
			if perr := a.printer().emit(report, report.WriteTable); perr != nil {
				return perr
			}
			if err != nil {
				return err
			}
			if !report.Pass {
				return &codedError{code: exitError, err: errors.New("the contract report does not pass: " + report.Verdict),
					hint: "see the rows above (and --report-dir for the details)"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&live, "live", false, "run against the server of --base-url instead of the cassettes")
	f.BoolVar(&allowWrites, "allow-writes", false, "with --live, also run the scenarios that create, start or delete")
	f.BoolVar(&record, "record", false, "rewrite the cassettes (from the live server with --live, else from the simulator)")
	f.StringVar(&reportDir, "report-dir", "", "also write the report as Markdown and JSON into this folder")
	f.StringVar(&cassetteDir, "cassette-dir", "", "the cassettes folder to replay or record (default: the module's cassettes/; a replay of it also replays cassettes/real/*)")
	f.BoolVar(&disposable, "disposable", false, "with --live --allow-writes, the server is a throw-away one: also run the scenarios that change what they cannot restore (git provider tokens)")
	return cmd
}

func (a *app) contractVersionsCommand() *cobra.Command {
	var compact bool
	cmd := &cobra.Command{
		Use:   "versions",
		Short: "Print the table of operations against the real OpenHands versions the cassettes were recorded from",
		Long: `Replay the cassettes recorded from real OpenHands servers (cassettes/real/, one
folder per version, made by make record-real) and print a Markdown table: each
spec operation against each version, "ok" when that server answered it with
success, "no success" with the statuses it answered instead, "not reached"
when no scenario could call it there (the contract report says why). Run it
inside the repository. docs/versions.md is this output, and the README's
table its --compact form; a test keeps both current.`,
		Example: `  openhands-v0 contract versions > /tmp/versions.md`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			report, err := contract.Run(cmd.Context(), contract.RunOptions{Mode: contract.ModeReplay})
			if report == nil {
				return err
			}
			if len(report.Real) == 0 {
				return errors.New("no cassettes recorded from a real server (cassettes/real/): record them with make record-real")
			}
			return report.WriteVersionMatrix(a.stdout, compact)
		},
	}
	cmd.Flags().BoolVar(&compact, "compact", false, "only the operations that are not ok on every version (the README's table)")
	return cmd
}

func (a *app) contractProbeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "probe",
		Short: "Classify a host: does it serve the V0 API?",
		Long: `Call each safe V0 GET on the host of --base-url (OPENHANDS_APP_BASE) and
classify the answers: V0 JSON, the web app's HTML (V0 removed), 401, 404, 405,
5xx; then print a one-line verdict. Exits 0 for a V0 host, 4 when the
credentials are refused, 5 when the host does not serve V0 (or is in
maintenance), 1 otherwise.`,
		Example: `  openhands-v0 contract probe --base-url https://app.all-hands.dev`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t := a.target(cmd)
			res, err := contract.Probe(cmd.Context(), contract.ProbeOptions{BaseURL: t.baseURL, APIKey: t.apiKey, SessionAPIKey: t.sessionAPIKey})
			if err != nil {
				return &usageError{err: err}
			}
			if err := a.printer().emit(res, func(w io.Writer) error {
				tb := newTable(w, "OPERATION", "PATH", "STATUS", "CLASS", "DETAIL")
				for _, c := range res.Checks {
					status := "-"
					if c.Status != 0 {
						status = fmt.Sprint(c.Status)
					}
					tb.row(c.Operation, c.Path, status, string(c.Class), truncate(c.Detail, 60))
				}
				if err := tb.flush(); err != nil {
					return err
				}
				_, err := fmt.Fprintf(w, "\n%s: %s\n", res.BaseURL, oneLine(res.Verdict))
				return err
			}); err != nil {
				return err
			}
			if code := probeExit(res.Class); code != exitOK {
				return &codedError{code: code, err: fmt.Errorf("%s: %s", res.BaseURL, oneLine(res.Verdict))}
			}
			return nil
		},
	}
}

// probeExit maps a host's class to the documented exit codes.
func probeExit(c contract.HostClass) int {
	switch c {
	case contract.ClassV0, contract.ClassV0Partial:
		return exitOK
	case contract.ClassUnauthorized:
		return exitUnauthorized
	case contract.ClassRemoved, contract.ClassNotFound, contract.ClassMethodNotAllowed, contract.ClassServerError:
		return exitNotV0
	}
	return exitError
}

func (a *app) contractDriftCommand() *cobra.Command {
	var (
		file string
		all  bool
	)
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Tell whether the server's API changed in a way that breaks this SDK",
		Long: `Fetch the OpenAPI document of the server of --base-url (OPENHANDS_APP_BASE),
its /openapi.json, or read --file, and compare it (oasdiff) with the spec this
SDK was generated from. The differences already reviewed for the reviewed
document nearest to the server's version (spec/expected_drift.yaml; the
baselines in spec/baselines are built in) are not reported; --all lists them by
reason. Every other breaking difference is a change: an operation removed or
moved (deprecated or not), a required response field removed or retyped, a
request field that became required, ... Each change names the operation, the
SDK methods that send it and the place in spec/openapi.yaml to edit; then edit
the spec, make generate, make contract and make contract-live (docs/drift.md).

Prints a one-line verdict first. Exits 0 when no change breaks the SDK, 1 when
one does.`,
		Example: `  openhands-v0 contract drift --base-url http://localhost:3000
  openhands-v0 contract drift --file openapi.json -o json
  openhands-v0 contract drift --file openapi.json --all   # the reviewed differences too`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := contract.DriftOptions{File: file}
			if file == "" {
				opts.URL = a.target(cmd).baseURL
			}
			res, err := contract.Drift(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if err := a.printer().emit(res, func(w io.Writer) error { return writeDrift(w, res, all) }); err != nil {
				return err
			}
			if !res.Compatible {
				return &codedError{code: exitError, err: fmt.Errorf("%s: %d breaking changes", res.Source, res.Breaking),
					hint: "edit spec/openapi.yaml where each change says, then make generate, make contract and make contract-live (docs/drift.md)"}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "an OpenAPI document on disk instead of the server's /openapi.json")
	cmd.Flags().BoolVar(&all, "all", false, "also list the reviewed differences, by reason")
	return cmd
}
