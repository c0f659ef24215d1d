package wrapper_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// exampleID is the conversation the example server holds.
const exampleID = "5f3a7c0e9b8d4e21a6c4f0b1d2e3f4a5"

// exampleServer is a tiny V0 server for the examples, so they run offline:
// conversations whose status moves STARTING, RUNNING, STOPPED one poll at a
// time, and a few events.
type exampleServer struct {
	mu    sync.Mutex
	polls map[string]int
}

var exampleEvents = []string{
	`{"id":0,"source":"user","action":"message","message":"Add a --verbose flag","args":{"content":"Add a --verbose flag"}}`,
	`{"id":1,"source":"agent","action":"run","message":"Running command: grep -rn flag cmd/","args":{"command":"grep -rn flag cmd/"},"tool_call_metadata":{"function_name":"execute_bash","model_response":{"model":"claude-sonnet-4-20250514"}}}`,
	`{"id":2,"source":"environment","observation":"run","content":"cmd/root.go:12: flags","cause":1,"success":true,"extras":{"metadata":{"exit_code":0}}}`,
	`{"id":3,"source":"agent","action":"finish","message":"Added --verbose.","args":{"final_thought":"Added --verbose."},"tool_call_metadata":{"model_response":{"model":"claude-sonnet-4-20250514"}}}`,
}

// startExampleServer starts the example server and returns its URL and a
// function that stops it.
func startExampleServer() (string, func()) {
	s := &exampleServer{polls: map[string]int{}}
	srv := httptest.NewServer(s)
	return srv.URL, srv.Close
}

