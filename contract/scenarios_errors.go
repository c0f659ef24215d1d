//lint:file-ignore SA1019 every V0 operation is deprecated upstream; calling them is what the harness is for.

package contract

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/spec"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// missingConversationID is a well-formed conversation id no server has.
const missingConversationID = "00000000000040008000c0ffee00dead"

func missingConversationScenario() Scenario {
	return Scenario{
		Name: "missing_conversation",
		Description: "A conversation the server does not have: getConversation answers 200 null and deleteConversation false, " +
			"both ErrNotFound in the SDK; an invalid id is refused before any request.",
		Run: func(ctx context.Context, s *Session) error {
			_, err := s.Client.GetConversation(ctx, missingConversationID)
			if err := expectError(api.OpGetConversation, err, wrapper.ErrNotFound); err != nil {
				return err
			}
			if err := expectError(api.OpDeleteConversation, s.Client.DeleteConversation(ctx, missingConversationID), wrapper.ErrNotFound); err != nil {
				return err
			}
			_, err = s.Client.GetConversation(ctx, "../etc/passwd")
			return expectError("getConversation (invalid id)", err, wrapper.ErrValidation)
		},
	}
}

func unknownFieldScenario() Scenario {
	return Scenario{
		Name: "unknown_field",
		Description: "Bodies with a field the server does not know: createConversation and updateConversation answer 422 " +
			"with FastAPI's validation error (sent raw through the generated client, since the SDK cannot send them).",
		// A server that accepted the body would create and start a conversation.
		Writes: true,
		Expect: []Expectation{
			{Kind: KindRequest, Operation: api.OpCreateConversation, Location: "request body", Why: "the body has a field the spec forbids, on purpose"},
			{Kind: KindRequest, Operation: api.OpUpdateConversation, Location: "request body", Why: "the body has a field the spec forbids, on purpose"},
		},
		Run: func(ctx context.Context, s *Session) error {
			create, err := s.Client.API().CreateConversationWithBodyWithResponse(ctx, "application/json",
				strings.NewReader(`{"initial_user_msg":"hello","no_such_field":true}`))
			if err != nil {
				return fail(api.OpCreateConversation, err)
			}
			if create.JSON200 != nil && create.JSON200.ConversationID != "" {
				own(s, create.JSON200.ConversationID)
			}
			if err := check(create.StatusCode() == 422, "createConversation with an unknown field: %s, want 422", create.Status()); err != nil {
				return err
			}
			if err := check(create.JSON422 != nil && len(create.JSON422.Detail) > 0, "createConversation 422 without a validation detail"); err != nil {
				return err
			}
			update, err := s.Client.API().UpdateConversationWithBodyWithResponse(ctx, missingConversationID, "application/json",
				strings.NewReader(`{"title":"renamed","no_such_field":1}`))
			if err != nil {
				return fail(api.OpUpdateConversation, err)
			}
			return check(update.StatusCode() == 422, "updateConversation with an unknown field: %s, want 422", update.Status())
		},
	}
}

func invalidLimitScenario() Scenario {
	return Scenario{
		Name: "invalid_events_limit",
		Description: "An events page limit above 100: the SDK refuses it before sending; sent raw, the server answers " +
			`400 {"detail":"Invalid limit"}.`,
		Sim: SimSetup{SampleData: true},
		Expect: []Expectation{
			{Kind: KindRequest, Operation: api.OpGetEvents, Location: `query parameter "limit"`, Why: "limit 500 breaks the spec's maximum of 100, on purpose"},
		},
		Run: func(ctx context.Context, s *Session) error {
			conv, err := findConversation(ctx, s, "V0 conversation", func(c api.ConversationInfo) bool { return c.ConversationVersion != "V1" })
			if err != nil {
				return err
			}
			id := conv.ConversationID
			_, err = s.Client.GetEvents(ctx, id, wrapper.EventsQuery{Limit: ptr(500)})
			if err := expectError("getEvents (limit 500, SDK)", err, wrapper.ErrValidation); err != nil {
				return err
			}
			raw, err := s.Client.API().GetEventsWithResponse(ctx, id, &api.GetEventsParams{Limit: ptr(500)})
			if err != nil {
				return fail(api.OpGetEvents, err)
			}
			if err := check(raw.StatusCode() == 400, "getEvents with limit 500: %s, want 400", raw.Status()); err != nil {
				return err
			}
			return check(raw.JSON400 != nil && raw.JSON400.Detail == "Invalid limit", "getEvents 400 body: %q", string(raw.Body))
		},
	}
}

// wrongKey is the credential the 401 scenarios send; it is fake, and
// scrubbed like any key.
const wrongKey = "contract-wrong-key-000000000000"

