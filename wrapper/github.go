package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// ErrMissingGitHubToken is returned by PostGitHubComment without a token.
var ErrMissingGitHubToken = errors.New("openhands: no GitHub token: set GITHUB_TOKEN or use WithGitHub")

// hostGitHub is APIError.Host for answers from the GitHub API.
const hostGitHub = "github"

var repoNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// PostGitHubComment posts body as a comment on issue (or pull request)
// number issue of repo ("owner/name"), through the GitHub API base and
// token set by WithGitHub or GITHUB_TOKEN. It uses the client's transport:
// per-try timeout, logging without credentials, and a retry only if the
// connection could not be made, so a comment is never posted twice.
func (c *Client) PostGitHubComment(ctx context.Context, repo string, issue int, body string, opts ...Option) error {
	ctx = c.withCall(ctx, "PostGitHubComment", opts)
	const op = "githubComment"
	switch {
	case !repoNameRE.MatchString(repo) || strings.Contains(repo, ".."):
		return inputError(sdkMethod(ctx, op), "repository must be owner/name, got %q", repo)
	case issue <= 0:
		return inputError(sdkMethod(ctx, op), "issue number must be positive, got %d", issue)
	case body == "":
		return inputError(sdkMethod(ctx, op), "the comment is empty")
	case c.cfg.githubToken == "":
		return ErrMissingGitHubToken
	}
	payload, err := json.Marshal(map[string]string{"body": body})
	if err != nil {
		return fmt.Errorf("openhands: %s: %w", op, err)
	}
	endpoint := c.cfg.githubAPI + "/repos/" + escapeRepo(repo) + "/issues/" + strconv.Itoa(issue) + "/comments"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("openhands: %s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.githubToken)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.cfg.userAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("openhands: %s: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFromResponse(op, hostGitHub, resp)
	}
	drain(resp.Body)
	return nil
}

func escapeRepo(repo string) string {
	owner, name, _ := strings.Cut(repo, "/")
	return url.PathEscape(owner) + "/" + url.PathEscape(name)
}
