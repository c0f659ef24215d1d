package sim

import (
	"math"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// Fixed facts of the simulated agent and its runtime.
const (
	openhandsVersion = "0.62.0"
	agentClass       = "CodeActAgent"
	workspaceRoot    = "/workspace"
	pyInterpreter    = "/openhands/poetry/openhands-ai-5O4_aCHf-py3.12/bin/python"
	contextWindow    = 200000
)

// agentTools is the tool list of the system message, as CodeActAgent sends it.
var agentTools = []string{"execute_bash", "think", "finish", "execute_ipython_cell", "task_tracker", "str_replace_editor"}

// event constructors: each returns one event in event_to_dict form, without
// id and cause (given when it enters the stream).

func userMessage(at time.Time, content string, imageURLs []string) api.Event {
	if imageURLs == nil {
		imageURLs = []string{}
	}
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceUser, Message: content, Action: "message",
		Args: map[string]any{"content": content, "file_urls": []string{}, "image_urls": imageURLs, "wait_for_response": false, "security_risk": -1},
	}
}

func agentMessage(at time.Time, content string, metrics api.LLMMetrics) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: content, Action: "message",
		Args:       map[string]any{"content": content, "file_urls": []string{}, "image_urls": []string{}, "wait_for_response": true, "security_risk": -1},
		LLMMetrics: metrics,
	}
}

func systemMessage(at time.Time) api.Event {
	tools := make([]map[string]any, len(agentTools))
	for i, name := range agentTools {
		tools[i] = map[string]any{"type": "function", "function": map[string]any{"name": name, "description": "The " + name + " tool.", "parameters": map[string]any{"type": "object", "properties": map[string]any{}}}}
	}
	content := "You are OpenHands agent, a helpful AI assistant that can interact with a computer to solve tasks."
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: content, Action: "system",
		Args: map[string]any{"content": content, "tools": tools, "openhands_version": openhandsVersion, "agent_class": agentClass},
	}
}

func recallAction(at time.Time, query string) api.Event {
	short := query
	if r := []rune(short); len(r) > 50 {
		short = string(r[:50])
	}
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceUser, Message: "Retrieving content for: " + short, Action: "recall",
		Args: map[string]any{"recall_type": "workspace_context", "query": query, "thought": ""},
	}
}

func recallObservation(at time.Time, repo, branch, instructions string) api.Event {
	repoDir := ""
	if repo != "" {
		repoDir = repoDirName(repo)
	}
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceEnvironment, Message: "Added workspace context", Observation: "recall",
		Content: "Added workspace context",
		Extras: map[string]any{
			"recall_type": "workspace_context", "repo_name": repo, "repo_directory": repoDir, "repo_branch": branch,
			"repo_instructions": "", "runtime_hosts": map[string]any{}, "additional_agent_instructions": "",
			"date": at.UTC().Format("2006-01-02"), "custom_secrets_descriptions": map[string]any{},
			"conversation_instructions": instructions, "working_dir": workspaceRoot, "microagent_knowledge": []any{},
		},
	}
}

func agentStateChanged(at time.Time, state, reason string) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceEnvironment, Message: "", Observation: "agent_state_changed",
		Extras: map[string]any{"agent_state": state, "reason": reason},
	}
}

func runAction(at time.Time, command, thought string, tc api.ToolCallMetadata, m api.LLMMetrics) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "Running command: " + command, Action: "run",
		Args: map[string]any{
			"command": command, "is_input": false, "thought": thought, "blocking": false, "is_static": false,
			"cwd": nil, "hidden": false, "confirmation_state": "confirmed", "security_risk": 0,
		},
		ToolCallMetadata: tc, LLMMetrics: m,
	}
}

func runObservation(at time.Time, command, output string, exitCode int, hostname string, tc api.ToolCallMetadata) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Observation: "run",
		Message: "Command `" + command + "` executed with exit code " + itoa(exitCode) + ".",
		Content: output,
		Extras: map[string]any{
			"command": command,
			"metadata": map[string]any{
				"exit_code": exitCode, "pid": -1, "username": "openhands", "hostname": hostname,
				"working_dir": workspaceRoot, "py_interpreter_path": pyInterpreter, "prefix": "",
				"suffix": "\n[The command completed with exit code " + itoa(exitCode) + ".]",
			},
			"hidden": false,
		},
		Success: new(exitCode == 0), ToolCallMetadata: tc,
	}
}

