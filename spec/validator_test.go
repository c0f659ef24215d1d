package spec_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openhands-go/openhands-v0/spec"
)

const convURL = "http://127.0.0.1:3000/api/conversations/6b2f5a0c9d3e4f1a8b7c6d5e4f3a2b1c"

func TestValidatorAcceptsGoodExchanges(t *testing.T) {
	v := validator(t)
	cases := []struct {
		name, method, url, requestBody string
		status                         int
		contentType, body, operationID string
	}{
		{"running conversation", "GET", convURL, "", 200, "application/json", "conversation_running.json", "getConversation"},
		{"missing conversation is 200 null", "GET", convURL, "", 200, "application/json", "conversation_null.json", "getConversation"},
		{"list on another host", "GET", "https://app.all-hands.dev/api/conversations?limit=2", "", 200, "application/json", "conversation_list.json", "listConversations"},
		{"create", "POST", "http://localhost:3000/api/conversations", `{"initial_user_msg":"hi","repository":"octo-org/webapp"}`, 200, "application/json", "conversation_created.json", "createConversation"},
		{"start with an empty body", "POST", convURL + "/start", `{}`, 200, "application/json", "conversation_created.json", "startConversation"},
		{"events page", "GET", convURL + "/events?start_id=0&limit=4&reverse=false", "", 200, "application/json", "event_page.json", "getEvents"},
		{"invalid limit", "GET", convURL + "/events?limit=100", "", 400, "application/json", "error_invalid_limit.json", "getEvents"},
		{"trajectory", "GET", convURL + "/trajectory", "", 200, "application/json; charset=utf-8", "trajectory.json", "getTrajectory"},
		{"maintenance page where declared", "GET", convURL + "/trajectory", "", 500, "text/html; charset=utf-8", "maintenance.html", "getTrajectory"},
		{"settings", "GET", "http://localhost:3000/api/settings", "", 200, "application/json", "settings_info.json", "getSettings"},
		{"settings not found", "POST", "http://localhost:3000/api/conversations", `{}`, 400, "application/json", "error_settings_not_found.json", "createConversation"},
		{"validation error", "POST", "http://localhost:3000/api/conversations", `{}`, 422, "application/json", "error_validation.json", "createConversation"},
		{"unauthorized, self-hosted", "GET", convURL, "", 401, "application/json", "error_unauthorized.json", "getConversation"},
		{"unauthorized, hosted", "GET", convURL, "", 401, "application/json", "error_no_credentials.json", "getConversation"},
		{"repository access as a JSON string", "POST", "http://localhost:3000/api/conversations", `{"repository":"octo-org/private-repo"}`, 401, "application/json", "error_repo_access.json", "createConversation"},
		{"rate limited, hosted", "GET", convURL, "", 429, "application/json", "error_rate_limited_hosted.json", "getConversation"},
		{"rate limited, self-hosted", "GET", convURL, "", 429, "application/json", "error_rate_limited_local.json", "getConversation"},
		{"start failed", "POST", convURL + "/start", `{"providers_set":["github"]}`, 500, "application/json", "error_start_failed.json", "startConversation"},
		{"runtime not found", "GET", convURL + "/config", "", 404, "application/json", "error_not_found.json", "getRuntimeConfig"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := v.Validate(context.Background(), exchange(t, c.method, c.url, c.requestBody, c.status, c.contentType, fixture(t, c.body)))
			if !res.OK() || len(res.Undeclared) > 0 {
				t.Fatalf("want a clean result, got %+v", res)
			}
			if res.OperationID != c.operationID || res.Method != c.method || res.Status != c.status {
				t.Errorf("got operation %q %s status %d, want %q %s %d", res.OperationID, res.Method, res.Status, c.operationID, c.method, c.status)
			}
		})
	}
}

func TestValidatorNamesTheOperation(t *testing.T) {
	res := validator(t).Validate(context.Background(), exchange(t, "GET", convURL+"/events", "", 200, "application/json", fixture(t, "event_page.json")))
	want := spec.Result{OperationID: "getEvents", Method: "GET", PathTemplate: "/api/conversations/{conversation_id}/events", Status: 200, RouteFound: true}
	if res.OperationID != want.OperationID || res.PathTemplate != want.PathTemplate || !res.RouteFound {
		t.Errorf("got %+v, want %+v", res, want)
	}
}

