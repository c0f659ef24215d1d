//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

func TestSettings(t *testing.T) {
	e := newEnv(t)
	g, _ := e.client.GetSettingsWithResponse(ctx(t))
	if g.StatusCode() != 404 {
		t.Fatalf("settings before any POST: %d %s", g.StatusCode(), g.Body)
	}
	wantJSON(t, g.Body, `{"error":"Settings not found"}`)

	s, err := e.client.StoreSettingsWithResponse(ctx(t), api.Settings{
		LLMModel: "anthropic/claude-sonnet-4-5-20250929", LLMAPIKey: "sk-secret", LLMBaseURL: "https://llm.example",
		SearchAPIKey: "tvly-secret", Language: "fr", MaxIterations: ptr(50), UserConsentsToAnalytics: ptr(true),
		EnableSoundNotifications: ptr(true),
	})
	if err != nil || s.StatusCode() != 200 {
		t.Fatalf("store: %v %s", err, s.Body)
	}
	wantJSON(t, s.Body, `{"message":"Settings stored"}`)

	g, _ = e.client.GetSettingsWithResponse(ctx(t))
	got := g.JSON200
	if got == nil || strings.Contains(string(g.Body), "sk-secret") || strings.Contains(string(g.Body), "tvly-secret") {
		t.Fatalf("settings leak a secret or are missing: %s", g.Body)
	}
	if !got.LLMAPIKeySet || !got.SearchAPIKeySet || got.LLMModel != "anthropic/claude-sonnet-4-5-20250929" || got.Language != "fr" ||
		*got.MaxIterations != 50 || !*got.EnableSoundNotifications || !*got.EnableDefaultCondenser {
		t.Errorf("settings: %s", g.Body)
	}

	// A second POST replaces: language and max_iterations fall back, the LLM
	// settings, the search key and the analytics consent are kept.
	if s, _ = e.client.StoreSettingsWithResponse(ctx(t), api.Settings{Agent: "CodeActAgent"}); s.StatusCode() != 200 {
		t.Fatalf("second store: %s", s.Body)
	}
	g, _ = e.client.GetSettingsWithResponse(ctx(t))
	got = g.JSON200
	if got.Language != "" || got.MaxIterations != nil || *got.EnableSoundNotifications || got.Agent != "CodeActAgent" {
		t.Errorf("omitted fields were kept: %s", g.Body)
	}
	if !got.LLMAPIKeySet || !got.SearchAPIKeySet || got.LLMModel == "" || got.LLMBaseURL != "https://llm.example" || got.UserConsentsToAnalytics == nil || !*got.UserConsentsToAnalytics {
		t.Errorf("kept fields were lost: %s", g.Body)
	}

	for name, body := range map[string]string{
		"condenser too small": `{"condenser_max_size":10}`,
		"unknown mcp key":     `{"mcp_config":{"servers":[]}}`,
		"wrong type":          `{"max_iterations":"many"}`,
	} {
		if status, _, out := e.do("POST", "/api/settings", "application/json", body); status != 422 {
			t.Errorf("%s: %d %s", name, status, out)
		}
	}
	_, _, out := e.do("POST", "/api/settings", "application/json", `{"condenser_max_size":10}`)
	wantJSON(t, []byte(out), `{"detail":[{"type":"greater_than_equal","loc":["body","condenser_max_size"],"msg":"Input should be greater than or equal to 20","input":10,"ctx":{"ge":20}}]}`)

	r, _ := e.client.ResetSettingsWithResponse(ctx(t))
	if r.StatusCode() != 410 {
		t.Fatalf("reset: %d", r.StatusCode())
	}
	wantJSON(t, r.Body, `{"error":"Reset settings functionality has been removed."}`)
}

