//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

const apiKey = "sim-api-key-0123456789abcdefghij"

func TestHostedAuth(t *testing.T) {
	e := newEnv(t, sim.WithMode(sim.ModeHosted), sim.WithAPIKey(apiKey), sim.WithSampleData())
	for _, headers := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic " + apiKey}} {
		status, _, body := e.do("GET", "/api/settings", "", "", headers...)
		if status != 401 || body != `{"error":"NoCredentialsError"}` {
			t.Errorf("credentials %v: %d %s", headers, status, body)
		}
	}
	if status, _, _ := e.do("GET", "/api/settings", "", "", "Authorization", "Bearer "+apiKey); status != 200 {
		t.Errorf("bearer key: %d", status)
	}
	if status, _, _ := e.do("GET", "/api/settings", "", "", "X-Session-API-Key", apiKey); status != 200 {
		t.Errorf("X-Session-API-Key as the API key: %d", status)
	}
	for _, path := range []string{"/api/options/config", "/alive", "/health", "/server_info", "/some/page"} {
		if status, _, _ := e.do("GET", path, "", ""); status != 200 {
			t.Errorf("%s without credentials: %d", path, status)
		}
	}
	if status, _, _ := e.do("GET", "/api/not-a-route", "", ""); status != 401 {
		t.Errorf("unknown /api path without credentials: %d", status)
	}
	if status, ct, _ := e.do("GET", "/api/not-a-route", "", "", "Authorization", "Bearer "+apiKey); status != 200 || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("unknown /api path with credentials: %d %s", status, ct)
	}

	c := newClient(t, e.base, "Authorization", "Bearer "+apiKey)
	r, _ := c.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{})
	info, _ := c.GetConversationWithResponse(ctx(t), r.JSON200.ConversationID)
	if info.JSON200.Trigger != api.ConversationTriggerOpenhandsAPI {
		t.Errorf("trigger of a bearer-created conversation: %s", info.JSON200.Trigger)
	}
}