func TestValidatorReportsResponseViolations(t *testing.T) {
	v := validator(t)
	running := string(fixture(t, "conversation_running.json"))
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        []string // parts of one violation
	}{
		{"wrong type", 200, "application/json", strings.Replace(running, `"num_connections": 1`, `"num_connections": "one"`, 1),
			[]string{"body /num_connections", "must be an integer"}},
		{"missing required field", 200, "application/json", strings.Replace(running, `"title": "Fix the flaky login test",`, ``, 1),
			[]string{"body /title", "missing"}},
		{"undeclared status", 418, "application/json", `{"detail":"teapot"}`,
			[]string{"status 418 is not declared"}},
		{"undeclared content type", 200, "text/xml", `<conversation/>`,
			[]string{`content type "text/xml" is not declared for status 200`}},
		{"html where only JSON is declared", 200, "text/html; charset=utf-8", `<!DOCTYPE html><html></html>`,
			[]string{`content type "text/html; charset=utf-8" is not declared`}},
		{"no content type", 200, "", running,
			[]string{"without a Content-Type"}},
		{"body that is not JSON", 200, "application/json", `{"conversation_id":`,
			[]string{"body cannot be decoded"}},
		{"enum of the wrong type", 200, "application/json", strings.Replace(running, `"status": "RUNNING"`, `"status": 3`, 1),
			[]string{"body /status"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := v.Validate(context.Background(), exchange(t, "GET", convURL, "", c.status, c.contentType, []byte(c.body)))
			if res.OK() || !containsLine(res.ResponseViolations(), c.want...) {
				t.Fatalf("want a violation with %q, got %+v", c.want, res)
			}
			if len(res.RequestViolations()) != 0 {
				t.Errorf("the request was fine, got %q", res.RequestViolations())
			}
		})
	}
}

func TestValidatorReportsRequestViolations(t *testing.T) {
	v := validator(t)
	cases := []struct {
		name, method, url, requestBody string
		want                           []string
	}{
		{"limit over 100", "GET", convURL + "/events?limit=101", "", []string{`query parameter "limit"`, "at most 100"}},
		{"reverse not a boolean", "GET", convURL + "/events?reverse=maybe", "", []string{`query parameter "reverse"`}},
		{"unknown body field", "POST", "http://localhost:3000/api/conversations", `{"initial_user_msg":"hi","conversation_id":"x"}`, []string{"request body", `"conversation_id" is unsupported`}},
		{"body field of the wrong type", "POST", "http://localhost:3000/api/conversations", `{"repository":5}`, []string{"request body /repository", "must be a string"}},
		{"start without a body", "POST", convURL + "/start", "", []string{"request body", "required"}},
		{"required query parameter missing", "GET", convURL + "/select-file", "", []string{`query parameter "file"`}},
		{"title too long", "PATCH", convURL, `{"title":"` + strings.Repeat("x", 201) + `"}`, []string{"request body /title"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := v.Validate(context.Background(), exchange(t, c.method, c.url, c.requestBody, 422, "application/json", fixture(t, "error_validation.json")))
			if !res.RouteFound || res.OK() || !containsLine(res.RequestViolations(), c.want...) {
				t.Fatalf("want a request violation with %q, got %+v", c.want, res)
			}
		})
	}
}

func TestValidatorReportsUnknownRoutes(t *testing.T) {
	v := validator(t)
	cases := []struct{ name, method, url, want string }{
		{"unknown path", "GET", "http://localhost:3000/api/v1/app-conversations", "route not in the spec: GET /api/v1/app-conversations"},
		{"unknown method", "PUT", "http://localhost:3000/api/conversations", "route not in the spec: PUT /api/conversations (the path exists, not this method)"},
		{"excluded security catch-all", "GET", convURL + "/security/policy", "route not in the spec: GET /api/conversations/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := v.Validate(context.Background(), exchange(t, c.method, c.url, "", 200, "text/html", []byte("<html></html>")))
			if res.RouteFound || res.OK() || res.OperationID != "" {
				t.Fatalf("want an unknown route, got %+v", res)
			}
			if !containsLine(res.RequestViolations(), c.want) {
				t.Errorf("want %q in %q", c.want, res.RequestViolations())
			}
		})
	}
}

