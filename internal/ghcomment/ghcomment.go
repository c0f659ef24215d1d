// Package ghcomment posts a comment on a GitHub issue or pull request: the
// seed commands' "conversation started" note (openhands-v0 new-conversation
// --comment-repo, --comment-issue). It is the command's, not the SDK's.
package ghcomment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// ErrMissingToken is returned by Post without a token (GITHUB_TOKEN).
var ErrMissingToken = errors.New("no GitHub token: set GITHUB_TOKEN")

// ErrInvalidInput is returned by Post, before sending anything, for a
// repository that is not owner/name, an issue number below 1 or an empty
// comment.
var ErrInvalidInput = errors.New("invalid GitHub comment")

// DefaultAPI is the GitHub API base; GitHub Enterprise's is https://HOST/api/v3.
const DefaultAPI = "https://api.github.com"

// Client posts comments through HTTP (the SDK client's, so that a POST is
// sent again only when the connection could not be made) to API with Token.
type Client struct {
	HTTP      *http.Client
	API       string
	Token     string
	UserAgent string
}

// Error is GitHub's answer to a comment it did not take.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is GitHub's message ({"message": ...}), the token redacted.
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("GitHub comment: %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

var repoNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// Post posts body as a comment on issue (or pull request) number issue of
// repo ("owner/name").
func (c Client) Post(ctx context.Context, repo string, issue int, body string) error {
	switch {
	case !repoNameRE.MatchString(repo) || strings.Contains(repo, ".."):
		return fmt.Errorf("%w: repository must be owner/name, got %q", ErrInvalidInput, repo)
	case issue <= 0:
		return fmt.Errorf("%w: issue number must be positive, got %d", ErrInvalidInput, issue)
	case body == "":
		return fmt.Errorf("%w: the comment is empty", ErrInvalidInput)
	case strings.TrimSpace(c.Token) == "":
		return ErrMissingToken
	}
	api := strings.TrimRight(c.API, "/")
	if api == "" {
		api = DefaultAPI
	}
	if u, err := url.Parse(api); err != nil || u.Host == "" {
		return fmt.Errorf("%w: the GitHub API base must be an absolute URL, got %q", ErrInvalidInput, api)
	}
	payload, err := json.Marshal(map[string]string{"body": body})
	if err != nil {
		return err
	}
	owner, name, _ := strings.Cut(repo, "/")
	endpoint := api + "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/issues/" + strconv.Itoa(issue) + "/comments"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	token := strings.TrimSpace(c.Token)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Content-Type", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("GitHub comment: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return &Error{StatusCode: resp.StatusCode, Message: strings.ReplaceAll(message(answer), token, "<redacted>")}
}

// message is GitHub's {"message"}, else the body's first line.
func message(body []byte) string {
	var v struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &v) == nil && v.Message != "" {
		return v.Message
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	return line
}
