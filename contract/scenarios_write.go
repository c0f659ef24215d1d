//lint:file-ignore SA1019 every V0 operation is deprecated upstream; calling them is what the harness is for.

package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// lifecycleTask is the task the lifecycle gives the agent: short, so a live
// run spends little.
const lifecycleTask = "Reply with the single word OK. Do not run any tools."

func lifecycleScenario() Scenario {
	return Scenario{
		Name: "conversation_lifecycle",
		Description: "A conversation's whole life: create, start, wait until the agent is done (it stays RUNNING), stop, events in pages and in reverse, " +
			"trajectory, rename, start again, message, event, upload, experiment config, stop, delete, then 200 null and false.",
		Writes: true,
		Sim:    SimSetup{SampleData: true},
		Run: func(ctx context.Context, s *Session) error {
			req := api.CreateConversationRequest{InitialUserMsg: lifecycleTask}
			if !s.Live() {
				// The simulator's seed data has a GitHub token and this repository; a live
				// run starts without one, so that it clones nothing of the user's.
				req.Repository, req.Branch, req.GitProvider = "sim-user/widgets", "main", api.ProviderTypeGithub
			}
			created, err := s.Client.CreateConversation(ctx, req)
			if err != nil {
				return fail(api.OpCreateConversation, err)
			}
			id := created.ConversationID
			conv := own(s, id)
			if _, err := s.Client.StartConversation(ctx, id, nil); err != nil {
				return fail(api.OpStartConversation, err)
			}
			// A server keeps a conversation whose agent is done RUNNING, awaiting
			// input, until it is stopped or idles out: the SDK's Wait ends on the
			// agent's state; then the scenario stops it.
			info, err := s.Client.Wait(ctx, id, s.WaitOptions()...)
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				s.Notef("the agent was still working after the wait bound: stopping it")
			case err != nil:
				return fail("Wait", err)
			default:
				s.Notef("Wait ended with the conversation %s", info.Status)
			}
			if _, err := s.Client.StopConversation(ctx, id); err != nil {
				return fail(api.OpStopConversation, err)
			}
			if err := readEvents(ctx, s, id); err != nil {
				return err
			}
			if err := s.Client.RenameConversation(ctx, id, "openhands-v0 contract lifecycle"); err != nil {
				return fail(api.OpUpdateConversation, err)
			}
			if _, err := s.Client.StartConversation(ctx, id, nil); err != nil {
				return fail("startConversation (again)", err)
			}
			if _, err := waitRunning(ctx, s, id); err != nil {
				return err
			}
			// The trajectory is served for a running conversation only (a real
			// server answers 404 for a stopped one).
			if _, err := s.Client.GetTrajectory(ctx, id); err != nil {
				return fail(api.OpGetTrajectory, err)
			}
			if err := readRuntime(ctx, s, id); err != nil {
				return err
			}
			if err := s.Client.SendMessage(ctx, id, "Thank you. Nothing more to do."); err != nil {
				return fail(api.OpSendMessage, err)
			}
			if err := s.Client.AddEvent(ctx, id, map[string]any{"action": "message", "args": map[string]any{"content": "A note from the contract test.", "image_urls": []any{}}}); err != nil {
				return fail(api.OpAddEvent, err)
			}
			up, err := s.Client.UploadFiles(ctx, id, []wrapper.UploadFile{{Name: "contract-note.txt", Open: func() (io.ReadCloser, error) {
				return io.NopCloser(strings.NewReader("uploaded by the openhands-v0 contract test\n")), nil
			}}})
			if err != nil {
				return fail(api.OpUploadFiles, err)
			}
			if err := check(slices.ContainsFunc(up.UploadedFiles, func(f string) bool { return strings.HasSuffix(f, "contract-note.txt") }),
				"uploadFiles: uploaded %v, want contract-note.txt", up.UploadedFiles); err != nil {
				return err
			}
			exp, err := s.Client.API().AddExperimentConfigWithResponse(ctx, id, api.ExperimentConfig{Config: map[string]string{"contract": "on"}})
			if err != nil {
				return fail(api.OpAddExperimentConfig, err)
			}
			switch {
			case s.Live() && exp.JSON404 != nil && exp.JSON404.Detail == "Not Found":
				s.Notef("addExperimentConfig: the server has no such route any more (404; openhands-ai 1.6.0 and later)")
			case exp.StatusCode() != 200:
				return check(false, "addExperimentConfig: %d %s", exp.StatusCode(), exp.Status())
			}
			if _, err := s.Client.StopConversation(ctx, id); err != nil {
				return fail(api.OpStopConversation, err)
			}
			if err := deleteAfterStop(ctx, s, id); err != nil {
				return fail(api.OpDeleteConversation, err)
			}
			conv.deleted = true
			if _, err := s.Client.GetConversation(ctx, id); err != nil {
				if err := expectError("getConversation (deleted)", err, wrapper.ErrNotFound); err != nil {
					return err
				}
			} else {
				return check(false, "getConversation: a deleted conversation is still there")
			}
			return expectError("deleteConversation (again)", s.Client.DeleteConversation(ctx, id), wrapper.ErrNotFound)
		},
	}
}

