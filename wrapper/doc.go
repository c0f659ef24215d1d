// Package wrapper is a Go client for the OpenHands V0 REST API: typed calls
// over the generated api package, with timeouts, retries, typed errors, the
// automatic fallback to a conversation's runtime host, iterators and
// streaming downloads. It does everything the Python seed client
// (OpenHandsCloudAPI) did, without its bugs.
//
// Every call takes a context first; a Client is safe for concurrent use.
//
// # Connect
//
// NewFromEnv reads OPENHANDS_API_KEY, OPENHANDS_APP_BASE (default
// http://localhost:3000, a self-hosted OpenHands) and
// OPENHANDS_SESSION_API_KEY; options win over the environment:
//
//	c, err := wrapper.NewFromEnv(wrapper.WithBaseURL("http://openhands.internal:3000"))
//
// # Start a conversation and wait for it to end
//
//	resp, err := c.CreateConversation(ctx, api.CreateConversationRequest{
//		InitialUserMsg: "Fix the failing test",
//		Repository:     "owner/repo",
//	})
//	if err != nil {
//		return err
//	}
//	info, err := c.Wait(ctx, resp.ConversationID,
//		wrapper.WithPollInterval(10*time.Second),
//		wrapper.WithStatusCallback(func(ci api.ConversationInfo) { log.Println(ci.Status) }))
//
// Wait ends on STOPPED, ARCHIVED or ERROR, rides out transient failures
// (5xx, maintenance pages, 429, network errors) and gives up when the
// context ends, or after WithWaitTimeout if given, with an error matching
// context.DeadlineExceeded.
//
// # List conversations
//
// Conversations is an iterator over every page:
//
//	for conv, err := range c.Conversations(ctx, wrapper.ListOptions{Max: 50}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(conv.ConversationID, conv.Status, conv.Title)
//	}
//
// # Summarise a conversation
//
// Summary gathers the conversation, its event count, its model and its first
// user message concurrently:
//
//	s, err := c.Summary(ctx, id)
//	fmt.Println(s.Title, s.EventCount, s.Model, s.ModelSource, s.FirstMessage)
//
// # Read events
//
// Events and EventsReverse iterate over a conversation's events a page at a
// time; RecentModel, EarlyModel and FirstUserMessage scan them as far as
// needed (WithScanWindow):
//
//	for ev, err := range c.Events(ctx, id, wrapper.EventRange{StartID: 100}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.ID, ev.Source, ev.Action, ev.Observation)
//		if run, ok := wrapper.AsRun(ev); ok { // typed accessors for the common kinds
//			fmt.Println("$", run.Command)
//		}
//	}
//
// ActionRun, ObservationAgentStateChanged and the other constants name every
// kind the server emits; kinds the SDK does not know pass through untouched.
// Timestamps are timestamp.Time values (ev.Timestamp.Time, naive or zoned).
//
// # Change one setting
//
//	err := c.UpdateSettings(ctx, func(s *api.Settings) { s.MaxIterations = new(50) })
//
// # Options for one call
//
// Every method takes Options last, for that call only: WithHeader,
// WithTimeout, WithRetry, WithResponseInto, and the options of Wait,
// DownloadTrajectory and the scans:
//
//	var resp *http.Response
//	info, err := c.GetConversation(ctx, id, wrapper.WithTimeout(5*time.Second), wrapper.WithResponseInto(&resp))
//
// # Download a trajectory
//
// DownloadTrajectory streams the trajectory to disk in constant memory and
// replaces the file atomically; ExportEventsFile writes every event as JSON
// Lines for conversations too large for one trajectory answer:
//
//	res, err := c.DownloadTrajectory(ctx, id, "",
//		wrapper.WithProgress(func(written, total int64) { fmt.Print(".") }))
//	fmt.Println(res.Path, res.Bytes, res.SHA256, res.Host)
//
// # Handle errors
//
// Every answer that is not the declared success is an *APIError; match it
// with errors.Is against the sentinels, or errors.As for the details:
//
//	info, err := c.GetConversation(ctx, id)
//	switch {
//	case errors.Is(err, wrapper.ErrNotFound):
//		// the server answered 200 null: no such conversation
//	case errors.Is(err, wrapper.ErrUnauthorized):
//		// check OPENHANDS_API_KEY
//	case errors.Is(err, wrapper.ErrNotV0):
//		// the host does not serve the V0 API (app.all-hands.dev since 2026-04-16)
//	case err != nil:
//		var apiErr *wrapper.APIError
//		if errors.As(err, &apiErr) {
//			log.Println(apiErr.Operation, apiErr.StatusCode, apiErr.Message)
//		}
//	}
//
// Conversation-scoped calls (events, trajectory, files, message, ...) go to
// the app host and, when it answers a maintenance page, a page without V0 or
// a 5xx, to the conversation's runtime host; WithHostPolicy forces either.
// c.API() exposes the generated client for any operation not wrapped here;
// CheckResponse turns its answers into the same errors.
//
// Package openhandstest runs a fake server for testing code built on this
// package.
package wrapper
