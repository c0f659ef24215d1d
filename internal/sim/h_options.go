package sim

import (
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// listModels serves GET /api/options/models (listModels).
func (s *Server) listModels(c *call) {
	writeJSON(c.w, http.StatusOK, []string{
		"anthropic/claude-3-5-sonnet-20241022", "anthropic/claude-opus-4-1-20250805", "anthropic/claude-sonnet-4-20250514",
		"anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929", "gemini/gemini-2.5-pro",
		"openai/gpt-4o", "openai/gpt-5-2025-08-07", "openhands/claude-sonnet-4-5-20250929", "openhands/gpt-5-2025-08-07",
	})
}

// listAgents serves GET /api/options/agents (listAgents).
func (s *Server) listAgents(c *call) {
	writeJSON(c.w, http.StatusOK, []string{"BrowsingAgent", "CodeActAgent", "DummyAgent", "LocAgent", "ReadOnlyAgent", "VisualBrowsingAgent"})
}

// listSecurityAnalyzers serves GET /api/options/security-analyzers (listSecurityAnalyzers).
func (s *Server) listSecurityAnalyzers(c *call) {
	writeJSON(c.w, http.StatusOK, []string{"grayswan", "invariant", "llm"})
}

// getServerConfig serves GET /api/options/config (getServerConfig).
func (s *Server) getServerConfig(c *call) {
	cfg := api.ServerConfig{
		APPMODE: "oss", POSTHOGCLIENTKEY: "phc_sim",
		FEATUREFLAGS: map[string]bool{"ENABLE_BILLING": false, "HIDE_LLM_SETTINGS": false},
	}
	if s.cfg.mode == ModeHosted {
		cfg.APPMODE = "saas"
		cfg.APPSLUG = "openhands-sim"
		cfg.GITHUBCLIENTID = "Iv1.5im0c11ent1d00"
		cfg.AUTHURL = "https://auth.example.invalid"
		cfg.PROVIDERSCONFIGURED = []api.ProviderType{"github", "gitlab", "bitbucket"}
		cfg.FEATUREFLAGS = map[string]bool{
			"ENABLE_BILLING": true, "HIDE_LLM_SETTINGS": false, "ENABLE_JIRA": false, "ENABLE_JIRA_DC": false, "ENABLE_LINEAR": false,
		}
		cfg.MAINTENANCE.StartTime = s.cfg.maintenance
		writeJSON(c.w, http.StatusOK, cfg)
		return
	}
	// A self-hosted server (0.62.0) sends these four only; the generated
	// type would add the hosted service's APP_SLUG, AUTH_URL and MAINTENANCE.
	writeJSON(c.w, http.StatusOK, map[string]any{
		"APP_MODE": cfg.APPMODE, "GITHUB_CLIENT_ID": cfg.GITHUBCLIENTID,
		"POSTHOG_CLIENT_KEY": cfg.POSTHOGCLIENTKEY, "FEATURE_FLAGS": cfg.FEATUREFLAGS,
	})
}

// alive serves GET /alive (alive).
func (s *Server) alive(c *call) { writeJSON(c.w, http.StatusOK, api.AliveStatus{Status: "ok"}) }

// health serves GET /health (health): the JSON string "OK".
func (s *Server) health(c *call) { writeJSON(c.w, http.StatusOK, "OK") }

// serverInfo serves GET /server_info (getServerInfo).
func (s *Server) serverInfo(c *call) {
	uptime := c.now.Sub(s.started).Seconds()
	writeJSON(c.w, http.StatusOK, api.ServerInfo{
		Uptime: uptime, IdleTime: uptime,
		Resources: map[string]any{
			"cpu_percent": 1.5,
			"memory":      map[string]any{"rss": 268435456, "vms": 1073741824, "percent": 1.6},
			"disk":        map[string]any{"total": 107374182400, "used": 42949672960, "free": 64424509440, "percent": 40.0},
			"io":          map[string]any{"read_bytes": 1048576, "write_bytes": 524288},
		},
	})
}
