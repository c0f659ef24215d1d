package sim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// listConversations serves GET /api/conversations (listConversations).
func (s *Server) listConversations(c *call) {
	q := newQuery(c.r)
	pageID := q.str("page_id", "")
	limit := q.integer("limit", 20)
	repo, hasRepo := q.str("selected_repository", ""), q.has("selected_repository")
	trigger := q.enum("conversation_trigger", reflect.TypeFor[api.ConversationTrigger](), false)
	q.boolean("include_sub_conversations", false)
	if len(q.p) > 0 {
		q.p.write(c.w)
		return
	}
	keep := func(info api.ConversationInfo) bool {
		return (!hasRepo || info.SelectedRepository == repo) && (trigger == "" || string(info.Trigger) == trigger)
	}
	s.writeConversationPage(c, pageID, limit, keep)
}

// listMicroagentConversations serves GET
// /api/microagent-management/conversations
// (listMicroagentManagementConversations).
func (s *Server) listMicroagentConversations(c *call) {
	q := newQuery(c.r)
	repo := q.required("selected_repository")
	pageID := q.str("page_id", "")
	limit := q.integer("limit", 20)
	if len(q.p) > 0 {
		q.p.write(c.w)
		return
	}
	keep := func(info api.ConversationInfo) bool {
		return info.ConversationVersion == "V0" && info.Trigger == api.ConversationTriggerMicroagentManagement && info.SelectedRepository == repo
	}
	s.writeConversationPage(c, pageID, limit, keep)
}

// pageCursor is the decoded list cursor: where each source's next page starts.
type pageCursor struct{ v0, v1 int }

// parseCursor decodes the server's combined page id: base64 of
// {"v0": <v0 page id>, "v1": <v1 page id>}, each page id itself base64 of an
// offset; a bare V0 page id is accepted too. A null page id means "from the
// start", as upstream: a source that ran out starts over while the other
// still has pages (so a listing can repeat or skip conversations, as the real
// server's does).
func parseCursor(pageID string) (pageCursor, bool) {
	if pageID == "" {
		return pageCursor{}, true
	}
	if raw, err := base64.StdEncoding.DecodeString(pageID); err == nil {
		var ids struct {
			V0 *string `json:"v0"`
			V1 *string `json:"v1"`
		}
		if json.Unmarshal(raw, &ids) == nil {
			var cur pageCursor
			ok0, ok1 := true, true
			if ids.V0 != nil {
				cur.v0, ok0 = offsetFromPageID(*ids.V0)
			}
			if ids.V1 != nil {
				cur.v1, ok1 = offsetFromPageID(*ids.V1)
			}
			return cur, ok0 && ok1
		}
	}
	off, ok := offsetFromPageID(pageID)
	return pageCursor{v0: off}, ok
}

func offsetFromPageID(id string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return 0, false
	}
	n := 0
	for _, ch := range string(raw) {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
		if n > 1<<30 {
			return 0, false
		}
	}
	return n, len(raw) > 0
}

func pageIDFromOffset(n int) string { return base64.StdEncoding.EncodeToString([]byte(itoa(n))) }

// writeConversationPage answers one page of the merged V0 + V1 listing. Each
// source is paged on its own with the full limit, then the two pages are
// merged newest first and cut to limit, exactly as the server does (which is
// why a conversation cut from a merged page never shows up again).
func (s *Server) writeConversationPage(c *call, pageID string, limit int, keep func(api.ConversationInfo) bool) {
	cur, ok := parseCursor(pageID)
	if !ok {
		writeInternalError(c.w)
		return
	}
	s.mu.Lock()
	v0 := make([]api.ConversationInfo, 0, len(s.conversations))
	for _, conv := range s.conversations {
		s.advance(conv, c.now)
		v0 = append(v0, s.info(c, conv))
	}
	v1 := make([]api.ConversationInfo, 0, len(s.v1))
	for _, conv := range s.v1 {
		v1 = append(v1, conv.info)
	}
	s.mu.Unlock()
	newestFirst := func(a, b api.ConversationInfo) int {
		if n := strings.Compare(b.CreatedAt.String(), a.CreatedAt.String()); n != 0 {
			return n
		}
		return strings.Compare(a.ConversationID, b.ConversationID)
	}
	slices.SortFunc(v0, newestFirst)
	slices.SortFunc(v1, newestFirst)

	page0, next0 := sourcePage(v0, cur.v0, limit)
	page1, next1 := sourcePage(v1, cur.v1, limit)
	merged := slices.DeleteFunc(append(append([]api.ConversationInfo{}, page0...), page1...), func(i api.ConversationInfo) bool { return !keep(i) })
	slices.SortStableFunc(merged, newestFirst)
	if limit >= 0 && len(merged) > limit {
		merged = merged[:limit]
	}
	// V0 conversations as the real server encodes them; V1 ones as they come.
	results := make([]json.RawMessage, 0, len(merged))
	for _, info := range merged {
		if info.ConversationVersion == "V1" {
			results = append(results, mustJSON(info))
		} else {
			results = append(results, v0Info(info))
		}
	}
	var next *string
	if next0 != nil || next1 != nil {
		n := base64.StdEncoding.EncodeToString(mustJSON(map[string]*string{"v0": next0, "v1": next1}))
		next = &n
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"results": results, "next_page_id": next})
}

