//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
	"github.com/openhands-go/openhands-v0/spec"
)

// conformance validates every exchange that goes through it against the spec.
type conformance struct {
	t         *testing.T
	validator *spec.Validator
	mu        sync.Mutex
	covered   map[string]map[int]bool
}

func newConformance(t *testing.T) *conformance {
	v, err := spec.NewValidator(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &conformance{t: t, validator: v, covered: map[string]map[int]bool{}}
}

// RoundTrip sends the request, then checks the exchange: the route must be
// in the spec, the status and content type declared and the body valid, with
// no undeclared field; a 2xx must answer a request the spec allows.
func (c *conformance) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rb, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(rb))

	vreq := req.Clone(context.Background())
	if rest, ok := strings.CutPrefix(vreq.URL.Path, sim.RuntimePrefix); ok {
		_, tail, _ := strings.Cut(rest, "/")
		vreq.URL.Path, vreq.URL.RawPath = "/"+tail, ""
	}
	res := c.validator.Validate(context.Background(), spec.Exchange{Request: vreq, RequestBody: body, StatusCode: resp.StatusCode, Header: resp.Header, Body: rb})
	where := fmt.Sprintf("%s %s -> %d %s", req.Method, req.URL.RequestURI(), resp.StatusCode, resp.Header.Get("Content-Type"))
	switch {
	case !res.RouteFound:
		c.t.Errorf("%s: %v", where, res.RequestViolations())
	case len(res.ResponseViolations()) > 0:
		c.t.Errorf("%s: response breaks the spec: %v\n%.400s", where, res.ResponseViolations(), rb)
	case len(res.Undeclared) > 0:
		c.t.Errorf("%s: undeclared fields %v", where, res.Undeclared)
	case resp.StatusCode < 300 && len(res.RequestViolations()) > 0:
		c.t.Errorf("%s: accepted a request the spec forbids: %v", where, res.RequestViolations())
	}
	c.mu.Lock()
	if c.covered[res.OperationID] == nil {
		c.covered[res.OperationID] = map[int]bool{}
	}
	c.covered[res.OperationID][resp.StatusCode] = true
	c.mu.Unlock()
	return resp, nil
}

// walker drives one simulator through the generated client, every call
// going through the conformance transport.
type walker struct {
	t     *testing.T
	conf  *conformance
	srv   *sim.Server
	base  string
	clock *sim.ManualClock
}

func (c *conformance) walker(t *testing.T, opts ...sim.Option) *walker {
	clock := sim.NewManualClock(sim.DefaultEpoch)
	srv, base := simtest.NewServer(t, append([]sim.Option{sim.WithClock(clock), sim.WithTiming(startDelay, runDuration)}, opts...)...)
	return &walker{t: t, conf: c, srv: srv, base: base, clock: clock}
}

