package sim

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// scope says where a route is served and what it needs.
type scope int

const (
	// scopeApp routes are served by the app host only.
	scopeApp scope = iota
	// scopeConversation routes are conversation-scoped and served by the app
	// host and by the conversation's runtime host.
	scopeConversation
	// scopeRuntimeOnly routes need the live agent loop: on a nested app host
	// (hosted, docker-nested) they fail and only the runtime host serves them.
	scopeRuntimeOnly
	// scopeHealth routes need no credentials and are served everywhere.
	scopeHealth
)

// route is one operation of the V0 API.
type route struct {
	method  string
	pattern string
	// op is the spec's operationId.
	op    string
	scope scope
	// validateID marks the manage_conversations routes, whose conversation id
	// goes through validate_conversation_id (400 {"detail": ...}).
	validateID bool
	handle     func(*Server, *call)
	segs       []string
}

// routes is every operation of spec/openapi.yaml.
var routes = buildRoutes([]route{
	{method: "GET", pattern: "/api/conversations", op: "listConversations", handle: (*Server).listConversations},
	{method: "POST", pattern: "/api/conversations", op: "createConversation", handle: (*Server).createConversation},
	{method: "GET", pattern: "/api/conversations/{conversation_id}", op: "getConversation", scope: scopeConversation, validateID: true, handle: (*Server).getConversation},
	{method: "DELETE", pattern: "/api/conversations/{conversation_id}", op: "deleteConversation", scope: scopeConversation, validateID: true, handle: (*Server).deleteConversation},
	{method: "PATCH", pattern: "/api/conversations/{conversation_id}", op: "updateConversation", scope: scopeConversation, validateID: true, handle: (*Server).updateConversation},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/start", op: "startConversation", scope: scopeConversation, validateID: true, handle: (*Server).startConversation},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/stop", op: "stopConversation", scope: scopeConversation, validateID: true, handle: (*Server).stopConversation},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/remember-prompt", op: "getRememberPrompt", scope: scopeRuntimeOnly, validateID: true, handle: (*Server).rememberPrompt},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/exp-config", op: "addExperimentConfig", scope: scopeConversation, validateID: true, handle: (*Server).addExperimentConfig},
	{method: "GET", pattern: "/api/microagent-management/conversations", op: "listMicroagentManagementConversations", handle: (*Server).listMicroagentConversations},

	{method: "GET", pattern: "/api/conversations/{conversation_id}/events", op: "getEvents", scope: scopeConversation, handle: (*Server).getEvents},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/events", op: "addEvent", scope: scopeRuntimeOnly, handle: (*Server).addEvent},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/message", op: "sendMessage", scope: scopeRuntimeOnly, handle: (*Server).sendMessage},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/trajectory", op: "getTrajectory", scope: scopeRuntimeOnly, handle: (*Server).getTrajectory},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/config", op: "getRuntimeConfig", scope: scopeConversation, handle: (*Server).getRuntimeConfig},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/vscode-url", op: "getVSCodeURL", scope: scopeRuntimeOnly, handle: (*Server).getVSCodeURL},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/web-hosts", op: "getWebHosts", scope: scopeRuntimeOnly, handle: (*Server).getWebHosts},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/microagents", op: "getMicroagents", scope: scopeRuntimeOnly, handle: (*Server).getMicroagents},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/list-files", op: "listFiles", scope: scopeRuntimeOnly, handle: (*Server).listFiles},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/select-file", op: "selectFile", scope: scopeRuntimeOnly, handle: (*Server).selectFile},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/zip-directory", op: "zipWorkspace", scope: scopeRuntimeOnly, handle: (*Server).zipWorkspace},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/git/changes", op: "getGitChanges", scope: scopeRuntimeOnly, handle: (*Server).gitChanges},
	{method: "GET", pattern: "/api/conversations/{conversation_id}/git/diff", op: "getGitDiff", scope: scopeRuntimeOnly, handle: (*Server).gitDiff},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/upload-files", op: "uploadFiles", scope: scopeRuntimeOnly, handle: (*Server).uploadFiles},
	{method: "POST", pattern: "/api/conversations/{conversation_id}/submit-feedback", op: "submitFeedback", scope: scopeRuntimeOnly, handle: (*Server).submitFeedback},

	{method: "GET", pattern: "/api/settings", op: "getSettings", handle: (*Server).getSettings},
	{method: "POST", pattern: "/api/settings", op: "storeSettings", handle: (*Server).storeSettings},
	{method: "POST", pattern: "/api/reset-settings", op: "resetSettings", handle: (*Server).resetSettings},
	{method: "POST", pattern: "/api/add-git-providers", op: "addGitProviders", handle: (*Server).addGitProviders},
	{method: "POST", pattern: "/api/unset-provider-tokens", op: "unsetProviderTokens", handle: (*Server).unsetProviderTokens},
	{method: "GET", pattern: "/api/secrets", op: "listSecrets", handle: (*Server).listSecrets},
	{method: "POST", pattern: "/api/secrets", op: "createSecret", handle: (*Server).createSecret},
	{method: "PUT", pattern: "/api/secrets/{secret_id}", op: "updateSecret", handle: (*Server).updateSecret},
	{method: "DELETE", pattern: "/api/secrets/{secret_id}", op: "deleteSecret", handle: (*Server).deleteSecret},

	{method: "GET", pattern: "/api/user/installations", op: "listUserInstallations", handle: (*Server).listInstallations},
	{method: "GET", pattern: "/api/user/repositories", op: "listUserRepositories", handle: (*Server).listRepositories},
	{method: "GET", pattern: "/api/user/info", op: "getUserInfo", handle: (*Server).getUserInfo},
	{method: "GET", pattern: "/api/user/search/repositories", op: "searchRepositories", handle: (*Server).searchRepositories},
	{method: "GET", pattern: "/api/user/search/branches", op: "searchBranches", handle: (*Server).searchBranches},
	{method: "GET", pattern: "/api/user/suggested-tasks", op: "getSuggestedTasks", handle: (*Server).suggestedTasks},
	{method: "GET", pattern: "/api/user/repository/branches", op: "listRepositoryBranches", handle: (*Server).repositoryBranches},
	{method: "GET", pattern: "/api/user/repository/{repository_name...}/microagents", op: "listRepositoryMicroagents", handle: (*Server).repositoryMicroagents},
	{method: "GET", pattern: "/api/user/repository/{repository_name...}/microagents/content", op: "getRepositoryMicroagentContent", handle: (*Server).repositoryMicroagentContent},

	{method: "GET", pattern: "/api/options/models", op: "listModels", handle: (*Server).listModels},
	{method: "GET", pattern: "/api/options/agents", op: "listAgents", handle: (*Server).listAgents},
	{method: "GET", pattern: "/api/options/security-analyzers", op: "listSecurityAnalyzers", handle: (*Server).listSecurityAnalyzers},
	{method: "GET", pattern: "/api/options/config", op: "getServerConfig", handle: (*Server).getServerConfig},

	{method: "GET", pattern: "/alive", op: "alive", scope: scopeHealth, handle: (*Server).alive},
	{method: "GET", pattern: "/health", op: "health", scope: scopeHealth, handle: (*Server).health},
	{method: "GET", pattern: "/server_info", op: "getServerInfo", scope: scopeHealth, handle: (*Server).serverInfo},
})

