package wrapper

import (
	"context"

	"github.com/openhands-go/openhands-v0/api"
)

// ListModels returns the LLM model ids the server knows (spec: listModels).
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	return fetch[[]string](ctx, c, "listModels", bare(c.raw.ListModels))
}

// ListAgents returns the agent class names, sorted (spec: listAgents).
func (c *Client) ListAgents(ctx context.Context) ([]string, error) {
	return fetch[[]string](ctx, c, "listAgents", bare(c.raw.ListAgents))
}

// ListSecurityAnalyzers returns the security analyzer names, sorted (spec:
// listSecurityAnalyzers).
func (c *Client) ListSecurityAnalyzers(ctx context.Context) ([]string, error) {
	return fetch[[]string](ctx, c, "listSecurityAnalyzers", bare(c.raw.ListSecurityAnalyzers))
}

// GetServerConfig returns the server's public configuration: app mode,
// feature flags and any announced maintenance window (spec: getServerConfig).
func (c *Client) GetServerConfig(ctx context.Context) (*api.ServerConfig, error) {
	return fetchPtr[api.ServerConfig](ctx, c, "getServerConfig", bare(c.raw.GetServerConfig))
}

// Alive returns the liveness answer, {"status": "ok"} (spec: alive).
func (c *Client) Alive(ctx context.Context) (*api.AliveStatus, error) {
	return fetchPtr[api.AliveStatus](ctx, c, "alive", bare(c.raw.Alive))
}

// Health returns the health answer, the JSON string "OK" (spec: health).
func (c *Client) Health(ctx context.Context) (string, error) {
	return fetch[string](ctx, c, "health", bare(c.raw.Health))
}

// ServerInfo returns the server's uptime, idle time and resource use (spec:
// getServerInfo).
func (c *Client) ServerInfo(ctx context.Context) (*api.ServerInfo, error) {
	return fetchPtr[api.ServerInfo](ctx, c, "getServerInfo", bare(c.raw.GetServerInfo))
}
