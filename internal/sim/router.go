package sim

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
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

// route is one operation of the V0 API. Its method, pattern and scope come
// from the spec's table of operations (api.Operations).
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
	{op: api.OpListConversations, handle: (*Server).listConversations},
	{op: api.OpCreateConversation, handle: (*Server).createConversation},
	{op: api.OpGetConversation, validateID: true, handle: (*Server).getConversation},
	{op: api.OpDeleteConversation, validateID: true, handle: (*Server).deleteConversation},
	{op: api.OpUpdateConversation, validateID: true, handle: (*Server).updateConversation},
	{op: api.OpStartConversation, validateID: true, handle: (*Server).startConversation},
	{op: api.OpStopConversation, validateID: true, handle: (*Server).stopConversation},
	{op: api.OpGetRememberPrompt, validateID: true, handle: (*Server).rememberPrompt},
	{op: api.OpAddExperimentConfig, validateID: true, handle: (*Server).addExperimentConfig},
	{op: api.OpListMicroagentManagementConversations, handle: (*Server).listMicroagentConversations},

	{op: api.OpGetEvents, handle: (*Server).getEvents},
	{op: api.OpAddEvent, handle: (*Server).addEvent},
	{op: api.OpSendMessage, handle: (*Server).sendMessage},
	{op: api.OpGetTrajectory, handle: (*Server).getTrajectory},
	{op: api.OpGetRuntimeConfig, handle: (*Server).getRuntimeConfig},
	{op: api.OpGetVSCodeURL, handle: (*Server).getVSCodeURL},
	{op: api.OpGetWebHosts, handle: (*Server).getWebHosts},
	{op: api.OpGetMicroagents, handle: (*Server).getMicroagents},
	{op: api.OpListFiles, handle: (*Server).listFiles},
	{op: api.OpSelectFile, handle: (*Server).selectFile},
	{op: api.OpZipWorkspace, handle: (*Server).zipWorkspace},
	{op: api.OpGetGitChanges, handle: (*Server).gitChanges},
	{op: api.OpGetGitDiff, handle: (*Server).gitDiff},
	{op: api.OpUploadFiles, handle: (*Server).uploadFiles},
	{op: api.OpSubmitFeedback, handle: (*Server).submitFeedback},

	{op: api.OpGetSettings, handle: (*Server).getSettings},
	{op: api.OpStoreSettings, handle: (*Server).storeSettings},
	{op: api.OpResetSettings, handle: (*Server).resetSettings},
	{op: api.OpAddGitProviders, handle: (*Server).addGitProviders},
	{op: api.OpUnsetProviderTokens, handle: (*Server).unsetProviderTokens},
	{op: api.OpListSecrets, handle: (*Server).listSecrets},
	{op: api.OpCreateSecret, handle: (*Server).createSecret},
	{op: api.OpUpdateSecret, handle: (*Server).updateSecret},
	{op: api.OpDeleteSecret, handle: (*Server).deleteSecret},

	{op: api.OpListUserInstallations, handle: (*Server).listInstallations},
	{op: api.OpListUserRepositories, handle: (*Server).listRepositories},
	{op: api.OpGetUserInfo, handle: (*Server).getUserInfo},
	{op: api.OpSearchRepositories, handle: (*Server).searchRepositories},
	{op: api.OpSearchBranches, handle: (*Server).searchBranches},
	{op: api.OpGetSuggestedTasks, handle: (*Server).suggestedTasks},
	{op: api.OpListRepositoryBranches, handle: (*Server).repositoryBranches},
	{op: api.OpListRepositoryMicroagents, handle: (*Server).repositoryMicroagents},
	{op: api.OpGetRepositoryMicroagentContent, handle: (*Server).repositoryMicroagentContent},

	{op: api.OpListModels, handle: (*Server).listModels},
	{op: api.OpListAgents, handle: (*Server).listAgents},
	{op: api.OpListSecurityAnalyzers, handle: (*Server).listSecurityAnalyzers},
	{op: api.OpGetServerConfig, handle: (*Server).getServerConfig},

	{op: api.OpAlive, handle: (*Server).alive},
	{op: api.OpHealth, handle: (*Server).health},
	{op: api.OpGetServerInfo, handle: (*Server).serverInfo},
})

// multiSegment names the path parameters that span several segments (a
// repository's owner/name).
var multiSegment = map[string]bool{"repository_name": true}

// buildRoutes fills each route's method, pattern and scope from the spec's
// table of operations; an operation missing from the table is a bug here.
func buildRoutes(rs []route) []route {
	for i := range rs {
		op, ok := api.OperationByID(rs[i].op)
		if !ok {
			panic("sim: route for an operation the spec does not have: " + rs[i].op)
		}
		rs[i].method = op.Method
		rs[i].scope = scopeOf(op)
		segs := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		for j, seg := range segs {
			if name, ok := strings.CutPrefix(seg, "{"); ok && multiSegment[strings.TrimSuffix(name, "}")] {
				segs[j] = "{" + strings.TrimSuffix(name, "}") + "...}"
			}
		}
		rs[i].pattern = "/" + strings.Join(segs, "/")
		rs[i].segs = segs
	}
	return rs
}

// scopeOf is where the spec says an operation is served.
func scopeOf(op api.Operation) scope {
	switch {
	case op.NoCredentials:
		return scopeHealth
	case op.Host == api.HostEither:
		return scopeConversation
	case op.Host == api.HostRuntime:
		return scopeRuntimeOnly
	}
	return scopeApp
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