func TestValidatorListsUndeclaredFields(t *testing.T) {
	v := validator(t)
	body := strings.NewReplacer(
		`"conversation_id": "6b2f5a0c9d3e4f1a8b7c6d5e4f3a2b1c",`, `"conversation_id": "6b2f5a0c9d3e4f1a8b7c6d5e4f3a2b1c", "agent_profile": {"name": "x"}, "a/b~c": 1,`,
	).Replace(string(fixture(t, "conversation_running.json")))
	res := v.Validate(context.Background(), exchange(t, "GET", convURL, "", 200, "application/json", []byte(body)))
	if !res.OK() {
		t.Fatalf("undeclared fields are drift, not violations: %+v", res)
	}
	if want := []string{"/a~1b~0c", "/agent_profile"}; !slices.Equal(res.Undeclared, want) {
		t.Errorf("Undeclared = %q, want %q", res.Undeclared, want)
	}

	// In events, args, extras and the model response are open; the tool
	// call metadata and the metrics are not.
	page := strings.NewReplacer(
		`"function_name": "execute_bash",`, `"function_name": "execute_bash", "tool_kind": "bash",`,
		`"is_input": false,`, `"is_input": false, "new_arg": 1,`,
		`"service_tier": null`, `"service_tier": null, "provider_specific_fields": {}`,
		`"accumulated_cost": 0.0213,`, `"accumulated_cost": 0.0213, "cost_breakdown": [],`,
	).Replace(string(fixture(t, "event_page.json")))
	res = v.Validate(context.Background(), exchange(t, "GET", convURL+"/events", "", 200, "application/json", []byte(page)))
	want := []string{
		"/events/2/llm_metrics/cost_breakdown",
		"/events/2/tool_call_metadata/tool_kind",
		"/events/3/tool_call_metadata/tool_kind",
	}
	if !res.OK() || !slices.Equal(res.Undeclared, want) {
		t.Errorf("Undeclared = %q (violations %q), want %q", res.Undeclared, res.ResponseViolations(), want)
	}

	// Error bodies: the anyOf branch that matches decides what is declared.
	res = v.Validate(context.Background(), exchange(t, "GET", convURL, "", 401, "application/json", []byte(`{"detail":"Unauthorized","hint":"send X-Session-API-Key"}`)))
	if !res.OK() || !slices.Equal(res.Undeclared, []string{"/hint"}) {
		t.Errorf("401: Undeclared = %q, violations %q", res.Undeclared, res.ResponseViolations())
	}
}

func TestValidatorKeepsSecretValuesOutOfMessages(t *testing.T) {
	const secret = "sk-oh-very-secret-value"
	v := validator(t)
	running := strings.Replace(string(fixture(t, "conversation_running.json")), `"num_connections": 1`, `"num_connections": "`+secret+`"`, 1)
	exchanges := []spec.Exchange{
		exchange(t, "GET", convURL, "", 200, "application/json", []byte(running)),
		exchange(t, "POST", "http://localhost:3000/api/secrets", `{"name":"k","value":["`+secret+`"]}`, 201, "application/json", []byte(`{"message":7}`)),
		exchange(t, "POST", "http://localhost:3000/api/secrets", `{"name":"k","value":"`+secret, 201, "application/json", []byte(`{"message":"`+secret)),
		exchange(t, "GET", convURL+"/events?limit="+secret+"&reverse="+secret, "", 200, "application/json", fixture(t, "event_page.json")),
	}
	for _, x := range exchanges {
		res := v.Validate(context.Background(), x)
		all := append(append([]string{}, res.RequestViolations()...), res.ResponseViolations()...)
		if len(all) == 0 {
			t.Errorf("%s %s: want violations", x.Request.Method, x.Request.URL)
		}
		for _, m := range all {
			if strings.Contains(m, secret) {
				t.Errorf("message leaks a value: %q", m)
			}
			if strings.ContainsAny(m, "\n\r") {
				t.Errorf("message spans lines: %q", m)
			}
		}
	}
}