func readAction(at time.Time, path, thought string, tc api.ToolCallMetadata, m api.LLMMetrics) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "Reading file: " + path, Action: "read",
		Args: map[string]any{
			"path": path, "start": 0, "end": -1, "thought": thought, "security_risk": 0,
			"impl_source": "oh_aci", "view_range": nil,
		},
		ToolCallMetadata: tc, LLMMetrics: m,
	}
}

func readObservation(at time.Time, path, content string, tc api.ToolCallMetadata) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "I read the file " + path + ".", Observation: "read",
		Content: content, Extras: map[string]any{"path": path, "impl_source": "oh_aci"}, ToolCallMetadata: tc,
	}
}

func thinkAction(at time.Time, thought string, tc api.ToolCallMetadata, m api.LLMMetrics) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "I am thinking...: " + thought, Action: "think",
		Args: map[string]any{"thought": thought}, ToolCallMetadata: tc, LLMMetrics: m,
	}
}

func thinkObservation(at time.Time, tc api.ToolCallMetadata) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "Your thought has been logged.", Observation: "think",
		Content: "Your thought has been logged.", Extras: map[string]any{}, ToolCallMetadata: tc,
	}
}

func editAction(at time.Time, path, fileText, thought string, tc api.ToolCallMetadata, m api.LLMMetrics) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "", Action: "edit",
		Args: map[string]any{
			"path": path, "command": "create", "file_text": fileText, "old_str": nil, "new_str": nil, "insert_line": nil,
			"content": "", "start": 1, "end": -1, "thought": thought, "security_risk": 0, "impl_source": "oh_aci",
		},
		ToolCallMetadata: tc, LLMMetrics: m,
	}
}

func editObservation(at time.Time, path, fileText string, tc api.ToolCallMetadata) api.Event {
	lines := strings.Split(strings.TrimSuffix(fileText, "\n"), "\n")
	var diff strings.Builder
	diff.WriteString("--- " + path + "\n+++ " + path + "\n@@ -0,0 +1," + itoa(len(lines)) + " @@\n")
	for _, l := range lines {
		diff.WriteString("+" + l + "\n")
	}
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "I edited the file " + path + ".", Observation: "edit",
		Content: "File created successfully at: " + path,
		Extras: map[string]any{
			"path": path, "prev_exist": false, "old_content": nil, "new_content": fileText,
			"impl_source": "oh_aci", "diff": diff.String(),
		},
		ToolCallMetadata: tc,
	}
}

func finishAction(at time.Time, finalThought string, tc api.ToolCallMetadata, m api.LLMMetrics) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceAgent, Message: "All done! What's next on the agenda?", Action: "finish",
		Args:             map[string]any{"final_thought": finalThought, "outputs": map[string]any{}, "thought": ""},
		ToolCallMetadata: tc, LLMMetrics: m,
	}
}

func errorObservation(at time.Time, content, errorID string) api.Event {
	return api.Event{
		Timestamp: stamp(isoNaive(at)), Source: api.EventSourceEnvironment, Message: content, Observation: "error",
		Content: content, Extras: map[string]any{"error_id": errorID},
	}
}

// llmCall describes one LLM completion that produced a tool call.
type llmCall struct {
	salt, conversationID string
	n                    int
	model                string
	at                   time.Time
	function             string
	arguments            map[string]any
	content              string
	usage                tokenUsage
}

// tokenUsage is one completion's token counts.
type tokenUsage struct {
	prompt, completion, cacheRead, cacheWrite int
}

func (u tokenUsage) cost() float64 {
	fresh := u.prompt - u.cacheRead - u.cacheWrite
	c := float64(fresh)*3e-6 + float64(u.cacheRead)*0.3e-6 + float64(u.cacheWrite)*3.75e-6 + float64(u.completion)*15e-6
	return math.Round(c*1e6) / 1e6
}

