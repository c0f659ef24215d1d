package scriptedllm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// complete posts a chat-completions request and returns the first choice's
// message and finish reason.
func complete(t *testing.T, s *Server, body map[string]any) (map[string]any, string) {
	t.Helper()
	raw, _ := json.Marshal(body)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(raw)))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var out struct {
		Choices []struct {
			Message      map[string]any `json:"message"`
			FinishReason string         `json:"finish_reason"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Choices) != 1 {
		t.Fatalf("answer %s: %v", rec.Body, err)
	}
	return out.Choices[0].Message, out.Choices[0].FinishReason
}

func toolCallOf(t *testing.T, msg map[string]any) (name string, args map[string]any) {
	t.Helper()
	calls, _ := msg["tool_calls"].([]any)
	if len(calls) != 1 {
		t.Fatalf("want one tool call, got %v", msg)
	}
	fn := calls[0].(map[string]any)["function"].(map[string]any)
	if err := json.Unmarshal([]byte(fn["arguments"].(string)), &args); err != nil {
		t.Fatal(err)
	}
	return fn["name"].(string), args
}

func TestNativeToolCallsRunThenFinish(t *testing.T) {
	s := New()
	tools := []any{map[string]any{"type": "function", "function": map[string]any{"name": "execute_bash"}}}
	user := map[string]any{"role": "user", "content": "Write hello.txt"}
	msg, reason := complete(t, s, map[string]any{"model": "openai/scripted", "tools": tools,
		"messages": []any{map[string]any{"role": "system", "content": "You are OpenHands agent"}, user}})
	name, args := toolCallOf(t, msg)
	if reason != "tool_calls" || name != "execute_bash" || args["command"] != Command || args["security_risk"] != "LOW" {
		t.Fatalf("first step: %s %s %v", reason, name, args)
	}
	msg, _ = complete(t, s, map[string]any{"tools": tools, "messages": []any{user, msg,
		map[string]any{"role": "tool", "tool_call_id": "call_scripted_1", "content": "hello"}}})
	if name, args := toolCallOf(t, msg); name != "finish" || args["message"] != FinishMessage {
		t.Fatalf("second step: %s %v", name, args)
	}
	// A new user message starts the script again.
	msg, _ = complete(t, s, map[string]any{"tools": tools, "messages": []any{user, map[string]any{"role": "user", "content": "again"}}})
	if name, _ := toolCallOf(t, msg); name != "execute_bash" {
		t.Fatalf("after a new message: %s", name)
	}
	if s.Calls() != 3 {
		t.Errorf("Calls() = %d, want 3", s.Calls())
	}
}

func TestPromptedFunctionCalling(t *testing.T) {
	s := New()
	user := map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Write hello.txt"}}}
	msg, _ := complete(t, s, map[string]any{"messages": []any{user}})
	content, _ := msg["content"].(string)
	if !strings.Contains(content, "<function=execute_bash>") || !strings.Contains(content, "<parameter=command>"+Command+"</parameter>") {
		t.Fatalf("first step: %q", content)
	}
	result := map[string]any{"role": "user", "content": "EXECUTION RESULT of [execute_bash]:\nhello"}
	msg, _ = complete(t, s, map[string]any{"messages": []any{user, msg, result}})
	if content, _ := msg["content"].(string); !strings.Contains(content, "<function=finish>") || !strings.Contains(content, FinishMessage) {
		t.Fatalf("second step: %q", content)
	}
}

func TestTitleRequest(t *testing.T) {
	msg, _ := complete(t, New(), map[string]any{"messages": []any{
		map[string]any{"role": "system", "content": "You are a helpful assistant that generates concise, descriptive titles for conversations"},
		map[string]any{"role": "user", "content": "Generate a title (maximum 50 characters) for a conversation that starts with this message:\n\nWrite hello.txt and print it please now"},
	}})
	if msg["content"] != "Write hello.txt and print it please" {
		t.Fatalf("title %q", msg["content"])
	}
}

func TestBadRequests(t *testing.T) {
	s := New()
	for _, body := range []string{"{", `{"stream":true,"messages":[]}`} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body)))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "invalid_request_error") {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	if s.Calls() != 0 {
		t.Errorf("refused requests counted: %d", s.Calls())
	}
}

func TestRememberPromptRequest(t *testing.T) {
	msg, _ := complete(t, New(), map[string]any{"messages": []any{
		map[string]any{"role": "system", "content": "events ..."},
		map[string]any{"role": "user", "content": "Please generate a prompt for the AI to update the special file based on the events provided."},
	}})
	if msg["content"] != "<update_prompt>"+RememberPrompt+"</update_prompt>" {
		t.Fatalf("remember prompt %q", msg["content"])
	}
}
