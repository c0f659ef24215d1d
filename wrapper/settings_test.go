package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// storedSettings is a getSettings answer as the server sends it: secrets
// nulled, *_set flags, explicit false values and nested config.
const storedSettings = `{
  "language": "en", "agent": "CodeActAgent", "max_iterations": 50, "security_analyzer": "llm",
  "confirmation_mode": false, "llm_model": "openai/gpt-4o", "llm_api_key": null,
  "llm_base_url": "https://llm.example.com", "remote_runtime_resource_factor": 2,
  "secrets_store": {"provider_tokens": {}}, "enable_default_condenser": false,
  "enable_sound_notifications": false, "enable_proactive_conversation_starters": true,
  "enable_solvability_analysis": false, "user_consents_to_analytics": true,
  "mcp_config": {"sse_servers": [{"url": "https://mcp.example.com/sse"}], "stdio_servers": [], "shttp_servers": []},
  "search_api_key": null, "sandbox_api_key": null, "condenser_max_size": 120,
  "email": "dev@example.com", "git_user_name": "dev", "git_user_email": "dev@example.com",
  "provider_tokens_set": {"github": null}, "llm_api_key_set": true, "search_api_key_set": true
}`

// settingsServer answers getSettings with get (status, body) and records
// storeSettings bodies.
func settingsServer(t *testing.T, getStatus int, getBody string) *stub {
	t.Helper()
	return newStub(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			stubRaw(w, getStatus, "application/json", getBody)
		case http.MethodPost:
			stubJSON(w, 200, map[string]string{"message": "Settings stored"})
		}
	}, WithRetry(NoRetry()))
}

// storedBody returns the JSON object of the one storeSettings request.
func storedBody(t *testing.T, s *stub) map[string]any {
	t.Helper()
	var posts []stubRequest
	for _, r := range s.requests() {
		if r.Method == http.MethodPost {
			posts = append(posts, r)
		}
	}
	if len(posts) != 1 || posts[0].Path != "/api/settings" {
		t.Fatalf("storeSettings requests: %v", paths(s))
	}
	var m map[string]any
	if err := json.Unmarshal(posts[0].Body, &m); err != nil {
		t.Fatalf("body %s: %v", posts[0].Body, err)
	}
	return m
}

func TestStoreLLMSettingsKeepsTheOtherSettings(t *testing.T) {
	s := settingsServer(t, 200, storedSettings)
	err := s.c.StoreLLMSettings(context.Background(), LLMSettings{Model: " anthropic/claude-sonnet-4-5 ", APIKey: "sk-llm-secret"})
	if err != nil {
		t.Fatalf("StoreLLMSettings: %v", err)
	}
	got := storedBody(t, s)
	want := map[string]any{
		"llm_model": "anthropic/claude-sonnet-4-5", "llm_api_key": "sk-llm-secret", "llm_base_url": "https://llm.example.com",
		"agent": "CodeActAgent", "max_iterations": 50.0, "confirmation_mode": false, "enable_default_condenser": false,
		"enable_solvability_analysis": false, "condenser_max_size": 120.0, "remote_runtime_resource_factor": 2.0,
		"security_analyzer": "llm", "language": "en", "user_consents_to_analytics": true, "git_user_name": "dev",
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if mcp, _ := json.Marshal(got["mcp_config"]); !strings.Contains(string(mcp), "https://mcp.example.com/sse") {
		t.Errorf("mcp_config not carried over: %s", mcp)
	}
	for _, k := range []string{"llm_api_key_set", "search_api_key_set", "provider_tokens_set", "secrets_store", "search_api_key", "sandbox_api_key"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s sent back: %v", k, got[k])
		}
	}
}

func TestStoreLLMSettingsNeverSendsAMaskedKeyBack(t *testing.T) {
	masked := strings.Replace(storedSettings, `"llm_api_key": null`, `"llm_api_key": "**********"`, 1)
	masked = strings.Replace(masked, `"search_api_key": null`, `"search_api_key": "**********"`, 1)
	s := settingsServer(t, 200, masked)
	if err := s.c.StoreLLMSettings(context.Background(), LLMSettings{Model: "m"}); err != nil {
		t.Fatalf("StoreLLMSettings: %v", err)
	}
	got := storedBody(t, s)
	if _, ok := got["llm_api_key"]; ok {
		t.Errorf("llm_api_key sent: %v", got["llm_api_key"])
	}
	if _, ok := got["search_api_key"]; ok {
		t.Errorf("search_api_key sent: %v", got["search_api_key"])
	}
}

func TestStoreLLMSettingsWithNoStoredSettings(t *testing.T) {
	s := settingsServer(t, 404, `{"error": "Settings not found"}`)
	if err := s.c.StoreLLMSettings(context.Background(), LLMSettings{Model: "m", BaseURL: "https://llm"}); err != nil {
		t.Fatalf("StoreLLMSettings: %v", err)
	}
	got := storedBody(t, s)
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, []string{"llm_base_url", "llm_model"}) {
		t.Errorf("stored %v, want only the LLM fields", got)
	}
}

