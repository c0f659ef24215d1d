package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

func (a *app) settingsCommand() *cobra.Command {
	cmd := group("settings", "Show and change the user's settings")
	cmd.AddCommand(a.settingsGetCommand(), a.settingsConfigureLLMCommand())
	return cmd
}

// redactSettings hides any secret value in settings as read. The server
// never returns them (it answers null and *_set flags); this keeps it so.
func redactSettings(s api.SettingsInfo) api.SettingsInfo {
	for _, secret := range []*string{&s.LLMAPIKey, &s.SearchAPIKey, &s.SandboxAPIKey} {
		if *secret != "" {
			*secret = redacted
		}
	}
	s.SecretsStore = api.SecretsStore{}
	if s.McpConfig != nil {
		mcp := *s.McpConfig
		mcp.ShttpServers = append([]api.MCPSHTTPServerConfig(nil), mcp.ShttpServers...)
		for i := range mcp.ShttpServers {
			if mcp.ShttpServers[i].APIKey != "" {
				mcp.ShttpServers[i].APIKey = redacted
			}
		}
		mcp.SseServers = append([]api.MCPSSEServerConfig(nil), mcp.SseServers...)
		for i := range mcp.SseServers {
			if mcp.SseServers[i].APIKey != "" {
				mcp.SseServers[i].APIKey = redacted
			}
		}
		mcp.StdioServers = append([]api.MCPStdioServerConfig(nil), mcp.StdioServers...)
		for i := range mcp.StdioServers {
			if len(mcp.StdioServers[i].Env) > 0 {
				env := map[string]string{}
				for k := range mcp.StdioServers[i].Env {
					env[k] = redacted
				}
				mcp.StdioServers[i].Env = env
			}
		}
		s.McpConfig = &mcp
	}
	return s
}

func (a *app) settingsGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get",
		Short: "Show the user's settings (secret values are never shown)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			s, err := c.GetSettings(cmd.Context())
			if err != nil {
				return err
			}
			info := redactSettings(*s)
			return a.printer().emit(info, func(w io.Writer) error {
				providers := make([]string, 0, len(info.ProviderTokensSet))
				for p := range info.ProviderTokensSet {
					providers = append(providers, p)
				}
				sort.Strings(providers)
				return writeFields(w,
					[2]string{"llm_model", info.LLMModel},
					[2]string{"llm_base_url", info.LLMBaseURL},
					[2]string{"llm_api_key_set", strconv.FormatBool(info.LLMAPIKeySet)},
					[2]string{"agent", info.Agent},
					[2]string{"language", info.Language},
					[2]string{"confirmation_mode", optBool(info.ConfirmationMode)},
					[2]string{"security_analyzer", info.SecurityAnalyzer},
					[2]string{"max_iterations", optInt(info.MaxIterations)},
					[2]string{"search_api_key_set", strconv.FormatBool(info.SearchAPIKeySet)},
					[2]string{"provider_tokens_set", strings.Join(providers, " ")},
					[2]string{"git_user_name", info.GitUserName},
					[2]string{"git_user_email", info.GitUserEmail},
					[2]string{"v1_enabled", optBool(info.V1Enabled)},
				)
			})
		},
	}
}

func optBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func optInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// llmResult is the JSON of the configure-llm commands: never the key itself.
type llmResult struct {
	Model     string `json:"model"`
	BaseURL   string `json:"base_url,omitempty"`
	APIKeySet bool   `json:"api_key_set"`
}

func (a *app) settingsConfigureLLMCommand() *cobra.Command {
	var model, baseURL, apiKey string
	cmd := &cobra.Command{
		Use:   "configure-llm",
		Short: "Set the LLM model, base URL and key, keeping every other setting",
		Long: `Set the LLM the server's agents use: --model (default LLM_MODEL),
--llm-base-url (default LLM_BASE_URL) and --llm-api-key (default LLM_API_KEY;
prefer the variable: a flag shows in the process list). Every other setting is
kept. An empty base URL or key keeps the stored one.`,
		Example: `  LLM_API_KEY=... openhands-v0 settings configure-llm --model anthropic/claude-sonnet-4-5`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			llm := wrapper.LLMSettings{
				Model:   flagOrEnv(cmd, "model", model, envLLMModel),
				BaseURL: flagOrEnv(cmd, "llm-base-url", baseURL, envLLMBaseURL),
				APIKey:  flagOrEnv(cmd, "llm-api-key", apiKey, envLLMAPIKey),
			}
			if llm.Model == "" {
				return usagef("--model (or LLM_MODEL) is required")
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			if err := c.StoreLLMSettings(cmd.Context(), llm); err != nil {
				return err
			}
			return a.printLLM(llm)
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "LLM model, e.g. anthropic/claude-sonnet-4-5 (env LLM_MODEL)")
	f.StringVar(&baseURL, "llm-base-url", "", "LLM base URL (env LLM_BASE_URL)")
	f.StringVar(&apiKey, "llm-api-key", "", "LLM API key (env LLM_API_KEY)")
	return cmd
}

// flagOrEnv is the flag's value when given, else the environment's.
func flagOrEnv(cmd *cobra.Command, flag, value, env string) string {
	if cmd.Flags().Changed(flag) {
		return strings.TrimSpace(value)
	}
	return strings.TrimSpace(os.Getenv(env))
}

// printLLM prints stored LLM settings without the key.
func (a *app) printLLM(llm wrapper.LLMSettings) error {
	out := llmResult{Model: llm.Model, BaseURL: llm.BaseURL, APIKeySet: llm.APIKey != ""}
	return a.printer().emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "LLM settings stored: %s\n", llm)
		return err
	})
}