func (s *exampleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	path := strings.TrimPrefix(r.URL.Path, "/api/conversations")
	id, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch {
	case r.Method == http.MethodPost && path == "":
		fmt.Fprintf(w, `{"status":"ok","conversation_id":%q,"conversation_status":"STARTING"}`, exampleID)
	case r.Method == http.MethodGet && path == "":
		s.list(w, r)
	case id != exampleID:
		fmt.Fprint(w, "null") // what the server answers for a conversation it does not have
	case rest == "":
		s.mu.Lock()
		status := []string{"STARTING", "RUNNING", "STOPPED"}[min(s.polls[id], 2)]
		s.polls[id]++
		s.mu.Unlock()
		fmt.Fprintf(w, `{"conversation_id":%q,"title":"Add a verbose flag","status":%q,"selected_repository":"octo/cli",`+
			`"created_at":"2025-11-09T10:00:00Z","llm_model":"anthropic/claude-sonnet-4-20250514"}`, id, status)
	case rest == "events":
		s.events(w, r)
	case rest == "trajectory":
		fmt.Fprintf(w, `{"trajectory":[%s]}`, strings.Join(exampleEvents, ","))
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"detail":"Not Found"}`)
	}
}

// list serves three conversations, page_id being the index of the next one.
func (s *exampleServer) list(w http.ResponseWriter, r *http.Request) {
	titles := []string{"Add a verbose flag", "Fix the flaky test", "Update the README"}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	from, _ := strconv.Atoi(r.URL.Query().Get("page_id"))
	to := min(from+limit, len(titles))
	var page api.ConversationInfoResultSet
	for i := from; i < to; i++ {
		page.Results = append(page.Results, api.ConversationInfo{
			ConversationID: fmt.Sprintf("%031x%d", 0, i), Title: titles[i], Status: api.ConversationStatusStopped})
	}
	if to < len(titles) {
		page.NextPageID = strconv.Itoa(to)
	}
	_ = json.NewEncoder(w).Encode(page)
}

// events pages like the server: start_id..end_id, newest first with reverse.
func (s *exampleServer) events(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("start_id"))
	end := len(exampleEvents) - 1
	if v := q.Get("end_id"); v != "" {
		end, _ = strconv.Atoi(v)
	}
	limit := 20
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	var ids []int
	for i := start; i <= end && i < len(exampleEvents); i++ {
		ids = append(ids, i)
	}
	if q.Get("reverse") == "true" {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	more := len(ids) > limit
	ids = ids[:min(limit, len(ids))]
	page := make([]string, len(ids))
	for i, id := range ids {
		page[i] = exampleEvents[id]
	}
	fmt.Fprintf(w, `{"events":[%s],"has_more":%t}`, strings.Join(page, ","), more)
}

// Create a conversation and wait until it ends, printing each status.
func ExampleClient_Wait() {
	base, stop := startExampleServer()
	defer stop()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	resp, err := c.CreateConversation(ctx, api.CreateConversationRequest{
		InitialUserMsg: "Add a --verbose flag",
		Repository:     "octo/cli",
	})
	if err != nil {
		log.Fatal(err)
	}
	info, err := c.Wait(ctx, resp.ConversationID,
		wrapper.WithPollInterval(time.Millisecond), // seconds in real use; the default is 5s
		wrapper.WithWaitTimeout(time.Minute),
		wrapper.WithStatusCallback(func(ci api.ConversationInfo) { fmt.Println("status:", ci.Status) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ended:", info.Status)
	// Output:
	// status: STARTING
	// status: RUNNING
	// status: STOPPED
	// ended: STOPPED
}

// List every conversation, page by page.
func ExampleClient_Conversations() {
	base, stop := startExampleServer()
	defer stop()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		log.Fatal(err)
	}
	for conv, err := range c.Conversations(context.Background(), wrapper.ListOptions{PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(conv.Status, conv.Title)
	}
	// Output:
	// STOPPED Add a verbose flag
	// STOPPED Fix the flaky test
	// STOPPED Update the README
}

// Summarise a conversation: its state, size, model and first message.
func ExampleClient_Summary() {
	base, stop := startExampleServer()
	defer stop()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.Summary(context.Background(), exampleID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Title, "|", s.Repository, "|", s.EventCount, "events")
	fmt.Println(s.Model, "from", s.ModelSource)
	fmt.Println(s.FirstMessage)
	// Output:
	// Add a verbose flag | octo/cli | 4 events
	// anthropic/claude-sonnet-4-20250514 from conversation
	// Add a --verbose flag
}

// Iterate over a conversation's events, oldest first.
func ExampleClient_Events() {
	base, stop := startExampleServer()
	defer stop()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		log.Fatal(err)
	}
	for ev, err := range c.Events(context.Background(), exampleID, wrapper.EventRange{PageSize: 3}) {
		if err != nil {
			log.Fatal(err)
		}
		line := fmt.Sprintf("%d %s %s", ev.ID, ev.Source, ev.Action+ev.Observation)
		if model := wrapper.ModelFromEvent(ev); model != "" {
			line += " by " + model
		}
		fmt.Println(line)
	}
	// Output:
	// 0 user message
	// 1 agent run by claude-sonnet-4-20250514
	// 2 environment run
	// 3 agent finish by claude-sonnet-4-20250514
}

// Save a trajectory to a file: streamed, checked, renamed into place.
func ExampleClient_DownloadTrajectory() {
	base, stop := startExampleServer()
	defer stop()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "trajectory-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	var last int64
	res, err := c.DownloadTrajectory(context.Background(), exampleID, filepath.Join(dir, "t.json"),
		wrapper.WithProgress(func(written, total int64) { last = written }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(res.Path), "from the", res.Host, "host")
	fmt.Println(res.Bytes == last, len(res.SHA256), "hex digits of SHA-256")
	// Output:
	// t.json from the app host
	// true 64 hex digits of SHA-256
}

// Tell errors apart with errors.Is; read the details with errors.As.
func Example_errors() {
	base, stop := startExampleServer()
	defer stop()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.GetConversation(context.Background(), "0000000000000000000000000000dead")
	switch {
	case errors.Is(err, wrapper.ErrNotFound):
		fmt.Println("no such conversation")
	case errors.Is(err, wrapper.ErrUnauthorized):
		fmt.Println("check OPENHANDS_API_KEY")
	case err != nil:
		log.Fatal(err)
	}
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Operation, apiErr.StatusCode)
	}

	_, err = c.Summary(context.Background(), "../secrets")
	fmt.Println(errors.Is(err, wrapper.ErrValidation))
	// Output:
	// no such conversation
	// getConversation 200
	// true
}

// CheckRedirect is the redirect policy of the SDK's own client; give it to
// any other client that carries OpenHands credentials.
func ExampleCheckRedirect() {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("the other host got", r.Header.Get("X-Session-API-Key"))
	}))
	defer elsewhere.Close()
	app := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/steal", http.StatusFound))
	defer app.Close()

	hc := &http.Client{CheckRedirect: wrapper.CheckRedirect}
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/settings", nil)
	req.Header.Set("X-Session-API-Key", "my-session-key")
	_, err := hc.Do(req)
	fmt.Println(errors.Is(err, wrapper.ErrRedirectRefused))
	// Output: true
}
