//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

func TestMissingConversationQuirks(t *testing.T) {
	e := newEnv(t)
	missing := strings.Repeat("0", 32)
	g, err := e.client.GetConversationWithResponse(ctx(t), missing)
	if err != nil || g.StatusCode() != 200 || string(g.Body) != "null" {
		t.Errorf("get missing: %v %d %q", err, g.StatusCode(), g.Body)
	}
	d, err := e.client.DeleteConversationWithResponse(ctx(t), missing)
	if err != nil || d.StatusCode() != 200 || string(d.Body) != "false" {
		t.Errorf("delete missing: %v %d %q", err, d.StatusCode(), d.Body)
	}
	p, _ := e.client.UpdateConversationWithResponse(ctx(t), missing, api.UpdateConversationRequest{Title: "x"})
	if p.StatusCode() != 404 {
		t.Fatalf("patch missing: %d %s", p.StatusCode(), p.Body)
	}
	wantJSON(t, p.Body, `{"status":"error","message":"Conversation not found","msg_id":"CONVERSATION$NOT_FOUND"}`)
	ev, _ := e.client.GetEventsWithResponse(ctx(t), missing, nil)
	if ev.StatusCode() != 404 {
		t.Fatalf("events of missing: %d", ev.StatusCode())
	}
	wantJSON(t, ev.Body, `{"detail":"Conversation `+missing+` not found"}`)
}

