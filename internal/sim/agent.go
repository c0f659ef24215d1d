package sim

import (
	"strings"
	"time"
	"unicode"

	"github.com/openhands-go/openhands-v0/api"
)

// The scripted agent. A turn is what the agent does with one user message:
// a list of steps spread over the run duration, computed when the turn is
// scheduled and revealed as the clock passes each step's due time.

// turnKind is what the agent does in a turn.
type turnKind int

const (
	// turnTask: explore, think, write a file, read it back, run it, finish.
	turnTask turnKind = iota
	// turnFollowUp: think about the new message, check the result, finish.
	turnFollowUp
	// turnChat: answer with a message and wait for the user (agent loops
	// that never finish on their own).
	turnChat
	// turnIdle: nothing to do; wait for the user.
	turnIdle
)

// planner builds one turn's steps for a conversation. Call with s.mu held.
type planner struct {
	s     *Server
	c     *conversation
	start time.Time
	span  time.Duration
	model string
	steps []*step
}

func (s *Server) planner(c *conversation, start time.Time) *planner {
	return &planner{s: s, c: c, start: start, span: s.cfg.runDuration, model: s.currentModel()}
}

// at is the time a fraction f of the way through the turn.
func (p *planner) at(f float64) time.Time { return p.start.Add(time.Duration(f * float64(p.span))) }

// add schedules an event at fraction f.
func (p *planner) add(f float64, ev api.Event, cause *step, effect func(*conversation)) *step {
	st := &step{due: p.at(f), ev: ev, cause: cause, effect: effect}
	p.steps = append(p.steps, st)
	return st
}

// call prepares the n-th LLM completion of the conversation.
func (p *planner) call(f float64, function string, args map[string]any, content string) (api.ToolCallMetadata, api.LLMMetrics) {
	l := llmCall{
		salt: p.s.cfg.idSalt, conversationID: p.c.id, n: p.c.calls, model: p.model, at: p.at(f),
		function: function, arguments: args, content: content, usage: usageFor(p.c.calls),
	}
	p.c.calls++
	return l.toolCallMetadata(), p.c.metrics.charge(l)
}

// intro is how an agent session begins: the system prompt, then (with a
// first message) the message, the workspace recall and the running state.
func (p *planner) intro(msg string, imageURLs []string) {
	p.add(0, systemMessage(p.at(0)), nil, nil)
	p.c.introDone = true
	if msg == "" {
		return
	}
	p.add(0, userMessage(p.at(0), msg, imageURLs), nil, autoTitle(msg))
	recall := p.add(0, recallAction(p.at(0), msg), nil, nil)
	p.add(0, agentStateChanged(p.at(0), "running", ""), nil, nil)
	p.add(0, recallObservation(p.at(0), p.c.repo, p.c.branch, p.c.instructions), recall, nil)
}

// turn schedules the agent's work on msg.
func (p *planner) turn(kind turnKind, msg string) {
	switch kind {
	case turnTask:
		p.task(msg)
	case turnFollowUp:
		p.followUp(msg)
	case turnChat:
		p.add(0, agentStateChanged(p.at(0), "running", ""), nil, nil)
		reply := "Understood: " + clip(msg, 60) + ". I have noted it; tell me when you want me to act on it."
		m := p.c.metrics.charge(llmCall{salt: p.s.cfg.idSalt, conversationID: p.c.id, n: p.c.calls, model: p.model, usage: usageFor(p.c.calls)})
		p.c.calls++
		p.add(0.5, agentMessage(p.at(0.5), reply, m), nil, nil)
		p.add(0.5, agentStateChanged(p.at(0.5), "awaiting_user_input", ""), nil, nil)
	case turnIdle:
		p.add(0, agentStateChanged(p.at(0), "awaiting_user_input", ""), nil, nil)
	}
}

func (p *planner) task(msg string) {
	dir := workspaceRoot
	listing := "total 0\ndrwxr-xr-x 2 openhands openhands 4096 . \ndrwxr-xr-x 1 root root 4096 .."
	explore := "ls -la " + workspaceRoot
	if p.c.repo != "" {
		dir = workspaceRoot + "/" + repoDirName(p.c.repo)
		explore = "cd " + dir + " && git status && ls"
		listing = "On branch " + orDefault(p.c.branch, "main") + "\nnothing to commit, working tree clean\nREADME.md  src  tests"
	}
	file := dir + "/" + slug(msg) + ".py"
	code := "\"\"\"" + clip(msg, 70) + "\"\"\"\n\n\ndef main() -> None:\n    print(\"done: " + slug(msg) + "\")\n\n\nif __name__ == \"__main__\":\n    main()\n"
	host := "runtime-" + p.c.runtimeID[:8]

	tc, m := p.call(0.15, "execute_bash", map[string]any{"command": explore}, "Let me look at the workspace first.")
	a := p.add(0.15, runAction(p.at(0.15), explore, "Let me look at the workspace first.", tc, m), nil, nil)
	p.add(0.2, runObservation(p.at(0.2), explore, listing, 0, host, tc), a, nil)

	thought := "The task is: " + clip(msg, 80) + ". I will write a small script for it and run it."
	tc, m = p.call(0.35, "think", map[string]any{"thought": thought}, "")
	a = p.add(0.35, thinkAction(p.at(0.35), thought, tc, m), nil, nil)
	p.add(0.4, thinkObservation(p.at(0.4), tc), a, nil)

	tc, m = p.call(0.55, "str_replace_editor", map[string]any{"command": "create", "path": file, "file_text": code}, "I'll create the script.")
	a = p.add(0.55, editAction(p.at(0.55), file, code, "I'll create the script.", tc, m), nil, nil)
	rel := strings.TrimPrefix(file, workspaceRoot+"/")
	p.add(0.6, editObservation(p.at(0.6), file, code, tc), a, func(c *conversation) { c.files.write(rel, []byte(code), originAgent) })

	tc, m = p.call(0.65, "str_replace_editor", map[string]any{"command": "view", "path": file}, "")
	a = p.add(0.65, readAction(p.at(0.65), file, "", tc, m), nil, nil)
	p.add(0.7, readObservation(p.at(0.7), file, code, tc), a, nil)

	run := "python3 " + file
	tc, m = p.call(0.8, "execute_bash", map[string]any{"command": run}, "Now let me run it.")
	a = p.add(0.8, runAction(p.at(0.8), run, "Now let me run it.", tc, m), nil, nil)
	p.add(0.85, runObservation(p.at(0.85), run, "done: "+slug(msg), 0, host, tc), a, nil)

	summary := "I created " + file + " for the task \"" + clip(msg, 60) + "\" and ran it successfully."
	tc, m = p.call(1, "finish", map[string]any{"message": summary}, "")
	p.add(1, finishAction(p.at(1), summary, tc, m), nil, nil)
	p.add(1, agentStateChanged(p.at(1), "finished", ""), nil, nil)
}

