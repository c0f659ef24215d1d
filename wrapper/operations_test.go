package wrapper

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/timestamp"
)

// opCase is one call of a thin method: what it must send and what it makes
// of the server's answer.
type opCase struct {
	name   string
	call   func(context.Context, *Client) (any, error)
	method string
	path   string
	query  url.Values
	body   string
	status int
	answer string
	want   any
}

func conv(rest string) string { return "/api/conversations/" + stubConvID + rest }

var opCases = []opCase{
	// server options and health
	{name: "ListModels", call: func(ctx context.Context, c *Client) (any, error) { return c.ListModels(ctx) },
		method: "GET", path: "/api/options/models", answer: `["gpt-4o","anthropic/claude-sonnet-4-5"]`,
		want: []string{"gpt-4o", "anthropic/claude-sonnet-4-5"}},
	{name: "ListAgents", call: func(ctx context.Context, c *Client) (any, error) { return c.ListAgents(ctx) },
		method: "GET", path: "/api/options/agents", answer: `["BrowsingAgent","CodeActAgent"]`, want: []string{"BrowsingAgent", "CodeActAgent"}},
	{name: "ListSecurityAnalyzers", call: func(ctx context.Context, c *Client) (any, error) { return c.ListSecurityAnalyzers(ctx) },
		method: "GET", path: "/api/options/security-analyzers", answer: `["grayswan","invariant","llm"]`, want: []string{"grayswan", "invariant", "llm"}},
	{name: "GetServerConfig", call: func(ctx context.Context, c *Client) (any, error) {
		sc, err := c.GetServerConfig(ctx)
		if err != nil {
			return nil, err
		}
		return []string{sc.APPMODE, sc.MAINTENANCE.StartTime}, nil
	}, method: "GET", path: "/api/options/config", answer: `{"APP_MODE":"saas","FEATURE_FLAGS":{"ENABLE_BILLING":true},"MAINTENANCE":{"startTime":"2025-07-29T14:18:01.219616-04:00"}}`,
		want: []string{"saas", "2025-07-29T14:18:01.219616-04:00"}},
	{name: "Alive", call: func(ctx context.Context, c *Client) (any, error) { return c.Alive(ctx) },
		method: "GET", path: "/alive", answer: `{"status":"ok"}`, want: &api.AliveStatus{Status: "ok"}},
	{name: "Health", call: func(ctx context.Context, c *Client) (any, error) { return c.Health(ctx) },
		method: "GET", path: "/health", answer: `"OK"`, want: "OK"},
	{name: "ServerInfo", call: func(ctx context.Context, c *Client) (any, error) {
		si, err := c.ServerInfo(ctx)
		if err != nil {
			return nil, err
		}
		return si.Uptime, nil
	}, method: "GET", path: "/server_info", answer: `{"uptime":12.5,"idle_time":3,"resources":{"cpu_percent":1.5}}`, want: 12.5},

	// user and repositories
	{name: "GetUserInfo", call: func(ctx context.Context, c *Client) (any, error) { return c.GetUserInfo(ctx) },
		method: "GET", path: "/api/user/info", answer: `{"id":"1","login":"octo","avatar_url":"https://a/1","name":null}`,
		want: &api.User{ID: "1", Login: "octo", AvatarURL: "https://a/1"}},
	{name: "ListUserRepositories", call: func(ctx context.Context, c *Client) (any, error) {
		return c.ListUserRepositories(ctx, api.ListUserRepositoriesParams{Sort: ptr("pushed"), SelectedProvider: ptr(api.ProviderTypeGithub), Page: ptr(2), PerPage: ptr(30)})
	}, method: "GET", path: "/api/user/repositories", query: url.Values{"sort": {"pushed"}, "selected_provider": {"github"}, "page": {"2"}, "per_page": {"30"}},
		answer: `[{"id":"9","full_name":"octo/hello","git_provider":"github","is_public":true}]`,
		want:   []api.Repository{{ID: "9", FullName: "octo/hello", GitProvider: "github", IsPublic: true}}},
	{name: "SearchRepositories", call: func(ctx context.Context, c *Client) (any, error) {
		return c.SearchRepositories(ctx, api.SearchRepositoriesParams{Query: "hello", PerPage: ptr(5)})
	}, method: "GET", path: "/api/user/search/repositories", query: url.Values{"query": {"hello"}, "per_page": {"5"}},
		answer: `[]`, want: []api.Repository{}},
	{name: "ListRepositoryBranches", call: func(ctx context.Context, c *Client) (any, error) {
		return c.ListRepositoryBranches(ctx, api.ListRepositoryBranchesParams{Repository: "octo/hello", Page: ptr(1)})
	}, method: "GET", path: "/api/user/repository/branches", query: url.Values{"repository": {"octo/hello"}, "page": {"1"}},
		answer: `{"branches":[{"name":"main","commit_sha":"abc","protected":true}],"has_next_page":false,"current_page":1,"per_page":30}`,
		want:   &api.PaginatedBranchesResponse{Branches: []api.Branch{{Name: "main", CommitSha: "abc", Protected: true}}, CurrentPage: 1, PerPage: 30}},
	{name: "SearchBranches", call: func(ctx context.Context, c *Client) (any, error) {
		return c.SearchBranches(ctx, api.SearchBranchesParams{Repository: "octo/hello", Query: "fix"})
	}, method: "GET", path: "/api/user/search/branches", query: url.Values{"repository": {"octo/hello"}, "query": {"fix"}},
		answer: `[{"name":"fix-1","commit_sha":"def","protected":false}]`, want: []api.Branch{{Name: "fix-1", CommitSha: "def"}}},
	{name: "ListUserInstallations", call: func(ctx context.Context, c *Client) (any, error) {
		return c.ListUserInstallations(ctx, api.ProviderTypeGithub)
	}, method: "GET", path: "/api/user/installations", query: url.Values{"provider": {"github"}}, answer: `["123","456"]`, want: []string{"123", "456"}},
	{name: "GetSuggestedTasks", call: func(ctx context.Context, c *Client) (any, error) { return c.GetSuggestedTasks(ctx) },
		method: "GET", path: "/api/user/suggested-tasks",
		answer: `[{"git_provider":"github","task_type":"FAILING_CHECKS","repo":"octo/hello","issue_number":7,"title":"CI red"}]`,
		want:   []api.SuggestedTask{{GitProvider: "github", TaskType: "FAILING_CHECKS", Repo: "octo/hello", IssueNumber: 7, Title: "CI red"}}},
	{name: "ListRepositoryMicroagents", call: func(ctx context.Context, c *Client) (any, error) {
		return c.ListRepositoryMicroagents(ctx, "octo/hello")
	}, method: "GET", path: "/api/user/repository/octo/hello/microagents",
		answer: `[{"name":"repo","path":".openhands/microagents/repo.md","created_at":"2025-08-01T00:00:00"}]`,
		want:   []api.RepositoryMicroagent{{Name: "repo", Path: ".openhands/microagents/repo.md", CreatedAt: timestamp.MustParse("2025-08-01T00:00:00")}}},
	{name: "GetRepositoryMicroagentContent", call: func(ctx context.Context, c *Client) (any, error) {
		return c.GetRepositoryMicroagentContent(ctx, "octo/hello", ".openhands/microagents/repo.md")
	}, method: "GET", path: "/api/user/repository/octo/hello/microagents/content", query: url.Values{"file_path": {".openhands/microagents/repo.md"}},
		answer: `{"content":"# Repo","path":".openhands/microagents/repo.md","triggers":[]}`,
		want:   &api.MicroagentContentResponse{Content: "# Repo", Path: ".openhands/microagents/repo.md", Triggers: []string{}}},
	{name: "ListMicroagentManagementConversations", call: func(ctx context.Context, c *Client) (any, error) {
		return c.ListMicroagentManagementConversations(ctx, api.ListMicroagentManagementConversationsParams{SelectedRepository: "octo/hello", Limit: ptr(5)})
	}, method: "GET", path: "/api/microagent-management/conversations", query: url.Values{"selected_repository": {"octo/hello"}, "limit": {"5"}},
		answer: `{"results":[],"next_page_id":null}`, want: &api.ConversationInfoResultSet{Results: []api.ConversationInfo{}}},

	// secrets
	{name: "ListSecrets", call: func(ctx context.Context, c *Client) (any, error) { return c.ListSecrets(ctx) },
		method: "GET", path: "/api/secrets", answer: `{"custom_secrets":[{"name":"NPM_TOKEN","description":"publish"}]}`,
		want: []api.CustomSecretInfo{{Name: "NPM_TOKEN", Description: "publish"}}},
	{name: "CreateSecret", call: func(ctx context.Context, c *Client) (any, error) {
		return nil, c.CreateSecret(ctx, api.CreateSecretRequest{Name: "NPM_TOKEN", Value: "npm-value", Description: "publish"})
	}, method: "POST", path: "/api/secrets", body: `{"description":"publish","name":"NPM_TOKEN","value":"npm-value"}`,
		status: 201, answer: `{"message":"Secret created successfully"}`},
	{name: "UpdateSecret", call: func(ctx context.Context, c *Client) (any, error) {
		return nil, c.UpdateSecret(ctx, "NPM_TOKEN", api.UpdateSecretRequest{Name: "NPM_PUBLISH"})
	}, method: "PUT", path: "/api/secrets/NPM_TOKEN", body: `{"name":"NPM_PUBLISH"}`, answer: `{"message":"Secret updated successfully"}`},
	{name: "DeleteSecret", call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteSecret(ctx, "NPM_TOKEN") },
		method: "DELETE", path: "/api/secrets/NPM_TOKEN", answer: `{"message":"Secret deleted successfully"}`},
	{name: "AddGitProviders", call: func(ctx context.Context, c *Client) (any, error) {
		return nil, c.AddGitProviders(ctx, api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Token: "ghp-value"}}})
	}, method: "POST", path: "/api/add-git-providers", body: `{"provider_tokens":{"github":{"token":"ghp-value"}}}`, answer: `{"message":"Git providers stored"}`},
	{name: "UnsetProviderTokens", call: func(ctx context.Context, c *Client) (any, error) { return nil, c.UnsetProviderTokens(ctx) },
		method: "POST", path: "/api/unset-provider-tokens", answer: `{"message":"Unset Git provider tokens"}`},

	// conversation-scoped
	{name: "GetRuntimeConfig", call: func(ctx context.Context, c *Client) (any, error) { return c.GetRuntimeConfig(ctx, stubConvID) },
		method: "GET", path: conv("/config"), answer: `{"runtime_id":"rt-1","session_id":"` + stubConvID + `"}`,
		want: &api.RuntimeConfig{RuntimeID: "rt-1", SessionID: stubConvID}},
	{name: "GetVSCodeURL", call: func(ctx context.Context, c *Client) (any, error) { return c.GetVSCodeURL(ctx, stubConvID) },
		method: "GET", path: conv("/vscode-url"), answer: `{"vscode_url":"http://localhost:4141/?tkn=x&folder=/workspace"}`,
		want: "http://localhost:4141/?tkn=x&folder=/workspace"},
	{name: "GetVSCodeURL none", call: func(ctx context.Context, c *Client) (any, error) { return c.GetVSCodeURL(ctx, stubConvID) },
		method: "GET", path: conv("/vscode-url"), answer: `{"vscode_url":null}`, want: ""},
	{name: "GetWebHosts", call: func(ctx context.Context, c *Client) (any, error) { return c.GetWebHosts(ctx, stubConvID) },
		method: "GET", path: conv("/web-hosts"), answer: `{"hosts":{"http://localhost:50001":50001}}`,
		want: map[string]int{"http://localhost:50001": 50001}},
	{name: "GetMicroagents", call: func(ctx context.Context, c *Client) (any, error) { return c.GetMicroagents(ctx, stubConvID) },
		method: "GET", path: conv("/microagents"), answer: `{"microagents":[{"name":"repo","type":"repo","content":"c","triggers":[],"inputs":[],"tools":[]}]}`,
		want: []api.ConversationMicroagent{{Name: "repo", Type: "repo", Content: "c", Triggers: []string{}, Inputs: []api.InputMetadata{}, Tools: []string{}}}},
	{name: "GetRememberPrompt", call: func(ctx context.Context, c *Client) (any, error) { return c.GetRememberPrompt(ctx, stubConvID, 5) },
		method: "GET", path: conv("/remember-prompt"), query: url.Values{"event_id": {"5"}}, answer: `{"status":"success","prompt":"Remember X"}`, want: "Remember X"},
	{name: "AddEvent", call: func(ctx context.Context, c *Client) (any, error) {
		return nil, c.AddEvent(ctx, stubConvID, map[string]any{"action": "change_agent_state", "args": map[string]any{"agent_state": "stopped"}})
	}, method: "POST", path: conv("/events"), body: `{"action":"change_agent_state","args":{"agent_state":"stopped"}}`, answer: `{"success":true}`},
	{name: "ListFiles root", call: func(ctx context.Context, c *Client) (any, error) { return c.ListFiles(ctx, stubConvID, "") },
		method: "GET", path: conv("/list-files"), answer: `["src/","README.md"]`, want: []string{"src/", "README.md"}},
	{name: "ListFiles dir", call: func(ctx context.Context, c *Client) (any, error) { return c.ListFiles(ctx, stubConvID, "src") },
		method: "GET", path: conv("/list-files"), query: url.Values{"path": {"src"}}, answer: `["src/main.go"]`, want: []string{"src/main.go"}},
	{name: "SelectFile", call: func(ctx context.Context, c *Client) (any, error) { return c.SelectFile(ctx, stubConvID, "src/main.go") },
		method: "GET", path: conv("/select-file"), query: url.Values{"file": {"src/main.go"}}, answer: `{"code":"package main"}`, want: "package main"},
	{name: "GitChanges", call: func(ctx context.Context, c *Client) (any, error) { return c.GitChanges(ctx, stubConvID) },
		method: "GET", path: conv("/git/changes"), answer: `[{"status":"M","path":"src/main.go"}]`, want: []api.GitChange{{Status: "M", Path: "src/main.go"}}},
	{name: "GitDiff", call: func(ctx context.Context, c *Client) (any, error) { return c.GitDiff(ctx, stubConvID, "src/main.go") },
		method: "GET", path: conv("/git/diff"), query: url.Values{"path": {"src/main.go"}}, answer: `{"modified":"b","original":"a"}`,
		want: &api.GitDiff{Modified: "b", Original: "a"}},
	{name: "SubmitFeedback defaults to private", call: func(ctx context.Context, c *Client) (any, error) {
		return c.SubmitFeedback(ctx, stubConvID, api.FeedbackRequest{Polarity: api.FeedbackRequestPolarityNegative})
	}, method: "POST", path: conv("/submit-feedback"), body: `{"permissions":"private","polarity":"negative"}`,
		answer: `{"statusCode":200,"body":{"message":"ok","feedback_id":"f1","password":"p"}}`,
		want: func() *api.FeedbackResult {
			r := &api.FeedbackResult{StatusCode: 200}
			r.Body.Message, r.Body.FeedbackID, r.Body.Password = "ok", "f1", "p"
			return r
		}()},
	{name: "SubmitFeedback all fields", call: func(ctx context.Context, c *Client) (any, error) {
		_, err := c.SubmitFeedback(ctx, stubConvID, api.FeedbackRequest{Polarity: api.FeedbackRequestPolarityPositive, Permissions: api.FeedbackRequestPermissionsPublic, Email: "dev@example.com", Version: "0.53.0"})
		return nil, err
	}, method: "POST", path: conv("/submit-feedback"), body: `{"email":"dev@example.com","permissions":"public","polarity":"positive","version":"0.53.0"}`,
		answer: `{"statusCode":200}`},
}