// sourcePage is one source's page from offset and its next page id (nil
// when it has no more).
func sourcePage(all []api.ConversationInfo, offset, limit int) ([]api.ConversationInfo, *string) {
	if offset >= len(all) || limit <= 0 {
		return nil, nil
	}
	end := min(offset+limit, len(all))
	page := slices.Clone(all[offset:end])
	if end >= len(all) {
		return page, nil
	}
	next := pageIDFromOffset(end)
	return page, &next
}

// createConversation serves POST /api/conversations (createConversation).
func (s *Server) createConversation(c *call) {
	var req api.CreateConversationRequest
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		p.write(c.w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settings == nil {
		writeJSON(c.w, http.StatusBadRequest, api.StatusError{
			Status: "error", Message: "Settings not found", MsgID: "CONFIGURATION$SETTINGS_NOT_FOUND",
		})
		return
	}
	msg, trigger := req.InitialUserMsg, api.ConversationTriggerGui
	repo, provider := req.Repository, req.GitProvider
	switch {
	case req.SuggestedTask != nil:
		msg, trigger = suggestedTaskPrompt(*req.SuggestedTask), api.ConversationTriggerSuggestedTask
	case req.CreateMicroagent != nil:
		trigger = api.ConversationTriggerMicroagentManagement
		if repo == "" {
			repo = req.CreateMicroagent.Repo
		}
		if provider == "" {
			provider = req.CreateMicroagent.GitProvider
		}
	}
	if c.bearer {
		trigger = api.ConversationTriggerOpenhandsAPI
	}
	if repo != "" && !s.canAccessRepo(provider) {
		writeJSON(c.w, http.StatusUnauthorized, "Unable to access repo "+repo)
		return
	}
	conv := s.newConversation(c.now)
	conv.repo, conv.branch, conv.provider, conv.trigger = repo, req.Branch, provider, trigger
	conv.instructions = req.ConversationInstructions
	if repo != "" {
		if conv.provider == "" {
			conv.provider = api.ProviderType("github")
		}
		if conv.branch == "" {
			conv.branch = "main"
		}
		conv.files.cloneRepo(repo)
	}
	s.startRun(conv, c.now)
	s.scheduleStart(conv, msg, req.ImageUrls)
	st, _ := conv.status(c.now)
	writeConversationResponse(c.w, api.ConversationResponse{Status: "ok", ConversationID: conv.id, ConversationStatus: st})
}

// canAccessRepo is verify_repo_provider: a repository needs a stored token
// (of the given provider, or of any). Call with s.mu held.
func (s *Server) canAccessRepo(provider api.ProviderType) bool {
	if provider != "" {
		t, ok := s.tokens[provider]
		return ok && t.Token != ""
	}
	for _, t := range s.tokens {
		if t.Token != "" {
			return true
		}
	}
	return false
}

// suggestedTaskPrompt is SuggestedTask.get_prompt_for_task, in short.
func suggestedTaskPrompt(t api.SuggestedTask) string {
	what := map[api.TaskType]string{
		"MERGE_CONFLICTS":     "resolve the merge conflicts in",
		"FAILING_CHECKS":      "fix the failing checks in",
		"UNRESOLVED_COMMENTS": "address the unresolved review comments on",
		"OPEN_ISSUE":          "resolve",
		"OPEN_PR":             "finish",
	}[t.TaskType]
	if what == "" {
		what = "work on"
	}
	kind := "PR"
	if t.TaskType == "OPEN_ISSUE" {
		kind = "issue"
	}
	return "Please " + what + " " + kind + " #" + itoa(t.IssueNumber) + " (" + t.Title + ") in the " + string(t.GitProvider) + " repository " + t.Repo + "."
}

// getConversation serves GET /api/conversations/{id} (getConversation): the
// conversation, or 200 null.
func (s *Server) getConversation(c *call) {
	id := c.params["conversation_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if v1, ok := s.v1[id]; ok && c.runtime == nil {
		writeJSON(c.w, http.StatusOK, v1.info)
		return
	}
	conv := s.lookup(c, id)
	if conv == nil {
		writeBody(c.w, http.StatusOK, contentJSON, []byte("null"))
		return
	}
	writeBody(c.w, http.StatusOK, contentJSON, v0Info(s.info(c, conv)))
}

// deleteConversation serves DELETE /api/conversations/{id}
// (deleteConversation): true when deleted, false when there was none.
func (s *Server) deleteConversation(c *call) {
	id := c.params["conversation_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.v1[id]; ok && c.runtime == nil {
		delete(s.v1, id)
		writeJSON(c.w, http.StatusOK, true)
		return
	}
	conv := s.lookup(c, id)
	if conv == nil {
		writeJSON(c.w, http.StatusOK, false)
		return
	}
	if conv.running() {
		s.endRun(conv, api.ConversationStatusStopped)
	}
	delete(s.conversations, id)
	writeJSON(c.w, http.StatusOK, true)
}

// updateConversation serves PATCH /api/conversations/{id}
// (updateConversation): renames it.
func (s *Server) updateConversation(c *call) {
	var req api.UpdateConversationRequest
	p := decodeBody(c.r, &req, true)
	if len(p) == 0 {
		checkLength(&p, req.Title, []any{"body", "title"}, 1, 200)
	}
	if len(p) > 0 {
		p.write(c.w)
		return
	}
	id := c.params["conversation_id"]
	title := strings.TrimSpace(req.Title)
	s.mu.Lock()
	defer s.mu.Unlock()
	if v1, ok := s.v1[id]; ok && c.runtime == nil {
		v1.info.Title = title
		v1.info.LastUpdatedAt = stamp(isoUTC(c.now))
		writeJSON(c.w, http.StatusOK, true)
		return
	}
	conv := s.lookup(c, id)
	if conv == nil {
		writeJSON(c.w, http.StatusNotFound, api.StatusError{Status: "error", Message: "Conversation not found", MsgID: "CONVERSATION$NOT_FOUND"})
		return
	}
	conv.title, conv.defaultTitle = title, false
	conv.updatedAt = c.now
	writeJSON(c.w, http.StatusOK, true)
}

// startConversation serves POST /api/conversations/{id}/start
// (startConversation). The body is required.
func (s *Server) startConversation(c *call) {
	var req api.StartConversationRequest
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		p.write(c.w)
		return
	}
	id := c.params["conversation_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.lookup(c, id)
	if conv == nil {
		writeJSON(c.w, http.StatusNotFound, api.StatusError{Status: "error", ConversationID: id})
		return
	}
	if !conv.running() {
		s.startRun(conv, c.now)
		s.scheduleStart(conv, "", nil)
	}
	st, _ := conv.status(c.now)
	writeConversationResponse(c.w, api.ConversationResponse{Status: "ok", ConversationID: id, ConversationStatus: st})
}

// stopConversation serves POST /api/conversations/{id}/stop
// (stopConversation).
func (s *Server) stopConversation(c *call) {
	id := c.params["conversation_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.lookup(c, id)
	if conv == nil || !conv.running() {
		writeConversationResponse(c.w, api.ConversationResponse{
			Status: "ok", ConversationID: id, Message: "Conversation was not running", ConversationStatus: api.ConversationStatusStopped,
		})
		return
	}
	st, _ := conv.status(c.now)
	if st == api.ConversationStatusRunning {
		conv.append(agentStateChanged(c.now, "stopped", ""), c.now)
	}
	s.endRun(conv, api.ConversationStatusStopped)
	writeConversationResponse(c.w, api.ConversationResponse{
		Status: "ok", ConversationID: id, Message: "Conversation stopped successfully", ConversationStatus: st,
	})
}

// addExperimentConfig serves POST /api/conversations/{id}/exp-config
// (addExperimentConfig): false when stored or already there (sic).
func (s *Server) addExperimentConfig(c *call) {
	var req api.ExperimentConfig
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		p.write(c.w)
		return
	}
	s.mu.Lock()
	s.experiments[c.params["conversation_id"]] = true
	s.mu.Unlock()
	writeJSON(c.w, http.StatusOK, false)
}

// rememberPrompt serves GET /api/conversations/{id}/remember-prompt
// (getRememberPrompt).
func (s *Server) rememberPrompt(c *call) {
	q := newQuery(c.r)
	eventID := q.requiredInt("event_id")
	if len(q.p) > 0 {
		q.p.write(c.w)
		return
	}
	id := c.params["conversation_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.lookup(c, id)
	if conv == nil {
		conversationNotFound(c, id)
		return
	}
	if s.settings == nil || !conv.running() || eventID < 0 || eventID >= conv.eventCount() {
		writeInternalError(c.w)
		return
	}
	ev := conv.eventAt(eventID)
	kind := ev.Action
	if kind == "" {
		kind = ev.Observation
	}
	prompt := "Update the repository's microagent so that future agents remember: " + clip(orDefault(ev.Message, kind+" event "+itoa(eventID)), 120)
	writeJSON(c.w, http.StatusOK, api.RememberPrompt{Status: "success", Prompt: prompt})
}
