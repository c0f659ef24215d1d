package wrapper

import (
	"context"

	"github.com/openhands-go/openhands-v0/api"
)

// ListModels returns the LLM model ids the server knows (spec: listModels).
func (c *Client) ListModels(ctx context.Context, opts ...Option) ([]string, error) {
	ctx = c.withCall(ctx, "ListModels", opts)
	return fetch[[]string](ctx, c, api.OpListModels, bare(c.raw.ListModels))
}

// ListAgents returns the agent class names, sorted (spec: listAgents).
func (c *Client) ListAgents(ctx context.Context, opts ...Option) ([]string, error) {
	ctx = c.withCall(ctx, "ListAgents", opts)
	return fetch[[]string](ctx, c, api.OpListAgents, bare(c.raw.ListAgents))
}

// ListSecurityAnalyzers returns the security analyzer names, sorted (spec:
// listSecurityAnalyzers).
func (c *Client) ListSecurityAnalyzers(ctx context.Context, opts ...Option) ([]string, error) {
	ctx = c.withCall(ctx, "ListSecurityAnalyzers", opts)
	return fetch[[]string](ctx, c, api.OpListSecurityAnalyzers, bare(c.raw.ListSecurityAnalyzers))
}

// GetServerConfig returns the server's public configuration: app mode,
// feature flags and any announced maintenance window (spec: getServerConfig).
func (c *Client) GetServerConfig(ctx context.Context, opts ...Option) (*api.ServerConfig, error) {
	ctx = c.withCall(ctx, "GetServerConfig", opts)
	return fetchPtr[api.ServerConfig](ctx, c, api.OpGetServerConfig, bare(c.raw.GetServerConfig))
}

// Alive returns the liveness answer, {"status": "ok"} (spec: alive).
func (c *Client) Alive(ctx context.Context, opts ...Option) (*api.AliveStatus, error) {
	ctx = c.withCall(ctx, "Alive", opts)
	return fetchPtr[api.AliveStatus](ctx, c, api.OpAlive, bare(c.raw.Alive))
}

// Health returns the health answer, the JSON string "OK" (spec: health).
func (c *Client) Health(ctx context.Context, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "Health", opts)
	return fetch[string](ctx, c, api.OpHealth, bare(c.raw.Health))
}

// ServerInfo returns the server's uptime, idle time and resource use (spec:
// getServerInfo).
func (c *Client) ServerInfo(ctx context.Context, opts ...Option) (*api.ServerInfo, error) {
	ctx = c.withCall(ctx, "ServerInfo", opts)
	return fetchPtr[api.ServerInfo](ctx, c, api.OpGetServerInfo, bare(c.raw.GetServerInfo))
}
