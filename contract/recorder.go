package contract

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/dnaeon/go-vcr.v3/recorder"
)

// ErrNetworkInReplay is what a replaying recorder's transport answers if
// anything ever tries to reach the network through it.
var ErrNetworkInReplay = errors.New("contract: replay never uses the network")

// volatileHeaders change from one recording to the next without meaning
// anything for the contract; they are dropped from saved cassettes.
var volatileHeaders = []string{"Date", "User-Agent", "X-Request-Id", "Cf-Ray", "Age"}

type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) { return nil, ErrNetworkInReplay }

// secretSet gathers the secrets of a recording: the credentials it was given
// and every secret an interaction revealed (a session key in a response),
// so that each is removed from every interaction of the cassette.
type secretSet struct {
	mu     sync.Mutex
	values []string
}

func newSecretSet(known []string) *secretSet {
	s := &secretSet{}
	s.add(known...)
	return s
}

func (s *secretSet) add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" && !slices.Contains(s.values, v) {
			s.values = append(s.values, v)
		}
	}
}

func (s *secretSet) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.values)
}

// newReplayer opens a scenario's cassette for replay: ModeReplayOnly (a
// missing cassette is an error here; a request it does not hold is an error
// at the call), no simulated latency, the host-blind matcher, and a real
// transport that refuses to be used.
func newReplayer(dir, scenario string, secrets []string) (*recorder.Recorder, error) {
	rec, err := recorder.NewWithOptions(&recorder.Options{
		CassetteName:       cassetteName(dir, scenario),
		Mode:               recorder.ModeReplayOnly,
		RealTransport:      noNetwork{},
		SkipRequestLatency: true,
	})
	if err != nil {
		return nil, fmt.Errorf("contract: scenario %s: %w (record it with `make record`)", scenario, err)
	}
	rec.SetMatcher(matcher(secrets...))
	rec.SetReplayableInteractions(false)
	return rec, nil
}

// newRecording opens a scenario's cassette for recording through real: the
// cassette is rewritten from scratch. Each captured interaction's secrets
// are noted; when the recorder stops, every interaction is scrubbed of all
// of them (on copies: the maps the caller holds are not touched), its
// volatile headers are dropped and its duration zeroed, so two recordings of
// the same exchanges give the same bytes.
func newRecording(dir, scenario string, real http.RoundTripper, known []string) (*recorder.Recorder, error) {
	rec, err := recorder.NewWithOptions(&recorder.Options{
		CassetteName:       cassetteName(dir, scenario),
		Mode:               recorder.ModeRecordOnly,
		RealTransport:      real,
		SkipRequestLatency: true,
	})
	if err != nil {
		return nil, fmt.Errorf("contract: scenario %s: %w", scenario, err)
	}
	secrets := newSecretSet(known)
	rec.SetMatcher(matcher(known...))
	rec.AddHook(func(i *cassette.Interaction) error {
		secrets.add(secretsIn(*i)...)
		return nil
	}, recorder.AfterCaptureHook)
	rec.AddHook(func(i *cassette.Interaction) error {
		*i = normalize(scrub(*i, secrets.list()...))
		return nil
	}, recorder.BeforeSaveHook)
	return rec, nil
}

// recording records one scenario's cassette into a temporary folder beside
// the cassettes; only a scenario that passed replaces its cassette, so a
// failed or skipped run (a live server without the data a scenario needs)
// keeps the cassette that was there.
type recording struct {
	rec      *recorder.Recorder
	tmp      string
	dir      string
	scenario Scenario
	origin   string
}

// startRecording opens a recording of sc through real; origin says, in the
// cassette's comment, where it was recorded.
func startRecording(dir string, sc Scenario, real http.RoundTripper, known []string, origin string) (*recording, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("contract: cassette folder: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".recording-")
	if err != nil {
		return nil, fmt.Errorf("contract: cassette folder: %w", err)
	}
	rec, err := newRecording(tmp, sc.Name, real, known)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &recording{rec: rec, tmp: tmp, dir: dir, scenario: sc, origin: origin}, nil
}

// finish saves the recording (scrubbed) and, when the scenario passed,
// stamps its origin and moves it over the scenario's cassette.
func (r *recording) finish(passed bool) error {
	defer os.RemoveAll(r.tmp)
	if err := r.rec.Stop(); err != nil {
		return err
	}
	if !passed {
		return nil
	}
	src := cassettePath(r.tmp, r.scenario.Name)
	if err := stampOrigin(src, r.scenario.Name, r.scenario.Description, r.origin); err != nil {
		return err
	}
	return os.Rename(src, cassettePath(r.dir, r.scenario.Name))
}

// normalize drops what varies between two recordings of the same exchange:
// volatile headers, the duration, and a multipart body's random boundary
// (replaced by a fixed one of the same length, so lengths stay true). scrub
// has already cloned the header maps.
func normalize(i cassette.Interaction) cassette.Interaction {
	for _, h := range volatileHeaders {
		i.Request.Headers.Del(h)
		i.Response.Headers.Del(h)
	}
	i.Response.Duration = 0
	if b := multipartBoundary(i.Request.Headers); b != "" {
		fixed := fixedBoundary(len(b))
		i.Request.Body = strings.ReplaceAll(i.Request.Body, b, fixed)
		i.Request.Headers.Set("Content-Type", strings.ReplaceAll(i.Request.Headers.Get("Content-Type"), b, fixed))
	}
	return i
}

// multipartBoundary is the boundary of a multipart body's Content-Type, or "".
func multipartBoundary(h http.Header) string {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return ""
	}
	return params["boundary"]
}

// fixedBoundary is a constant multipart boundary n characters long.
func fixedBoundary(n int) string {
	const stem = "openhands-contract-boundary-"
	return (stem + strings.Repeat("0", max(n-len(stem), 0)))[:n]
}
