package sim

import (
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// Sample data (WithSampleData). Fake credentials: they only ever flow into the
// simulator, never out of it (GET /api/settings nulls them).
const (
	sampleLLMKey      = "sk-sim-not-a-real-key"
	sampleGitHubToken = "ghp_simNotARealToken0000000000000000000"
	sampleModel       = "anthropic/claude-sonnet-4-5-20250929"
)

// fillSampleData fills the server with settings, a git token, custom secrets, and
// conversations in every state, as of now.
func (s *Server) fillSampleData(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	iterations, no, yes := 100, false, true
	s.settings = &api.Settings{
		Language: "en", Agent: agentClass, MaxIterations: &iterations, ConfirmationMode: &no,
		LLMModel: sampleModel, LLMAPIKey: sampleLLMKey,
		EnableDefaultCondenser: &yes, EnableSoundNotifications: &no, EnableProactiveConversationStarters: &yes,
		EnableSolvabilityAnalysis: &yes, UserConsentsToAnalytics: &no,
		GitUserName: "openhands", GitUserEmail: "openhands@all-hands.dev",
	}
	s.tokens = map[api.ProviderType]api.ProviderToken{"github": {Token: sampleGitHubToken}}
	s.secrets = []customSecret{
		{name: "NPM_TOKEN", description: "Publishing token for the npm registry", value: "npm_sim_not_a_real_token"},
		{name: "STAGING_DATABASE_URL", value: "postgres://sim:sim@staging.invalid:5432/app"},
	}
	s.secretsStore = true

	finished := s.sampleRun(now.Add(-3*time.Hour), "Fix flaky login test", "sim-user/widgets", "Fix the flaky login test in tests/test_login.py", api.ConversationTriggerGui)
	finished.prNumbers = []int{87}

	archived := s.sampleRun(now.Add(-9*24*time.Hour), "Upgrade dependencies", "acme/api-server", "Upgrade the dependencies and make sure the tests still pass", api.ConversationTriggerGui)
	archived.state = api.ConversationStatusArchived

	failed := s.newConversation(now.Add(-2 * time.Hour))
	failed.title, failed.defaultTitle = "Summarize open issues", false
	s.startRun(failed, failed.createdAt)
	s.scheduleStart(failed, "Summarize the open issues of acme/frontend", nil)
	failed.pending = failed.pending[:5] // the session intro, up to the recall
	ready := failed.run.readyAt         // advance ends the run at once when WithTiming(0, 0)
	s.advance(failed, ready)
	failed.append(errorObservation(ready, "There was an error authenticating with the LLM provider. Please check your API key", "STATUS$ERROR_LLM_AUTHENTICATION"), ready)
	failed.append(agentStateChanged(ready, "error", "STATUS$ERROR_LLM_AUTHENTICATION"), ready)
	s.endRun(failed, api.ConversationStatusError)
	failed.stateRuntime = api.RuntimeStatusErrorLLMAuthentication

	microagent := s.sampleRun(now.Add(-26*time.Hour), "Integration tests microagent", "acme/api-server", "Add a microagent that explains how to run the integration tests", api.ConversationTriggerMicroagentManagement)
	microagent.prNumbers = []int{1234}

	// A conversation whose agent waits for the user until stopped.
	running := s.newConversation(now.Add(-20 * time.Minute))
	running.title, running.defaultTitle = "Refactor the payment module", false
	s.startRun(running, running.createdAt)
	p := s.planner(running, running.run.readyAt)
	p.intro("Let's refactor the payment module together. First, explain what it does.", nil)
	p.turn(turnChat, "Let's refactor the payment module together. First, explain what it does.")
	p.commit(false)
	s.advance(running, now)

	v1id := hexID(s.cfg.idSalt, 32, "v1-conversation", "1")
	created := now.Add(-12 * 24 * time.Hour)
	s.v1[v1id] = &v1Conversation{info: api.ConversationInfo{
		ConversationID: v1id, Title: "Build the documentation site", CreatedAt: stamp(isoUTC(created)),
		LastUpdatedAt: stamp(isoUTC(now.Add(-5 * time.Minute))), Status: api.ConversationStatusRunning, RuntimeStatus: api.RuntimeStatusReady,
		Trigger: api.ConversationTriggerGui, URL: "http://agent-server.invalid:8000/api/conversations/" + v1id,
		SessionAPIKey: keyFrom(s.cfg.idSalt, "v1-session-api-key", v1id), ConversationVersion: "V1",
		SandboxID: "sandbox-" + hexID(s.cfg.idSalt, 12, "v1-sandbox", v1id), LLMModel: sampleModel,
	}}
}

// sampleRun adds a conversation that ran one task to the end and was then
// stopped. Call with s.mu held.
func (s *Server) sampleRun(created time.Time, title, repo, msg string, trigger api.ConversationTrigger) *conversation {
	c := s.newConversation(created)
	c.title, c.defaultTitle = title, false
	c.repo, c.branch, c.provider, c.trigger = repo, "main", "github", trigger
	c.files.cloneRepo(repo)
	s.startRun(c, created)
	s.scheduleStart(c, msg, nil)
	s.advance(c, c.run.endAt)
	if c.running() {
		s.endRun(c, api.ConversationStatusStopped)
	}
	return c
}
