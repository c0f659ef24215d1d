package sim

import (
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// bulkEvents is a conversation's generated event prefix: event i is computed
// from i alone, so a stream of millions of events costs no memory.
type bulkEvents struct {
	salt, conversationID string
	n                    int
	start                time.Time
	model                string
	pad                  string
}

// count is the number of generated events (0 for nil).
func (b *bulkEvents) count() int {
	if b == nil {
		return 0
	}
	return b.n
}

// bulkCycle is the repeating pattern after the first (user) event.
const bulkCycle = 6

// bulkCallCost is the cost of one generated LLM call.
const bulkCallCost = 0.0123

// event computes event i.
func (b *bulkEvents) event(i int) api.Event {
	at := b.start.Add(time.Duration(i) * 100 * time.Millisecond)
	var ev api.Event
	if i == 0 {
		ev = userMessage(at, "Process the data set, step by step. "+b.pad, nil)
		ev.ID = 0
		return ev
	}
	j := (i - 1) % bulkCycle
	action := i - j%2 // the action of an observation is the event before it
	n := (i - 1) / 2  // the LLM call that produced the action
	l := llmCall{
		salt: b.salt, conversationID: b.conversationID, n: n, model: b.model, at: b.start.Add(time.Duration(action) * 100 * time.Millisecond),
		usage: tokenUsage{prompt: 12000, completion: 150, cacheRead: 11000, cacheWrite: 1000},
	}
	m := api.LLMMetrics{
		AccumulatedCost: float64(n+1) * bulkCallCost,
		AccumulatedTokenUsage: api.TokenUsage{
			Model: b.model, PromptTokens: 12000 * (n + 1), CompletionTokens: 150 * (n + 1),
			CacheReadTokens: 11000 * (n + 1), CacheWriteTokens: 1000 * (n + 1), ContextWindow: contextWindow,
			PerTurnToken: 12150, ResponseID: l.responseID(),
		},
	}
	step := itoa(n)
	switch j {
	case 0, 1:
		cmd := "python3 process.py --chunk " + step
		l.function, l.arguments = "execute_bash", map[string]any{"command": cmd}
		tc := l.toolCallMetadata()
		if j == 0 {
			ev = runAction(at, cmd, "Processing chunk "+step+". "+b.pad, tc, m)
		} else {
			ev = runObservation(at, cmd, "chunk "+step+" processed\n"+b.pad, 0, "runtime-bulk", tc)
		}
	case 2, 3:
		path := workspaceRoot + "/out/chunk_" + step + ".txt"
		l.function, l.arguments = "str_replace_editor", map[string]any{"command": "create", "path": path}
		tc := l.toolCallMetadata()
		if j == 2 {
			ev = editAction(at, path, b.pad, "Writing chunk "+step+".", tc, m)
		} else {
			ev = editObservation(at, path, "chunk "+step, tc)
			ev.Content += "\n" + b.pad
		}
	default:
		thought := "Chunk " + step + " looks fine; moving on. " + b.pad
		l.function, l.arguments = "think", map[string]any{"thought": "chunk " + step}
		tc := l.toolCallMetadata()
		if j == 4 {
			ev = thinkAction(at, thought, tc, m)
		} else {
			ev = thinkObservation(at, tc)
		}
	}
	ev.ID = i
	if j%2 == 1 {
		ev.Cause = &action
	}
	return ev
}

// padding is deterministic filler text of n bytes.
func padding(n int) string {
	const text = "The quick brown fox jumps over the lazy dog while the build runs. "
	if n <= 0 {
		return ""
	}
	return strings.Repeat(text, n/len(text)+1)[:n]
}

// AddBulkConversation adds a RUNNING conversation whose event stream starts
// with events generated on demand: events of them, carrying on average
// payloadBytes bytes of text each on top of their structure (a trajectory is
// roughly events x (payloadBytes + 1.4 KB) bytes). Nothing is held in memory
// per event: GET .../events computes the page it answers and GET
// .../trajectory streams. It returns the conversation id.
func (s *Server) AddBulkConversation(events, payloadBytes int) string {
	now := s.cfg.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.newConversation(now.Add(-time.Duration(max(events, 0)) * 100 * time.Millisecond))
	c.title = "Bulk conversation (" + itoa(max(events, 0)) + " events)"
	c.defaultTitle = false
	c.introDone = true
	c.bulk = &bulkEvents{
		salt: s.cfg.idSalt, conversationID: c.id, n: max(events, 0), start: c.createdAt,
		model: s.currentModel(), pad: padding(payloadBytes),
	}
	c.calls = (c.bulk.n + 1) / 2
	c.updatedAt = now
	s.startRun(c, now.Add(-s.cfg.startDelay))
	return c.id
}