// readEvents reads a conversation's events a page at a time by hand, then
// with the iterators both ways (checkEventOrder).
func readEvents(ctx context.Context, s *Session, id string) error {
	page1, err := s.Client.GetEvents(ctx, id, wrapper.EventsQuery{Limit: ptr(2)})
	if err != nil {
		return fail(api.OpGetEvents, err)
	}
	if len(page1.Events) == 0 {
		return check(false, "getEvents: a finished conversation has no events")
	}
	if page1.HasMore {
		next := page1.Events[len(page1.Events)-1].ID + 1
		page2, err := s.Client.GetEvents(ctx, id, wrapper.EventsQuery{StartID: next, Limit: ptr(2)})
		if err != nil {
			return fail("getEvents (page 2)", err)
		}
		if err := check(len(page2.Events) > 0 && page2.Events[0].ID == next, "getEvents page 2 does not start at %d", next); err != nil {
			return err
		}
	}
	_, err = checkEventOrder(ctx, s, id)
	return err
}

func settingsScenario() Scenario {
	return Scenario{
		Name:        "settings_round_trip",
		Description: "Settings read, stored with a change, read back and restored as they were; reset-settings answers 410.",
		Writes:      true,
		Sim:         SimSetup{SampleData: true},
		Run: func(ctx context.Context, s *Session) error {
			before, err := s.Client.GetSettings(ctx)
			if err != nil {
				return fail(api.OpGetSettings, err)
			}
			original, err := storable(before)
			if err != nil {
				return err
			}
			s.Cleanup("restore the settings", func(ctx context.Context) error {
				return s.Client.StoreSettings(ctx, original)
			})
			changed := original
			sound := original.EnableSoundNotifications == nil || !*original.EnableSoundNotifications
			changed.EnableSoundNotifications = &sound
			if !s.Live() {
				// A live run keeps the user's keys: a stored key cannot be read back to restore it.
				changed.LLMAPIKey, changed.SearchAPIKey = fakeLLMKey, fakeSearchKey
			}
			if err := s.Client.StoreSettings(ctx, changed); err != nil {
				return fail(api.OpStoreSettings, err)
			}
			after, err := s.Client.GetSettings(ctx)
			if err != nil {
				return fail(api.OpGetSettings, err)
			}
			if err := check(after.EnableSoundNotifications != nil && *after.EnableSoundNotifications == sound,
				"getSettings: enable_sound_notifications not %v after storing it", sound); err != nil {
				return err
			}
			if !s.Live() {
				if err := check(after.LLMAPIKeySet, "getSettings: llm_api_key_set false after storing a key"); err != nil {
					return err
				}
			}
			reset, err := s.Client.API().ResetSettingsWithResponse(ctx)
			if err != nil {
				return fail(api.OpResetSettings, err)
			}
			if s.Live() && reset.JSON404 != nil && reset.JSON404.Detail == "Not Found" {
				s.Notef("resetSettings: the server has no such route any more (404; openhands-ai 1.6.0 and later)")
				return nil
			}
			return check(reset.StatusCode() == 410, "resetSettings: %s, want 410 Gone", reset.Status())
		},
	}
}

// storable is what getSettings returned, as storeSettings takes it back:
// the same fields, without the write-only keys (the server keeps the stored
// ones when they are left out).
func storable(info *api.SettingsInfo) (api.Settings, error) {
	var out api.Settings
	raw, err := json.Marshal(info)
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		return out, fmt.Errorf("getSettings: cannot reuse the settings: %w", err)
	}
	out.LLMAPIKey, out.SearchAPIKey, out.SandboxAPIKey = "", "", ""
	return out, nil
}

// contractSecretName is the custom secret the secrets scenario creates.
const contractSecretName = "OPENHANDS_V0_CONTRACT_SECRET"