// usageFor is the token use of the n-th completion of a conversation: a
// context that grows with every step, mostly served from the prompt cache.
func usageFor(n int) tokenUsage {
	prompt := 6200 + 850*n
	write := 850
	if n == 0 {
		write = prompt
	}
	return tokenUsage{prompt: prompt, completion: 90 + 41*(n%7), cacheRead: prompt - write, cacheWrite: write}
}

func (l llmCall) responseID() string {
	return "chatcmpl-" + uuidFrom(l.salt, l.conversationID, "response", itoa(l.n))
}

// toolCallMetadata is the litellm response dump an action carries.
func (l llmCall) toolCallMetadata() api.ToolCallMetadata {
	id := "toolu_" + base62(l.salt, 24, l.conversationID, "tool-call", itoa(l.n))
	args := string(mustJSON(l.arguments))
	return api.ToolCallMetadata{
		FunctionName: l.function, ToolCallID: id, TotalCallsInResponse: 1,
		ModelResponse: api.ModelResponse{
			ID: l.responseID(), Created: int(l.at.Unix()), Model: l.model, Object: "chat.completion",
			Choices: []map[string]any{{
				"finish_reason": "tool_calls", "index": 0,
				"message": map[string]any{
					"content": l.content, "role": "assistant", "function_call": nil,
					"tool_calls": []any{map[string]any{"index": 1, "id": id, "type": "function", "function": map[string]any{"name": l.function, "arguments": args}}},
				},
			}},
			Usage: map[string]any{
				"completion_tokens": l.usage.completion, "prompt_tokens": l.usage.prompt,
				"total_tokens": l.usage.prompt + l.usage.completion, "completion_tokens_details": nil,
				"prompt_tokens_details":       map[string]any{"audio_tokens": nil, "cached_tokens": l.usage.cacheRead},
				"cache_creation_input_tokens": l.usage.cacheWrite, "cache_read_input_tokens": l.usage.cacheRead,
			},
			// litellm leaves both null for Anthropic models; as additional
			// properties they override the generated marshaller's "".
			AdditionalProperties: map[string]any{"service_tier": nil, "system_fingerprint": nil},
		},
	}
}

// metrics accumulates a conversation's LLM cost and token use.
type metrics struct {
	cost                                      float64
	prompt, completion, cacheRead, cacheWrite int
}

// charge adds one completion and returns the trimmed llm_metrics the agent
// controller attaches to an action.
func (m *metrics) charge(l llmCall) api.LLMMetrics {
	m.cost = math.Round((m.cost+l.usage.cost())*1e6) / 1e6
	m.prompt += l.usage.prompt
	m.completion += l.usage.completion
	m.cacheRead += l.usage.cacheRead
	m.cacheWrite += l.usage.cacheWrite
	return api.LLMMetrics{
		AccumulatedCost: m.cost,
		AccumulatedTokenUsage: api.TokenUsage{
			Model: l.model, PromptTokens: m.prompt, CompletionTokens: m.completion,
			CacheReadTokens: m.cacheRead, CacheWriteTokens: m.cacheWrite, ContextWindow: contextWindow,
			PerTurnToken: l.usage.prompt + l.usage.completion, ResponseID: l.responseID(),
		},
	}
}

// trajectoryForm is event_to_trajectory: event_to_dict minus the browser's
// bulky extras.
func trajectoryForm(ev api.Event) api.Event {
	if ev.Observation != "browse" || ev.Extras == nil {
		return ev
	}
	extras := make(map[string]any, len(ev.Extras))
	for k, v := range ev.Extras {
		switch k {
		case "dom_object", "axtree_object", "active_page_index", "last_browser_action", "last_browser_action_error",
			"focused_element_bid", "extra_element_properties", "screenshot", "set_of_marks":
			continue
		}
		extras[k] = v
	}
	ev.Extras = extras
	return ev
}

// hidden reports whether the event is hidden (left out of trajectories).
func hidden(ev api.Event) bool {
	if h, ok := ev.Args["hidden"].(bool); ok && h {
		return true
	}
	h, ok := ev.Extras["hidden"].(bool)
	return ok && h
}
