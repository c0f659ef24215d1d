package contract

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/spec"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Mode says where a run's exchanges come from.
type Mode string

// The run modes.
const (
	// ModeReplay replays the cassettes, offline (the default).
	ModeReplay Mode = "replay"
	// ModeLive runs the scenarios against a live server (RunOptions.BaseURL).
	ModeLive Mode = "live"
	// ModeSimulator runs the scenarios against a fresh in-process simulator
	// each, on loopback; with Record it rewrites the cassettes.
	ModeSimulator Mode = "simulator"
)

// RunOptions configures Run.
type RunOptions struct {
	// Mode is where the exchanges come from (default ModeReplay).
	Mode Mode
	// CassetteDir is the cassettes folder (default defaultCassetteDir).
	CassetteDir string
	// Scenarios restricts the run to these scenario names (default all).
	// Coverage of every operation is only required of a full run.
	Scenarios []string

	// BaseURL is the live server's app host (ModeLive), e.g. OPENHANDS_APP_BASE.
	BaseURL string
	// APIKey is the live server's bearer API key, if it wants one.
	APIKey string
	// SessionAPIKey is the live server's X-Session-API-Key, if it wants one.
	SessionAPIKey string
	// AllowWrites lets a live run make the scenarios that create, start,
	// change or delete (they clean up after themselves).
	AllowWrites bool
	// HTTPClient's transport carries a live run's requests (default
	// http.DefaultTransport).
	HTTPClient *http.Client

	// Disposable says the live server is a throw-away one (the real server
	// `make contract-real` starts): the scenarios that change what they
	// cannot restore (Scenario.Disposable) run too.
	Disposable bool

	// Record rewrites the cassettes of the scenarios run, scrubbed (ModeLive
	// or ModeSimulator), and cassettes/README.md.
	Record bool

	// ScenarioTimeout bounds each scenario (default 1 minute; 15 minutes live).
	ScenarioTimeout time.Duration
	// PollInterval is how often a live run polls a conversation it waits
	// for (default 3 seconds; replay and the simulator do not wait).
	PollInterval time.Duration
	// WaitTimeout bounds a live run's wait for a conversation to stop on its
	// own (default 3 minutes; the lifecycle then stops it itself).
	WaitTimeout time.Duration

	// ReportMarkdown and ReportJSON, when set, are where the report is
	// written (the directory must exist).
	ReportMarkdown string
	ReportJSON     string
	// Progress, when set, is called after each scenario with its result
	// (a live run can take minutes).
	Progress func(ScenarioResult)
	// Logger receives the SDK's debug lines (default none).
	Logger *slog.Logger
	// Now is the clock for the dates of live recordings (default time.Now).
	Now func() time.Time

	// recordedLive replays a folder recorded from a live server (one of
	// realCassetteDirs): scenarios take their live paths, and a scenario
	// without a cassette there is reported skipped with the recording's reason.
	recordedLive bool
	skipReasons  map[string]string
}

// replayBaseURL is the app host replays and simulator runs address; replays
// match without the host, and simulator runs dial the loopback simulator
// whatever the host, so cassettes name this stable, reserved host.
const replayBaseURL = "http://openhands.sim.test"

