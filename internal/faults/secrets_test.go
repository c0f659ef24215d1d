package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/contract"
	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/internal/ghcomment"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// The secrets the test injects: distinctive values that appear nowhere
// unless something leaks them.
const (
	secretAPIKey      = "oh-api-key-7Qx9Lm2Vb4Zr8Tn1Pw6Ks3"
	secretWrongAPIKey = "oh-wrong-key-3Fh8Jd2Ls9Qp4Wz7Xc1"
	secretSessionKey  = "oh-session-key-Kd3Wq8Pz5Yh2Xs6Bn4"
	secretWrongSess   = "oh-wrong-session-Gt5Rv1Mc8Nb3Zq7"
	secretLLMKey      = "sk-llm-key-Fj7Rt2Nv9Bq4Lc6Mw8Ye5"
	secretGitHub      = "ghp_Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6"
	secretValue       = "db-password-Hy6Ux1Oe3Ia8Sd5Rf2Tg9"
)

// outputs collects everything the SDK, the CLI and the contract harness
// put where a person or a file could see it.
type outputs struct {
	mu    sync.Mutex
	texts map[string]string
}

func (o *outputs) add(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.texts == nil {
		o.texts = map[string]string{}
	}
	o.texts[name] += text + "\n"
}

// addErr records an error as a caller would log it: its message, and the
// body excerpt of an *APIError.
func (o *outputs) addErr(name string, err error) {
	if err == nil {
		return
	}
	o.add("error of "+name, err.Error())
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		o.add("error body of "+name, string(apiErr.Body))
	}
}

