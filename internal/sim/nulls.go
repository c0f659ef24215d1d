package sim

import (
	"encoding/json"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// FastAPI sends every field of a response model, null when it has no value;
// the generated types leave such fields out. withNulls encodes v with the
// fields of keys that v left out added, each with its value from keys (nil:
// null), so that the simulator's answers have the real server's shape
// (cassettes/real/openhands-0.62.0/).
func withNulls(v any, keys map[string]any) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(mustJSON(v), &m); err != nil || m == nil {
		return mustJSON(v)
	}
	for k, def := range keys {
		if _, ok := m[k]; !ok {
			m[k] = mustJSON(def)
		}
	}
	return mustJSON(m)
}

// conversationInfoNulls are the fields of a V0 ConversationInfo the real
// server always sends.
var conversationInfoNulls = map[string]any{
	"runtime_status": nil, "selected_repository": nil, "selected_branch": nil, "git_provider": nil,
	"num_connections": 0, "url": nil, "session_api_key": nil, "pr_number": []int{},
}

// v0Info is a V0 conversation as the real server encodes it.
func v0Info(info api.ConversationInfo) json.RawMessage {
	return withNulls(info, conversationInfoNulls)
}

// writeConversationResponse sends a ConversationResponse with its message
// null when it has none, as the real server does.
func writeConversationResponse(w http.ResponseWriter, r api.ConversationResponse) {
	writeBody(w, http.StatusOK, contentJSON, withNulls(r, map[string]any{"message": nil}))
}

// settingsNulls are the fields of GET /api/settings the real server always
// sends (its secrets_store always holds provider_tokens).
var settingsNulls = map[string]any{
	"language": nil, "agent": nil, "max_iterations": nil, "security_analyzer": nil, "confirmation_mode": nil,
	"llm_model": nil, "llm_api_key": nil, "llm_base_url": nil, "remote_runtime_resource_factor": nil,
	"user_consents_to_analytics": nil, "sandbox_base_container_image": nil, "sandbox_runtime_container_image": nil,
	"mcp_config": nil, "search_api_key": nil, "sandbox_api_key": nil, "max_budget_per_task": nil,
	"condenser_max_size": nil, "email": nil, "email_verified": nil, "git_user_name": nil, "git_user_email": nil,
	"search_api_key_set": false,
}
