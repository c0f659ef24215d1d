package sim_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
)

func TestOSSRateLimit(t *testing.T) {
	clock := sim.NewStepClock(sim.DefaultEpoch, time.Millisecond)
	_, base := simtest.NewServer(t, sim.WithClock(clock), sim.WithRateLimit(true))
	statuses := make([]int, 0, 25)
	var last *http.Response
	for range 22 {
		resp, err := http.Get(base + "/api/options/agents")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		last = resp
	}
	for i, st := range statuses {
		if want := 200; i >= 20 {
			want = 429
			if st != want {
				t.Errorf("request %d: %d, want %d", i+1, st, want)
			}
		} else if st != want {
			t.Errorf("request %d: %d, want %d", i+1, st, want)
		}
	}
	if last.Header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", last.Header.Get("Retry-After"))
	}
	clock.Advance(2 * time.Second)
	if resp, err := http.Get(base + "/api/options/agents"); err != nil || resp.StatusCode != 200 {
		t.Errorf("after the window: %v %v", err, resp)
	}
}

func TestHostedRateLimit(t *testing.T) {
	clock := sim.NewManualClock(sim.DefaultEpoch.Add(300 * time.Millisecond))
	e := newEnv(t, sim.WithClock(clock), sim.WithMode(sim.ModeHosted), sim.WithAPIKey(apiKey), sim.WithRateLimit(true))
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", e.base+"/api/options/agents", nil)
		req.Header.Set("Authorization", "Bearer "+apiKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 10 {
		if resp := get(); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := get()
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Limit") != "10 per 1 second" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("11th request: %d %v", resp.StatusCode, resp.Header)
	}
	reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if reset != clock.Now().Add(time.Second).Unix() || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("reset %d retry-after %q", reset, resp.Header.Get("Retry-After"))
	}
	_, _, body := e.do("GET", "/api/options/agents", "", "", "Authorization", "Bearer "+apiKey)
	if body != `{"error":"Rate limit exceeded: 10 per 1 second"}` {
		t.Errorf("body %s", body)
	}
	// Refused and unauthenticated requests do not count towards the minute.
	if status, _, _ := e.do("GET", "/alive", "", ""); status != 200 {
		t.Errorf("alive: %d", status)
	}
	for range 9 {
		clock.Advance(time.Second)
		for range 10 {
			get()
		}
	}
	clock.Advance(time.Second)
	if resp := get(); resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Limit") != "100 per 1 minute" {
		t.Errorf("101st request in a minute: %d %v", resp.StatusCode, resp.Header)
	}
}