func TestHostedRuntimeHost(t *testing.T) {
	e := newEnv(t, sim.WithMode(sim.ModeHosted), sim.WithAPIKey(apiKey), sim.WithSampleData())
	app := newClient(t, e.base, "Authorization", "Bearer "+apiKey)
	r, _ := app.CreateConversationWithResponse(ctx(t), api.CreateConversationRequest{InitialUserMsg: "do it"})
	id := r.JSON200.ConversationID
	g, _ := app.GetConversationWithResponse(ctx(t), id)
	info := g.JSON200
	if !strings.HasPrefix(info.URL, e.base+"/runtime/") || !strings.HasSuffix(info.URL, "/api/conversations/"+id) || info.SessionAPIKey == "" {
		t.Fatalf("hosted conversation while starting: url %q, key set %v", info.URL, info.SessionAPIKey != "")
	}
	e.clock.Advance(startDelay + runDuration/2)

	tr, _ := app.GetTrajectoryWithResponse(ctx(t), id)
	if tr.StatusCode() != 500 || tr.ContentType() != "text/html; charset=utf-8" || !strings.Contains(string(tr.Body), "System Maintenance") {
		t.Errorf("trajectory on the app host: %d %s", tr.StatusCode(), tr.ContentType())
	}
	for _, path := range []string{"vscode-url", "web-hosts", "microagents", "list-files", "git/changes", "zip-directory"} {
		if status, ct, _ := e.do("GET", "/api/conversations/"+id+"/"+path, "", "", "Authorization", "Bearer "+apiKey); status != 500 || !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s on the app host: %d %s", path, status, ct)
		}
	}
	if ev, _ := app.GetEventsWithResponse(ctx(t), id, nil); ev.JSON200 == nil || len(ev.JSON200.Events) == 0 {
		t.Errorf("events on the app host: %d", ev.StatusCode())
	}
	if cfg, _ := app.GetRuntimeConfigWithResponse(ctx(t), id); cfg.JSON200 == nil {
		t.Errorf("config on the app host: %d", cfg.StatusCode())
	}

	rt := runtimeClient(t, info)
	tr, err := rt.GetTrajectoryWithResponse(ctx(t), id)
	if err != nil || tr.JSON200 == nil || len(tr.JSON200.Trajectory) == 0 {
		t.Fatalf("trajectory on the runtime host: %v %d %s", err, tr.StatusCode(), tr.Body)
	}
	if m, _ := rt.SendMessageWithResponse(ctx(t), id, api.SendMessageRequest{Message: "more"}); m.JSON200 == nil || !m.JSON200.Success {
		t.Errorf("message on the runtime host: %s", m.Body)
	}
	if f, _ := rt.ListFilesWithResponse(ctx(t), id, nil); f.JSON200 == nil {
		t.Errorf("list-files on the runtime host: %d", f.StatusCode())
	}
	if g, _ := rt.GetConversationWithResponse(ctx(t), id); g.JSON200 == nil || g.JSON200.ConversationID != id {
		t.Errorf("get on the runtime host: %s", g.Body)
	}

	wrong := *info
	wrong.SessionAPIKey = "nope"
	for _, c := range []*api.ClientWithResponses{runtimeClient(t, &wrong), newClient(t, strings.TrimSuffix(info.URL, "/api/conversations/"+id)+"/", "Authorization", "Bearer "+apiKey)} {
		tr, _ = c.GetTrajectoryWithResponse(ctx(t), id)
		if tr.StatusCode() != 401 || string(tr.Body) != `{"detail":"Unauthorized"}` {
			t.Errorf("runtime host with a wrong key: %d %s", tr.StatusCode(), tr.Body)
		}
	}
	if status, _, _ := e.do("GET", strings.TrimPrefix(strings.TrimSuffix(info.URL, "/api/conversations/"+id), e.base)+"/alive", "", ""); status != 200 {
		t.Errorf("runtime /alive: %d", status)
	}
	if status, _, body := e.do("GET", strings.TrimPrefix(strings.TrimSuffix(info.URL, "/api/conversations/"+id), e.base)+"/api/settings", "", "", "X-Session-API-Key", info.SessionAPIKey); status != 404 {
		t.Errorf("settings on the runtime host: %d %s", status, body)
	}
	other := strings.Repeat("cd", 16)
	if ev, _ := rt.GetEventsWithResponse(ctx(t), other, nil); ev.StatusCode() != 404 {
		t.Errorf("another conversation on the runtime host: %d", ev.StatusCode())
	}

	app.StopConversationWithResponse(ctx(t), id)
	tr, _ = rt.GetTrajectoryWithResponse(ctx(t), id)
	if tr.StatusCode() != 503 {
		t.Errorf("runtime host of a stopped conversation: %d %s", tr.StatusCode(), tr.Body)
	}
	if g, _ := app.GetConversationWithResponse(ctx(t), id); g.JSON200.URL != "" || g.JSON200.SessionAPIKey != "" {
		t.Errorf("stopped conversation keeps url %q", g.JSON200.URL)
	}
	app.StartConversationWithResponse(ctx(t), id, api.StartConversationRequest{})
	g, _ = app.GetConversationWithResponse(ctx(t), id)
	if g.JSON200.URL == info.URL || g.JSON200.SessionAPIKey == info.SessionAPIKey {
		t.Error("a restarted conversation kept its runtime and session key")
	}
	if arr := e.srv.Arrivals(); arr[len(arr)-1].Host != sim.HostApp {
		t.Errorf("last arrival %+v", arr[len(arr)-1])
	}
}

