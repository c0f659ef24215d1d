package sim

import (
	"net/http"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// conversation is one V0 conversation: its metadata, its lifecycle and its
// event stream (an optional generated prefix, the events that happened, and
// the scripted agent's events still to come).
type conversation struct {
	id           string
	title        string
	defaultTitle bool
	createdAt    time.Time
	updatedAt    time.Time
	repo         string
	branch       string
	provider     api.ProviderType
	trigger      api.ConversationTrigger
	prNumbers    []int
	instructions string

	// state is the status while no agent loop runs: STOPPED, ARCHIVED or ERROR;
	// stateRuntime the runtime status that goes with it (ERROR states only).
	state        api.ConversationStatus
	stateRuntime api.RuntimeStatus
	run          *run
	generation   int
	runtimeID    string
	sessionKey   string

	bulk      *bulkEvents
	events    []api.Event
	pending   []*step
	introDone bool
	calls     int
	metrics   metrics
	files     *workspace
}

// run is one agent loop, from /start (or create) to its end.
type run struct {
	startedAt time.Time
	readyAt   time.Time
	// endAt is when the agent finishes its task and (unless WithKeepRunning)
	// the conversation stops; zero for a loop that chats with the user.
	endAt time.Time
}

// step is an event the scripted agent will add at due.
type step struct {
	due    time.Time
	ev     api.Event
	cause  *step
	id     int
	effect func(*conversation)
}

// eventCount is the number of events in the stream (next event id).
func (c *conversation) eventCount() int { return c.bulk.count() + len(c.events) }

// eventAt returns event i (0 <= i < eventCount).
func (c *conversation) eventAt(i int) api.Event {
	if n := c.bulk.count(); i < n {
		return c.bulk.event(i)
	}
	return c.events[i-c.bulk.count()]
}

// append adds an event to the stream now.
func (c *conversation) append(ev api.Event, at time.Time) int {
	id := c.eventCount()
	ev.ID = id
	c.events = append(c.events, ev)
	c.updatedAt = at
	return id
}

// status computes the conversation's status and runtime status at now.
func (c *conversation) status(now time.Time) (api.ConversationStatus, api.RuntimeStatus) {
	switch {
	case c.run == nil:
		return c.state, c.stateRuntime
	case now.Before(c.run.startedAt.Add(c.run.readyAt.Sub(c.run.startedAt) / 2)):
		return api.ConversationStatusStarting, api.RuntimeStatusBuildingRuntime
	case now.Before(c.run.readyAt):
		return api.ConversationStatusStarting, api.RuntimeStatusStartingRuntime
	default:
		return api.ConversationStatusRunning, api.RuntimeStatusReady
	}
}

// running reports whether an agent loop exists (STARTING or RUNNING).
func (c *conversation) running() bool { return c.run != nil }

// lastDue is when the last scheduled step happens (zero if none).
func (c *conversation) lastDue() time.Time {
	if len(c.pending) == 0 {
		return time.Time{}
	}
	return c.pending[len(c.pending)-1].due
}

// newConversation registers a conversation with the next derived id.
// Call with s.mu held.
func (s *Server) newConversation(now time.Time) *conversation {
	s.ids++
	id := hexID(s.cfg.idSalt, 32, "conversation", itoa(s.ids))
	c := &conversation{
		id: id, title: defaultTitle(id), defaultTitle: true, createdAt: now, updatedAt: now,
		state: api.ConversationStatusStopped, trigger: api.ConversationTriggerGui, files: newWorkspace(),
	}
	s.conversations[id] = c
	return c
}

func defaultTitle(id string) string { return "Conversation " + id[:5] }

// advance brings a conversation up to now: the scripted agent's due events
// enter the stream, and a finished agent loop stops (unless WithKeepRunning).
// Call with s.mu held.
func (s *Server) advance(c *conversation, now time.Time) {
	n := 0
	for _, st := range c.pending {
		if st.due.After(now) {
			break
		}
		ev := st.ev
		if st.cause != nil {
			ev.Cause = new(st.cause.id)
		}
		st.id = c.append(ev, st.due)
		if st.effect != nil {
			st.effect(c)
		}
		n++
	}
	c.pending = c.pending[n:]
	if !s.cfg.keepRunning && c.run != nil && !c.run.endAt.IsZero() && !now.Before(c.run.endAt) && len(c.pending) == 0 {
		s.endRun(c, api.ConversationStatusStopped)
	}
}

// startRun starts an agent loop with a fresh runtime. Call with s.mu held.
func (s *Server) startRun(c *conversation, now time.Time) {
	c.generation++
	c.runtimeID = hexID(s.cfg.idSalt, 24, "runtime", c.id, itoa(c.generation))
	c.sessionKey = keyFrom(s.cfg.idSalt, "session-api-key", c.id, itoa(c.generation))
	c.run = &run{startedAt: now, readyAt: now.Add(s.cfg.startDelay)}
	c.state, c.stateRuntime = api.ConversationStatusStopped, ""
	s.runtimes[c.runtimeID] = c
}

// endRun ends the agent loop, dropping what the agent had still to do.
// Call with s.mu held.
func (s *Server) endRun(c *conversation, state api.ConversationStatus) {
	delete(s.runtimes, c.runtimeID)
	c.run = nil
	c.pending = nil
	c.state = state
}

// info renders a conversation as ConversationInfo, for the host of c.
func (s *Server) info(cl *call, c *conversation) api.ConversationInfo {
	st, rs := c.status(cl.now)
	info := api.ConversationInfo{
		ConversationID: c.id, Title: c.title, CreatedAt: stamp(isoUTC(c.createdAt)), LastUpdatedAt: stamp(isoUTC(c.updatedAt)),
		Status: st, RuntimeStatus: rs, SelectedRepository: c.repo, SelectedBranch: c.branch,
		GitProvider: c.provider, Trigger: c.trigger, PrNumber: c.prNumbers, ConversationVersion: "V0",
	}
	if c.running() {
		if s.nested() {
			info.URL = runtimeBase(cl.r, c.runtimeID) + "/api/conversations/" + c.id
			info.SessionAPIKey = c.sessionKey
		} else {
			info.URL = "/api/conversations/" + c.id
		}
	}
	return info
}

// runtimeBase is the base URL of a runtime host, on the host the request came to.
func runtimeBase(r *http.Request, runtimeID string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + strings.TrimSuffix(RuntimePrefix, "/") + "/" + runtimeID
}

// lookup returns a V0 conversation brought up to now, as the host of cl sees
// it: a runtime host knows only its own conversation. Call with s.mu held.
func (s *Server) lookup(cl *call, id string) *conversation {
	if cl.runtime != nil && cl.runtime.id != id {
		return nil
	}
	c := s.conversations[id]
	if c != nil {
		s.advance(c, cl.now)
	}
	return c
}

// currentModel is the LLM model the agent uses: the stored settings' model.
// Call with s.mu held.
func (s *Server) currentModel() string {
	if s.settings != nil && s.settings.LLMModel != "" {
		return s.settings.LLMModel
	}
	return DefaultModel
}

// v1Conversation is a V1 conversation, as the V0 list and get show it.
type v1Conversation struct {
	info api.ConversationInfo
}
