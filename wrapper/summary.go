package wrapper

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/timestamp"
)

// Where ConversationSummary.Model came from.
const (
	// ModelSourceConversation: the conversation's llm_model (newer servers).
	ModelSourceConversation = "conversation"
	// ModelSourceRecentEvents: the newest event naming a model.
	ModelSourceRecentEvents = "recent_events"
	// ModelSourceEarlyEvents: the oldest event naming a model, when the
	// recent window named none.
	ModelSourceEarlyEvents = "early_events"
)

// maxFirstMessage is how many characters of the first message a summary keeps.
const maxFirstMessage = 200

// ConversationSummary is the seed client's get_conversation_summary: its 13
// keys, plus where the model came from and which host answered the event
// calls. Absent values are "" (the seed's None).
type ConversationSummary struct {
	ConversationID string                 `json:"conversation_id"`
	Title          string                 `json:"title"`
	Status         api.ConversationStatus `json:"status"`
	RuntimeStatus  api.RuntimeStatus      `json:"runtime_status"`
	CreatedAt      timestamp.Time         `json:"created_at"`
	LastUpdatedAt  timestamp.Time         `json:"last_updated_at"`
	// Repository is the conversation's selected_repository.
	Repository string `json:"repository"`
	// Branch is the conversation's selected_branch.
	Branch string `json:"branch"`
	// EventCount is the newest event id + 1 (ids count from 0), 0 without events.
	EventCount int `json:"event_count"`
	// Model is the conversation's LLM model; ModelSource says where it was found.
	Model string `json:"model"`
	// FirstMessage is the first user message, cut to 200 characters.
	FirstMessage string `json:"first_message"`
	// URL is the conversation's url on its runtime host, while it runs.
	URL string `json:"url"`
	// HasRuntime says the conversation has a V0 runtime host to call: a url
	// plus a session key, or a relative url (a standalone install serves
	// the conversation itself and hands out no session key). A V1
	// conversation has none.
	HasRuntime bool `json:"has_runtime"`
	// ModelSource is ModelSourceConversation, ModelSourceRecentEvents,
	// ModelSourceEarlyEvents, or "" when no model was found.
	ModelSource string `json:"model_source"`
	// Host is the host that answered the event count: "app" or "runtime".
	Host string `json:"host"`
}

// Summary describes a conversation in one value, like the seed's
// get_conversation_summary: it gets the conversation (spec:
// getConversation), the event count, the newest model and the first user
// message (spec: getEvents), concurrently. The first error cancels the
// other calls and is returned.
//
// The model is the conversation's llm_model when the server sets it (the
// event scan is then cancelled), else the newest event naming one within
// the scan window, else the oldest one among the first window events that
// the recent scan did not read (the seed had no such fallback). opts set
// the scan window (default DefaultScanWindow).
func (c *Client) Summary(ctx context.Context, id string, opts ...Option) (*ConversationSummary, error) {
	ctx = c.withCall(ctx, "Summary", opts)
	if err := validID(ctx, id); err != nil {
		return nil, err
	}
	cfg := c.callSettings(ctx).scan
	if cfg.window < 0 {
		return nil, inputError(sdkMethod(ctx, "summary"), "scan window must not be negative, got %d", cfg.window)
	}
	g := newGroup(ctx)
	defer g.cancel(nil)
	modelCtx, cancelModel := context.WithCancel(g.ctx)
	defer cancelModel()

	var (
		info         *api.ConversationInfo
		count        int
		host         string
		firstMessage string
		recent       string
		recentErr    error
		scanned      sync.WaitGroup
	)
	g.run(func(ctx context.Context) (err error) {
		info, err = c.GetConversation(ctx, id)
		if err == nil && info.LLMModel != "" {
			cancelModel()
		}
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		count, host, err = c.eventCountAndHost(ctx, id)
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		firstMessage, err = c.FirstUserMessage(ctx, id)
		return err
	})
	// The recent-model scan may be cancelled on purpose; its error is
	// judged after the others are in.
	scanned.Go(func() { recent, recentErr = c.RecentModel(modelCtx, id) })
	scanned.Wait()
	if err := g.wait(); err != nil {
		return nil, err
	}

	s := summaryOf(info)
	s.EventCount, s.Host = count, host
	s.FirstMessage = truncateRunes(firstMessage, maxFirstMessage)
	switch {
	case info.LLMModel != "":
		s.Model, s.ModelSource = info.LLMModel, ModelSourceConversation
	case recentErr != nil:
		return nil, recentErr
	case recent != "":
		s.Model, s.ModelSource = recent, ModelSourceRecentEvents
	case cfg.window > 0 && count > cfg.window:
		// Only the events the recent scan did not read.
		early, err := c.earlyModel(ctx, id, EventRange{EndID: ptr(count - cfg.window - 1)}, cfg)
		if err != nil {
			return nil, err
		}
		if early != "" {
			s.Model, s.ModelSource = early, ModelSourceEarlyEvents
		}
	}
	return s, nil
}

// summaryOf copies a conversation's own fields into a summary.
func summaryOf(info *api.ConversationInfo) *ConversationSummary {
	return &ConversationSummary{
		ConversationID: info.ConversationID,
		Title:          info.Title,
		Status:         info.Status,
		RuntimeStatus:  info.RuntimeStatus,
		CreatedAt:      info.CreatedAt,
		LastUpdatedAt:  info.LastUpdatedAt,
		Repository:     info.SelectedRepository,
		Branch:         info.SelectedBranch,
		URL:            info.URL,
		HasRuntime:     hasRuntime(info),
	}
}

// hasRuntime reports whether a conversation has a V0 runtime host to call.
func hasRuntime(info *api.ConversationInfo) bool {
	if info.URL == "" || info.ConversationVersion == "V1" {
		return false
	}
	if info.SessionAPIKey != "" {
		return true
	}
	u, err := url.Parse(info.URL)
	return err == nil && !u.IsAbs()
}

// eventCountAndHost is EventCount that also says which host answered.
func (c *Client) eventCountAndHost(ctx context.Context, id string) (int, string, error) {
	params := api.GetEventsParams{Reverse: ptr(true), Limit: ptr(1)}
	var page api.EventPage
	host, err := c.callConversation(ctx, api.OpGetEvents, id, &page, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetEvents(ctx, id, &params)
	})
	if err != nil || len(page.Events) == 0 {
		return 0, host, err
	}
	count, err := countFromLast(api.OpGetEvents, host, page.Events[0].ID)
	return count, host, err
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n])
}

// group runs functions concurrently; the first error cancels the context
// the others run under and is the one wait returns.
type group struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) *group {
	ctx, cancel := context.WithCancelCause(ctx)
	return &group{ctx: ctx, cancel: cancel}
}

func (g *group) run(f func(context.Context) error) {
	g.wg.Go(func() {
		if err := f(g.ctx); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel(err)
			})
		}
	})
}

func (g *group) wait() error {
	g.wg.Wait()
	return g.err
}
