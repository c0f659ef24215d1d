package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// serveSim runs 'sim serve' in this process with args and returns the base
// URL it announces. The command stops (and must exit 0) when the test ends.
func serveSim(t *testing.T, args ...string) string {
	t.Helper()
	isolateEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"sim", "serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("sim serve exited %d: %s", code, stderr.String())
		}
	})
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("sim serve %v: %v (stderr %q)", args, err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	_, base, ok := strings.Cut(strings.TrimSpace(first), "listening on ")
	if !ok {
		t.Fatalf("sim serve said %q", first)
	}
	return base
}

func TestSimServeHostedRefusesOtherKeys(t *testing.T) {
	base := serveSim(t, "--mode", "hosted", "--api-key", "sk-right")
	if r := runCLI(t, "--base-url", base, "--api-key", "sk-wrong", "conversations", "list"); r.code != exitUnauthorized {
		t.Errorf("a wrong key: exit %d, want %d\n%s", r.code, exitUnauthorized, r.stderr)
	}
	if r := runCLI(t, "--base-url", base, "--api-key", "sk-right", "conversations", "list"); r.code != 0 {
		t.Errorf("the right key: exit %d\n%s", r.code, r.stderr)
	}
}

func TestSimServeSessionKey(t *testing.T) {
	base := serveSim(t, "--session-api-key", "sess-right")
	if r := runCLI(t, "--base-url", base, "--session-api-key", "sess-wrong", "conversations", "list"); r.code != exitUnauthorized {
		t.Errorf("a wrong session key: exit %d, want %d\n%s", r.code, exitUnauthorized, r.stderr)
	}
	if r := runCLI(t, "--base-url", base, "conversations", "list"); r.code != exitUnauthorized {
		t.Errorf("no session key: exit %d, want %d\n%s", r.code, exitUnauthorized, r.stderr)
	}
	if r := runCLI(t, "--base-url", base, "--session-api-key", "sess-right", "conversations", "list"); r.code != 0 {
		t.Errorf("the right session key: exit %d\n%s", r.code, r.stderr)
	}
}

func TestSimServeBulkAndFaults(t *testing.T) {
	base := serveSim(t, "--bulk-events", "250", "--latency", "1ms",
		"--fault", `status,status=401,method=GET,path=/api/conversations/{id}/events,times=1,body={"detail":"Unauthorized"}`)
	r := runCLI(t, "--base-url", base, "conversations", "list", "-o", "json")
	if r.code != 0 {
		t.Fatalf("conversations list: exit %d\n%s", r.code, r.stderr)
	}
	var convs []struct {
		ConversationID string `json:"conversation_id"`
		Title          string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &convs); err != nil || len(convs) != 1 || !strings.Contains(convs[0].Title, "250 events") {
		t.Fatalf("conversations list printed %q (%v), want the bulk conversation alone", r.stdout, err)
	}
	id := convs[0].ConversationID
	// The fault hits the first events call only.
	if ev := runCLI(t, "--base-url", base, "events", id, "--all", "-o", "json"); ev.code != exitUnauthorized {
		t.Errorf("events under the fault: exit %d, want %d\n%s", ev.code, exitUnauthorized, ev.stderr)
	}
	ev := runCLI(t, "--base-url", base, "events", id, "--all", "-o", "json")
	if n := strings.Count(ev.stdout, "\n"); ev.code != 0 || n != 250 {
		t.Errorf("events --all: exit %d, %d lines, want 250\n%s", ev.code, n, ev.stderr)
	}
}

func TestSimServeRefusesBadSwitches(t *testing.T) {
	isolateEnv(t)
	for _, args := range [][]string{
		{"--fault", "teapot"},
		{"--bulk-events", "-1"},
		{"--latency", "-1s"},
		{"--api-key", "k"}, // oss mode has no API keys
	} {
		r := runCLI(t, append([]string{"sim", "serve", "--addr", "127.0.0.1:0"}, args...)...)
		if r.code != exitUsage {
			t.Errorf("sim serve %v: exit %d, want %d\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
}