func buildRoutes(rs []route) []route {
	for i := range rs {
		rs[i].segs = strings.Split(strings.TrimPrefix(rs[i].pattern, "/"), "/")
	}
	return rs
}

// Operations lists the operationIds the simulator serves, sorted.
func Operations() []string {
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt.op] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// findRoute matches method and path. It returns the route and its path
// parameters, or nil.
func findRoute(method, path string) (*route, map[string]string) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		if rt.method != method {
			continue
		}
		if params, ok := matchSegments(rt.segs, segs); ok {
			return rt, params
		}
	}
	return nil, nil
}

// matchSegments matches path segments against a pattern whose segments are
// literals, {name} (one segment) or {name...} (one or more segments).
func matchSegments(pattern, segs []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, p := range pattern {
		if name, ok := strings.CutPrefix(p, "{"); ok && strings.HasSuffix(name, "...}") {
			rest := pattern[i+1:]
			n := len(segs) - i - len(rest)
			if n < 1 {
				return nil, false
			}
			params[strings.TrimSuffix(name, "...}")] = strings.Join(segs[i:i+n], "/")
			tail, ok := matchSegments(rest, segs[i+n:])
			if !ok {
				return nil, false
			}
			maps.Copy(params, tail)
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if name, ok := strings.CutPrefix(p, "{"); ok {
			if segs[i] == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, len(segs) == len(pattern)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