func TestOperations(t *testing.T) {
	for _, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status := tc.status
			if status == 0 {
				status = 200
			}
			s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubRaw(w, status, "application/json", tc.answer) })
			got, err := tc.call(context.Background(), s.c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tc.method || r.Path != tc.path {
				t.Errorf("request %s %s, want %s %s", r.Method, r.Path, tc.method, tc.path)
			}
			if q, _ := url.ParseQuery(r.Query); q.Encode() != tc.query.Encode() {
				t.Errorf("query %q, want %q", q.Encode(), tc.query.Encode())
			}
			if string(r.Body) != tc.body {
				t.Errorf("body %s, want %s", r.Body, tc.body)
			}
			if r.Header.Get("Authorization") != "Bearer "+stubAPIKey {
				t.Error("no bearer key")
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("result %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestOperationsRefuseBadInput(t *testing.T) {
	calls := map[string]func(context.Context, *Client) error{
		"SearchRepositories no query": func(ctx context.Context, c *Client) error {
			_, err := c.SearchRepositories(ctx, api.SearchRepositoriesParams{Query: " "})
			return err
		},
		"ListRepositoryBranches bad repo": func(ctx context.Context, c *Client) error {
			_, err := c.ListRepositoryBranches(ctx, api.ListRepositoryBranchesParams{Repository: "hello"})
			return err
		},
		"SearchBranches no query": func(ctx context.Context, c *Client) error {
			_, err := c.SearchBranches(ctx, api.SearchBranchesParams{Repository: "octo/hello"})
			return err
		},
		"SearchBranches bad repo": func(ctx context.Context, c *Client) error {
			_, err := c.SearchBranches(ctx, api.SearchBranchesParams{Repository: "octo/", Query: "x"})
			return err
		},
		"ListUserInstallations no provider": func(ctx context.Context, c *Client) error {
			_, err := c.ListUserInstallations(ctx, "")
			return err
		},
		"ListRepositoryMicroagents dot dot": func(ctx context.Context, c *Client) error {
			_, err := c.ListRepositoryMicroagents(ctx, "octo/../x")
			return err
		},
		"GetRepositoryMicroagentContent no file": func(ctx context.Context, c *Client) error {
			_, err := c.GetRepositoryMicroagentContent(ctx, "octo/hello", "")
			return err
		},
		"ListMicroagentManagementConversations no repo": func(ctx context.Context, c *Client) error {
			_, err := c.ListMicroagentManagementConversations(ctx, api.ListMicroagentManagementConversationsParams{})
			return err
		},
		"CreateSecret no name": func(ctx context.Context, c *Client) error {
			return c.CreateSecret(ctx, api.CreateSecretRequest{Value: "v"})
		},
		"UpdateSecret no new name": func(ctx context.Context, c *Client) error {
			return c.UpdateSecret(ctx, "A", api.UpdateSecretRequest{})
		},
		"DeleteSecret no name": func(ctx context.Context, c *Client) error { return c.DeleteSecret(ctx, "") },
		"GetRememberPrompt negative": func(ctx context.Context, c *Client) error {
			_, err := c.GetRememberPrompt(ctx, stubConvID, -1)
			return err
		},
		"AddEvent no action": func(ctx context.Context, c *Client) error {
			return c.AddEvent(ctx, stubConvID, map[string]any{"args": map[string]any{}})
		},
		"SelectFile no path": func(ctx context.Context, c *Client) error {
			_, err := c.SelectFile(ctx, stubConvID, "")
			return err
		},
		"GitDiff no path": func(ctx context.Context, c *Client) error {
			_, err := c.GitDiff(ctx, stubConvID, "")
			return err
		},
		"ListFiles bad id": func(ctx context.Context, c *Client) error {
			_, err := c.ListFiles(ctx, "a/b", "")
			return err
		},
		"SubmitFeedback no polarity": func(ctx context.Context, c *Client) error {
			_, err := c.SubmitFeedback(ctx, stubConvID, api.FeedbackRequest{})
			return err
		},
		"SubmitFeedback the seed's polarity": func(ctx context.Context, c *Client) error {
			_, err := c.SubmitFeedback(ctx, stubConvID, api.FeedbackRequest{Polarity: "thumbs_up"})
			return err
		},
		"SubmitFeedback bad permissions": func(ctx context.Context, c *Client) error {
			_, err := c.SubmitFeedback(ctx, stubConvID, api.FeedbackRequest{Polarity: api.FeedbackRequestPolarityPositive, Permissions: "everyone"})
			return err
		},
	}
	s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 200, nil) })
	for name, call := range calls {
		if err := call(context.Background(), s.c); !errors.Is(err, ErrValidation) {
			t.Errorf("%s: err = %v, want ErrValidation", name, err)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent for refused input: %v", n, paths(s))
	}
}

