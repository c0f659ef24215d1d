package sim

import (
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// getRuntimeConfig serves GET /api/conversations/{id}/config
// (getRuntimeConfig). For a V1 conversation runtime_id is its sandbox id.
func (s *Server) getRuntimeConfig(c *call) {
	id := c.params["conversation_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if v1, ok := s.v1[id]; ok && c.runtime == nil {
		writeJSON(c.w, http.StatusOK, api.RuntimeConfig{RuntimeID: v1.info.SandboxID, SessionID: id})
		return
	}
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	writeJSON(c.w, http.StatusOK, api.RuntimeConfig{RuntimeID: conv.runtimeID, SessionID: conv.id})
}

// port derives a stable port of the conversation's runtime.
func (s *Server) port(conv *conversation, what string) int {
	return 30000 + numberFrom(s.cfg.idSalt, 20000, "port", conv.id, itoa(conv.generation), what)
}

// getVSCodeURL serves GET /api/conversations/{id}/vscode-url (getVSCodeURL).
func (s *Server) getVSCodeURL(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	folder := workspaceRoot
	if conv.repo != "" {
		folder += "/" + repoDirName(conv.repo)
	}
	token := hexID(s.cfg.idSalt, 32, "vscode-token", conv.id, itoa(conv.generation))
	base := "http://localhost:" + itoa(s.port(conv, "vscode"))
	if s.nested() {
		base = runtimeBase(c.r, conv.runtimeID) + "/vscode"
	}
	writeJSON(c.w, http.StatusOK, api.VSCodeURL{VscodeURL: base + "/?tkn=" + token + "&folder=" + folder})
}

// getWebHosts serves GET /api/conversations/{id}/web-hosts (getWebHosts).
func (s *Server) getWebHosts(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	hosts := map[string]int{}
	for i, name := range []string{"work-1", "work-2"} {
		p := s.port(conv, name)
		if s.nested() {
			hosts[runtimeBase(c.r, conv.runtimeID)+"/"+name] = 12000 + i
		} else {
			hosts["http://localhost:"+itoa(p)] = p
		}
	}
	writeJSON(c.w, http.StatusOK, api.WebHosts{Hosts: hosts})
}

// getMicroagents serves GET /api/conversations/{id}/microagents
// (getMicroagents): the microagents the agent session loaded.
func (s *Server) getMicroagents(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	if !conv.running() {
		writeError(c.w, http.StatusNotFound, "Agent session not found for this conversation")
		return
	}
	var agents []api.ConversationMicroagent
	if conv.repo != "" {
		content, _, _ := conv.files.read(repoDirName(conv.repo) + "/.openhands/microagents/repo.md")
		agents = append(agents, api.ConversationMicroagent{Name: "repo", Type: "repo", Content: string(content), Triggers: []string{}, Inputs: []api.InputMetadata{}, Tools: []string{}})
	}
	agents = append(agents,
		api.ConversationMicroagent{Name: "github", Type: "knowledge", Content: "You have access to an environment variable, `GITHUB_TOKEN`, which allows you to interact with the GitHub API.", Triggers: []string{"github", "git"}, Inputs: []api.InputMetadata{}, Tools: []string{}},
		api.ConversationMicroagent{Name: "add_agent", Type: "knowledge", Content: "This agent helps create new microagents in the `.openhands/microagents` directory.", Triggers: []string{"new agent", "create an agent"}, Inputs: []api.InputMetadata{{Name: "AGENT_NAME", Description: "The name of the new agent"}}, Tools: []string{}},
	)
	writeJSON(c.w, http.StatusOK, api.ConversationMicroagents{Microagents: agents})
}

// submitFeedback serves POST /api/conversations/{id}/submit-feedback
// (submitFeedback): the feedback service's answer. A missing or invalid
// polarity fails outside the handler's try: 500 text/plain.
func (s *Server) submitFeedback(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	var req api.FeedbackRequest
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		writeInternalError(c.w)
		return
	}
	n := conv.eventCount()
	var out api.FeedbackResult
	out.StatusCode = http.StatusOK
	out.Body.Message = "Feedback submitted successfully"
	out.Body.FeedbackID = hexID(s.cfg.idSalt, 32, "feedback", conv.id, itoa(n), string(req.Polarity))
	out.Body.Password = base62(s.cfg.idSalt, 12, "feedback-password", conv.id, itoa(n))
	writeJSON(c.w, http.StatusOK, out)
}
