package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Scenarios returns every scenario, in the order a run makes them. Together
// they call every operation of the spec with a success status, and the
// error paths users meet.
func Scenarios() []Scenario {
	return []Scenario{
		healthScenario(),
		optionsScenario(),
		gitUserScenario(),
		listingScenario(),
		readingScenario(),
		runtimeReadingScenario(),
		lifecycleScenario(),
		settingsScenario(),
		secretsScenario(),
		gitProvidersScenario(),
		feedbackScenario(),
		missingConversationScenario(),
		unknownFieldScenario(),
		invalidLimitScenario(),
		unauthorizedSessionKeyScenario(),
		unauthorizedHostedScenario(),
		rateLimitScenario(),
		hostedFallbackScenario(),
		removedHostScenario(),
	}
}

// fail wraps an SDK call's error with the call's name.
func fail(call string, err error) error { return fmt.Errorf("%s: %w", call, err) }

// check returns an error saying what was wrong when ok is false.
func check(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// expectError checks that a call failed with target.
func expectError(call string, err, target error) error {
	switch {
	case err == nil:
		return fmt.Errorf("%s: succeeded; want an error matching %q", call, target)
	case !errors.Is(err, target):
		return fmt.Errorf("%s: %w; want an error matching %q", call, err, target)
	}
	return nil
}

// findConversation returns the first V0 conversation in the listing that
// keep accepts, or a skip error when there is none (a live server need not
// have one; the simulator's seed data always has one).
func findConversation(ctx context.Context, s *Session, what string, keep func(api.ConversationInfo) bool) (api.ConversationInfo, error) {
	for conv, err := range s.Client.Conversations(ctx, wrapper.ListOptions{PageSize: 20, Max: 100}) {
		if err != nil {
			return api.ConversationInfo{}, fail(api.OpListConversations, err)
		}
		if keep(conv) {
			return conv, nil
		}
	}
	return api.ConversationInfo{}, s.Skip("the server has no %s to read", what)
}

// waitRunning polls a conversation until it is RUNNING with its runtime
// ready, as a client does before calling the runtime routes. It fails on a
// terminal status or when the session's wait bound passes.
func waitRunning(ctx context.Context, s *Session, id string) (*api.ConversationInfo, error) {
	deadline := time.Now().Add(s.waitFor)
	for {
		info, err := s.Client.GetConversation(ctx, id)
		if err != nil && !pollAgain(s, err) {
			return nil, fail(api.OpGetConversation, err)
		}
		if err != nil {
			info = &api.ConversationInfo{}
		}
		if info.Status == api.ConversationStatusRunning && (info.RuntimeStatus == api.RuntimeStatusReady || info.RuntimeStatus == "") {
			return info, nil
		}
		if wrapper.IsTerminal(info.Status) {
			return nil, fmt.Errorf("conversation %s ended (%s) before it was running", id, info.Status)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("conversation %s not running after %s (status %s)", id, s.waitFor, info.Status)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(s.pollEvery):
		}
	}
}

// pollAgain reports whether a poll that failed with err should simply be
// made again at the next tick, as wrapper.Client.Wait does: a live server's
// transient 5xx (openhands-ai 0.53.0 answers 500 while it rewrites a
// conversation's metadata file, which getConversation may read half
// written). The failure is noted.
func pollAgain(s *Session, err error) bool {
	if !s.Live() || !errors.Is(err, wrapper.ErrServer) {
		return false
	}
	s.Notef("a poll failed and was made again: %s", err)
	return true
}

// deleteAfterStop deletes a conversation just stopped. A real server's local
// runtime may still be closing it: openhands-ai 0.62.0's LocalRuntime.delete
// then races the close and answers 500 (KeyError); the conversation stays
// listed as STOPPED, and a second DELETE a moment later deletes it. The
// retry is the scenario's, never the SDK's: a 500 is not retried there.
func deleteAfterStop(ctx context.Context, s *Session, id string) error {
	err := s.Client.DeleteConversation(ctx, id)
	if !s.Live() || !errors.Is(err, wrapper.ErrServer) {
		return err
	}
	s.Notef("deleteConversation right after stop failed (%s): deleted again a second later", err)
	if s.OnNetwork() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return s.Client.DeleteConversation(ctx, id)
}

// owned is a conversation a scenario created: deleted at clean-up unless
// the scenario deleted it itself.
type owned struct {
	id      string
	deleted bool
}

// own registers the clean-up of a conversation the scenario created.
func own(s *Session, id string) *owned {
	o := &owned{id: id}
	s.Cleanup("delete conversation "+id, func(ctx context.Context) error {
		if o.deleted {
			return nil
		}
		if err := deleteAfterStop(ctx, s, id); err != nil && !errors.Is(err, wrapper.ErrNotFound) {
			return err
		}
		return nil
	})
	return o
}

// Bounds that keep a live run small on a server with large conversations.
const (
	// eventWindow is how many of the oldest events the iterators read.
	eventWindow = 12
	// maxTrajectoryEvents is the largest conversation whose trajectory a
	// scenario fetches in one response.
	maxTrajectoryEvents = 5000
)

// checkEventOrder reads the oldest events (up to eventWindow) forward and in
// reverse, a few per page, checks both give the same events in opposite
// orders, and checks the event count (one reverse request) agrees with the
// newest id. It returns the count.
func checkEventOrder(ctx context.Context, s *Session, id string) (int, error) {
	count, err := s.Client.EventCount(ctx, id)
	if err != nil {
		return 0, fail("getEvents (count)", err)
	}
	if count == 0 {
		return 0, check(false, "getEvents: conversation %s has no events", id)
	}
	window := wrapper.EventRange{EndID: ptr(min(count, eventWindow) - 1), PageSize: 4}
	var forward, backward []int
	for ev, err := range s.Client.Events(ctx, id, window) {
		if err != nil {
			return 0, fail(api.OpGetEvents, err)
		}
		forward = append(forward, ev.ID)
	}
	for ev, err := range s.Client.EventsReverse(ctx, id, window) {
		if err != nil {
			return 0, fail("getEvents (reverse)", err)
		}
		backward = append(backward, ev.ID)
	}
	slices.Reverse(backward)
	if err := check(len(forward) > 0 && slices.Equal(forward, backward), "events forward %v and reversed %v differ", forward, backward); err != nil {
		return 0, err
	}
	return count, nil
}
