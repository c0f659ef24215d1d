package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

// TestAgainstTheSimulator runs the settings, secrets, options and
// conversation-scoped calls against the simulator playing the hosted
// service, whose app host answers the runtime-only routes with its
// maintenance page: every such call must reach the runtime host on its own.
func TestAgainstTheSimulator(t *testing.T) {
	_, base := simtest.NewServer(t, sim.WithMode(sim.ModeHosted), sim.WithAPIKey(stubAPIKey), sim.WithSampleData(),
		sim.WithTiming(0, time.Hour))
	c, err := New(WithBaseURL(base), WithAPIKey(stubAPIKey), WithRetry(NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("settings keep what StoreLLMSettings does not change", func(t *testing.T) {
		before, err := c.GetSettings(ctx)
		if err != nil {
			t.Fatalf("GetSettings: %v", err)
		}
		if err := c.StoreLLMSettings(ctx, LLMSettings{Model: "openai/gpt-4o-mini", APIKey: "sk-llm-sim"}); err != nil {
			t.Fatalf("StoreLLMSettings: %v", err)
		}
		after, err := c.GetSettings(ctx)
		if err != nil {
			t.Fatalf("GetSettings: %v", err)
		}
		if after.LLMModel != "openai/gpt-4o-mini" || !after.LLMAPIKeySet || after.LLMBaseURL != before.LLMBaseURL {
			t.Errorf("LLM fields after: model %q key set %v base %q (before %q)", after.LLMModel, after.LLMAPIKeySet, after.LLMBaseURL, before.LLMBaseURL)
		}
		after.LLMModel = before.LLMModel
		b1, _ := settingsToStore(*before)
		b2, _ := settingsToStore(*after)
		if !settingsEqual(b1, b2) {
			t.Errorf("other settings changed:\nbefore %+v\nafter  %+v", b1, b2)
		}
	})

	t.Run("secrets", func(t *testing.T) {
		if err := c.CreateSecret(ctx, api.CreateSecretRequest{Name: "SIM_TOKEN", Value: "sim-value", Description: "d"}); err != nil {
			t.Fatalf("CreateSecret: %v", err)
		}
		if err := c.CreateSecret(ctx, api.CreateSecretRequest{Name: "SIM_TOKEN", Value: "x"}); !errors.Is(err, ErrValidation) {
			t.Errorf("duplicate CreateSecret: %v", err)
		}
		if err := c.UpdateSecret(ctx, "SIM_TOKEN", api.UpdateSecretRequest{Name: "SIM_TOKEN_2"}); err != nil {
			t.Fatalf("UpdateSecret: %v", err)
		}
		list, err := c.ListSecrets(ctx)
		if err != nil || !slices.ContainsFunc(list, func(s api.CustomSecretInfo) bool { return s.Name == "SIM_TOKEN_2" }) {
			t.Fatalf("ListSecrets: %v, %v", list, err)
		}
		if err := c.DeleteSecret(ctx, "SIM_TOKEN_2"); err != nil {
			t.Fatalf("DeleteSecret: %v", err)
		}
		if err := c.DeleteSecret(ctx, "SIM_TOKEN_2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second DeleteSecret: %v", err)
		}
	})

	t.Run("options and user", func(t *testing.T) {
		if m, err := c.ListModels(ctx); err != nil || len(m) == 0 {
			t.Errorf("ListModels: %v, %v", m, err)
		}
		if a, err := c.ListAgents(ctx); err != nil || len(a) == 0 {
			t.Errorf("ListAgents: %v, %v", a, err)
		}
		if _, err := c.ListSecurityAnalyzers(ctx); err != nil {
			t.Errorf("ListSecurityAnalyzers: %v", err)
		}
		if cfg, err := c.GetServerConfig(ctx); err != nil || cfg.APPMODE == "" {
			t.Errorf("GetServerConfig: %+v, %v", cfg, err)
		}
		if h, err := c.Health(ctx); err != nil || h != "OK" {
			t.Errorf("Health: %q, %v", h, err)
		}
		if a, err := c.Alive(ctx); err != nil || a.Status != "ok" {
			t.Errorf("Alive: %+v, %v", a, err)
		}
		if _, err := c.ServerInfo(ctx); err != nil {
			t.Errorf("ServerInfo: %v", err)
		}
		if u, err := c.GetUserInfo(ctx); err != nil || u.Login == "" {
			t.Errorf("GetUserInfo: %+v, %v", u, err)
		}
	})

	t.Run("conversation-scoped calls fall back to the runtime host", func(t *testing.T) {
		created, err := c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "write hello.txt", Repository: "octo/hello", GitProvider: api.ProviderTypeGithub})
		if err != nil {
			t.Fatalf("CreateConversation: %v", err)
		}
		id := created.ConversationID
		info, err := c.GetConversation(ctx, id)
		if err != nil || info.URL == "" || info.SessionAPIKey == "" {
			t.Fatalf("GetConversation: %+v, %v; want a running conversation", info, err)
		}
		up, err := c.UploadFiles(ctx, id, []UploadFile{FileFromBytes("hello.txt", []byte("hello from the SDK"))})
		if err != nil || len(up.UploadedFiles) != 1 {
			t.Fatalf("UploadFiles: %+v, %v", up, err)
		}
		files, err := c.ListFiles(ctx, id, "")
		if err != nil || !slices.ContainsFunc(files, func(f string) bool { return f == "hello.txt" || f == up.UploadedFiles[0] }) {
			t.Errorf("ListFiles: %v, %v", files, err)
		}
		if code, err := c.SelectFile(ctx, id, "hello.txt"); err != nil || code != "hello from the SDK" {
			t.Errorf("SelectFile: %q, %v", code, err)
		}
		var zip bytes.Buffer
		if n, err := c.ZipWorkspace(ctx, id, &zip); err != nil || n == 0 || !bytes.HasPrefix(zip.Bytes(), []byte("PK")) {
			t.Errorf("ZipWorkspace: %d bytes, %v", n, err)
		}
		changes, err := c.GitChanges(ctx, id)
		if err != nil || !slices.ContainsFunc(changes, func(ch api.GitChange) bool { return ch.Path == "hello.txt" }) {
			t.Errorf("GitChanges: %+v, %v", changes, err)
		}
		if diff, err := c.GitDiff(ctx, id, "hello.txt"); err != nil || diff.Modified != "hello from the SDK" {
			t.Errorf("GitDiff: %+v, %v", diff, err)
		}
		if _, err := c.GetRuntimeConfig(ctx, id); err != nil {
			t.Errorf("GetRuntimeConfig: %v", err)
		}
		if _, err := c.GetVSCodeURL(ctx, id); err != nil {
			t.Errorf("GetVSCodeURL: %v", err)
		}
		if _, err := c.GetWebHosts(ctx, id); err != nil {
			t.Errorf("GetWebHosts: %v", err)
		}
		if _, err := c.GetMicroagents(ctx, id); err != nil {
			t.Errorf("GetMicroagents: %v", err)
		}
		if err := c.SendMessage(ctx, id, "also add a README"); err != nil {
			t.Errorf("SendMessage: %v", err)
		}
		if err := c.AddEvent(ctx, id, map[string]any{"action": "message", "args": map[string]any{"content": "hi", "image_urls": []string{}, "file_urls": []string{}}}); err != nil {
			t.Errorf("AddEvent: %v", err)
		}
		if fb, err := c.SubmitFeedback(ctx, id, api.FeedbackRequest{Polarity: api.FeedbackRequestPolarityPositive}); err != nil || fb.Body.FeedbackID == "" {
			t.Errorf("SubmitFeedback: %+v, %v", fb, err)
		}
		if _, err := c.WithHostPolicy(HostApp).ListFiles(ctx, id, ""); !errors.Is(err, ErrMaintenance) {
			t.Errorf("HostApp ListFiles: err = %v, want the maintenance page", err)
		}
	})
}

// settingsEqual compares settings by their JSON form.
func settingsEqual(a, b api.Settings) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