func (w *walker) client(base string, headers ...string) *api.ClientWithResponses {
	c, err := api.NewClientWithResponses(base, api.WithHTTPClient(&http.Client{Transport: w.conf}),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			return nil
		}))
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// raw sends a hand-made request (bodies the generated client cannot send).
func (w *walker) raw(method, base, path, contentType, body string, want int, headers ...string) {
	w.t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := w.conf.RoundTrip(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != want {
		w.t.Errorf("%s %s: %d, want %d", method, path, resp.StatusCode, want)
	}
}

type statusCoder interface{ StatusCode() int }

// want checks a generated client call's status.
func (w *walker) want(name string, r statusCoder, err error, status int) {
	w.t.Helper()
	if err != nil {
		w.t.Errorf("%s: %v", name, err)
		return
	}
	if r.StatusCode() != status {
		w.t.Errorf("%s: status %d, want %d", name, r.StatusCode(), status)
	}
}

// TestConformanceWalk walks every route of the simulator, in every mode,
// through success and error paths, and validates each response against
// spec/openapi.yaml. At the end every operation of the spec must have been
// answered at least once.
func TestConformanceWalk(t *testing.T) {
	conf := newConformance(t)
	t.Run("oss", func(t *testing.T) { walkOSS(t, conf) })
	t.Run("fresh", func(t *testing.T) { walkFresh(t, conf) })
	t.Run("hosted", func(t *testing.T) { walkHosted(t, conf) })
	t.Run("session-key", func(t *testing.T) { walkSessionKey(t, conf) })
	t.Run("nested", func(t *testing.T) { walkNested(t, conf) })
	t.Run("rate-limits", func(t *testing.T) { walkRateLimits(t, conf) })

	for _, op := range conf.validator.Operations() {
		if len(conf.covered[op.ID]) == 0 {
			t.Errorf("operation %s (%s %s) never answered", op.ID, op.Method, op.Path)
		}
	}
	if got, want := len(sim.Operations()), len(conf.validator.Operations()); got != want {
		t.Errorf("the simulator serves %d operations, the spec has %d", got, want)
	}
	var lines []string
	for op, statuses := range conf.covered {
		var s []string
		for st := range statuses {
			s = append(s, fmt.Sprint(st))
		}
		slices.Sort(s)
		lines = append(lines, op+" "+strings.Join(s, ","))
	}
	slices.Sort(lines)
	t.Logf("statuses seen:\n%s", strings.Join(lines, "\n"))
}

func walkOSS(t *testing.T, conf *conformance) {
	w := conf.walker(t, sim.WithSampleData())
	c := w.client(w.base)
	x := context.Background()

	r1, err := c.AliveWithResponse(x)
	w.want("alive", r1, err, 200)
	r2, err := c.HealthWithResponse(x)
	w.want("health", r2, err, 200)
	r3, err := c.GetServerInfoWithResponse(x)
	w.want("server info", r3, err, 200)
	r4, err := c.ListModelsWithResponse(x)
	w.want("models", r4, err, 200)
	r5, err := c.ListAgentsWithResponse(x)
	w.want("agents", r5, err, 200)
	r6, err := c.ListSecurityAnalyzersWithResponse(x)
	w.want("analyzers", r6, err, 200)
	r7, err := c.GetServerConfigWithResponse(x)
	w.want("config", r7, err, 200)

	gs, err := c.GetSettingsWithResponse(x)
	w.want("get settings", gs, err, 200)
	ss, err := c.StoreSettingsWithResponse(x, api.Settings{LLMModel: "openai/gpt-5-2025-08-07", McpConfig: &api.MCPConfig{SseServers: []api.MCPSSEServerConfig{{URL: "https://mcp.example"}}}})
	w.want("store settings", ss, err, 200)
	w.raw("POST", w.base, "/api/settings", "application/json", `{"condenser_max_size":3}`, 422)
	rs, err := c.ResetSettingsWithResponse(x)
	w.want("reset settings", rs, err, 410)

	ls, err := c.ListSecretsWithResponse(x)
	w.want("list secrets", ls, err, 200)
	cs, err := c.CreateSecretWithResponse(x, api.CreateSecretRequest{Name: "A", Value: "v"})
	w.want("create secret", cs, err, 201)
	cs, err = c.CreateSecretWithResponse(x, api.CreateSecretRequest{Name: "A", Value: "v"})
	w.want("duplicate secret", cs, err, 400)
	w.raw("POST", w.base, "/api/secrets", "application/json", `{"name":"B"}`, 422)
	us, err := c.UpdateSecretWithResponse(x, "A", api.UpdateSecretRequest{Name: "NPM_TOKEN"})
	w.want("rename onto existing secret", us, err, 400)
	us, err = c.UpdateSecretWithResponse(x, "A", api.UpdateSecretRequest{Name: "C", Description: "c"})
	w.want("update secret", us, err, 200)
	us, err = c.UpdateSecretWithResponse(x, "A", api.UpdateSecretRequest{Name: "D"})
	w.want("update unknown secret", us, err, 404)
	w.raw("PUT", w.base, "/api/secrets/C", "application/json", `{}`, 422)
	ds, err := c.DeleteSecretWithResponse(x, "C")
	w.want("delete secret", ds, err, 200)
	ds, err = c.DeleteSecretWithResponse(x, "C")
	w.want("delete unknown secret", ds, err, 404)

	ui, err := c.GetUserInfoWithResponse(x)
	w.want("user info", ui, err, 200)
	in, err := c.ListUserInstallationsWithResponse(x, &api.ListUserInstallationsParams{Provider: "github"})
	w.want("installations", in, err, 200)
	in, err = c.ListUserInstallationsWithResponse(x, &api.ListUserInstallationsParams{Provider: "gitlab"})
	w.want("gitlab installations", in, err, 400)
	w.raw("GET", w.base, "/api/user/installations?provider=svn", "", "", 422)
	lr, err := c.ListUserRepositoriesWithResponse(x, &api.ListUserRepositoriesParams{PerPage: ptr(2)})
	w.want("repositories", lr, err, 200)
	w.raw("GET", w.base, "/api/user/repositories?page=x", "", "", 422)
	sr, err := c.SearchRepositoriesWithResponse(x, &api.SearchRepositoriesParams{Query: "acme"})
	w.want("search repositories", sr, err, 200)
	w.raw("GET", w.base, "/api/user/search/repositories", "", "", 422)
	sb, err := c.SearchBranchesWithResponse(x, &api.SearchBranchesParams{Repository: "acme/infra", Query: "ma"})
	w.want("search branches", sb, err, 200)
	w.raw("GET", w.base, "/api/user/search/branches?repository=a/b", "", "", 422)
	st, err := c.GetSuggestedTasksWithResponse(x)
	w.want("suggested tasks", st, err, 200)
	rb, err := c.ListRepositoryBranchesWithResponse(x, &api.ListRepositoryBranchesParams{Repository: "acme/infra", PerPage: ptr(2)})
	w.want("branches", rb, err, 200)
	w.raw("GET", w.base, "/api/user/repository/branches", "", "", 422)
	rm, err := c.ListRepositoryMicroagentsWithResponse(x, "acme/infra")
	w.want("repository microagents", rm, err, 200)
	mc, err := c.GetRepositoryMicroagentContentWithResponse(x, "acme/infra", &api.GetRepositoryMicroagentContentParams{FilePath: ".openhands/microagents/repo.md"})
	w.want("microagent content", mc, err, 200)
	mc, err = c.GetRepositoryMicroagentContentWithResponse(x, "acme/infra", &api.GetRepositoryMicroagentContentParams{FilePath: "nope.md"})
	w.want("missing microagent content", mc, err, 500)
	w.raw("GET", w.base, "/api/user/repository/acme%2Finfra/microagents/content", "", "", 422)

	lc, err := c.ListConversationsWithResponse(x, &api.ListConversationsParams{Limit: ptr(2)})
	w.want("list", lc, err, 200)
	lc, err = c.ListConversationsWithResponse(x, &api.ListConversationsParams{Limit: ptr(2), PageID: &lc.JSON200.NextPageID})
	w.want("list page 2", lc, err, 200)
	w.raw("GET", w.base, "/api/conversations?limit=x", "", "", 422)
	mm, err := c.ListMicroagentManagementConversationsWithResponse(x, &api.ListMicroagentManagementConversationsParams{SelectedRepository: "acme/api-server"})
	w.want("microagent management", mm, err, 200)
	w.raw("GET", w.base, "/api/microagent-management/conversations", "", "", 422)

	cr, err := c.CreateConversationWithResponse(x, api.CreateConversationRequest{InitialUserMsg: "write tests", Repository: "acme/infra", GitProvider: "github"})
	w.want("create", cr, err, 200)
	id := cr.JSON200.ConversationID
	w.raw("POST", w.base, "/api/conversations", "application/json", `{"title":"x"}`, 422)
	bad := "ab%5Ccd"
	missing := strings.Repeat("9", 32)
	g, err := c.GetConversationWithResponse(x, id)
	w.want("get", g, err, 200)
	g, err = c.GetConversationWithResponse(x, missing)
	w.want("get missing", g, err, 200)
	w.raw("GET", w.base, "/api/conversations/"+bad, "", "", 400)
	w.clock.Advance(startDelay + runDuration/2)

	ev, err := c.GetEventsWithResponse(x, id, &api.GetEventsParams{Limit: ptr(100)})
	w.want("events", ev, err, 200)
	ev, err = c.GetEventsWithResponse(x, missing, nil)
	w.want("events of missing", ev, err, 404)
	w.raw("GET", w.base, "/api/conversations/"+id+"/events?limit=500", "", "", 400)
	w.raw("GET", w.base, "/api/conversations/"+id+"/events?start_id=x", "", "", 422)
	ae, err := c.AddEventWithResponse(x, id, api.AddEventJSONRequestBody{"action": "message", "args": map[string]any{"content": "hi"}})
	w.want("add event", ae, err, 200)
	ae, err = c.AddEventWithResponse(x, missing, api.AddEventJSONRequestBody{"action": "message"})
	w.want("add event to missing", ae, err, 404)
	sm, err := c.SendMessageWithResponse(x, id, api.SendMessageRequest{Message: "hi"})
	w.want("message", sm, err, 200)
	sm, err = c.SendMessageWithResponse(x, missing, api.SendMessageRequest{Message: "hi"})
	w.want("message to missing", sm, err, 404)
	w.raw("POST", w.base, "/api/conversations/"+id+"/message", "application/json", `{}`, 422)
	tr, err := c.GetTrajectoryWithResponse(x, id)
	w.want("trajectory", tr, err, 200)
	tr, err = c.GetTrajectoryWithResponse(x, missing)
	w.want("trajectory of missing", tr, err, 404)
	rc, err := c.GetRuntimeConfigWithResponse(x, id)
	w.want("runtime config", rc, err, 200)
	rc, err = c.GetRuntimeConfigWithResponse(x, missing)
	w.want("runtime config of missing", rc, err, 404)
	vs, err := c.GetVSCodeURLWithResponse(x, id)
	w.want("vscode", vs, err, 200)
	vs, err = c.GetVSCodeURLWithResponse(x, missing)
	w.want("vscode of missing", vs, err, 404)
	wh, err := c.GetWebHostsWithResponse(x, id)
	w.want("web hosts", wh, err, 200)
	wh, err = c.GetWebHostsWithResponse(x, missing)
	w.want("web hosts of missing", wh, err, 404)
	ma, err := c.GetMicroagentsWithResponse(x, id)
	w.want("microagents", ma, err, 200)
	ma, err = c.GetMicroagentsWithResponse(x, missing)
	w.want("microagents of missing", ma, err, 404)
	lf, err := c.ListFilesWithResponse(x, id, &api.ListFilesParams{Path: ptr("infra")})
	w.want("list files", lf, err, 200)
	lf, err = c.ListFilesWithResponse(x, missing, nil)
	w.want("list files of missing", lf, err, 404)
	sf, err := c.SelectFileWithResponse(x, id, &api.SelectFileParams{File: "infra/README.md"})
	w.want("select file", sf, err, 200)
	sf, err = c.SelectFileWithResponse(x, id, &api.SelectFileParams{File: "infra/assets/logo.png"})
	w.want("binary file", sf, err, 415)
	sf, err = c.SelectFileWithResponse(x, id, &api.SelectFileParams{File: "none"})
	w.want("missing file", sf, err, 500)
	w.raw("GET", w.base, "/api/conversations/"+id+"/select-file", "", "", 422)
	zw, err := c.ZipWorkspaceWithResponse(x, id)
	w.want("zip", zw, err, 200)
	zw, err = c.ZipWorkspaceWithResponse(x, missing)
	w.want("zip of missing", zw, err, 404)
	gc, err := c.GetGitChangesWithResponse(x, id)
	w.want("git changes", gc, err, 200)
	gd, err := c.GetGitDiffWithResponse(x, id, &api.GetGitDiffParams{Path: "infra/README.md"})
	w.want("git diff", gd, err, 200)
	w.raw("GET", w.base, "/api/conversations/"+id+"/git/diff", "", "", 422)
	ct, body := multipartBody(t, map[string]string{"a.txt": "a", "/etc/passwd": "x"})
	up, err := c.UploadFilesWithBodyWithResponse(x, id, ct, body)
	w.want("upload", up, err, 200)
	w.raw("POST", w.base, "/api/conversations/"+id+"/upload-files", "application/json", `{}`, 422)
	fb, err := c.SubmitFeedbackWithResponse(x, id, api.FeedbackRequest{Polarity: "negative", Permissions: "public", Email: "a@b.c"})
	w.want("feedback", fb, err, 200)
	fb, err = c.SubmitFeedbackWithResponse(x, missing, api.FeedbackRequest{Polarity: "negative"})
	w.want("feedback on missing", fb, err, 404)
	rp, err := c.GetRememberPromptWithResponse(x, id, &api.GetRememberPromptParams{EventID: 3})
	w.want("remember prompt", rp, err, 200)
	rp, err = c.GetRememberPromptWithResponse(x, id, &api.GetRememberPromptParams{EventID: 99999})
	w.want("remember prompt of an unknown event", rp, err, 500)
	rp, err = c.GetRememberPromptWithResponse(x, missing, &api.GetRememberPromptParams{EventID: 1})
	w.want("remember prompt of missing", rp, err, 404)
	w.raw("GET", w.base, "/api/conversations/"+id+"/remember-prompt", "", "", 422)
	w.raw("GET", w.base, "/api/conversations/"+bad+"/remember-prompt?event_id=1", "", "", 400)
	xc, err := c.AddExperimentConfigWithResponse(x, id, api.ExperimentConfig{Config: map[string]string{"a": "b"}})
	w.want("exp config", xc, err, 200)
	w.raw("POST", w.base, "/api/conversations/"+id+"/exp-config", "application/json", `{"config":{"a":1}}`, 422)
	w.raw("POST", w.base, "/api/conversations/"+bad+"/exp-config", "application/json", `{}`, 400)

	pc, err := c.UpdateConversationWithResponse(x, id, api.UpdateConversationRequest{Title: "walked"})
	w.want("patch", pc, err, 200)
	pc, err = c.UpdateConversationWithResponse(x, missing, api.UpdateConversationRequest{Title: "walked"})
	w.want("patch missing", pc, err, 404)
	w.raw("PATCH", w.base, "/api/conversations/"+id, "application/json", `{"title":""}`, 422)
	w.raw("PATCH", w.base, "/api/conversations/"+bad, "application/json", `{"title":"x"}`, 400)
	sp, err := c.StopConversationWithResponse(x, id)
	w.want("stop", sp, err, 200)
	w.raw("POST", w.base, "/api/conversations/"+bad+"/stop", "", "", 400)
	sm, err = c.SendMessageWithResponse(x, id, api.SendMessageRequest{Message: "late"})
	w.want("message to stopped", sm, err, 500)
	ae, err = c.AddEventWithResponse(x, id, api.AddEventJSONRequestBody{"action": "message", "args": map[string]any{"content": "late"}})
	w.want("event to stopped", ae, err, 500)
	ma, err = c.GetMicroagentsWithResponse(x, id)
	w.want("microagents of stopped", ma, err, 404)
	sc, err := c.StartConversationWithResponse(x, id, api.StartConversationRequest{ProvidersSet: []api.ProviderType{"github"}})
	w.want("start", sc, err, 200)
	sc, err = c.StartConversationWithResponse(x, missing, api.StartConversationRequest{})
	w.want("start missing", sc, err, 404)
	w.raw("POST", w.base, "/api/conversations/"+id+"/start", "application/json", ``, 422)
	w.raw("POST", w.base, "/api/conversations/"+bad+"/start", "application/json", `{}`, 400)

	var v1 string
	lc, _ = c.ListConversationsWithResponse(x, nil)
	for _, info := range lc.JSON200.Results {
		if info.ConversationVersion == "V1" {
			v1 = info.ConversationID
		}
	}
	g, err = c.GetConversationWithResponse(x, v1)
	w.want("get V1", g, err, 200)
	rc, err = c.GetRuntimeConfigWithResponse(x, v1)
	w.want("config of V1", rc, err, 200)
	pc, err = c.UpdateConversationWithResponse(x, v1, api.UpdateConversationRequest{Title: "v1"})
	w.want("patch V1", pc, err, 200)
	dc, err := c.DeleteConversationWithResponse(x, v1)
	w.want("delete V1", dc, err, 200)
	dc, err = c.DeleteConversationWithResponse(x, id)
	w.want("delete", dc, err, 200)
	dc, err = c.DeleteConversationWithResponse(x, id)
	w.want("delete again", dc, err, 200)
	w.raw("DELETE", w.base, "/api/conversations/"+bad, "", "", 400)

	plain, err := c.CreateConversationWithResponse(x, api.CreateConversationRequest{})
	w.want("create without repository", plain, err, 200)
	gc, err = c.GetGitChangesWithResponse(x, plain.JSON200.ConversationID)
	w.want("git changes without repository", gc, err, 404)

	bulk := w.srv.AddBulkConversation(300, 100)
	tr, err = c.GetTrajectoryWithResponse(x, bulk)
	w.want("bulk trajectory", tr, err, 200)
	ev, err = c.GetEventsWithResponse(x, bulk, &api.GetEventsParams{StartID: ptr(150), Limit: ptr(100), Reverse: ptr(true)})
	w.want("bulk events", ev, err, 200)

	un, err := c.UnsetProviderTokensWithResponse(x)
	w.want("unset tokens", un, err, 200)
	ui, err = c.GetUserInfoWithResponse(x)
	w.want("user info without token", ui, err, 401)
	for name, call := range map[string]func() (statusCoder, error){
		"installations": func() (statusCoder, error) {
			return c.ListUserInstallationsWithResponse(x, &api.ListUserInstallationsParams{Provider: "github"})
		},
		"repositories": func() (statusCoder, error) { return c.ListUserRepositoriesWithResponse(x, nil) },
		"search repositories": func() (statusCoder, error) {
			return c.SearchRepositoriesWithResponse(x, &api.SearchRepositoriesParams{Query: "a"})
		},
		"search branches": func() (statusCoder, error) {
			return c.SearchBranchesWithResponse(x, &api.SearchBranchesParams{Repository: "a/b", Query: "a"})
		},
		"suggested tasks": func() (statusCoder, error) { return c.GetSuggestedTasksWithResponse(x) },
		"branches": func() (statusCoder, error) {
			return c.ListRepositoryBranchesWithResponse(x, &api.ListRepositoryBranchesParams{Repository: "a/b"})
		},
		"microagents": func() (statusCoder, error) { return c.ListRepositoryMicroagentsWithResponse(x, "a/b") },
		"microagent content": func() (statusCoder, error) {
			return c.GetRepositoryMicroagentContentWithResponse(x, "a/b", &api.GetRepositoryMicroagentContentParams{FilePath: "x"})
		},
	} {
		r, err := call()
		w.want(name+" without token", r, err, 401)
	}
	cr, err = c.CreateConversationWithResponse(x, api.CreateConversationRequest{Repository: "acme/infra"})
	w.want("create on a repository without token", cr, err, 401)
	ag, err := c.AddGitProvidersWithResponse(x, api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Token: "invalid"}}})
	w.want("invalid git token", ag, err, 401)
	ag, err = c.AddGitProvidersWithResponse(x, api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{"github": {Token: "ghp_ok", Host: "github.com"}}})
	w.want("add git providers", ag, err, 200)
	w.raw("POST", w.base, "/api/add-git-providers", "application/json", `{"provider_tokens":{"svn":{}}}`, 422)
	gs, err = c.GetSettingsWithResponse(x)
	w.want("settings with tokens", gs, err, 200)
}