func TestSecrets(t *testing.T) {
	e := newEnv(t)
	l, _ := e.client.ListSecretsWithResponse(ctx(t))
	if l.JSON200 == nil || len(l.JSON200.CustomSecrets) != 0 {
		t.Fatalf("empty list: %s", l.Body)
	}
	// Without a secrets store, update and delete succeed on nothing.
	if u, _ := e.client.DeleteSecretWithResponse(ctx(t), "NOPE"); u.StatusCode() != 200 {
		t.Errorf("delete without a store: %d %s", u.StatusCode(), u.Body)
	}

	c, _ := e.client.CreateSecretWithResponse(ctx(t), api.CreateSecretRequest{Name: "API_TOKEN", Value: "v1", Description: "for the API"})
	if c.StatusCode() != 201 {
		t.Fatalf("create: %d %s", c.StatusCode(), c.Body)
	}
	wantJSON(t, c.Body, `{"message":"Secret created successfully"}`)
	c, _ = e.client.CreateSecretWithResponse(ctx(t), api.CreateSecretRequest{Name: "API_TOKEN", Value: "v2"})
	if c.StatusCode() != 400 {
		t.Fatalf("duplicate: %d", c.StatusCode())
	}
	wantJSON(t, c.Body, `{"message":"Secret API_TOKEN already exists"}`)
	e.client.CreateSecretWithResponse(ctx(t), api.CreateSecretRequest{Name: "OTHER", Value: "v3"})
	if status, _, body := e.do("POST", "/api/secrets", "application/json", `{"name":"X"}`); status != 422 || !strings.Contains(body, `"loc":["body","value"]`) {
		t.Errorf("secret without value: %d %s", status, body)
	}

	u, _ := e.client.UpdateSecretWithResponse(ctx(t), "API_TOKEN", api.UpdateSecretRequest{Name: "OTHER"})
	if u.StatusCode() != 400 {
		t.Errorf("rename onto another: %d %s", u.StatusCode(), u.Body)
	}
	u, _ = e.client.UpdateSecretWithResponse(ctx(t), "API_TOKEN", api.UpdateSecretRequest{Name: "SERVICE_TOKEN", Description: "renamed"})
	if u.StatusCode() != 200 {
		t.Fatalf("rename: %d %s", u.StatusCode(), u.Body)
	}
	wantJSON(t, u.Body, `{"message":"Secret updated successfully"}`)
	u, _ = e.client.UpdateSecretWithResponse(ctx(t), "API_TOKEN", api.UpdateSecretRequest{Name: "X"})
	if u.StatusCode() != 404 {
		t.Fatalf("update unknown: %d", u.StatusCode())
	}
	wantJSON(t, u.Body, `{"error":"Secret with ID API_TOKEN not found"}`)

	l, _ = e.client.ListSecretsWithResponse(ctx(t))
	wantJSON(t, l.Body, `{"custom_secrets":[{"name":"OTHER"},{"name":"SERVICE_TOKEN","description":"renamed"}]}`)

	d, _ := e.client.DeleteSecretWithResponse(ctx(t), "OTHER")
	wantJSON(t, d.Body, `{"message":"Secret deleted successfully"}`)
	d, _ = e.client.DeleteSecretWithResponse(ctx(t), "OTHER")
	if d.StatusCode() != 404 {
		t.Errorf("delete twice: %d", d.StatusCode())
	}
}

func TestGitProviders(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	info, _ := e.client.GetUserInfoWithResponse(ctx(t))
	if info.StatusCode() != 401 || string(info.Body) != `"Git provider token required. (such as GitHub)."` {
		t.Errorf("user info without a token: %d %s", info.StatusCode(), info.Body)
	}
	if r, _ := e.client.GetSuggestedTasksWithResponse(ctx(t)); string(r.Body) != `"No providers set."` {
		t.Errorf("suggested tasks without a token: %s", r.Body)
	}

	a, _ := e.client.AddGitProvidersWithResponse(ctx(t), api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"gitlab": {Token: sim.InvalidTokenPrefix + "-x"}}})
	if a.StatusCode() != 401 {
		t.Fatalf("invalid token: %d", a.StatusCode())
	}
	wantJSON(t, a.Body, `{"error":"Invalid token. Please make sure it is a valid gitlab token."}`)
	if a, _ = e.client.AddGitProvidersWithResponse(ctx(t), api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Token: "ghp_x"}}}); a.StatusCode() != 200 {
		t.Fatalf("store token: %s", a.Body)
	}
	wantJSON(t, a.Body, `{"message":"Git providers stored"}`)
	// A provider sent without a token keeps its token and takes the host.
	e.client.AddGitProvidersWithResponse(ctx(t), api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Host: "github.example.com"}}})
	g, _ := e.client.GetSettingsWithResponse(ctx(t))
	if h := g.JSON200.ProviderTokensSet["github"]; h == nil || *h != "github.example.com" {
		t.Errorf("provider_tokens_set: %s", g.Body)
	}
	if info, _ = e.client.GetUserInfoWithResponse(ctx(t)); info.JSON200 == nil || info.JSON200.Login != "sim-user" {
		t.Errorf("user info: %s", info.Body)
	}
	if id := e.create(api.CreateConversationRequest{Repository: "sim-user/widgets"}); id == "" {
		t.Error("no conversation on a repository with a token")
	}
	un, _ := e.client.UnsetProviderTokensWithResponse(ctx(t))
	wantJSON(t, un.Body, `{"message":"Unset Git provider tokens"}`)
	if info, _ = e.client.GetUserInfoWithResponse(ctx(t)); info.StatusCode() != 401 {
		t.Errorf("user info after unset: %d", info.StatusCode())
	}
}