func secretsScenario() Scenario {
	return Scenario{
		Name:        "secrets_crud",
		Description: "A custom secret created, listed, described anew, deleted, and gone from the list; its value never read back.",
		Writes:      true,
		Sim:         SimSetup{SampleData: true},
		Run: func(ctx context.Context, s *Session) error {
			if _, err := s.Client.ListSecrets(ctx); err != nil {
				return fail(api.OpListSecrets, err)
			}
			if err := s.Client.CreateSecret(ctx, api.CreateSecretRequest{Name: contractSecretName, Value: fakeSecretValue,
				Description: "created by the openhands-v0 contract test"}); err != nil {
				return fail(api.OpCreateSecret, err)
			}
			deleted := false
			s.Cleanup("delete secret "+contractSecretName, func(ctx context.Context) error {
				if deleted {
					return nil
				}
				if err := s.Client.DeleteSecret(ctx, contractSecretName); err != nil && !errors.Is(err, wrapper.ErrNotFound) {
					return err
				}
				return nil
			})
			if err := hasSecret(ctx, s, contractSecretName, true); err != nil {
				return err
			}
			if err := s.Client.UpdateSecret(ctx, contractSecretName, api.UpdateSecretRequest{Name: contractSecretName,
				Description: "described anew by the openhands-v0 contract test"}); err != nil {
				return fail(api.OpUpdateSecret, err)
			}
			if err := s.Client.DeleteSecret(ctx, contractSecretName); err != nil {
				return fail(api.OpDeleteSecret, err)
			}
			deleted = true
			return hasSecret(ctx, s, contractSecretName, false)
		},
	}
}

func hasSecret(ctx context.Context, s *Session, name string, want bool) error {
	list, err := s.Client.ListSecrets(ctx)
	if err != nil {
		return fail(api.OpListSecrets, err)
	}
	got := slices.ContainsFunc(list, func(i api.CustomSecretInfo) bool { return i.Name == name })
	return check(got == want, "listSecrets: secret %s listed = %v, want %v", name, got, want)
}

func gitProvidersScenario() Scenario {
	return Scenario{
		Name: "git_providers",
		Description: "A git provider token stored and shown as set in the settings, then every provider token unset. " +
			"Live only against a throw-away server: the user's tokens cannot be read back to restore them.",
		Writes:     true,
		Disposable: true,
		Sim:        SimSetup{SampleData: true},
		Run: func(ctx context.Context, s *Session) error {
			err := s.Client.AddGitProviders(ctx, api.GitProvidersRequest{ProviderTokens: map[string]api.ProviderToken{
				string(api.ProviderTypeGithub): {Token: fakeGitHubToken, Host: "github.com"},
			}})
			if s.Live() && errors.Is(err, wrapper.ErrUnauthorized) {
				// A real server checks a token against its git host before it
				// stores it: a made-up token is refused (401 "Invalid token").
				s.Notef("addGitProviders: the server checked the token with its git host and refused it (401)")
				if err := s.Client.UnsetProviderTokens(ctx); err != nil {
					return fail(api.OpUnsetProviderTokens, err)
				}
				return nil
			}
			if err != nil {
				return fail(api.OpAddGitProviders, err)
			}
			set, err := s.Client.GetSettings(ctx)
			if err != nil {
				return fail(api.OpGetSettings, err)
			}
			if _, ok := set.ProviderTokensSet[string(api.ProviderTypeGithub)]; !ok {
				return check(false, "getSettings: provider_tokens_set %v lacks github after addGitProviders", set.ProviderTokensSet)
			}
			if err := s.Client.UnsetProviderTokens(ctx); err != nil {
				return fail(api.OpUnsetProviderTokens, err)
			}
			unset, err := s.Client.GetSettings(ctx)
			if err != nil {
				return fail(api.OpGetSettings, err)
			}
			return check(len(unset.ProviderTokensSet) == 0, "getSettings: provider_tokens_set %v after unsetProviderTokens", unset.ProviderTokensSet)
		},
	}
}

func feedbackScenario() Scenario {
	return Scenario{
		Name: "feedback",
		Description: "Feedback on a conversation. Never run live: the server sends the trajectory to the feedback service, " +
			"which cannot be undone.",
		Writes:          true,
		SimOnly:         true,
		NotOnRealServer: "never run live: submit-feedback sends the conversation's trajectory to the OpenHands feedback service, off the machine, and cannot be undone",
		Sim:             SimSetup{SampleData: true},
		Run: func(ctx context.Context, s *Session) error {
			conv, err := findConversation(ctx, s, "running V0 conversation", func(c api.ConversationInfo) bool {
				return c.Status == api.ConversationStatusRunning && c.ConversationVersion != "V1"
			})
			if err != nil {
				return err
			}
			res, err := s.Client.SubmitFeedback(ctx, conv.ConversationID, api.FeedbackRequest{
				Email: "contract@example.com", Polarity: "positive", Permissions: "private", Version: "1.0"})
			if err != nil {
				return fail(api.OpSubmitFeedback, err)
			}
			s.Notef("feedback service answered %d", res.StatusCode)
			return nil
		},
	}
}