// walkFresh covers the answers of a server with nothing stored.
func walkFresh(t *testing.T, conf *conformance) {
	w := conf.walker(t)
	c := w.client(w.base)
	x := context.Background()
	gs, err := c.GetSettingsWithResponse(x)
	w.want("settings before any", gs, err, 404)
	cr, err := c.CreateConversationWithResponse(x, api.CreateConversationRequest{})
	w.want("create without settings", cr, err, 400)
	ls, err := c.ListSecretsWithResponse(x)
	w.want("no secrets", ls, err, 200)
	us, err := c.UpdateSecretWithResponse(x, "X", api.UpdateSecretRequest{Name: "Y"})
	w.want("update without a store", us, err, 200)
	lc, err := c.ListConversationsWithResponse(x, nil)
	w.want("empty list", lc, err, 200)
}

func walkHosted(t *testing.T, conf *conformance) {
	w := conf.walker(t, sim.WithMode(sim.ModeHosted), sim.WithAPIKey(apiKey), sim.WithSampleData())
	anon := w.client(w.base)
	c := w.client(w.base, "Authorization", "Bearer "+apiKey)
	x := context.Background()
	for name, call := range map[string]func() (statusCoder, error){
		"list":     func() (statusCoder, error) { return anon.ListConversationsWithResponse(x, nil) },
		"settings": func() (statusCoder, error) { return anon.GetSettingsWithResponse(x) },
		"create": func() (statusCoder, error) {
			return anon.CreateConversationWithResponse(x, api.CreateConversationRequest{})
		},
		"secrets": func() (statusCoder, error) { return anon.ListSecretsWithResponse(x) },
		"user":    func() (statusCoder, error) { return anon.GetUserInfoWithResponse(x) },
		"models":  func() (statusCoder, error) { return anon.ListModelsWithResponse(x) },
	} {
		r, err := call()
		w.want(name+" without credentials", r, err, 401)
	}
	cfg, err := anon.GetServerConfigWithResponse(x)
	w.want("config without credentials", cfg, err, 200)

	cr, err := c.CreateConversationWithResponse(x, api.CreateConversationRequest{InitialUserMsg: "hosted", Repository: "acme/infra"})
	w.want("create", cr, err, 200)
	id := cr.JSON200.ConversationID
	w.clock.Advance(startDelay + runDuration/2)
	g, err := c.GetConversationWithResponse(x, id)
	w.want("get", g, err, 200)
	ev, err := c.GetEventsWithResponse(x, id, nil)
	w.want("events on the app host", ev, err, 200)
	rc, err := c.GetRuntimeConfigWithResponse(x, id)
	w.want("config on the app host", rc, err, 200)

	maintenance := map[string]func(*api.ClientWithResponses) (statusCoder, error){
		"trajectory": func(c *api.ClientWithResponses) (statusCoder, error) { return c.GetTrajectoryWithResponse(x, id) },
		"vscode":     func(c *api.ClientWithResponses) (statusCoder, error) { return c.GetVSCodeURLWithResponse(x, id) },
		"web hosts":  func(c *api.ClientWithResponses) (statusCoder, error) { return c.GetWebHostsWithResponse(x, id) },
		"add event": func(c *api.ClientWithResponses) (statusCoder, error) {
			return c.AddEventWithResponse(x, id, api.AddEventJSONRequestBody{"action": "message", "args": map[string]any{"content": "x"}})
		},
		"message": func(c *api.ClientWithResponses) (statusCoder, error) {
			return c.SendMessageWithResponse(x, id, api.SendMessageRequest{Message: "x"})
		},
		"microagents": func(c *api.ClientWithResponses) (statusCoder, error) { return c.GetMicroagentsWithResponse(x, id) },
		"list files":  func(c *api.ClientWithResponses) (statusCoder, error) { return c.ListFilesWithResponse(x, id, nil) },
		"select file": func(c *api.ClientWithResponses) (statusCoder, error) {
			return c.SelectFileWithResponse(x, id, &api.SelectFileParams{File: "infra/README.md"})
		},
		"zip":         func(c *api.ClientWithResponses) (statusCoder, error) { return c.ZipWorkspaceWithResponse(x, id) },
		"git changes": func(c *api.ClientWithResponses) (statusCoder, error) { return c.GetGitChangesWithResponse(x, id) },
		"git diff": func(c *api.ClientWithResponses) (statusCoder, error) {
			return c.GetGitDiffWithResponse(x, id, &api.GetGitDiffParams{Path: "infra/README.md"})
		},
		"upload": func(c *api.ClientWithResponses) (statusCoder, error) {
			ct, body := multipartBody(t, map[string]string{"a.txt": "a"})
			return c.UploadFilesWithBodyWithResponse(x, id, ct, body)
		},
		"feedback": func(c *api.ClientWithResponses) (statusCoder, error) {
			return c.SubmitFeedbackWithResponse(x, id, api.FeedbackRequest{Polarity: "positive"})
		},
		"remember prompt": func(c *api.ClientWithResponses) (statusCoder, error) {
			return c.GetRememberPromptWithResponse(x, id, &api.GetRememberPromptParams{EventID: 1})
		},
	}
	runtime := strings.TrimSuffix(g.JSON200.URL, "/api/conversations/"+id) + "/"
	rt := w.client(runtime, "X-Session-API-Key", g.JSON200.SessionAPIKey)
	wrong := w.client(runtime, "X-Session-API-Key", "wrong")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range maintenance {
			if !yield(k) {
				return
			}
		}
	}) {
		call := maintenance[name]
		r, err := call(c)
		w.want(name+" on the app host", r, err, 500)
		r, err = call(wrong)
		w.want(name+" on the runtime host with a wrong key", r, err, 401)
		r, err = call(rt)
		w.want(name+" on the runtime host", r, err, 200)
	}
	rg, err := rt.GetConversationWithResponse(x, id)
	w.want("get on the runtime host", rg, err, 200)
	rs, err := rt.StopConversationWithResponse(x, id)
	w.want("stop on the runtime host", rs, err, 200)
}