func (p *planner) followUp(msg string) {
	p.add(0, agentStateChanged(p.at(0), "running", ""), nil, nil)
	thought := "The user says: " + clip(msg, 80) + ". Let me check the current state before answering."
	tc, m := p.call(0.3, "think", map[string]any{"thought": thought}, "")
	a := p.add(0.3, thinkAction(p.at(0.3), thought, tc, m), nil, nil)
	p.add(0.35, thinkObservation(p.at(0.35), tc), a, nil)

	check := "git -C " + workspaceRoot + " status --short || ls " + workspaceRoot
	tc, m = p.call(0.6, "execute_bash", map[string]any{"command": check}, "")
	a = p.add(0.6, runAction(p.at(0.6), check, "", tc, m), nil, nil)
	p.add(0.65, runObservation(p.at(0.65), check, "", 0, "runtime-"+p.c.runtimeID[:8], tc), a, nil)

	summary := "I took your message into account (\"" + clip(msg, 60) + "\"); everything is in place."
	tc, m = p.call(1, "finish", map[string]any{"message": summary}, "")
	p.add(1, finishAction(p.at(1), summary, tc, m), nil, nil)
	p.add(1, agentStateChanged(p.at(1), "finished", ""), nil, nil)
}

// commit hands the planned steps to the conversation; for an agent loop that
// finishes on its own, the loop now ends with the last step (or, for a turn
// without steps after its start, one run duration later).
func (p *planner) commit(finite bool) {
	p.c.pending = append(p.c.pending, p.steps...)
	if p.c.run == nil || !finite {
		return
	}
	end := p.start.Add(p.span)
	if last := p.c.lastDue(); last.After(end) {
		end = last
	}
	if end.After(p.c.run.endAt) {
		p.c.run.endAt = end
	}
}

// autoTitle gives a conversation still carrying its default title one made
// from its first message, as the server's title generation falls back to.
func autoTitle(msg string) func(*conversation) {
	return func(c *conversation) {
		if !c.defaultTitle {
			return
		}
		line, _, _ := strings.Cut(strings.TrimSpace(msg), "\n")
		if r := []rune(line); len(r) > 30 {
			line = string(r[:30]) + "..."
		}
		if line != "" {
			c.title, c.defaultTitle = line, false
		}
	}
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

// slug is a file-name-safe stem made from the first words of s.
func slug(s string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII
	}) {
		words = append(words, w)
		if len(words) == 3 {
			break
		}
	}
	if len(words) == 0 {
		return "solution"
	}
	return strings.Join(words, "_")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// repoDirName is the directory a repository is cloned into under /workspace.
func repoDirName(repo string) string {
	if i := strings.LastIndex(repo, "/"); i >= 0 {
		return repo[i+1:]
	}
	return repo
}

// scheduleStart plans a fresh agent loop: the session intro and the first
// turn. Call with s.mu held, after startRun.
func (s *Server) scheduleStart(c *conversation, msg string, imageURLs []string) {
	p := s.planner(c, c.run.readyAt)
	if !c.introDone {
		p.intro(msg, imageURLs)
	} else if msg != "" {
		p.add(0, userMessage(p.at(0), msg, imageURLs), nil, nil)
	}
	if msg == "" {
		p.turn(turnIdle, "")
	} else {
		p.turn(turnTask, msg)
	}
	p.commit(true)
}

// scheduleReply plans the agent's answer to a message that just entered a
// running conversation. Call with s.mu held.
func (s *Server) scheduleReply(c *conversation, now time.Time, msg string) {
	start := now
	if c.run.readyAt.After(start) {
		start = c.run.readyAt
	}
	if last := c.lastDue(); last.After(start) {
		start = last
	}
	finite := !c.run.endAt.IsZero()
	p := s.planner(c, start)
	if finite {
		p.turn(turnFollowUp, msg)
	} else {
		p.turn(turnChat, msg)
	}
	p.commit(finite)
}
