package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

func TestExitCodesFollowTheWrapperSentinels(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errors.New("boom"), exitError},
		{usagef("bad flag"), exitUsage},
		{fmt.Errorf("get: %w", wrapper.ErrNotFound), exitNotFound},
		{fmt.Errorf("get: %w", wrapper.ErrUnauthorized), exitUnauthorized},
		{fmt.Errorf("get: %w", wrapper.ErrForbidden), exitUnauthorized},
		{wrapper.ErrMissingAPIKey, exitUnauthorized},
		{fmt.Errorf("get: %w", wrapper.ErrNotV0), exitNotV0},
		{fmt.Errorf("get: %w", wrapper.ErrMaintenance), exitNotV0},
		{fmt.Errorf("get: %w", wrapper.ErrRuntimeUnavailable), exitError},
		{wrapper.ValidateConversationID("a/b"), exitUsage},
		{&codedError{code: exitError, err: errors.New("3 failed")}, exitError},
		{fmt.Errorf("wait: %w", context.DeadlineExceeded), exitError},
		{waitTimedOut(fmt.Errorf("wait: %w", context.DeadlineExceeded)), exitTimeout},
		{waitTimedOut(fmt.Errorf("wait: %w", context.Canceled)), exitError},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestErrorLineIsOneLineWithAHint(t *testing.T) {
	err := fmt.Errorf("openhands: getConversation: 200 host does not serve the V0 API: <title>OpenHands</title>\nline two\x1b[31m: %w", wrapper.ErrNotV0)
	line := errorLine("openhands-v0 conversations get", err, true)
	if strings.ContainsAny(line, "\n\r\x1b") {
		t.Fatalf("error line has control characters: %q", line)
	}
	for _, want := range []string{"openhands-v0 conversations get: ", "does not serve the V0 API", "2026-04-16", "--base-url"} {
		if !strings.Contains(line, want) {
			t.Errorf("error line %q lacks %q", line, want)
		}
	}
	if self := hint(err, "openhands-v0 conversations get", false); strings.Contains(self, "2026-04-16") || !strings.Contains(self, "--base-url") {
		t.Errorf("a self-hosted server's hint %q speaks of the hosted service's removal, or names no flag", self)
	}
	if got := errorLine("openhands-v0 events", usagef("--limit must be at least 1"), false); !strings.HasSuffix(got, "see 'openhands-v0 events --help'") {
		t.Errorf("usage error line %q does not point at the command's help", got)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	isolateEnv(t)
	for _, args := range [][]string{
		{},
		{"bogus"},
		{"--frobnicate"},
		{"conversations"},
		{"conversations", "bogus"},
		{"conversations", "get"},
		{"conversations", "get", "a", "b"},
		{"-o", "yaml", "version"},
		{"conversations", "list", "--all", "--limit", "5"},
		{"events", "x", "--limit", "0"},
		{"events", "x", "--start", "5", "--end", "2"},
		{"export", "--concurrency", "0"},
		{"completion", "powershell"},
		{"--base-url", "ftp://example.com", "conversations", "list"},
	} {
		r := runCLI(t, args...)
		if r.code != exitUsage {
			t.Errorf("openhands-v0 %s: exit %d, want %d (stderr %q)", strings.Join(args, " "), r.code, exitUsage, r.stderr)
		}
		if strings.Count(strings.TrimSpace(lastLine(r.stderr)), "\n") != 0 || !strings.Contains(lastLine(r.stderr), "--help") {
			t.Errorf("openhands-v0 %s: stderr's last line %q does not point at --help", strings.Join(args, " "), lastLine(r.stderr))
		}
		if r.stdout != "" {
			t.Errorf("openhands-v0 %s: usage error wrote to stdout: %q", strings.Join(args, " "), r.stdout)
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestHostedServiceWithoutAPIKeyExitsFour(t *testing.T) {
	isolateEnv(t)
	r := runCLI(t, "--base-url", "https://app.all-hands.dev", "conversations", "list")
	if r.code != exitUnauthorized || !strings.Contains(r.stderr, "OPENHANDS_API_KEY") || !strings.Contains(r.stderr, "--api-key") ||
		strings.Contains(r.stderr, "WithAPIKey") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestHelpExitsZero(t *testing.T) {
	isolateEnv(t)
	r := runCLI(t, "--help")
	if r.code != exitOK || !strings.Contains(r.stdout, "Exit codes") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestVerboseLogRedactsCredentials(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: redactAttr}))
	log.Info("x", "api_key", "sk-123", "Authorization", "Bearer sk-123", "session_api_key", "s3", "path", "/api/conversations")
	if strings.Contains(b.String(), "sk-123") || strings.Contains(b.String(), "s3 ") || !strings.Contains(b.String(), "/api/conversations") {
		t.Fatalf("log line %q", b.String())
	}
}

func TestRedactionHidesSecrets(t *testing.T) {
	c := redactConversation(api.ConversationInfo{ConversationID: "c", SessionAPIKey: "s3cret"})
	if c.SessionAPIKey != redacted {
		t.Errorf("session key printed: %q", c.SessionAPIKey)
	}
	s := redactSettings(api.SettingsInfo{LLMAPIKey: "k1", SearchAPIKey: "k2", McpConfig: &api.MCPConfig{
		ShttpServers: []api.MCPSHTTPServerConfig{{URL: "u", APIKey: "k3"}},
		StdioServers: []api.MCPStdioServerConfig{{Name: "n", Env: map[string]string{"TOKEN": "k4"}}},
	}})
	got := fmt.Sprintf("%+v %+v", s, *s.McpConfig)
	for _, secret := range []string{"k1", "k2", "k3", "k4"} {
		if strings.Contains(got, secret) {
			t.Errorf("settings keep %s: %s", secret, got)
		}
	}
}

func TestLineLimitWriterStopsAfterNLines(t *testing.T) {
	var b strings.Builder
	w := &lineLimitWriter{w: &b, limit: 2}
	for i, line := range []string{"{\"id\":0}\n", "{\"id\":1}\n", "{\"id\":2}\n"} {
		_, err := w.Write([]byte(line))
		if (i == 2) != errors.Is(err, errEnoughLines) {
			t.Fatalf("write %d: err %v", i, err)
		}
	}
	if b.String() != "{\"id\":0}\n{\"id\":1}\n" {
		t.Fatalf("wrote %q", b.String())
	}
}

func TestSimServeStaysOnLoopbackUnlessAllowed(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		allow bool
		ok    bool
	}{
		{"127.0.0.1:3000", false, true},
		{"[::1]:0", false, true},
		{"localhost:3000", false, true},
		{"0.0.0.0:3000", false, false},
		{":3000", false, true},
		{"192.0.2.1:3000", false, false},
		{"0.0.0.0:3000", true, true},
		{"no-port", false, false},
	} {
		err := checkLoopback(tc.addr, tc.allow)
		if (err == nil) != tc.ok || (err != nil && exitCode(err) != exitUsage) {
			t.Errorf("checkLoopback(%q, %v) = %v", tc.addr, tc.allow, err)
		}
	}
}
