package sim

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
)

// getEvents serves GET /api/conversations/{id}/events (getEvents): ids from
// start_id to end_id inclusive, forward or reverse, limit 0..100, has_more
// computed by reading one event more than the limit.
func (s *Server) getEvents(c *call) {
	id := c.params["conversation_id"]
	s.mu.Lock()
	conv := s.lookup(c, id)
	if conv == nil {
		s.mu.Unlock()
		conversationNotFound(c, id)
		return
	}
	q := newQuery(c.r)
	start := q.integer("start_id", 0)
	endID := q.optInt("end_id")
	reverse := q.boolean("reverse", false)
	limit := q.integer("limit", 20)
	if len(q.p) > 0 {
		s.mu.Unlock()
		q.p.write(c.w)
		return
	}
	if limit < 0 || limit > 100 {
		s.mu.Unlock()
		writeDetail(c.w, http.StatusBadRequest, "Invalid limit")
		return
	}
	count := conv.eventCount()
	end := count // exclusive
	if endID != nil {
		end = min(*endID+1, count)
	}
	start = max(start, 0)
	want := limit + 1
	events := make([]api.Event, 0, min(want, max(end-start, 0)))
	if reverse {
		for i := end - 1; i >= start && len(events) < want; i-- {
			events = append(events, conv.eventAt(i))
		}
	} else {
		for i := start; i < end && len(events) < want; i++ {
			events = append(events, conv.eventAt(i))
		}
	}
	s.mu.Unlock()
	page := api.EventPage{Events: events, HasMore: len(events) > limit}
	if page.HasMore {
		page.Events = events[:limit]
	}
	writeJSON(c.w, http.StatusOK, page)
}

// liveConversation finds the conversation a runtime-only route works on,
// answering 404 {"detail": ...} when there is none. Call with s.mu held.
func (s *Server) liveConversation(c *call) *conversation {
	id := c.params["conversation_id"]
	conv := s.lookup(c, id)
	if conv == nil {
		conversationNotFound(c, id)
	}
	return conv
}

// addEvent serves POST /api/conversations/{id}/events (addEvent): a raw
// event dict dispatched into the running agent loop.
func (s *Server) addEvent(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, maxRequestBody))
	var body api.AddEventJSONBody
	if err != nil || json.Unmarshal(raw, &body) != nil || !conv.running() {
		writeInternalError(c.w)
		return
	}
	action, _ := body["action"].(string)
	args, _ := body["args"].(map[string]any)
	switch {
	case action == "message":
		content, ok := args["content"].(string)
		if !ok {
			writeInternalError(c.w)
			return
		}
		conv.append(userMessage(c.now, content, stringList(args["image_urls"])), c.now)
		s.scheduleReply(conv, c.now, content)
	case action == "change_agent_state":
		state, ok := args["agent_state"].(string)
		if !ok {
			writeInternalError(c.w)
			return
		}
		conv.pending = nil
		conv.append(agentStateChanged(c.now, state, ""), c.now)
		if !conv.run.endAt.IsZero() {
			conv.run.endAt = c.now
		}
	case knownActions[action]:
		if args == nil {
			args = map[string]any{}
		}
		conv.append(api.Event{Timestamp: stamp(isoNaive(c.now)), Source: api.EventSourceUser, Action: action, Args: args}, c.now)
	default:
		writeInternalError(c.w)
		return
	}
	writeJSON(c.w, http.StatusOK, api.SuccessResponse{Success: true})
}

// knownActions are the action types event_from_dict accepts.
var knownActions = map[string]bool{
	"system": true, "run": true, "run_ipython": true, "read": true, "write": true, "edit": true,
	"browse": true, "browse_interactive": true, "call_tool_mcp": true, "think": true, "finish": true, "reject": true,
	"delegate": true, "recall": true, "condensation": true, "condensation_request": true, "task_tracking": true,
	"loop_recovery": true, "null": true, "pause": true, "resume": true, "stop": true, "push": true, "send_pr": true, "start": true,
}

func stringList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// sendMessage serves POST /api/conversations/{id}/message (sendMessage).
func (s *Server) sendMessage(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	var req api.SendMessageRequest
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		p.write(c.w)
		return
	}
	if !conv.running() {
		writeJSON(c.w, http.StatusInternalServerError, api.SuccessResponse{
			Success: false, Error: "Error adding message to conversation: no_conversation:" + conv.id,
		})
		return
	}
	conv.append(userMessage(c.now, req.Message, nil), c.now)
	s.scheduleReply(conv, c.now, req.Message)
	writeJSON(c.w, http.StatusOK, api.SuccessResponse{Success: true})
}

// getTrajectory serves GET /api/conversations/{id}/trajectory
// (getTrajectory): every non-hidden event in trajectory form. Generated
// (bulk) streams are written incrementally, in constant memory. As a real
// server (0.62.0), it serves a running conversation only: the trajectory
// comes from the conversation's live session, so a conversation that is not
// running answers 404 {"detail":"Conversation <id> not found"} as a missing
// one does.
func (s *Server) getTrajectory(c *call) {
	s.mu.Lock()
	conv := s.liveConversation(c)
	if conv == nil {
		s.mu.Unlock()
		return
	}
	if !conv.running() {
		s.mu.Unlock()
		conversationNotFound(c, conv.id)
		return
	}
	// Events are append-only and never modified, so this snapshot stays valid
	// after the lock is released.
	stored, bulk := conv.events, conv.bulk
	s.mu.Unlock()

	if bulk == nil {
		out := api.Trajectory{Trajectory: make([]api.Event, 0, len(stored))}
		for _, ev := range stored {
			if !hidden(ev) {
				out.Trajectory = append(out.Trajectory, trajectoryForm(ev))
			}
		}
		writeJSON(c.w, http.StatusOK, out)
		return
	}
	h := c.w.Header()
	setNoCache(h)
	h.Set("Content-Type", contentJSON)
	c.w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(c.w, 64<<10)
	_, _ = bw.WriteString(`{"trajectory":[`)
	first := true
	emit := func(ev api.Event) bool {
		if hidden(ev) {
			return true
		}
		b, err := encodeJSON(trajectoryForm(ev))
		if err != nil {
			return false
		}
		if !first {
			_ = bw.WriteByte(',')
		}
		first = false
		_, err = bw.Write(b)
		return err == nil
	}
	for i := range bulk.count() {
		if !emit(bulk.event(i)) {
			return
		}
	}
	for _, ev := range stored {
		if !emit(ev) {
			return
		}
	}
	_, _ = bw.WriteString(`]}`)
	_ = bw.Flush()
}