func TestValidatorLeavesTheRequestAlone(t *testing.T) {
	const body = `{"initial_user_msg":"hi"}`
	req, err := http.NewRequest("POST", "http://localhost:3000/api/conversations?x=1", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	before := req.Header.Clone()
	res := validator(t).Validate(context.Background(), spec.Exchange{Request: req, RequestBody: []byte(body), StatusCode: 200,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: fixture(t, "conversation_created.json")})
	if !res.OK() {
		t.Fatalf("want a clean result, got %+v", res)
	}
	got, err := io.ReadAll(req.Body)
	if err != nil || string(got) != body {
		t.Errorf("the request body was consumed: %q, %v", got, err)
	}
	if req.URL.String() != "http://localhost:3000/api/conversations?x=1" || !equalHeaders(req.Header, before) {
		t.Errorf("the request changed: %s %v", req.URL, req.Header)
	}
}

func TestValidatorReadsTheBodyFromGetBody(t *testing.T) {
	// http.NewRequest sets GetBody for a bytes.Reader; with no RequestBody
	// the validator reads it from there, and the request keeps its body.
	body := []byte(`{"initial_user_msg":"hi","bogus":true}`)
	req, err := http.NewRequest("POST", "http://localhost:3000/api/conversations", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res := validator(t).Validate(context.Background(), spec.Exchange{Request: req, StatusCode: 422,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: fixture(t, "error_validation.json")})
	if !containsLine(res.RequestViolations(), `"bogus" is unsupported`) {
		t.Fatalf("the body from GetBody was not validated: %+v", res)
	}
	if got, _ := io.ReadAll(req.Body); !bytes.Equal(got, body) {
		t.Errorf("the request body was consumed: %q", got)
	}
}

func TestValidatorWithoutRequest(t *testing.T) {
	res := validator(t).Validate(context.Background(), spec.Exchange{StatusCode: 200})
	if res.OK() || len(res.RequestViolations()) != 1 {
		t.Fatalf("want one violation, got %+v", res)
	}
}

func TestValidatorIsSafeForConcurrentUse(t *testing.T) {
	v := validator(t)
	page := fixture(t, "event_page.json")
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 16 {
		wg.Go(func() {
			res := v.Validate(context.Background(), exchange(t, "GET", convURL+"/events?limit=4", "", 200, "application/json", page))
			if !res.OK() {
				errs <- strings.Join(res.ResponseViolations(), "; ")
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestCheckSchema(t *testing.T) {
	v := validator(t)
	violations, undeclared, err := v.CheckSchema("ConversationInfo", fixture(t, "conversation_running.json"))
	if err != nil || len(violations) != 0 || len(undeclared) != 0 {
		t.Fatalf("CheckSchema = %q, %q, %v", violations, undeclared, err)
	}
	violations, undeclared, err = v.CheckSchema("ConversationInfo", []byte(`{"conversation_id":"x","title":"t","status":"RUNNING","created_at":"c","num_connections":"1","extra":1}`))
	if err != nil || !containsLine(violations, "body /num_connections") || !slices.Equal(undeclared, []string{"/extra"}) {
		t.Fatalf("CheckSchema = %q, %q, %v", violations, undeclared, err)
	}
	if _, _, err := v.CheckSchema("NoSuchSchema", []byte(`{}`)); err == nil {
		t.Error("want an error for an unknown schema")
	}
	if _, _, err := v.CheckSchema("Event", []byte(`{`)); err == nil {
		t.Error("want an error for a body that is not JSON")
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestValidatorRoutesEscapedSlashesToOneParameter(t *testing.T) {
	res := validator(t).Validate(context.Background(), exchange(t, "GET",
		"http://localhost:3000/api/user/repository/octo-org%2Fwebapp/microagents", "", 200, "application/json",
		[]byte(`[{"name":"repo","path":".openhands/microagents/repo.md","created_at":"2025-11-28T10:14:03Z"}]`)))
	if !res.OK() || res.OperationID != "listRepositoryMicroagents" || len(res.Undeclared) > 0 {
		t.Fatalf("want listRepositoryMicroagents, clean: %+v", res)
	}
}

// TestValidatorFindingsAreTyped: each finding says its kind, operation and
// location, so callers branch on those and never on the message.
func TestValidatorFindingsAreTyped(t *testing.T) {
	v := validator(t)
	running := fixture(t, "conversation_running.json")
	for _, c := range []struct {
		name                string
		x                   spec.Exchange
		kind                spec.FindingKind
		operation, location string
	}{
		{"undeclared status", exchange(t, "GET", convURL, "", 418, "application/json", []byte(`{"detail":"teapot"}`)),
			spec.FindingStatus, "getConversation", "status"},
		{"undeclared content type", exchange(t, "GET", convURL, "", 200, "text/html", []byte(`<html></html>`)),
			spec.FindingContentType, "getConversation", "content type"},
		{"body", exchange(t, "GET", convURL, "", 200, "application/json", bytes.Replace(running, []byte(`"num_connections": 1`), []byte(`"num_connections": "one"`), 1)),
			spec.FindingBody, "getConversation", "body /num_connections"},
		{"query parameter", exchange(t, "GET", convURL+"/events?limit=101", "", 200, "application/json", []byte(`{"events":[],"has_more":false}`)),
			spec.FindingRequest, "getEvents", `query parameter "limit"`},
		{"route", exchange(t, "GET", "http://localhost:3000/api/nope", "", 404, "application/json", []byte(`{}`)),
			spec.FindingRoute, "", "GET /api/nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := v.Validate(context.Background(), c.x)
			if len(res.Findings) == 0 {
				t.Fatalf("no findings: %+v", res)
			}
			f := res.Findings[0]
			if f.Kind != c.kind || f.Operation != c.operation || f.Location != c.location || f.Message == "" {
				t.Errorf("finding %+v, want kind %s, operation %q, location %q and a message", f, c.kind, c.operation, c.location)
			}
		})
	}
}
