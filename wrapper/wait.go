package wrapper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// DefaultPollInterval is Wait's time between polls. The seed polled every
// 300 s: a CLI user waited up to five minutes to learn a conversation had
// stopped. One getConversation every 5 s costs the server little and shows
// each change promptly. Wait has no deadline of its own unless
// WithWaitTimeout sets one: the context bounds it.
const DefaultPollInterval = 5 * time.Second

type waitConfig struct {
	interval     time.Duration
	timeout      time.Duration
	onStatus     func(api.ConversationInfo)
	clock        waitClock
	untilStopped bool
}

// waitClock is the time Wait polls by; tests replace it so no test sleeps.
type waitClock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// WithPollInterval sets the time between two polls (default 5s). It must be
// positive.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error { c.wait.interval = d; return nil }
}

// WithWaitTimeout sets how long Wait waits at most, on top of the context
// (default 0: only the context ends it). It must not be negative.
func WithWaitTimeout(d time.Duration) Option {
	return func(c *config) error { c.wait.timeout = d; return nil }
}

// WithStatusCallback sets a function Wait calls with the conversation when
// it first sees it and then whenever its status or runtime_status changes.
// It runs on Wait's goroutine, so it should return quickly.
func WithStatusCallback(fn func(api.ConversationInfo)) Option {
	return func(c *config) error { c.wait.onStatus = fn; return nil }
}

// WithUntilStopped makes Wait wait for the conversation itself to stop
// (STOPPED, ARCHIVED or ERROR), as the seed client's poll_until_stopped did,
// not for its agent to be done: a real server keeps a conversation RUNNING
// after its agent finished, until it is stopped or idles out.
func WithUntilStopped() Option {
	return func(c *config) error { c.wait.untilStopped = true; return nil }
}

// IsAgentDone reports whether an agent in this state (an agent_state_changed
// observation's, see AsAgentState) has nothing more to do until it gets a
// message: finished, awaiting_user_input, error, rejected or stopped
// (openhands/core/schema/agent.py). Wait ends when a running conversation's
// newest agent state is one of them.
func IsAgentDone(state string) bool {
	switch state {
	case "finished", "awaiting_user_input", "error", "rejected", "stopped":
		return true
	}
	return false
}

// withClock sets the clock Wait polls by (tests).
func withClock(clk waitClock) Option {
	return func(c *config) error { c.wait.clock = clk; return nil }
}

// IsTerminal reports whether a conversation in this status will not change
// on its own: STOPPED, ARCHIVED or ERROR. (The seed client waited for
// FAILED and CANCELLED, which the server never reports, and kept waiting on
// ARCHIVED.)
func IsTerminal(s api.ConversationStatus) bool {
	switch api.ConversationStatus(strings.ToUpper(string(s))) {
	case api.ConversationStatusStopped, api.ConversationStatusArchived, api.ConversationStatusError:
		return true
	}
	return false
}