func TestDeleteConversation(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	id := e.create(api.CreateConversationRequest{})
	d, err := e.client.DeleteConversationWithResponse(ctx(t), id)
	if err != nil || string(d.Body) != "true" {
		t.Fatalf("delete: %v %s", err, d.Body)
	}
	if e.get(id) != nil {
		t.Error("deleted conversation still there")
	}
	d, _ = e.client.DeleteConversationWithResponse(ctx(t), id)
	if string(d.Body) != "false" {
		t.Errorf("second delete: %s", d.Body)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	r, _ := e.client.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{InitialUserMsg: "hi"})
	if r.StatusCode() != 400 {
		t.Fatalf("create without settings: %d %s", r.StatusCode(), r.Body)
	}
	wantJSON(t, r.Body, `{"status":"error","message":"Settings not found","msg_id":"CONFIGURATION$SETTINGS_NOT_FOUND"}`)

	e.storeSettings("")
	cases := []struct{ name, body, want string }{
		{"unknown field", `{"initial_user_msg":"hi","conversation_id":"abc"}`,
			`{"detail":[{"type":"extra_forbidden","loc":["body","conversation_id"],"msg":"Extra inputs are not permitted","input":"abc"}]}`},
		{"wrong type", `{"initial_user_msg":5}`,
			`{"detail":[{"type":"string_type","loc":["body","initial_user_msg"],"msg":"Input should be a valid string","input":5}]}`},
		{"unknown provider", `{"git_provider":"svn"}`,
			`{"detail":[{"type":"enum","loc":["body","git_provider"],"msg":"Input should be 'github', 'gitlab', 'bitbucket', 'azure_devops', 'forgejo' or 'enterprise_sso'","input":"svn","ctx":{"expected":"'github', 'gitlab', 'bitbucket', 'azure_devops', 'forgejo' or 'enterprise_sso'"}}]}`},
		{"nested strict model", `{"mcp_config":{"sse_servers":[],"extra":1}}`,
			`{"detail":[{"type":"extra_forbidden","loc":["body","mcp_config","extra"],"msg":"Extra inputs are not permitted","input":1}]}`},
		{"missing nested field", `{"suggested_task":{"repo":"a/b"}}`, ""},
		{"not an object", `[1]`,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}`},
		{"broken JSON", `{"a":`, ""},
		{"no body", ``, `{"detail":[{"type":"missing","loc":["body"],"msg":"Field required"}]}`},
	}
	for _, tc := range cases {
		status, ct, body := e.do("POST", "/api/conversations", "application/json", tc.body)
		if status != 422 || ct != "application/json" {
			t.Errorf("%s: %d %s %s", tc.name, status, ct, body)
			continue
		}
		if tc.want != "" {
			wantJSON(t, []byte(body), tc.want)
		}
	}
	if _, _, body := e.do("POST", "/api/conversations", "application/json", `{"suggested_task":{"repo":"a/b"}}`); strings.Count(body, `"missing"`) != 4 {
		t.Errorf("suggested_task without 4 required fields: %s", body)
	}

	r, _ = e.client.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{Repository: "acme/private"})
	if r.StatusCode() != 401 || string(r.Body) != `"Unable to access repo acme/private"` {
		t.Errorf("repository without a git token: %d %s", r.StatusCode(), r.Body)
	}
}

func TestCreateTriggersAndRepository(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	id := e.create(api.CreateConversationRequest{
		SuggestedTask: &api.SuggestedTask{GitProvider: "github", TaskType: "FAILING_CHECKS", Repo: "acme/api-server", IssueNumber: 7, Title: "CI"},
		Repository:    "acme/api-server",
	})
	info := e.get(id)
	if info.Trigger != api.ConversationTriggerSuggestedTask || info.SelectedRepository != "acme/api-server" || info.SelectedBranch != "main" || info.GitProvider != "github" {
		t.Errorf("suggested task conversation: %+v", info)
	}
	id = e.create(api.CreateConversationRequest{CreateMicroagent: &api.CreateMicroagent{Repo: "sim-user/widgets", GitProvider: "github"}})
	if info := e.get(id); info.Trigger != api.ConversationTriggerMicroagentManagement || info.SelectedRepository != "sim-user/widgets" {
		t.Errorf("microagent conversation: %+v", info)
	}
	m, _ := e.client.ListMicroagentManagementConversationsWithResponse(ctx(t), &api.ListMicroagentManagementConversationsParams{SelectedRepository: "sim-user/widgets"})
	if m.JSON200 == nil || len(m.JSON200.Results) != 1 || m.JSON200.Results[0].ConversationID != id {
		t.Errorf("microagent-management listing: %s", m.Body)
	}
	if d := e.get(id); !strings.HasPrefix(d.Title, "Conversation ") {
		t.Errorf("title before the agent ran: %q", d.Title)
	}
}

func TestUpdateConversation(t *testing.T) {
	e := newEnv(t)
	e.storeSettings("")
	id := e.create(api.CreateConversationRequest{})
	r, err := e.client.UpdateConversationWithResponse(ctx(t), id, api.UpdateConversationRequest{Title: "  Renamed  "})
	if err != nil || string(r.Body) != "true" {
		t.Fatalf("patch: %v %s", err, r.Body)
	}
	if got := e.get(id).Title; got != "Renamed" {
		t.Errorf("title = %q", got)
	}
	for name, body := range map[string]string{
		"empty":         `{"title":""}`,
		"too long":      `{"title":"` + strings.Repeat("é", 201) + `"}`,
		"unknown field": `{"title":"x","color":"red"}`,
		"missing":       `{}`,
	} {
		status, _, got := e.do("PATCH", "/api/conversations/"+id, "application/json", body)
		if status != 422 {
			t.Errorf("%s: %d %s", name, status, got)
		}
	}
	_, _, got := e.do("PATCH", "/api/conversations/"+id, "application/json", `{"title":""}`)
	wantJSON(t, []byte(got), `{"detail":[{"type":"string_too_short","loc":["body","title"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}`)
	if status, _, _ := e.do("PATCH", "/api/conversations/"+id, "application/json", `{"title":"`+strings.Repeat("é", 200)+`"}`); status != 200 {
		t.Errorf("200 characters: %d", status)
	}
}

func TestConversationIDValidation(t *testing.T) {
	e := newEnv(t)
	cases := map[string]string{
		strings.Repeat("a", 101): "Conversation ID is too long",
		"ab%00cd":                "Conversation ID contains invalid characters",
		"ab..cd":                 "Conversation ID contains invalid path characters",
		`ab%5Ccd`:                "Conversation ID contains invalid path characters",
		"ab%0Acd":                "Conversation ID contains control characters",
	}
	for id, want := range cases {
		status, _, body := e.do("GET", "/api/conversations/"+id, "", "")
		if status != 400 {
			t.Errorf("%q: %d %s", id, status, body)
			continue
		}
		wantJSON(t, []byte(body), `{"detail":"`+want+`"}`)
	}
	if status, _, body := e.do("DELETE", "/api/conversations/"+strings.Repeat("a", 101), "", ""); status != 400 {
		t.Errorf("delete with a long id: %d %s", status, body)
	}
	// A slash splits the path: the route does not match, the web app answers.
	if status, ct, _ := e.do("GET", "/api/conversations/a%2Fb", "", ""); status != 200 || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("id with a slash: %d %s", status, ct)
	}
}

func TestListPagingMergesV1(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	all, err := e.client.ListConversationsWithResponse(ctx(t), nil)
	if err != nil || all.JSON200 == nil {
		t.Fatalf("list: %v %s", err, all.Body)
	}
	if all.JSON200.NextPageID != "" {
		t.Errorf("one page of 20 has a next page id")
	}
	results := all.JSON200.Results
	v1 := 0
	statuses := map[api.ConversationStatus]bool{}
	for i, c := range results {
		if i > 0 && c.CreatedAt.String() > results[i-1].CreatedAt.String() {
			t.Errorf("not newest first at %d", i)
		}
		statuses[c.Status] = true
		if c.ConversationVersion == "V1" {
			v1++
			if !strings.HasPrefix(c.URL, "http://agent-server.invalid") || c.SessionAPIKey == "" {
				t.Errorf("V1 conversation: %+v", c)
			}
		}
	}
	if v1 != 1 || len(results) < 6 {
		t.Errorf("%d conversations, %d V1", len(results), v1)
	}
	for _, st := range []api.ConversationStatus{api.ConversationStatusStopped, api.ConversationStatusArchived, api.ConversationStatusError, api.ConversationStatusRunning} {
		if !statuses[st] {
			t.Errorf("no seeded %s conversation", st)
		}
	}

	var paged []string
	var cursors []string
	params := &api.ListConversationsParams{Limit: ptr(2)}
	for range 10 {
		r, err := e.client.ListConversationsWithResponse(ctx(t), params)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("page: %v %s", err, r.Body)
		}
		for _, c := range r.JSON200.Results {
			paged = append(paged, c.ConversationID)
		}
		if r.JSON200.NextPageID == "" {
			break
		}
		cursors = append(cursors, r.JSON200.NextPageID)
		params.PageID = &r.JSON200.NextPageID
	}
	if len(paged) != len(results) {
		t.Errorf("paging saw %d conversations, one page %d", len(paged), len(results))
	}
	raw, err := base64.StdEncoding.DecodeString(cursors[0])
	var cursor map[string]*string
	if err != nil || json.Unmarshal(raw, &cursor) != nil || cursor["v0"] == nil {
		t.Errorf("cursor %q is not base64 JSON {v0, v1}: %s", cursors[0], raw)
	}

	gitRepo := "acme/api-server"
	f, _ := e.client.ListConversationsWithResponse(ctx(t), &api.ListConversationsParams{SelectedRepository: &gitRepo})
	for _, c := range f.JSON200.Results {
		if c.SelectedRepository != gitRepo {
			t.Errorf("repository filter let %s through", c.SelectedRepository)
		}
	}
	if len(f.JSON200.Results) != 2 {
		t.Errorf("%d conversations on %s, want 2", len(f.JSON200.Results), gitRepo)
	}
	trig := api.ConversationTriggerMicroagentManagement
	f, _ = e.client.ListConversationsWithResponse(ctx(t), &api.ListConversationsParams{ConversationTrigger: &trig})
	if len(f.JSON200.Results) != 1 {
		t.Errorf("trigger filter: %s", f.Body)
	}
	if status, _, body := e.do("GET", "/api/conversations?conversation_trigger=cron", "", ""); status != 422 || !strings.Contains(body, `"enum"`) {
		t.Errorf("unknown trigger: %d %s", status, body)
	}
	if status, _, _ := e.do("GET", "/api/conversations?page_id=%25%25", "", ""); status != 500 {
		t.Errorf("garbage page id: %d", status)
	}
}

// The server pages V0 and V1 each with the full limit, merges and cuts: a
// conversation cut from a merged page never comes back. The simulator does
// the same.
func TestListPagingLosesCutConversations(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	// A V0 conversation older than the seeded V1 one: V0 then has one page
	// more than V1, and the V1 conversation gets cut from a merged page.
	e.clock.Advance(-13 * 24 * time.Hour)
	e.storeSettings("")
	e.create(api.CreateConversationRequest{})
	e.clock.Advance(13 * 24 * time.Hour)
	all, _ := e.client.ListConversationsWithResponse(ctx(t), &api.ListConversationsParams{Limit: ptr(100)})
	seen := map[string]int{}
	params := &api.ListConversationsParams{Limit: ptr(3)}
	for range 20 {
		r, _ := e.client.ListConversationsWithResponse(ctx(t), params)
		for _, c := range r.JSON200.Results {
			seen[c.ConversationID]++
		}
		if r.JSON200.NextPageID == "" {
			break
		}
		params.PageID = &r.JSON200.NextPageID
	}
	if len(seen) == len(all.JSON200.Results) {
		t.Errorf("paging with limit 3 saw all %d conversations; the server's merge loses some", len(seen))
	}
}
