package spec_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// Each fixture of spec/testdata matches its schema exactly: no violation,
// no field the schema does not declare.
func TestFixturesMatchTheirSchemas(t *testing.T) {
	v := validator(t)
	cases := map[string]string{
		"conversation_running.json":      "ConversationInfo",
		"conversation_list.json":         "ConversationInfoResultSet",
		"conversation_created.json":      "ConversationResponse",
		"event_page.json":                "EventPage",
		"trajectory.json":                "Trajectory",
		"settings_info.json":             "SettingsInfo",
		"error_invalid_limit.json":       "DetailError",
		"error_not_found.json":           "NotFoundError",
		"error_validation.json":          "HTTPValidationError",
		"error_settings_not_found.json":  "StatusError",
		"error_start_failed.json":        "StatusError",
		"error_unauthorized.json":        "AuthError",
		"error_no_credentials.json":      "AuthError",
		"error_repo_access.json":         "AuthError",
		"error_rate_limited_hosted.json": "RateLimitError",
		"error_rate_limited_local.json":  "RateLimitError",
	}
	for file, schema := range cases {
		t.Run(file, func(t *testing.T) {
			violations, undeclared, err := v.CheckSchema(schema, fixture(t, file))
			if err != nil || len(violations) > 0 || len(undeclared) > 0 {
				t.Errorf("%s: violations %q, undeclared %q, %v", schema, violations, undeclared, err)
			}
		})
	}
}

func TestFixtureConversationDecodes(t *testing.T) {
	var c api.ConversationInfo
	decodeStrict(t, fixture(t, "conversation_running.json"), &c)
	// Timestamps keep the server's text, with or without a zone, and parse.
	if c.LastUpdatedAt.String() != "2025-11-28T10:15:42.123456" || c.CreatedAt.String() != "2025-11-28T10:14:03.001234Z" ||
		!c.LastUpdatedAt.Naive() || c.CreatedAt.Naive() || c.CreatedAt.Sub(c.LastUpdatedAt.Time) >= 0 {
		t.Errorf("timestamps %v, %v", c.LastUpdatedAt, c.CreatedAt)
	}
	if c.Status != "RUNNING" || c.RuntimeStatus != api.RuntimeStatusReady || c.SessionAPIKey == "" ||
		!strings.HasSuffix(c.URL, "/api/conversations/"+c.ConversationID) {
		t.Errorf("conversation %+v", c)
	}

	var list api.ConversationInfoResultSet
	decodeStrict(t, fixture(t, "conversation_list.json"), &list)
	if len(list.Results) != 2 || list.Results[1].ConversationVersion != "V1" || list.Results[0].PrNumber[0] != 412 ||
		list.Results[0].URL != "" || list.NextPageID == "" {
		t.Errorf("list %+v", list)
	}
}

func TestFixtureNullConversationDecodesToNil(t *testing.T) {
	c := &api.ConversationInfo{ConversationID: "left over"}
	if err := json.Unmarshal(fixture(t, "conversation_null.json"), &c); err != nil {
		t.Fatal(err)
	}
	if c != nil {
		t.Errorf("null decoded into %+v", c)
	}
}

func TestFixtureEventsDecode(t *testing.T) {
	var page api.EventPage
	decodeStrict(t, fixture(t, "event_page.json"), &page)
	if len(page.Events) != 4 || !page.HasMore {
		t.Fatalf("page: %d events, has_more %v", len(page.Events), page.HasMore)
	}
	action, observation := page.Events[2], page.Events[3]
	m := action.LLMMetrics
	if m.AccumulatedCost != 0.0213 || m.AccumulatedTokenUsage.Model != "claude-sonnet-4-5-20250929" ||
		m.AccumulatedTokenUsage.ContextWindow != 200000 || m.MaxBudgetPerTask != 0 {
		t.Errorf("llm_metrics %+v", m)
	}
	if action.ToolCallMetadata.ModelResponse.Model != "claude-sonnet-4-5-20250929" || action.Timeout != 120 {
		t.Errorf("action %+v", action)
	}
	if observation.Cause == nil || *observation.Cause != action.ID || observation.Observation != "run" || observation.Success == nil || *observation.Success ||
		observation.ToolCallMetadata.ToolCallID != action.ToolCallMetadata.ToolCallID {
		t.Errorf("observation %+v", observation)
	}
	if state := page.Events[1].Extras["agent_state"]; state != "running" {
		t.Errorf("agent_state %v", state)
	}
}

func TestFixtureErrorsDecode(t *testing.T) {
	var auth api.AuthError
	decodeStrict(t, fixture(t, "error_repo_access.json"), &auth)
	if msg, err := auth.AsPlainMessage(); err != nil || !strings.HasPrefix(msg, "Unable to access repo") {
		t.Errorf("AsPlainMessage = %q, %v", msg, err)
	}
	decodeStrict(t, fixture(t, "error_unauthorized.json"), &auth)
	if d, err := auth.AsDetailError(); err != nil || d.Detail != "Unauthorized" {
		t.Errorf("AsDetailError = %+v, %v", d, err)
	}
	var validation api.HTTPValidationError
	decodeStrict(t, fixture(t, "error_validation.json"), &validation)
	if len(validation.Detail) != 2 || validation.Detail[0].Type != "extra_forbidden" || len(validation.Detail[1].Loc) != 2 {
		t.Errorf("validation %+v", validation)
	}
	var status api.StatusError
	decodeStrict(t, fixture(t, "error_settings_not_found.json"), &status)
	if status.Status != "error" || status.MsgID != "CONFIGURATION$SETTINGS_NOT_FOUND" {
		t.Errorf("status error %+v", status)
	}
}
