package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// GetSettings returns the user's settings (spec: getSettings). Secret
// values are never returned; LLMAPIKeySet says whether a key is stored.
// No stored settings yet is an error matching ErrNotFound.
func (c *Client) GetSettings(ctx context.Context, opts ...Option) (*api.SettingsInfo, error) {
	ctx = c.withCall(ctx, "GetSettings", opts)
	return fetchPtr[api.SettingsInfo](ctx, c, api.OpGetSettings, bare(c.raw.GetSettings))
}

// StoreSettings stores s as the user's whole settings (spec: storeSettings).
// The server replaces the stored object: a field left empty here falls back
// to its default, except llm_model, llm_base_url, llm_api_key,
// search_api_key and user_consents_to_analytics, which keep their stored
// values. To change a few fields, use StoreLLMSettings or send the settings
// GetSettings returned, changed.
func (c *Client) StoreSettings(ctx context.Context, s api.Settings, opts ...Option) error {
	ctx = c.withCall(ctx, "StoreSettings", opts)
	return c.message(ctx, api.OpStoreSettings, func(ctx context.Context) (*http.Response, error) {
		return c.raw.StoreSettings(ctx, s)
	})
}

// UpdateSettings changes some settings and keeps the rest: it reads the
// stored settings (getSettings), lets change edit them, and stores the result
// (storeSettings). It is the way to change one setting:
//
//	err := c.UpdateSettings(ctx, func(s *api.Settings) { s.MaxIterations = new(50) })
//
// Secret values cannot be read back, so change sees them empty; an empty
// llm_api_key or search_api_key keeps the stored key (set one in change to
// replace it). The server does not keep a sandbox_api_key that is not sent:
// set SandboxAPIKey in change if you use one. With no stored settings yet,
// change starts from empty settings. A change that returns without touching
// anything still stores the settings as read.
func (c *Client) UpdateSettings(ctx context.Context, change func(*api.Settings), opts ...Option) error {
	const op = "UpdateSettings"
	ctx = c.withCall(ctx, op, opts)
	if change == nil {
		return inputError(sdkMethod(ctx, op), "change is nil")
	}
	s, err := c.storedSettings(ctx, op)
	if err != nil {
		return err
	}
	change(&s)
	return c.StoreSettings(ctx, s)
}

// LLMSettings are the LLM fields of the user's settings. String and
// LogValue never show the API key.
type LLMSettings struct {
	// Model is the LiteLLM model id, e.g. "anthropic/claude-sonnet-4-5". Required.
	Model string
	// BaseURL is the LLM endpoint; empty keeps the stored one.
	BaseURL string
	// APIKey is the LLM provider's key; empty keeps the stored one.
	APIKey string
}

// String describes the settings without the API key.
func (s LLMSettings) String() string {
	out := "model " + s.Model
	if s.BaseURL != "" {
		out += ", base URL " + s.BaseURL
	}
	if s.APIKey != "" {
		out += ", API key set"
	}
	return out
}

// LogValue logs the settings without the API key.
func (s LLMSettings) LogValue() slog.Value {
	return slog.GroupValue(slog.String("model", s.Model), slog.String("base_url", s.BaseURL), slog.Bool("api_key_set", s.APIKey != ""))
}

// StoreLLMSettings sets the LLM model, base URL and key and keeps every other
// setting: it reads the stored settings (getSettings) and stores them back
// (storeSettings) with the LLM fields changed, because the server replaces
// the whole object and would reset the rest to defaults. With no stored
// settings yet it stores the LLM fields alone. Secret values the server
// never returns (the search and sandbox keys) cannot be carried over; the
// server keeps a stored search key, not a sandbox key.
func (c *Client) StoreLLMSettings(ctx context.Context, llm LLMSettings, opts ...Option) error {
	ctx = c.withCall(ctx, "StoreLLMSettings", opts)
	const op = "storeLLMSettings"
	if strings.TrimSpace(llm.Model) == "" {
		return inputError(sdkMethod(ctx, op), "the LLM model is required")
	}
	s, err := c.storedSettings(ctx, op)
	if err != nil {
		return err
	}
	s.LLMModel = strings.TrimSpace(llm.Model)
	if llm.BaseURL != "" {
		s.LLMBaseURL = strings.TrimSpace(llm.BaseURL)
	}
	if llm.APIKey != "" {
		s.LLMAPIKey = strings.TrimSpace(llm.APIKey)
	}
	return c.StoreSettings(ctx, s)
}

// storedSettings reads the stored settings (spec: getSettings) as settings
// to store back, for a read-change-write of op; empty settings when none are
// stored yet.
func (c *Client) storedSettings(ctx context.Context, op string) (api.Settings, error) {
	current, err := c.GetSettings(ctx)
	switch {
	case errors.Is(err, ErrNotFound):
		return api.Settings{}, nil
	case err != nil:
		return api.Settings{}, fmt.Errorf("openhands: %s: reading the current settings: %w", op, err)
	}
	s, err := settingsToStore(*current)
	if err != nil {
		return api.Settings{}, fmt.Errorf("openhands: %s: %w", op, err)
	}
	return s, nil
}

// settingsToStore turns settings as read into settings to send back: the
// same fields, minus what is read-only (the *_set flags) or masked (secret
// values, which sent back as "**********" would overwrite the real ones).
func settingsToStore(info api.SettingsInfo) (api.Settings, error) {
	var s api.Settings
	b, err := json.Marshal(info)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		return s, fmt.Errorf("copying the settings: %w", err)
	}
	s.LLMAPIKey, s.SearchAPIKey, s.SandboxAPIKey = "", "", ""
	s.SecretsStore = api.SecretsStore{}
	return s, nil
}