func TestRemovedMode(t *testing.T) {
	e := newEnv(t, sim.WithMode(sim.ModeRemoved))
	for _, path := range []string{"/api/conversations", "/api/settings", "/alive", "/anything"} {
		status, ct, body := e.do("GET", path, "", "")
		if status != 200 || ct != "text/html; charset=utf-8" || body != sim.IndexHTML {
			t.Errorf("GET %s: %d %s", path, status, ct)
		}
	}
	for _, m := range []string{"POST", "PATCH", "DELETE", "PUT"} {
		status, _, body := e.do(m, "/api/conversations", "application/json", "{}")
		if status != 405 || body != `{"detail":"Method Not Allowed"}` {
			t.Errorf("%s: %d %s", m, status, body)
		}
	}
	r, err := e.client.ListConversationsWithResponse(ctx(t), nil)
	if err != nil || r.JSON200 != nil || r.StatusCode() != 200 {
		t.Errorf("generated client on a removed host: %v %d", err, r.StatusCode())
	}
	k := newEnv(t, sim.WithMode(sim.ModeRemoved), sim.WithAPIKey(apiKey))
	if status, _, _ := k.do("GET", "/api/conversations", "", ""); status != 401 {
		t.Errorf("removed hosted service without credentials: %d", status)
	}
}

func TestSessionAPIKey(t *testing.T) {
	e := newEnv(t, sim.WithSessionAPIKey("s3cret-session"))
	status, _, body := e.do("GET", "/api/settings", "", "")
	if status != 401 || body != `{"detail":"Unauthorized"}` {
		t.Errorf("without the key: %d %s", status, body)
	}
	if status, _, _ = e.do("GET", "/api/options/models", "", "", "X-Session-API-Key", "wrong"); status != 401 {
		t.Errorf("wrong key: %d", status)
	}
	if status, _, _ = e.do("GET", "/api/options/models", "", "", "X-Session-API-Key", "s3cret-session"); status != 200 {
		t.Errorf("right key: %d", status)
	}
	if status, _, _ = e.do("GET", "/alive", "", ""); status != 200 {
		t.Errorf("health without the key: %d", status)
	}
	if status, ct, _ := e.do("GET", "/settings", "", ""); status != 200 || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("the web app without the key: %d %s", status, ct)
	}
}

func TestSPAFallback(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/conversations/abc", "/api/v0/nothing", "/api/reset-settings"} {
		if status, ct, _ := e.do("GET", path, "", ""); status != 200 || ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: %d %s", path, status, ct)
		}
	}
	for _, req := range [][2]string{{"POST", "/api/nothing"}, {"PUT", "/api/settings"}, {"POST", "/api/options/models"}} {
		if status, _, body := e.do(req[0], req[1], "", ""); status != 405 || body != `{"detail":"Method Not Allowed"}` {
			t.Errorf("%s %s: %d %s", req[0], req[1], status, body)
		}
	}
	req, _ := http.NewRequest("GET", e.base+"/api/settings", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Cache-Control") != "no-cache, no-store, must-revalidate, max-age=0" || resp.Header.Get("Pragma") != "no-cache" {
		t.Errorf("cache headers: %v", resp.Header)
	}
}

func TestNestedOSS(t *testing.T) {
	e := newEnv(t, sim.WithNestedRuntimes(), sim.WithSampleData())
	id := e.create(api.CreateConversationRequest{InitialUserMsg: "x"})
	info := e.get(id)
	if !strings.HasPrefix(info.URL, "http") || info.SessionAPIKey == "" {
		t.Fatalf("docker-nested conversation: %+v", info)
	}
	tr, _ := e.client.GetTrajectoryWithResponse(ctx(t), id)
	if tr.StatusCode() != 500 || tr.ContentType() != "text/plain; charset=utf-8" {
		t.Errorf("trajectory on a docker-nested app host: %d %s", tr.StatusCode(), tr.ContentType())
	}
	if tr, _ = runtimeClient(t, info).GetTrajectoryWithResponse(ctx(t), id); tr.StatusCode() != 200 {
		t.Errorf("trajectory on the runtime host: %d", tr.StatusCode())
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range sim.Modes() {
		if got, err := sim.ParseMode(string(m)); err != nil || got != m {
			t.Errorf("ParseMode(%q) = %q, %v", m, got, err)
		}
	}
	if _, err := sim.ParseMode("cloud"); !errors.Is(err, sim.ErrUnknownMode) {
		t.Error("ParseMode accepted cloud")
	}
	if sim.New(sim.WithMode(sim.ModeHosted)).Mode() != sim.ModeHosted {
		t.Error("Mode() does not report the mode")
	}
}