func walkSessionKey(t *testing.T, conf *conformance) {
	w := conf.walker(t, sim.WithSessionAPIKey("k"), sim.WithSampleData())
	c := w.client(w.base)
	x := context.Background()
	r1, err := c.ListConversationsWithResponse(x, nil)
	w.want("list without the session key", r1, err, 401)
	r2, err := c.GetTrajectoryWithResponse(x, strings.Repeat("1", 32))
	w.want("trajectory without the session key", r2, err, 401)
	r3, err := c.ResetSettingsWithResponse(x)
	w.want("reset without the session key", r3, err, 401)
	r4, err := w.client(w.base, "X-Session-API-Key", "k").ListConversationsWithResponse(x, nil)
	w.want("list with the session key", r4, err, 200)
}

func walkNested(t *testing.T, conf *conformance) {
	w := conf.walker(t, sim.WithNestedRuntimes(), sim.WithSampleData())
	c := w.client(w.base)
	x := context.Background()
	cr, err := c.CreateConversationWithResponse(x, api.CreateConversationRequest{InitialUserMsg: "nested"})
	w.want("create", cr, err, 200)
	tr, err := c.GetTrajectoryWithResponse(x, cr.JSON200.ConversationID)
	w.want("trajectory on a docker-nested app host", tr, err, 500)
	fb, err := c.SubmitFeedbackWithResponse(x, cr.JSON200.ConversationID, api.FeedbackRequest{Polarity: "positive"})
	w.want("feedback on a docker-nested app host", fb, err, 500)
}

func walkRateLimits(t *testing.T, conf *conformance) {
	oss := conf.walker(t, sim.WithRateLimit(true), sim.WithSampleData())
	c := oss.client(oss.base)
	var last statusCoder
	for range 21 {
		r, err := c.GetSettingsWithResponse(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		last = r
	}
	oss.want("21st request in a second", last, nil, 429)

	hosted := conf.walker(t, sim.WithMode(sim.ModeHosted), sim.WithRateLimit(true), sim.WithSampleData())
	hc := hosted.client(hosted.base, "Authorization", "Bearer any")
	for range 11 {
		r, err := hc.ListConversationsWithResponse(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		last = r
	}
	hosted.want("11th hosted request in a second", last, nil, 429)
	hosted.clock.Advance(time.Second)
}