func unauthorizedSessionKeyScenario() Scenario {
	return Scenario{
		Name: "unauthorized_session_key",
		Description: "A self-hosted server with SESSION_API_KEY: a wrong or missing X-Session-API-Key is 401 " +
			`{"detail":"Unauthorized"} (ErrUnauthorized); the right one works, and the health routes need none.`,
		Sim: SimSetup{SessionAPIKey: true, SampleData: true},
		Run: func(ctx context.Context, s *Session) error {
			return unauthorized(ctx, s, wrapper.WithSessionAPIKey(wrongKey), wrapper.WithAPIKey(""))
		},
	}
}

func unauthorizedHostedScenario() Scenario {
	return Scenario{
		Name: "unauthorized_hosted",
		Description: "The hosted service: a wrong or missing bearer API key is 401 " +
			`{"error":"NoCredentialsError"} (ErrUnauthorized); the right one works.`,
		SimOnly:         true,
		NotOnRealServer: "needs the hosted service (bearer API keys): a self-hosted install has no such mode",
		Sim:             SimSetup{Mode: sim.ModeHosted, APIKey: true},
		Run: func(ctx context.Context, s *Session) error {
			return unauthorized(ctx, s, wrapper.WithAPIKey(wrongKey))
		},
	}
}

// unauthorized calls getSettings with wrong credentials, with none, and
// with the session's own.
func unauthorized(ctx context.Context, s *Session, wrong ...wrapper.Option) error {
	bad, err := s.NewClient(wrong...)
	if err != nil {
		return err
	}
	_, err = bad.ListConversations(ctx, wrapper.ListOptions{PageSize: 1, Max: 1})
	if s.Live() && err == nil {
		return s.Skip("the server accepted wrong credentials: it does not check them")
	}
	if err := expectError("listConversations (wrong credentials)", err, wrapper.ErrUnauthorized); err != nil {
		return err
	}
	none, err := s.NewClient(wrapper.WithAPIKey(""), wrapper.WithSessionAPIKey(""))
	if err != nil {
		return err
	}
	_, err = none.GetSettings(ctx)
	if err := expectError("getSettings (no credentials)", err, wrapper.ErrUnauthorized); err != nil {
		return err
	}
	if _, err := none.Alive(ctx); err != nil {
		return fail("alive (no credentials)", err)
	}
	if _, err := s.Client.ListConversations(ctx, wrapper.ListOptions{PageSize: 1, Max: 1}); err != nil {
		return fail("listConversations (right credentials)", err)
	}
	return nil
}

func rateLimitScenario() Scenario {
	return Scenario{
		Name: "rate_limited",
		Description: `A 429 {"message":"Too many requests"} with Retry-After: the SDK waits and retries the GET, which then succeeds; ` +
			"a POST answered 429 is not repeated.",
		Sim: SimSetup{Prepare: func(srv *sim.Server) {
			rateLimitOnce(srv, "GET", "/api/options/models")
			rateLimitOnce(srv, "GET", "/api/settings")
			rateLimitOnce(srv, "POST", "/api/secrets")
		}},
		Run: func(ctx context.Context, s *Session) error {
			if s.Live() {
				return realRateLimit(ctx, s)
			}
			models, err := s.Client.ListModels(ctx)
			if err != nil {
				return fail("listModels (after a 429)", err)
			}
			if err := check(len(models) > 0, "listModels: no models after the retry"); err != nil {
				return err
			}
			if _, err := s.Client.GetSettings(ctx); err != nil && !errors.Is(err, wrapper.ErrNotFound) {
				return fail("getSettings (after a 429)", err)
			}
			err = s.Client.CreateSecret(ctx, api.CreateSecretRequest{Name: contractSecretName, Value: fakeSecretValue2})
			return expectError("createSecret (429, not retried)", err, wrapper.ErrRateLimited)
		},
	}
}

