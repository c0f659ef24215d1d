package wrapper

import (
	"context"
	"net/http"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// GetUserInfo returns the git provider user behind the credentials (spec:
// getUserInfo).
func (c *Client) GetUserInfo(ctx context.Context, opts ...Option) (*api.User, error) {
	ctx = c.withCall(ctx, "GetUserInfo", opts)
	return fetchPtr[api.User](ctx, c, api.OpGetUserInfo, bare(c.raw.GetUserInfo))
}

// ListUserRepositories returns one page of the user's repositories (spec:
// listUserRepositories); the first carries the provider's pagination link header.
func (c *Client) ListUserRepositories(ctx context.Context, p api.ListUserRepositoriesParams, opts ...Option) ([]api.Repository, error) {
	ctx = c.withCall(ctx, "ListUserRepositories", opts)
	return fetch[[]api.Repository](ctx, c, api.OpListUserRepositories, func(ctx context.Context) (*http.Response, error) {
		return c.raw.ListUserRepositories(ctx, &p)
	})
}

// SearchRepositories searches the git provider's repositories (spec:
// searchRepositories). p.Query is required.
func (c *Client) SearchRepositories(ctx context.Context, p api.SearchRepositoriesParams, opts ...Option) ([]api.Repository, error) {
	ctx = c.withCall(ctx, "SearchRepositories", opts)
	const op = api.OpSearchRepositories
	if strings.TrimSpace(p.Query) == "" {
		return nil, inputError(sdkMethod(ctx, op), "a search query is required")
	}
	return fetch[[]api.Repository](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.SearchRepositories(ctx, &p)
	})
}

// ListRepositoryBranches returns one page of a repository's branches (spec:
// listRepositoryBranches). p.Repository ("owner/name") is required.
func (c *Client) ListRepositoryBranches(ctx context.Context, p api.ListRepositoryBranchesParams, opts ...Option) (*api.PaginatedBranchesResponse, error) {
	ctx = c.withCall(ctx, "ListRepositoryBranches", opts)
	const op = api.OpListRepositoryBranches
	if err := checkRepository(sdkMethod(ctx, op), p.Repository); err != nil {
		return nil, err
	}
	return fetchPtr[api.PaginatedBranchesResponse](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.ListRepositoryBranches(ctx, &p)
	})
}

// SearchBranches searches a repository's branches by name (spec:
// searchBranches). p.Repository and p.Query are required.
func (c *Client) SearchBranches(ctx context.Context, p api.SearchBranchesParams, opts ...Option) ([]api.Branch, error) {
	ctx = c.withCall(ctx, "SearchBranches", opts)
	const op = api.OpSearchBranches
	if err := checkRepository(sdkMethod(ctx, op), p.Repository); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.Query) == "" {
		return nil, inputError(sdkMethod(ctx, op), "a search query is required")
	}
	return fetch[[]api.Branch](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.SearchBranches(ctx, &p)
	})
}

// ListUserInstallations returns the installation ids (GitHub apps,
// Bitbucket workspaces, Azure DevOps organizations) for a git provider
// (spec: listUserInstallations).
func (c *Client) ListUserInstallations(ctx context.Context, provider api.ProviderType, opts ...Option) ([]string, error) {
	ctx = c.withCall(ctx, "ListUserInstallations", opts)
	const op = api.OpListUserInstallations
	if provider == "" {
		return nil, inputError(sdkMethod(ctx, op), "a git provider is required")
	}
	return fetch[[]string](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.ListUserInstallations(ctx, &api.ListUserInstallationsParams{Provider: provider})
	})
}

// GetSuggestedTasks returns tasks (failing checks, open issues, merge
// conflicts, ...) across the user's repositories (spec: getSuggestedTasks).
func (c *Client) GetSuggestedTasks(ctx context.Context, opts ...Option) ([]api.SuggestedTask, error) {
	ctx = c.withCall(ctx, "GetSuggestedTasks", opts)
	return fetch[[]api.SuggestedTask](ctx, c, api.OpGetSuggestedTasks, bare(c.raw.GetSuggestedTasks))
}

// ListRepositoryMicroagents returns the microagents a repository defines
// (spec: listRepositoryMicroagents).
func (c *Client) ListRepositoryMicroagents(ctx context.Context, repository string, opts ...Option) ([]api.RepositoryMicroagent, error) {
	ctx = c.withCall(ctx, "ListRepositoryMicroagents", opts)
	const op = api.OpListRepositoryMicroagents
	if err := checkRepository(sdkMethod(ctx, op), repository); err != nil {
		return nil, err
	}
	return fetch[[]api.RepositoryMicroagent](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.ListRepositoryMicroagents(ctx, repository)
	})
}

// GetRepositoryMicroagentContent returns one microagent file of a
// repository (spec: getRepositoryMicroagentContent).
func (c *Client) GetRepositoryMicroagentContent(ctx context.Context, repository, filePath string, opts ...Option) (*api.MicroagentContentResponse, error) {
	ctx = c.withCall(ctx, "GetRepositoryMicroagentContent", opts)
	const op = api.OpGetRepositoryMicroagentContent
	if err := checkRepository(sdkMethod(ctx, op), repository); err != nil {
		return nil, err
	}
	if strings.TrimSpace(filePath) == "" {
		return nil, inputError(sdkMethod(ctx, op), "a file path is required")
	}
	return fetchPtr[api.MicroagentContentResponse](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.GetRepositoryMicroagentContent(ctx, repository, &api.GetRepositoryMicroagentContentParams{FilePath: filePath})
	})
}

// ListMicroagentManagementConversations returns one page of the
// conversations that manage a repository's microagents (spec:
// listMicroagentManagementConversations). p.SelectedRepository is required.
func (c *Client) ListMicroagentManagementConversations(ctx context.Context, p api.ListMicroagentManagementConversationsParams, opts ...Option) (*api.ConversationInfoResultSet, error) {
	ctx = c.withCall(ctx, "ListMicroagentManagementConversations", opts)
	const op = api.OpListMicroagentManagementConversations
	if err := checkRepository(sdkMethod(ctx, op), p.SelectedRepository); err != nil {
		return nil, err
	}
	return fetchPtr[api.ConversationInfoResultSet](ctx, c, op, func(ctx context.Context) (*http.Response, error) {
		return c.raw.ListMicroagentManagementConversations(ctx, &p)
	})
}

// checkRepository refuses a repository name that is not "owner/name"
// (GitLab's nested groups may add more segments).
func checkRepository(op, repository string) error {
	parts := strings.Split(repository, "/")
	if len(parts) < 2 || strings.Contains(repository, "..") {
		return inputError(op, "repository must be owner/name, got %q", repository)
	}
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return inputError(op, "repository must be owner/name, got %q", repository)
		}
	}
	return nil
}