func TestOperationErrors(t *testing.T) {
	ctx := context.Background()
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/secrets":
			stubJSON(w, 400, map[string]string{"message": "Secret NPM_TOKEN already exists"})
		case strings.HasPrefix(r.URL.Path, "/api/secrets/"):
			stubJSON(w, 404, map[string]string{"error": "Secret with ID GONE not found"})
		case r.URL.Path == conv("/select-file"):
			stubJSON(w, 415, map[string]string{"error": "Unable to open binary file: /workspace/a.png"})
		case r.URL.Path == conv("/events"):
			stubJSON(w, 200, api.SuccessResponse{Success: false, Error: "no running loop"})
		default:
			stubRaw(w, 401, "application/json", `"Git provider token required. (such as GitHub)."`)
		}
	}, WithHostPolicy(HostApp))
	err := s.c.CreateSecret(ctx, api.CreateSecretRequest{Name: "NPM_TOKEN", Value: "v"})
	if !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate secret: %v", err)
	}
	if err := s.c.DeleteSecret(ctx, "GONE"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing secret: %v", err)
	}
	var apiErr *APIError
	if _, err := s.c.SelectFile(ctx, stubConvID, "a.png"); !errors.As(err, &apiErr) || apiErr.StatusCode != 415 {
		t.Errorf("binary file: %v", err)
	}
	if err := s.c.AddEvent(ctx, stubConvID, map[string]any{"action": "message"}); !errors.Is(err, ErrUnexpectedResponse) {
		t.Errorf("success=false: %v", err)
	}
	if _, err := s.c.GetUserInfo(ctx); !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "Git provider token required") {
		t.Errorf("no provider token: %v", err)
	}
}