// addDir records every file under dir.
func (o *outputs) addDir(t *testing.T, name, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		o.add(name+" "+rel, string(b))
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// leaks lists each (output, secret) pair where the secret shows: whole, as
// a URL or JSON would escape it, or its last 12 characters (a redaction
// shows at most a prefix).
func (o *outputs) leaks(secrets map[string]string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for name, text := range o.texts {
		for what, secret := range secrets {
			quoted, _ := json.Marshal(secret)
			forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret), string(quoted[1 : len(quoted)-1]), secret[len(secret)-12:]}
			for _, form := range forms {
				if strings.Contains(text, form) {
					out = append(out, fmt.Sprintf("%s shows the %s (%q…)", name, what, form[:6]))
					break
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestNoSecretAnywhere injects known secrets through every path (options,
// environment, settings, custom secrets, git provider tokens, conversations
// with runtime session keys, GitHub comments, CLI flags and environment,
// contract recordings) and searches every output for them: the SDK's debug
// log, error messages and bodies, downloaded and exported files, the CLI's
// stdout and stderr with -v, cassettes recorded through the contract
// recorder and the contract reports.
func TestNoSecretAnywhere(t *testing.T) {
	secrets := map[string]string{
		"API key": secretAPIKey, "wrong API key": secretWrongAPIKey, "session API key": secretSessionKey,
		"wrong session key": secretWrongSess, "LLM key": secretLLMKey, "GitHub token": secretGitHub, "secret value": secretValue,
	}
	var out outputs
	hosted, hostedURL, gh := hostedWorld(t, &out)

	t.Run("sdk", func(t *testing.T) { sdkPaths(t, &out, hosted, hostedURL, gh) })
	t.Run("cli", func(t *testing.T) { cliPaths(t, &out, hostedURL, gh) })
	t.Run("contract", func(t *testing.T) { contractPaths(t, &out) })

	// The runtime hosts' session keys the server handed out are secrets too.
	for i, key := range runtimeKeys(t, hostedURL) {
		secrets[fmt.Sprintf("runtime session key %d", i+1)] = key
	}
	for _, leak := range out.leaks(secrets) {
		t.Error(leak)
	}
	t.Logf("searched %d outputs for %d secrets", len(out.texts), len(secrets))
}

// hostedWorld is a hosted simulator with the test's API key, a running
// conversation with its own runtime host, and a GitHub API stub that wants
// the test's token and, on one repository, echoes the Authorization header
// back in its error, as a careless proxy would.
func hostedWorld(t *testing.T, out *outputs) (*sim.Server, string, string) {
	t.Helper()
	var simLog strings.Builder
	var logMu sync.Mutex
	s := sim.New(sim.WithMode(sim.ModeHosted), sim.WithAPIKey(secretAPIKey), sim.WithSampleData(), sim.WithTiming(0, time.Hour),
		sim.WithLog(writerFunc(func(p []byte) (int, error) { logMu.Lock(); defer logMu.Unlock(); return simLog.Write(p) })))
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { out.add("simulator log", simLog.String()) })
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/repos/acme/echo/"):
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message":"Bad credentials: %s","documentation_url":"https://docs.github.com/rest"}`, r.Header.Get("Authorization"))
		case r.Header.Get("Authorization") != "Bearer "+secretGitHub:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Bad credentials"}`)
		default:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":1,"html_url":"https://github.com/acme/ops/issues/1#issuecomment-1"}`)
		}
	}))
	t.Cleanup(gh.Close)
	return s, ts.URL, gh.URL
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// debugLogger logs at debug level into out under name.
func debugLogger(out *outputs, name string) *slog.Logger {
	return slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		out.add(name, string(p))
		return len(p), nil
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// sdkPaths drives the SDK with the secrets from options and the environment
// through every call that carries one.
func sdkPaths(t *testing.T, out *outputs, s *sim.Server, base, gh string) {
	ctx := context.Background()
	t.Setenv(wrapper.EnvAPIKey, secretAPIKey)
	t.Setenv(wrapper.EnvAppBase, base)
	c, err := wrapper.NewFromEnv(wrapper.WithLogger(debugLogger(out, "SDK debug log")),
		wrapper.WithRetry(fastRetry()))
	if err != nil {
		t.Fatal(err)
	}
	must := func(what string, err error) {
		t.Helper()
		out.addErr(what, err)
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	fails := func(what string, err error) {
		t.Helper()
		out.addErr(what, err)
		if err == nil {
			t.Errorf("%s succeeded; want an error", what)
		}
	}

	llm := wrapper.LLMSettings{Model: "anthropic/claude-sonnet-4-5", APIKey: secretLLMKey}
	must("StoreLLMSettings", c.StoreLLMSettings(ctx, llm))
	out.add("LLM settings printed", fmt.Sprintf("%v %+v %s", llm, llm, llm))
	settings, err := c.GetSettings(ctx)
	must("GetSettings", err)
	out.add("settings as JSON", mustJSON(t, settings))
	must("CreateSecret", c.CreateSecret(ctx, api.CreateSecretRequest{Name: "DB_PASSWORD", Value: secretValue, Description: "staging"}))
	fails("CreateSecret again", c.CreateSecret(ctx, api.CreateSecretRequest{Name: "DB_PASSWORD", Value: secretValue}))
	list, err := c.ListSecrets(ctx)
	must("ListSecrets", err)
	out.add("secrets as JSON", mustJSON(t, list))
	must("AddGitProviders", c.AddGitProviders(ctx, api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Token: secretGitHub}}}))

	created, err := c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "Print the LLM key " + "in the logs, please"})
	must("CreateConversation", err)
	id := created.ConversationID
	info, err := c.GetConversation(ctx, id)
	must("GetConversation", err)
	if info.SessionAPIKey == "" {
		t.Fatal("the hosted simulator gave the running conversation no session key")
	}
	// Runtime-only calls: the app host answers its maintenance page and the
	// SDK falls back to the runtime host with the conversation's key.
	_, err = c.GetTrajectory(ctx, id)
	must("GetTrajectory", err)
	dir := t.TempDir()
	_, err = c.DownloadTrajectory(ctx, id, filepath.Join(dir, "trajectory.json"))
	must("DownloadTrajectory", err)
	must("SendMessage", c.SendMessage(ctx, id, "and the GitHub token too"))
	summary, err := c.Summary(ctx, id)
	must("Summary", err)
	out.add("summary as JSON", mustJSON(t, summary))
	_, err = c.WithHostPolicy(wrapper.HostApp).GetTrajectory(ctx, id)
	fails("GetTrajectory on the app host only", err)
	_, err = c.GetConversation(ctx, "0123456789abcdef0123456789abcdef")
	fails("GetConversation of a missing one", err)

	comments := ghcomment.Client{HTTP: c.HTTPClient(), API: gh, Token: secretGitHub}
	must("GitHub comment", comments.Post(ctx, "acme/ops", 1, "Started "+id))
	fails("GitHub comment to an echoing server", comments.Post(ctx, "acme/echo", 1, "Started "+id))

	wrong, err := wrapper.New(wrapper.WithBaseURL(base), wrapper.WithAPIKey(secretWrongAPIKey), wrapper.WithSessionAPIKey(secretWrongSess),
		wrapper.WithLogger(debugLogger(out, "SDK debug log, wrong keys")), wrapper.WithRetry(wrapper.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.ListConversations(ctx, wrapper.ListOptions{})
	fails("ListConversations with a wrong key", err)
	fails("GitHub comment with a wrong token", ghcomment.Client{HTTP: wrong.HTTPClient(), API: gh, Token: secretWrongAPIKey}.Post(ctx, "acme/ops", 1, "x"))
	_, err = wrong.WithHostPolicy(wrapper.HostRuntime).GetTrajectory(ctx, id)
	fails("GetTrajectory with wrong keys", err)

	archive := t.TempDir()
	_, err = export.Run(ctx, export.FromClient(c), export.Options{Dir: archive})
	if err != nil && !errors.Is(err, export.ErrIncomplete) {
		t.Errorf("export: %v", err)
	}
	out.addDir(t, "export file", archive)
	out.addDir(t, "downloaded file", dir)
}

// cliPaths runs the CLI with the secrets in flags and the environment, -v on.
func cliPaths(t *testing.T, out *outputs, hostedURL, gh string) {
	bin := cliBinary(t)
	dir := t.TempDir()
	env := cliEnv("GITHUB_TOKEN="+secretGitHub, "GITHUB_API_URL="+gh, "LLM_MODEL=openai/gpt-5", "LLM_API_KEY="+secretLLMKey)
	c, err := wrapper.New(wrapper.WithBaseURL(hostedURL), wrapper.WithAPIKey(secretAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListConversations(context.Background(), wrapper.ListOptions{})
	if err != nil || len(all) == 0 {
		t.Fatalf("listing: %v", err)
	}
	var running string
	for _, conv := range all {
		if conv.Status == api.ConversationStatusRunning {
			running = conv.ConversationID
		}
	}
	hosted := []string{"--base-url", hostedURL, "--api-key", secretAPIKey, "-v"}
	runs := [][]string{
		{"conversations", "list", "--all"},
		{"conversations", "get", running},
		{"-o", "json", "conversations", "get", running},
		{"-o", "json", "conversations", "list"},
		{"trajectory", running, "-f", filepath.Join(dir, "t.json")},
		{"-o", "json", "conversations", "summary", running},
		{"conversations", "send", running, "hello"},
		{"settings", "configure-llm", "--model", "openai/gpt-5", "--llm-api-key", secretLLMKey},
		{"configure-llm"},
		{"-o", "json", "settings", "get"},
		{"new-conversation", "--custom-prompt", "Fix it", "--comment-repo", "acme/ops", "--comment-issue", "1"},
		{"new-conversation", "--custom-prompt", "Fix it", "--comment-repo", "acme/echo", "--comment-issue", "1"},
		{"export", "--dir", filepath.Join(dir, "archive")},
		{"runtime-config", running},
	}
	for _, args := range runs {
		res := runCLI(t, bin, dir, env, append(hosted, args...)...)
		out.add("CLI "+strings.Join(args, " "), res.stdout+res.stderr)
		// A comment that fails is a warning: new-conversation still succeeds.
		if res.code != 0 {
			t.Errorf("openhands-v0 %s exited %d:\n%s", strings.Join(args, " "), res.code, res.stderr)
		}
	}
	wrong := runCLI(t, bin, dir, env, "--base-url", hostedURL, "--api-key", secretWrongAPIKey, "-v", "conversations", "list")
	if wrong.code == 0 {
		t.Error("the CLI accepted a wrong API key")
	}
	out.add("CLI with a wrong key", wrong.stdout+wrong.stderr)

	// A self-hosted server with SESSION_API_KEY, the key from the flag and
	// from the environment, right and wrong.
	_, oss := simtest.NewServer(t, sim.WithSessionAPIKey(secretSessionKey), sim.WithSampleData())
	for name, res := range map[string]cliResult{
		"session key flag":  runCLI(t, bin, dir, env, "--base-url", oss, "--session-api-key", secretSessionKey, "-v", "conversations", "list"),
		"session key env":   runCLI(t, bin, dir, append(env, "OPENHANDS_SESSION_API_KEY="+secretSessionKey, "OPENHANDS_APP_BASE="+oss), "-v", "-o", "json", "settings", "get"),
		"wrong session key": runCLI(t, bin, dir, env, "--base-url", oss, "--session-api-key", secretWrongSess, "-v", "conversations", "list"),
	} {
		out.add("CLI "+name, res.stdout+res.stderr)
	}
	out.addDir(t, "CLI file", dir)
}

// contractPaths records cassettes through the contract recorder from a live
// run against a simulator holding the secrets, and keeps the reports.
func contractPaths(t *testing.T, out *outputs) {
	ctx := context.Background()
	_, base := simtest.NewServer(t, sim.WithSampleData(), sim.WithSessionAPIKey(secretSessionKey),
		sim.WithClock(sim.NewStepClock(sim.DefaultEpoch, time.Second)))
	c, err := wrapper.New(wrapper.WithBaseURL(base), wrapper.WithSessionAPIKey(secretSessionKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.StoreLLMSettings(ctx, wrapper.LLMSettings{Model: "openai/gpt-5", APIKey: secretLLMKey}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateSecret(ctx, api.CreateSecretRequest{Name: "DB_PASSWORD", Value: secretValue}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddGitProviders(ctx, api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Token: secretGitHub}}}); err != nil {
		t.Fatal(err)
	}
	cassettes, reports := t.TempDir(), t.TempDir()
	rep, err := contract.Run(ctx, contract.RunOptions{
		Mode: contract.ModeLive, BaseURL: base, APIKey: secretAPIKey, SessionAPIKey: secretSessionKey, AllowWrites: true,
		Record: true, CassetteDir: cassettes, PollInterval: time.Millisecond, WaitTimeout: time.Minute, ScenarioTimeout: time.Minute,
		ReportMarkdown: filepath.Join(reports, "report.md"), ReportJSON: filepath.Join(reports, "report.json"),
		Logger: debugLogger(out, "contract debug log"),
	})
	if err != nil {
		t.Fatal(err)
	}
	out.add("contract verdict", rep.Verdict)
	if n := out.addDir(t, "cassette", cassettes); n < 10 {
		t.Errorf("the live recording wrote %d cassette files; the secret search needs them", n)
	}
	out.addDir(t, "contract report", reports)
}

// runtimeKeys returns the session keys of the hosted server's conversations.
func runtimeKeys(t *testing.T, base string) []string {
	t.Helper()
	c, err := wrapper.New(wrapper.WithBaseURL(base), wrapper.WithAPIKey(secretAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListConversations(context.Background(), wrapper.ListOptions{IncludeV1: true})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, conv := range all {
		if conv.SessionAPIKey != "" {
			keys = append(keys, conv.SessionAPIKey)
		}
	}
	if len(keys) == 0 {
		t.Fatal("no runtime session key to search for")
	}
	return keys
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLeakSearchFindsEveryForm proves the search can fail: a secret in any
// of the forms it looks for is reported, an unrelated text is not.
func TestLeakSearchFindsEveryForm(t *testing.T) {
	secrets := map[string]string{"API key": `oh-api-key-with/slash+"quote"-0123456789`}
	for _, form := range []string{secrets["API key"], url.QueryEscape(secrets["API key"]), url.PathEscape(secrets["API key"]),
		`oh-api-key-with/slash+\"quote\"-0123456789`, "…" + secrets["API key"][len(secrets["API key"])-12:]} {
		var out outputs
		out.add("log", "before "+form+" after")
		if len(out.leaks(secrets)) != 1 {
			t.Errorf("the form %q was not found", form)
		}
	}
	var out outputs
	out.add("log", "oh-api-key-with/slash+ and nothing more")
	if leaks := out.leaks(secrets); len(leaks) != 0 {
		t.Errorf("false alarm: %v", leaks)
	}
}