func TestUserRoutes(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	repos, _ := e.client.ListUserRepositoriesWithResponse(ctx(t), &api.ListUserRepositoriesParams{PerPage: ptr(3)})
	if repos.JSON200 == nil || len(*repos.JSON200) != 3 || !strings.Contains((*repos.JSON200)[0].LinkHeader, `rel="next"`) {
		t.Errorf("repositories page 1: %s", repos.Body)
	}
	repos, _ = e.client.ListUserRepositoriesWithResponse(ctx(t), &api.ListUserRepositoriesParams{PerPage: ptr(3), Page: ptr(3)})
	if repos.JSON200 == nil || len(*repos.JSON200) != 1 || (*repos.JSON200)[0].LinkHeader != "" {
		t.Errorf("repositories last page: %s", repos.Body)
	}
	found, _ := e.client.SearchRepositoriesWithResponse(ctx(t), &api.SearchRepositoriesParams{Query: "acme"})
	if found.JSON200 == nil || len(*found.JSON200) != 3 {
		t.Errorf("search: %s", found.Body)
	}
	inst, _ := e.client.ListUserInstallationsWithResponse(ctx(t), &api.ListUserInstallationsParams{Provider: "gitlab"})
	if inst.StatusCode() != 400 || string(inst.Body) != `"Provider gitlab doesn't support installations"` {
		t.Errorf("gitlab installations: %d %s", inst.StatusCode(), inst.Body)
	}
	if status, _, body := e.do("GET", "/api/user/installations", "", ""); status != 422 || !strings.Contains(body, `"loc":["query","provider"]`) {
		t.Errorf("installations without provider: %d %s", status, body)
	}
	br, _ := e.client.ListRepositoryBranchesWithResponse(ctx(t), &api.ListRepositoryBranchesParams{Repository: "acme/infra", PerPage: ptr(4)})
	if br.JSON200 == nil || len(br.JSON200.Branches) != 4 || !br.JSON200.HasNextPage || br.JSON200.TotalCount != 6 {
		t.Errorf("branches: %s", br.Body)
	}
	sb, _ := e.client.SearchBranchesWithResponse(ctx(t), &api.SearchBranchesParams{Repository: "acme/infra", Query: "fix"})
	if sb.JSON200 == nil || len(*sb.JSON200) != 1 {
		t.Errorf("branch search: %s", sb.Body)
	}
	ma, _ := e.client.ListRepositoryMicroagentsWithResponse(ctx(t), "acme/infra")
	if ma.JSON200 == nil || len(*ma.JSON200) != 2 {
		t.Fatalf("repository microagents: %d %s", ma.StatusCode(), ma.Body)
	}
	mc, _ := e.client.GetRepositoryMicroagentContentWithResponse(ctx(t), "acme/infra", &api.GetRepositoryMicroagentContentParams{FilePath: (*ma.JSON200)[1].Path})
	if mc.JSON200 == nil || len(mc.JSON200.Triggers) != 2 {
		t.Errorf("microagent content: %s", mc.Body)
	}
	tasks, _ := e.client.GetSuggestedTasksWithResponse(ctx(t))
	if tasks.JSON200 == nil || len(*tasks.JSON200) == 0 {
		t.Errorf("suggested tasks: %s", tasks.Body)
	}
}

func TestOptionsAndHealth(t *testing.T) {
	e := newEnv(t)
	if r, _ := e.client.ListAgentsWithResponse(ctx(t)); r.JSON200 == nil || (*r.JSON200)[1] != "CodeActAgent" {
		t.Errorf("agents: %s", r.Body)
	}
	if r, _ := e.client.ListSecurityAnalyzersWithResponse(ctx(t)); string(r.Body) != `["grayswan","invariant","llm"]` {
		t.Errorf("security analyzers: %s", r.Body)
	}
	if r, _ := e.client.ListModelsWithResponse(ctx(t)); r.JSON200 == nil || len(*r.JSON200) < 5 {
		t.Errorf("models: %s", r.Body)
	}
	if r, _ := e.client.GetServerConfigWithResponse(ctx(t)); r.JSON200 == nil || r.JSON200.APPMODE != "oss" {
		t.Errorf("config: %s", r.Body)
	}
	if r, _ := e.client.AliveWithResponse(ctx(t)); string(r.Body) != `{"status":"ok"}` {
		t.Errorf("alive: %s", r.Body)
	}
	if r, _ := e.client.HealthWithResponse(ctx(t)); string(r.Body) != `"OK"` {
		t.Errorf("health: %s", r.Body)
	}
	if r, _ := e.client.GetServerInfoWithResponse(ctx(t)); r.JSON200 == nil || r.JSON200.Resources["memory"] == nil {
		t.Errorf("server info: %s", r.Body)
	}
	h := newEnv(t, sim.WithMode(sim.ModeHosted), sim.WithMaintenance("2025-11-21T14:00:00-05:00"))
	r, _ := h.client.GetServerConfigWithResponse(ctx(t))
	if r.JSON200 == nil || r.JSON200.APPMODE != "saas" || r.JSON200.MAINTENANCE.StartTime != "2025-11-21T14:00:00-05:00" || len(r.JSON200.PROVIDERSCONFIGURED) == 0 {
		t.Errorf("hosted config (no credentials needed): %d %s", r.StatusCode(), r.Body)
	}
}