func TestStoreLLMSettingsFailures(t *testing.T) {
	ctx := context.Background()
	s := settingsServer(t, 500, `{"error": "boom"}`)
	if err := s.c.StoreLLMSettings(ctx, LLMSettings{Model: "m"}); !errors.Is(err, ErrServer) {
		t.Errorf("err = %v, want the read's ErrServer", err)
	}
	if err := s.c.StoreLLMSettings(ctx, LLMSettings{Model: "  "}); !errors.Is(err, ErrValidation) {
		t.Errorf("no model: err = %v, want ErrValidation", err)
	}
	for _, r := range s.requests() {
		if r.Method == http.MethodPost {
			t.Errorf("settings stored although the read failed or the input was bad")
		}
	}
	bad := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		stubRaw(w, 422, "application/json", `{"detail":[{"loc":["body","condenser_max_size"],"msg":"Input should be greater than or equal to 20"}]}`)
	})
	if err := bad.c.StoreSettings(ctx, storedToSettings(t)); !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), "condenser_max_size") {
		t.Errorf("StoreSettings 422: %v", err)
	}
}

func TestGetSettings(t *testing.T) {
	s := settingsServer(t, 200, storedSettings)
	got, err := s.c.GetSettings(context.Background())
	if err != nil {
		t.Fatalf("GetSettings: %v", err)
	}
	if got.LLMModel != "openai/gpt-4o" || !got.LLMAPIKeySet || got.ConfirmationMode == nil || *got.ConfirmationMode {
		t.Errorf("settings %+v", got)
	}
	missing := settingsServer(t, 404, `{"error": "Settings not found"}`)
	if _, err := missing.c.GetSettings(context.Background()); !errors.Is(err, ErrNotFound) {
		t.Errorf("no settings: err = %v, want ErrNotFound", err)
	}
}

func TestStoreLLMSettingsNeverPrintsTheKey(t *testing.T) {
	s := settingsServer(t, 404, `{"error": "Settings not found"}`)
	llm := LLMSettings{Model: "openai/gpt-4o-mini", BaseURL: "https://proxy.example.com/v1", APIKey: "sk-llm-from-env"}
	if err := s.c.StoreLLMSettings(context.Background(), llm); err != nil {
		t.Fatalf("StoreLLMSettings: %v", err)
	}
	got := storedBody(t, s)
	if got["llm_model"] != "openai/gpt-4o-mini" || got["llm_base_url"] != "https://proxy.example.com/v1" || got["llm_api_key"] != "sk-llm-from-env" {
		t.Errorf("stored %v", got)
	}
	for _, text := range []string{llm.String(), fmt.Sprintf("%v %+v %s", llm, llm, llm)} {
		if strings.Contains(text, "sk-llm-from-env") {
			t.Errorf("printing the settings shows the key: %s", text)
		}
		if !strings.Contains(text, "openai/gpt-4o-mini") {
			t.Errorf("printing the settings hides the model: %s", text)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("configured", "llm", llm)
	if strings.Contains(buf.String(), "sk-llm-from-env") || !strings.Contains(buf.String(), "api_key_set=true") {
		t.Errorf("log line %q", buf.String())
	}
}

// storedToSettings is storedSettings as settings to store.
func storedToSettings(t *testing.T) api.Settings {
	t.Helper()
	var info api.SettingsInfo
	if err := json.Unmarshal([]byte(storedSettings), &info); err != nil {
		t.Fatal(err)
	}
	s, err := settingsToStore(info)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUpdateSettingsChangesOneAndKeepsTheRest(t *testing.T) {
	masked := strings.Replace(storedSettings, `"llm_api_key": null`, `"llm_api_key": "**********"`, 1)
	s := settingsServer(t, 200, masked)
	err := s.c.UpdateSettings(context.Background(), func(st *api.Settings) {
		if st.LLMAPIKey != "" || st.SearchAPIKey != "" || st.SandboxAPIKey != "" {
			t.Errorf("change saw secret values: %q %q %q", st.LLMAPIKey, st.SearchAPIKey, st.SandboxAPIKey)
		}
		st.MaxIterations = new(7)
	})
	if err != nil {
		t.Fatalf("UpdateSettings: %v", err)
	}
	got := storedBody(t, s)
	want := map[string]any{
		"max_iterations": 7.0, "llm_model": "openai/gpt-4o", "llm_base_url": "https://llm.example.com",
		"agent": "CodeActAgent", "confirmation_mode": false, "enable_default_condenser": false,
		"condenser_max_size": 120.0, "remote_runtime_resource_factor": 2.0, "language": "en",
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// Keys the server keeps when omitted are omitted, never sent masked or blank.
	for _, k := range []string{"llm_api_key", "search_api_key", "llm_api_key_set", "secrets_store"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s sent: %v", k, got[k])
		}
	}
}

func TestUpdateSettingsFailures(t *testing.T) {
	s := settingsServer(t, 404, `{"error":"Settings not found"}`)
	if err := s.c.UpdateSettings(context.Background(), func(st *api.Settings) { st.Language = "de" }); err != nil {
		t.Fatalf("UpdateSettings with nothing stored: %v", err)
	}
	if got := storedBody(t, s); got["language"] != "de" {
		t.Errorf("stored %v", got)
	}
	broken := settingsServer(t, 500, `{"error":"boom"}`)
	err := broken.c.UpdateSettings(context.Background(), func(*api.Settings) { t.Error("change called after a failed read") })
	if !errors.Is(err, ErrServer) {
		t.Errorf("a failed read: %v", err)
	}
	if err := broken.c.UpdateSettings(context.Background(), nil); !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), "UpdateSettings") {
		t.Errorf("nil change: %v", err)
	}
	for _, r := range broken.requests() {
		if r.Method == http.MethodPost {
			t.Errorf("stored after a failure: %s", r.Path)
		}
	}
}