// Wait polls a conversation (spec: getConversation) until it ended (its
// status is terminal, see IsTerminal) or its agent is done: while it is
// RUNNING, each poll also reads its newest events (spec: getEvents) and
// Wait ends when the newest agent state is done (IsAgentDone: finished,
// awaiting_user_input, error, ...). A real server keeps a
// conversation RUNNING after its agent finished; WithUntilStopped waits for
// the conversation itself to stop instead, as the seed client's
// poll_until_stopped did. Wait returns the conversation as last seen. The
// first poll is immediate, the next ones WithPollInterval apart.
//
// A failed poll that may succeed later (a 5xx or maintenance page, 429, a
// network error or per-try timeout) is logged and tried again at the next
// tick; not found, unauthorized, forbidden, a host without V0 or any other
// answer ends Wait with that error.
//
// When the timeout passes or ctx ends, Wait returns the last conversation it
// saw (nil if none) with an error naming the last status. The timeout's
// error matches context.DeadlineExceeded; a cancelled ctx's matches
// context.Canceled.
func (c *Client) Wait(ctx context.Context, id string, opts ...Option) (*api.ConversationInfo, error) {
	const op = "Wait"
	ctx = c.withCall(ctx, op, opts)
	cc := c.callSettings(ctx)
	if cc.err != nil {
		return nil, cc.err
	}
	cfg := cc.wait
	switch {
	case cfg.interval <= 0:
		return nil, inputError(sdkMethod(ctx, op), "poll interval must be positive, got %s", cfg.interval)
	case cfg.timeout < 0:
		return nil, inputError(sdkMethod(ctx, op), "timeout must not be negative, got %s", cfg.timeout)
	}
	if err := validID(ctx, id); err != nil {
		return nil, err
	}
	var deadline time.Time
	if cfg.timeout > 0 {
		deadline = cfg.clock.Now().Add(cfg.timeout)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, cfg.timeout, errWaitTimeout)
		defer cancel()
	}

	var last *api.ConversationInfo
	var lastErr error
	// ended explains why Wait gives up: its own timeout, or ctx's end.
	ended := func() error {
		cause := ctx.Err()
		what := ""
		if !deadline.IsZero() && (context.Cause(ctx) == errWaitTimeout || !cfg.clock.Now().Before(deadline)) {
			cause, what = context.DeadlineExceeded, " within "+cfg.timeout.String()
		}
		status := "none seen"
		if last != nil {
			status = string(last.Status)
		}
		msg := fmt.Sprintf("openhands: %s: conversation %s did not end%s (last status %s", op, id, what, status)
		if lastErr != nil {
			msg += "; last poll failed: " + lastErr.Error()
		}
		return fmt.Errorf("%s): %w", msg, cause)
	}
	for {
		info, done, err := c.poll(ctx, id, cfg.untilStopped)
		if info != nil {
			if changed(last, info) && cfg.onStatus != nil {
				cfg.onStatus(*info)
			}
			last = info
		}
		switch {
		case ctx.Err() != nil:
			return last, ended()
		case err != nil && !mayRetry(err):
			return last, err
		case err != nil:
			lastErr = err
			c.log.DebugContext(ctx, "openhands: poll failed; trying again at the next tick",
				"operation", op, "conversation_id", id, "error", err.Error())
		case done:
			return info, nil
		default:
			lastErr = nil
		}

		wait := cfg.interval
		if !deadline.IsZero() {
			left := deadline.Sub(cfg.clock.Now())
			if left <= 0 {
				return last, ended()
			}
			wait = min(wait, left)
		}
		select {
		case <-ctx.Done():
			return last, ended()
		case <-cfg.clock.After(wait):
		}
	}
}

var errWaitTimeout = errors.New("wait timeout")

// poll looks at the conversation once (spec: getConversation) and, while it
// runs and untilStopped is off, at its newest agent state (spec: getEvents).
// It returns the conversation when it got it, and whether Wait is done.
func (c *Client) poll(ctx context.Context, id string, untilStopped bool) (*api.ConversationInfo, bool, error) {
	info, err := c.GetConversation(ctx, id)
	switch {
	case err != nil:
		return nil, false, err
	case IsTerminal(info.Status):
		return info, true, nil
	case untilStopped || info.Status != api.ConversationStatusRunning:
		return info, false, nil
	}
	done, err := c.agentDone(ctx, id)
	return info, done, err
}

// agentDoneWindow is how many of the newest events agentDone reads: the
// agent's last state change is among the newest few when it is done.
const agentDoneWindow = 5

// agentDone reports whether the conversation's newest agent state, among
// its newest events, is done (IsAgentDone).
func (c *Client) agentDone(ctx context.Context, id string) (bool, error) {
	limit := agentDoneWindow
	page, err := c.GetEvents(ctx, id, EventsQuery{Reverse: true, Limit: &limit})
	if err != nil {
		return false, err
	}
	for _, ev := range page.Events {
		if st, ok := AsAgentState(ev); ok {
			return IsAgentDone(st.State), nil
		}
	}
	return false, nil
}

// changed reports whether a poll shows a new status or runtime status.
func changed(prev, cur *api.ConversationInfo) bool {
	return prev == nil || prev.Status != cur.Status || prev.RuntimeStatus != cur.RuntimeStatus
}
