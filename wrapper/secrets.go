package wrapper

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// ListSecrets returns the names and descriptions of the user's custom
// secrets, never their values (spec: listSecrets).
func (c *Client) ListSecrets(ctx context.Context, opts ...Option) ([]api.CustomSecretInfo, error) {
	ctx = c.withCall(ctx, "ListSecrets", opts)
	out, err := fetch[api.CustomSecrets](ctx, c, api.OpListSecrets, bare(c.raw.ListSecrets))
	return out.CustomSecrets, err
}

// CreateSecret stores a custom secret (spec: createSecret). A name in use
// is an error matching ErrValidation (the server's 400).
func (c *Client) CreateSecret(ctx context.Context, s api.CreateSecretRequest, opts ...Option) error {
	ctx = c.withCall(ctx, "CreateSecret", opts)
	const op = api.OpCreateSecret
	if strings.TrimSpace(s.Name) == "" {
		return inputError(sdkMethod(ctx, op), "a secret name is required")
	}
	return c.message(ctx, op, func(ctx context.Context) (*http.Response, error) { return c.raw.CreateSecret(ctx, s) })
}

// UpdateSecret renames or re-describes the secret called name; its value is
// kept (spec: updateSecret). When the transport had to send the PUT again
// and the repeat finds no secret called name, an earlier try renamed it: the
// secret list decides.
func (c *Client) UpdateSecret(ctx context.Context, name string, s api.UpdateSecretRequest, opts ...Option) error {
	ctx = c.withCall(ctx, "UpdateSecret", opts)
	const op = api.OpUpdateSecret
	if strings.TrimSpace(name) == "" || strings.TrimSpace(s.Name) == "" {
		return inputError(sdkMethod(ctx, op), "the secret's current and new names are required")
	}
	var tries int
	err := c.message(ctx, op, countTries(&tries, func(ctx context.Context) (*http.Response, error) { return c.raw.UpdateSecret(ctx, name, s) }))
	if !errors.Is(err, ErrNotFound) || tries < 2 || name == s.Name {
		return err
	}
	list, listErr := c.ListSecrets(ctx)
	if listErr != nil {
		return err
	}
	for _, secret := range list {
		if secret.Name == s.Name {
			return nil
		}
	}
	return err
}

// DeleteSecret deletes the secret called name (spec: deleteSecret). A 404
// to a DELETE the transport had to send again means an earlier try deleted
// it, and that is success.
func (c *Client) DeleteSecret(ctx context.Context, name string, opts ...Option) error {
	ctx = c.withCall(ctx, "DeleteSecret", opts)
	const op = api.OpDeleteSecret
	if strings.TrimSpace(name) == "" {
		return inputError(sdkMethod(ctx, op), "a secret name is required")
	}
	var tries int
	err := c.message(ctx, op, countTries(&tries, func(ctx context.Context) (*http.Response, error) { return c.raw.DeleteSecret(ctx, name) }))
	if errors.Is(err, ErrNotFound) && tries > 1 {
		return nil
	}
	return err
}

// AddGitProviders stores git provider tokens and MCP settings (spec:
// addGitProviders). A token the provider rejects is ErrUnauthorized.
func (c *Client) AddGitProviders(ctx context.Context, p api.GitProvidersRequest, opts ...Option) error {
	ctx = c.withCall(ctx, "AddGitProviders", opts)
	return c.message(ctx, api.OpAddGitProviders, func(ctx context.Context) (*http.Response, error) { return c.raw.AddGitProviders(ctx, p) })
}

// UnsetProviderTokens forgets the stored git provider tokens (spec:
// unsetProviderTokens).
func (c *Client) UnsetProviderTokens(ctx context.Context, opts ...Option) error {
	ctx = c.withCall(ctx, "UnsetProviderTokens", opts)
	return c.message(ctx, api.OpUnsetProviderTokens, bare(c.raw.UnsetProviderTokens))
}
