package sim

import (
	"encoding/json"
	"maps"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// getSettings serves GET /api/settings (getSettings): the stored settings
// with secret values nulled and *_set flags, or 404 before any POST.
func (s *Server) getSettings(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settings == nil {
		writeError(c.w, http.StatusNotFound, "Settings not found")
		return
	}
	var info api.SettingsInfo
	raw, _ := json.Marshal(s.settings)
	_ = json.Unmarshal(raw, &info)
	info.LLMAPIKey, info.SearchAPIKey, info.SandboxAPIKey = "", "", ""
	info.LLMAPIKeySet = s.settings.LLMAPIKey != ""
	info.SearchAPIKeySet = s.settings.SearchAPIKey != ""
	info.SecretsStore = api.SecretsStore{ProviderTokens: map[string]any{}}
	info.ProviderTokensSet = s.providerTokensSet()
	keys := maps.Clone(settingsNulls)
	keys["provider_tokens_set"] = info.ProviderTokensSet
	body := withNulls(info, keys)
	// secrets_store is {"provider_tokens":{}} (the generated type drops the empty map).
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) == nil {
		m["secrets_store"] = json.RawMessage(`{"provider_tokens":{}}`)
		body = mustJSON(m)
	}
	writeBody(c.w, http.StatusOK, contentJSON, body)
}

// providerTokensSet maps each provider with a stored token to its host (nil
// for the provider's default host). Call with s.mu held.
func (s *Server) providerTokensSet() map[string]*string {
	out := map[string]*string{}
	for p, t := range s.tokens {
		if t.Token == "" && t.UserID == "" {
			continue
		}
		var host *string
		if t.Host != "" {
			h := t.Host
			host = &h
		}
		out[string(p)] = host
	}
	return out
}

// storeSettings serves POST /api/settings (storeSettings). The body replaces
// the settings, except that a null or omitted llm_api_key, llm_model,
// llm_base_url, search_api_key or user_consents_to_analytics keeps the stored
// value; other omitted fields take their defaults.
func (s *Server) storeSettings(c *call) {
	var req api.Settings
	p := decodeBody(c.r, &req, true)
	if len(p) == 0 {
		if req.CondenserMaxSize != nil && *req.CondenserMaxSize < 20 {
			p.add("greater_than_equal", []any{"body", "condenser_max_size"}, "Input should be greater than or equal to 20", *req.CondenserMaxSize, map[string]any{"ge": 20})
		}
		if req.McpConfig != nil {
			for i, srv := range req.McpConfig.ShttpServers {
				if srv.Timeout != nil && (*srv.Timeout < 1 || *srv.Timeout > 3600) {
					p.add("value_error", []any{"body", "mcp_config", "shttp_servers", i, "timeout"}, "Value error, Timeout must be between 1 and 3600 seconds", *srv.Timeout, nil)
				}
			}
		}
	}
	if len(p) > 0 {
		p.write(c.w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.settings; old != nil {
		if req.LLMAPIKey == "" {
			req.LLMAPIKey = old.LLMAPIKey
		}
		if req.LLMModel == "" {
			req.LLMModel = old.LLMModel
		}
		if req.LLMBaseURL == "" {
			req.LLMBaseURL = old.LLMBaseURL
		}
		if req.SearchAPIKey == "" {
			req.SearchAPIKey = old.SearchAPIKey
		}
		if req.UserConsentsToAnalytics == nil {
			req.UserConsentsToAnalytics = old.UserConsentsToAnalytics
		}
	}
	req.EnableDefaultCondenser = orBool(req.EnableDefaultCondenser, true)
	req.EnableSoundNotifications = orBool(req.EnableSoundNotifications, false)
	req.EnableProactiveConversationStarters = orBool(req.EnableProactiveConversationStarters, true)
	req.EnableSolvabilityAnalysis = orBool(req.EnableSolvabilityAnalysis, true)
	req.SecretsStore = api.SecretsStore{}
	s.settings = &req
	writeJSON(c.w, http.StatusOK, messageResponse("Settings stored"))
}

func orBool(b *bool, def bool) *bool {
	if b != nil {
		return b
	}
	return &def
}

// resetSettings serves POST /api/reset-settings (resetSettings): always 410.
func (s *Server) resetSettings(c *call) {
	writeError(c.w, http.StatusGone, "Reset settings functionality has been removed.")
}