func (o RunOptions) withDefaults() (RunOptions, error) {
	if o.Mode == "" {
		o.Mode = ModeReplay
	}
	switch o.Mode {
	case ModeReplay:
		if o.Record {
			return o, errors.New("contract: Record needs ModeLive or ModeSimulator: a replay has nothing to record")
		}
	case ModeLive:
		u, err := url.Parse(strings.TrimSpace(o.BaseURL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return o, fmt.Errorf("contract: a live run needs the server's base URL (OPENHANDS_APP_BASE), an absolute http(s) URL, got %q", o.BaseURL)
		}
	case ModeSimulator:
	default:
		return o, fmt.Errorf("contract: unknown mode %q (want replay, live or simulator)", o.Mode)
	}
	if o.CassetteDir == "" && (o.Mode == ModeReplay || o.Record) {
		dir, err := defaultCassetteDir()
		if err != nil {
			return o, err
		}
		o.CassetteDir = dir
	}
	if o.ScenarioTimeout <= 0 {
		o.ScenarioTimeout = time.Minute
		if o.Mode == ModeLive {
			o.ScenarioTimeout = 15 * time.Minute
		}
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 3 * time.Second
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 3 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// Run runs the scenarios (all, or opts.Scenarios) in the chosen mode, checks
// every exchange against the spec and returns the report; with
// opts.ReportMarkdown or opts.ReportJSON it also writes it there. The error
// is for a run that could not be made (bad options, an unknown scenario, the
// spec not loading, a report not written); scenarios that fail and
// violations are in the report (Report.Pass).
func Run(ctx context.Context, opts RunOptions) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	scenarios, err := selectScenarios(opts.Scenarios)
	if err != nil {
		return nil, err
	}
	validator, err := spec.NewValidator(ctx)
	if err != nil {
		return nil, err
	}
	runs := make([]scenarioRun, 0, len(scenarios))
	for _, sc := range scenarios {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run := runScenario(ctx, validator, sc, opts)
		runs = append(runs, run)
		if opts.Progress != nil {
			opts.Progress(run.result())
		}
	}
	report := buildReport(validator.Operations(), runs, opts)
	if opts.Record {
		if opts.Mode == ModeLive && len(opts.Scenarios) == 0 {
			if err := writeSkipReasons(opts.CassetteDir, runs); err != nil {
				return report, err
			}
		}
		if err := writeCassetteIndex(opts.CassetteDir, opts.Now()); err != nil {
			return report, err
		}
	}
	if opts.Mode == ModeReplay && !opts.recordedLive {
		if err := replayRealServers(ctx, validator, scenarios, opts, report); err != nil {
			return report, err
		}
		for _, rs := range report.Real {
			explainUnreached(rs.Report, report)
		}
	}
	if opts.Mode == ModeLive && len(opts.Scenarios) == 0 {
		if sim, err := simulatorCoverage(ctx, validator, scenarios); err == nil {
			explainUnreached(report, sim)
		}
	}
	if err := report.save(opts.ReportMarkdown, opts.ReportJSON); err != nil {
		return report, err
	}
	return report, nil
}

// Record regenerates every cassette (or those named) in dir from the
// simulator, deterministically, and rewrites dir/README.md: `make record`.
func Record(ctx context.Context, dir string, scenarios ...string) (*Report, error) {
	return Run(ctx, RunOptions{Mode: ModeSimulator, Record: true, CassetteDir: dir, Scenarios: scenarios})
}

// selectScenarios returns the scenarios named, in the order of Scenarios(),
// or all of them.
func selectScenarios(names []string) ([]Scenario, error) {
	all := Scenarios()
	if len(names) == 0 {
		return all, nil
	}
	var out []Scenario
	for _, sc := range all {
		if slices.Contains(names, sc.Name) {
			out = append(out, sc)
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(all, func(sc Scenario) bool { return sc.Name == n }) {
			return nil, fmt.Errorf("contract: no scenario %q (see contract.Scenarios)", n)
		}
	}
	return out, nil
}

// Outcome is how a scenario ended.
type Outcome string

// The outcomes.
const (
	OutcomePassed  Outcome = "passed"
	OutcomeFailed  Outcome = "failed"
	OutcomeSkipped Outcome = "skipped"
)

// scenarioRun is one scenario's result before it goes into the report.
type scenarioRun struct {
	scenario  Scenario
	outcome   Outcome
	reason    string
	notes     []string
	exchanges []Exchange
}

// runScenario runs one scenario in the chosen mode and collects its exchanges.
func runScenario(ctx context.Context, v *spec.Validator, sc Scenario, opts RunOptions) scenarioRun {
	run := scenarioRun{scenario: sc}
	if reason := liveSkip(sc, opts); reason != "" {
		run.outcome, run.reason = OutcomeSkipped, reason
		return run
	}
	if opts.recordedLive {
		if _, err := os.Stat(cassettePath(opts.CassetteDir, sc.Name)); err != nil {
			run.outcome, run.reason = OutcomeSkipped, cmp.Or(opts.skipReasons[sc.Name], sc.NotOnRealServer,
				"not recorded from this server")
			return run
		}
	}
	h, err := newHarness(sc, opts)
	if err != nil {
		run.outcome, run.reason = OutcomeFailed, err.Error()
		return run
	}
	conf := newConformance(h.transport, v, sc, h.secrets)
	conf.idle = h.network
	base := []wrapper.Option{
		wrapper.WithBaseURL(h.baseURL),
		wrapper.WithAPIKey(h.apiKey),
		wrapper.WithSessionAPIKey(h.sessionAPIKey),
		wrapper.WithTransport(conf),
		wrapper.WithRetry(h.retry),
	}
	if opts.Logger != nil {
		base = append(base, wrapper.WithLogger(opts.Logger))
	}
	newClient := func(extra ...wrapper.Option) (*wrapper.Client, error) {
		return wrapper.New(append(slices.Clone(base), extra...)...)
	}
	client, err := newClient()
	if err != nil {
		_ = h.finish(false)
		run.outcome, run.reason = OutcomeFailed, err.Error()
		return run
	}
	s := &Session{Client: client, mode: opts.Mode, recordedLive: opts.recordedLive,
		newClient: newClient, pollEvery: h.pollEvery, waitFor: h.waitFor}

	sctx, cancel := context.WithTimeout(ctx, opts.ScenarioTimeout)
	runErr := runSafely(sctx, sc, s)
	cancel()
	cleanupErr := errors.Join(s.runCleanups(ctx, min(opts.ScenarioTimeout, 2*time.Minute))...)
	run.exchanges = conf.results()
	run.notes = s.notes
	var missing []string
	if runErr == nil && cleanupErr == nil {
		missing = unseenExpectations(sc, run.exchanges)
	}
	// A recording is kept only for a scenario that passed.
	finishErr := h.finish(runErr == nil && cleanupErr == nil && len(missing) == 0)
	after := errors.Join(cleanupErr, finishErr)

	switch {
	case errors.Is(runErr, ErrSkipped) && after == nil:
		run.outcome, run.reason = OutcomeSkipped, strings.TrimPrefix(runErr.Error(), ErrSkipped.Error()+": ")
	case runErr != nil || after != nil:
		run.outcome, run.reason = OutcomeFailed, scrubText(oneLine(errors.Join(runErr, after).Error()), h.secrets)
	case len(missing) > 0:
		run.outcome, run.reason = OutcomeFailed, "expected violation did not happen: "+strings.Join(missing, "; ")
	default:
		run.outcome = OutcomePassed
	}
	return run
}

// liveSkip is why a live run does not make the scenario, or "".
func liveSkip(sc Scenario, opts RunOptions) string {
	if opts.Mode != ModeLive {
		return ""
	}
	switch {
	case sc.NotOnRealServer != "":
		return sc.NotOnRealServer
	case sc.SimOnly:
		return "needs a server behaviour only the simulator provides (replayed from its cassette instead)"
	case sc.Writes && !opts.AllowWrites:
		return "creates, changes or deletes data: run with writes allowed"
	case sc.Disposable && !opts.Disposable:
		return "changes what it cannot restore: run it against a throw-away server (--disposable, as make contract-real does)"
	}
	return ""
}

// runSafely runs the scenario, turning a panic in it into an error.
func runSafely(ctx context.Context, sc Scenario, s *Session) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("scenario %s panicked: %v", sc.Name, r)
		}
	}()
	return sc.Run(ctx, s)
}

// unseenExpectations lists the expectations of a scenario no violation met.
func unseenExpectations(sc Scenario, exchanges []Exchange) []string {
	var missing []string
	for _, e := range sc.Expect {
		seen := false
		for _, x := range exchanges {
			if slices.ContainsFunc(x.Violations, e.matches) {
				seen = true
				break
			}
		}
		if !seen {
			missing = append(missing, fmt.Sprintf("%s violation on %s (%s)", e.Kind, cmp.Or(e.Operation, "any operation"), e.Why))
		}
	}
	return missing
}