func hostedFallbackScenario() Scenario {
	return Scenario{
		Name: "hosted_runtime_fallback",
		Description: "The hosted service's app host answers runtime routes with its HTML \"System Maintenance\" page (500): " +
			"the SDK falls back to the conversation's runtime host and its session key.",
		Writes:          true,
		SimOnly:         true,
		NotOnRealServer: "needs the hosted service's app host, whose maintenance page sends runtime routes to a runtime host: a self-hosted install serves them itself",
		Sim:             SimSetup{Mode: sim.ModeHosted, APIKey: true},
		Run: func(ctx context.Context, s *Session) error {
			// A new account stores its LLM settings before its first conversation.
			if err := s.Client.StoreLLMSettings(ctx, wrapper.LLMSettings{Model: "anthropic/claude-sonnet-4-5-20250929", APIKey: fakeLLMKey}); err != nil {
				return fail(api.OpStoreSettings, err)
			}
			created, err := s.Client.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: lifecycleTask})
			if err != nil {
				return fail(api.OpCreateConversation, err)
			}
			id := created.ConversationID
			conv := own(s, id)
			info, err := waitRunning(ctx, s, id)
			if err != nil {
				return err
			}
			if err := check(info.URL != "" && info.SessionAPIKey != "", "a running hosted conversation without url or session_api_key"); err != nil {
				return err
			}
			traj, err := s.Client.GetTrajectory(ctx, id)
			if err != nil {
				return fail("getTrajectory (fallback to the runtime host)", err)
			}
			s.Notef("trajectory of %d events from the runtime host", len(traj.Trajectory))
			if _, err := s.Client.ListFiles(ctx, id, ""); err != nil {
				return fail("listFiles (fallback to the runtime host)", err)
			}
			appOnly := s.Client.WithHostPolicy(wrapper.HostApp)
			_, err = appOnly.GetTrajectory(ctx, id)
			if err := expectError("getTrajectory (app host only)", err, wrapper.ErrMaintenance); err != nil {
				return err
			}
			if _, err := s.Client.StopConversation(ctx, id); err != nil {
				return fail(api.OpStopConversation, err)
			}
			if err := s.Client.DeleteConversation(ctx, id); err != nil {
				return fail(api.OpDeleteConversation, err)
			}
			conv.deleted = true
			return nil
		},
	}
}

func removedHostScenario() Scenario {
	return Scenario{
		Name: "v0_removed_host",
		Description: "A host that no longer serves V0 (app.all-hands.dev since 2026-04-16): GETs answer the web app's " +
			"index.html with 200, other methods 405; the SDK says ErrNotV0 instead of failing to decode.",
		SimOnly:         true,
		NotOnRealServer: "needs a host without V0 (app.all-hands.dev since 2026-04-16): every released openhands-ai that serves V0 serves it whole",
		Sim:             SimSetup{Mode: sim.ModeRemoved},
		Expect: []Expectation{
			{Kind: KindResponse, Finding: spec.FindingContentType, Status: 200, Why: "the web app's HTML where V0 JSON was due"},
			{Kind: KindResponse, Operation: api.OpCreateConversation, Status: 405, Why: "the removed host refuses V0 POSTs with 405"},
		},
		Run: func(ctx context.Context, s *Session) error {
			_, err := s.Client.ListConversations(ctx, wrapper.ListOptions{PageSize: 1, Max: 1})
			if err := expectError(api.OpListConversations, err, wrapper.ErrNotV0); err != nil {
				return err
			}
			_, err = s.Client.GetSettings(ctx)
			if err := expectError(api.OpGetSettings, err, wrapper.ErrNotV0); err != nil {
				return err
			}
			_, err = s.Client.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: lifecycleTask})
			return expectError(api.OpCreateConversation, err, wrapper.ErrNotV0)
		},
	}
}

// rateBurst is how many requests realRateLimit sends at once: the
// self-hosted limiter (openhands/server/middleware.py) lets 10 a second per
// client through, delays the next 10 by a second, and answers 429 beyond 20.
const rateBurst = 30

// realRateLimit drives a real server's own limiter: a burst of listModels
// from a client that does not retry, some answered 429 (ErrRateLimited,
// with Retry-After); then the SDK's listModels, which waits out any 429 and
// succeeds. Whether one POST meets a 429 depends on timing a real server
// does not let us choose, so that part is the simulator's.
func realRateLimit(ctx context.Context, s *Session) error {
	noRetry, err := s.NewClient(wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, rateBurst)
	for i := range rateBurst {
		wg.Go(func() { _, errs[i] = noRetry.ListModels(ctx) })
	}
	wg.Wait()
	limited := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, wrapper.ErrRateLimited):
			limited++
		case err != nil:
			return fail("listModels (burst)", err)
		}
	}
	if limited == 0 {
		return s.Skip("%d requests at once, none answered 429: the server has no rate limiter, or a looser one", rateBurst)
	}
	s.Notef("%d of %d requests sent at once were answered 429", limited, rateBurst)
	if _, err := s.Client.ListModels(ctx); err != nil {
		return fail("listModels (after the burst)", err)
	}
	if s.OnNetwork() {
		// Let the limiter's one-second window pass before the next scenario.
		time.Sleep(1100 * time.Millisecond)
	}
	return nil
}

// rateLimitOnce makes the simulator answer the next matching request with
// the self-hosted rate limiter's 429.
func rateLimitOnce(srv *sim.Server, method, path string) {
	srv.InjectFault(sim.Fault{Kind: sim.FaultStatus, Method: method, Path: path, Times: 1, Status: http.StatusTooManyRequests,
		Body: []byte(`{"message":"Too many requests"}`), Header: http.Header{"Retry-After": {"1"}}})
}
