// Package scriptedllm is an OpenAI-compatible chat-completions endpoint that
// needs no network and no model: it answers an agent with a fixed script, so
// a real OpenHands server's agent runs a command and finishes, on loopback,
// the same way every time. It is test infrastructure for the real-server
// contract runs (`make contract-real`), served by `openhands-v0 sim llm`.
//
// The script, for each user message the agent works on:
//
//  1. run a shell command (Command) that writes a file and prints it;
//  2. once the command's result is back, finish with a message (FinishMessage).
//
// It speaks both ways OpenHands' CodeActAgent calls a model: native tool
// calls (the request lists "tools"; the answer carries "tool_calls") and the
// prompt-based function calling OpenHands uses for models litellm does not
// know (the answer is text in the <function=...> format, and the tool's
// result comes back as a user message starting "EXECUTION RESULT of ["). A
// request for a conversation title (OpenHands asks for one after the first
// message) gets a short title made from the user's words, and a request for
// a "remember" prompt (GET .../remember-prompt) gets RememberPrompt in the
// <update_prompt> tags the server looks for.
package scriptedllm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// The scripted step's fixed texts.
const (
	// Command is the shell command the agent is told to run first: it makes
	// the workspace a git repository (so that the server's git routes have a
	// change to show) and writes a file.
	Command = "git init -q 2>/dev/null; printf 'hello from the scripted LLM\\n' > hello.txt && cat hello.txt"
	// FinishMessage is what the agent finishes with.
	FinishMessage = "Done: wrote hello.txt and printed it."
	// RememberPrompt is the prompt it suggests when the server asks it for
	// one to update the repository's memory (remember-prompt).
	RememberPrompt = "Remember that hello.txt holds the scripted greeting."
	// Thought is the text the model sends beside its first tool call.
	Thought = "I will write hello.txt and print it."
)

// Tool names of OpenHands' CodeActAgent.
const (
	toolBash   = "execute_bash"
	toolFinish = "finish"
)

// maxRequest bounds a request body: an agent's prompt is tens of kilobytes.
const maxRequest = 16 << 20

// Server is the scripted model. The zero value is not usable: call New.
type Server struct {
	mu    sync.Mutex
	calls int
	mux   *http.ServeMux
}

// New returns the scripted model's handler: POST /v1/chat/completions (also
// without the /v1 prefix) and GET /v1/models.
func New() *Server {
	s := &Server{mux: http.NewServeMux()}
	for _, p := range []string{"/v1/chat/completions", "/chat/completions"} {
		s.mux.HandleFunc("POST "+p, s.complete)
	}
	s.mux.HandleFunc("GET /v1/models", s.models)
	return s
}

// ServeHTTP serves the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Calls is how many completions the server has answered.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// chatRequest is the part of a chat-completions request the script reads.
type chatRequest struct {
	Model    string            `json:"model"`
	Messages []chatMessage     `json:"messages"`
	Tools    []json.RawMessage `json:"tools"`
	Stream   bool              `json:"stream"`
}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text is a message's content as plain text: a string, or the text parts of
// a list of content parts.
func (m chatMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(m.Content, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// step is what the script does next.
type step int

const (
	stepRun step = iota
	stepFinish
	stepTitle
	stepRememberPrompt
)

// next reads the conversation so far and picks the script's next step.
func next(req chatRequest) step {
	if len(req.Messages) == 0 {
		return stepRun
	}
	if strings.Contains(req.Messages[0].text(), "generates concise, descriptive titles") {
		return stepTitle
	}
	last := req.Messages[len(req.Messages)-1]
	if strings.HasPrefix(last.text(), "Please generate a prompt for the AI to update the special file") {
		return stepRememberPrompt
	}
	switch {
	case last.Role == "tool":
		return stepFinish
	case last.Role == "user" && strings.HasPrefix(strings.TrimSpace(last.text()), "EXECUTION RESULT of ["):
		return stepFinish
	}
	return stepRun
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRequest)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "the request is not a chat-completions JSON body: "+err.Error())
		return
	}
	if req.Stream {
		writeError(w, http.StatusBadRequest, "the scripted model does not stream: send stream=false")
		return
	}
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()

	native := len(req.Tools) > 0
	var msg map[string]any
	finish := "stop"
	switch next(req) {
	case stepTitle:
		msg = map[string]any{"role": "assistant", "content": title(req)}
	case stepRememberPrompt:
		msg = map[string]any{"role": "assistant", "content": "<update_prompt>" + RememberPrompt + "</update_prompt>"}
	case stepRun:
		args := map[string]any{"command": Command, "security_risk": "LOW"}
		msg, finish = toolCall(n, native, Thought, toolBash, args)
	case stepFinish:
		msg, finish = toolCall(n, native, "", toolFinish, map[string]any{"message": FinishMessage})
	}
	model := req.Model
	if model == "" {
		model = "scripted"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":      fmt.Sprintf("chatcmpl-scripted-%d", n),
		"object":  "chat.completion",
		"created": 1767225600, // 2026-01-01T00:00:00Z: answers do not depend on the clock
		"model":   model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
		"usage":   map[string]any{"prompt_tokens": 100 * n, "completion_tokens": 20, "total_tokens": 100*n + 20},
	})
}

// toolCall is an assistant message calling one tool: as tool_calls when the
// caller uses native tool calling, else as text in the <function=...> format
// OpenHands parses for models without it.
func toolCall(n int, native bool, thought, name string, args map[string]any) (map[string]any, string) {
	if native {
		raw, _ := json.Marshal(args)
		return map[string]any{
			"role":    "assistant",
			"content": thought,
			"tool_calls": []any{map[string]any{
				"id": fmt.Sprintf("call_scripted_%d", n), "type": "function",
				"function": map[string]any{"name": name, "arguments": string(raw)},
			}},
		}, "tool_calls"
	}
	var b strings.Builder
	if thought != "" {
		b.WriteString(thought + "\n\n")
	}
	fmt.Fprintf(&b, "<function=%s>\n", name)
	for _, k := range []string{"command", "message", "security_risk"} {
		if v, ok := args[k]; ok {
			fmt.Fprintf(&b, "<parameter=%s>%v</parameter>\n", k, v)
		}
	}
	b.WriteString("</function>")
	return map[string]any{"role": "assistant", "content": b.String()}, "stop"
}

// title is a short conversation title from the user's request: its first
// words.
func title(req chatRequest) string {
	last := req.Messages[len(req.Messages)-1].text()
	if _, after, ok := strings.Cut(last, "\n\n"); ok {
		last = after
	}
	words := strings.Fields(last)
	if len(words) > 6 {
		words = words[:6]
	}
	if len(words) == 0 {
		return "Scripted conversation"
	}
	return strings.Join(words, " ")
}

func (s *Server) models(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list",
		"data": []any{map[string]any{"id": "scripted", "object": "model", "owned_by": "openhands-v0"}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
}
