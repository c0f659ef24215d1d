package faults

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// column is one class of operation. run injects the row's fault where the
// operation will meet it, runs the operation under guarded, checks the
// invariants every cell must keep, and returns the outcome as the matrix
// states it.
type column struct {
	name string
	// running is how many RUNNING conversations the cell needs.
	running int
	run     func(t *testing.T, e *env, r row) string
}

func columns() []column {
	return []column{
		{name: "GET", running: 1, run: runGet},
		{name: "list", run: runList},
		{name: "create POST", run: runCreate},
		{name: "start/stop/message POST", running: 2, run: runLifecycle},
		{name: "trajectory download", running: 1, run: runTrajectory},
		{name: "export", run: runExport},
	}
}

// inject arms the row's fault for method and path (a sim.MatchPath pattern).
// With skip, the first skip matching requests pass untouched (a zero-latency
// fault takes them), so a fault can hit the middle of an iteration.
func inject(e *env, r row, method, path string, skip int) sim.FaultKind {
	if skip > 0 {
		e.sim.InjectFault(sim.Fault{Kind: sim.FaultLatency, Method: method, Path: path, Times: skip})
	}
	f := r.make()
	f.Method, f.Path, f.Times = method, path, 1
	if r.persistent {
		f.Times = 0
	}
	e.sim.InjectFault(f)
	return f.Kind
}

// count is the number of arrivals with this method and path pattern.
func count(arrivals []sim.Arrival, method, pattern string) int {
	n := 0
	for _, a := range arrivals {
		if a.Method == method && sim.MatchPath(pattern, a.Path) {
			n++
		}
	}
	return n
}

// processed reports whether an arrival reached the server's handler: no
// fault, or a fault that serves the real answer (and so ran the handler)
// before spoiling it, or a latency the client waited out.
func processed(a sim.Arrival) bool {
	switch a.Fault {
	case "", sim.FaultResetAfterHeaders, sim.FaultTruncatedBody, sim.FaultSlowBody, sim.FaultInvalidUTF8, sim.FaultMalformedJSON:
		return true
	case sim.FaultLatency:
		return a.Status != 0
	}
	return false
}

// checkPostOnce asserts that no POST to path was processed twice and none
// arrived after one was processed; it returns how many arrived and how many
// were processed.
func checkPostOnce(t *testing.T, arrivals []sim.Arrival, path string) (arrived, done int) {
	t.Helper()
	for _, a := range arrivals {
		if a.Method != http.MethodPost || !sim.MatchPath(path, a.Path) {
			continue
		}
		if done > 0 {
			t.Errorf("POST %s arrived again after the server had processed it (arrival %d, fault %q)", path, arrived+1, a.Fault)
		}
		arrived++
		if processed(a) {
			done++
		}
	}
	return arrived, done
}

// outcome states a result: ok (after N retries), or the error's kind.
// tries is how many requests the faulted route received; fallback says the
// runtime host was asked after the app host failed.
func outcome(err error, tries int, fallback bool) string {
	var b strings.Builder
	if err == nil {
		b.WriteString("ok")
	} else {
		b.WriteString(errorKind(err))
	}
	if fallback {
		b.WriteString(" via runtime")
	}
	switch {
	case tries == 2 && err == nil && !fallback:
		b.WriteString(" after 1 retry")
	case tries > 2 && err == nil && !fallback:
		fmt.Fprintf(&b, " after %d retries", tries-1)
	case tries > 1:
		fmt.Fprintf(&b, ", %d tries", tries)
	}
	return b.String()
}

func runGet(t *testing.T, e *env, r row) string {
	id := e.running[0]
	path := "/api/conversations/" + id
	inject(e, r, http.MethodGet, path, 0)
	var got *api.ConversationInfo
	err := e.do(t, func(ctx context.Context) (err error) {
		got, err = e.client.GetConversation(ctx, id)
		return err
	})
	arrivals := e.settle()
	if err == nil && got.ConversationID != id {
		if strings.ReplaceAll(got.ConversationID, "\uFFFD", "") == id {
			return "ok, U+FFFD in data"
		}
		t.Errorf("got conversation %q, want %q", got.ConversationID, id)
	}
	return outcome(err, count(arrivals, http.MethodGet, path), false)
}

// listPage is the page size of the list column: the seed data spans several
// pages, and the fault hits the second.
const listPage = 2

func runList(t *testing.T, e *env, r row) string {
	const path = "/api/conversations"
	clean := e.cleanListRequests(t)
	inject(e, r, http.MethodGet, path, 1)
	var got []api.ConversationInfo
	err := e.do(t, func(ctx context.Context) (err error) {
		got, err = e.client.ListConversations(ctx, wrapper.ListOptions{PageSize: listPage})
		return err
	})
	arrivals := e.settle()
	ids := make([]string, 0, len(got))
	for _, c := range got {
		ids = append(ids, c.ConversationID)
	}
	switch {
	case err == nil && !slices.Equal(ids, e.listed):
		return fmt.Sprintf("ok, LOST RESULTS: %d of %d", len(ids), len(e.listed))
	case err != nil && (len(ids) > len(e.listed) || !slices.Equal(ids, e.listed[:len(ids)])):
		t.Errorf("the partial listing %v is not a prefix of %v", ids, e.listed)
	}
	// tries of the faulted page: on success its requests beyond the clean
	// run's; on an error the listing stopped there, after the clean first page.
	tries := count(arrivals, http.MethodGet, path) - 1
	if err == nil {
		tries = count(arrivals, http.MethodGet, path) - clean + 1
	}
	return outcome(err, tries, false)
}

// cleanListRequests counts the requests of a listing without faults.
func (e *env) cleanListRequests(t *testing.T) int {
	e.sim.ResetArrivals()
	if _, err := e.client.ListConversations(context.Background(), wrapper.ListOptions{PageSize: listPage}); err != nil {
		t.Fatal(err)
	}
	n := len(e.sim.Arrivals())
	e.sim.ResetArrivals()
	return n
}

func runCreate(t *testing.T, e *env, r row) string {
	const path = "/api/conversations"
	inject(e, r, http.MethodPost, path, 0)
	var resp *api.ConversationResponse
	err := e.do(t, func(ctx context.Context) (err error) {
		resp, err = e.client.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "Write a haiku about retries"})
		return err
	})
	arrived, done := checkPostOnce(t, e.settle(), path)
	after, lerr := e.reopen().ListConversations(context.Background(), wrapper.ListOptions{})
	if lerr != nil {
		t.Fatal(lerr)
	}
	var newIDs []string
	for _, c := range after {
		if !slices.Contains(e.listed, c.ConversationID) {
			newIDs = append(newIDs, c.ConversationID)
		}
	}
	created := len(newIDs)
	if created != done {
		t.Errorf("the server holds %d new conversations, its arrival log says %d creates were processed", created, done)
	}
	text := outcome(err, 1, false)
	switch {
	case err == nil && resp.ConversationID == "":
		text = "ok, EMPTY ANSWER (no conversation id)"
	case err == nil && done != 1:
		t.Errorf("create succeeded but the server processed %d creates", done)
	case err == nil && !slices.Contains(newIDs, resp.ConversationID):
		if !slices.Contains(newIDs, strings.ReplaceAll(resp.ConversationID, "\uFFFD", "")) {
			t.Errorf("create answered id %q; the server created %v", resp.ConversationID, newIDs)
		}
		text = "ok, U+FFFD in data"
	case err != nil && done == 1:
		text += " (created)"
	}
	if arrived > 1 {
		text += fmt.Sprintf(", arrived %d×", arrived)
	}
	return text
}

func runLifecycle(t *testing.T, e *env, r row) string {
	type step struct {
		verb, id string
		call     func(ctx context.Context) error
	}
	running, message, stopped := e.running[0], e.running[1], e.stopped
	steps := []step{
		{"stop", running, func(ctx context.Context) error { _, err := e.client.StopConversation(ctx, running); return err }},
		{"start", stopped, func(ctx context.Context) error { _, err := e.client.StartConversation(ctx, stopped, nil); return err }},
		{"message", message, func(ctx context.Context) error { return e.client.SendMessage(ctx, message, "And now in French") }},
	}
	errs := make([]error, len(steps))
	for i, s := range steps {
		inject(e, r, http.MethodPost, "/api/conversations/"+s.id+"/"+s.verb, 0)
		errs[i] = e.do(t, s.call)
	}
	arrivals := e.settle()
	texts := make([]string, len(steps))
	for i, s := range steps {
		path := "/api/conversations/" + s.id + "/" + s.verb
		arrived, done := checkPostOnce(t, arrivals, path)
		if errs[i] == nil && done != 1 {
			t.Errorf("%s succeeded but the server processed it %d times", s.verb, done)
		}
		texts[i] = outcome(errs[i], 1, false)
		if errs[i] != nil && done == 1 {
			texts[i] += " (done)"
		}
		if arrived > 1 {
			texts[i] += fmt.Sprintf(", arrived %d× (%d processed)", arrived, done)
		}
	}
	if texts[0] == texts[1] && texts[1] == texts[2] {
		return texts[0]
	}
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = s.verb + ": " + texts[i]
	}
	return strings.Join(parts, "; ")
}

// oldTrajectory is the file a download may replace: it must survive a
// failed one byte for byte.
const oldTrajectory = `{"trajectory":[{"id":0,"source":"user","message":"an older download"}]}` + "\n"

func runTrajectory(t *testing.T, e *env, r row) string {
	id := e.running[0]
	path := "/api/conversations/" + id + "/trajectory"
	dir := t.TempDir()
	file := filepath.Join(dir, "trajectory.json")
	if err := os.WriteFile(file, []byte(oldTrajectory), 0o644); err != nil {
		t.Fatal(err)
	}
	inject(e, r, http.MethodGet, path, 0)
	var res *wrapper.DownloadResult
	err := e.do(t, func(ctx context.Context) (err error) {
		res, err = e.client.DownloadTrajectory(ctx, id, file)
		return err
	})
	arrivals := e.settle()
	checkOnlyFiles(t, dir, "trajectory.json")
	content, rerr := os.ReadFile(file)
	if rerr != nil {
		t.Fatalf("the target file is gone: %v", rerr)
	}
	if err != nil {
		if string(content) != oldTrajectory {
			t.Errorf("a failed download changed the older file: %.80q", content)
		}
	} else {
		if int64(len(content)) != res.Bytes || sha256Hex(content) != res.SHA256 {
			t.Errorf("the file (%d bytes) is not what the download reported (%d bytes)", len(content), res.Bytes)
		}
		if problem := trajectoryProblem(content); problem != "" {
			t.Errorf("the downloaded file is corrupt: %s", problem)
		}
	}
	fallback := count(arrivals, http.MethodGet, "/api/conversations/"+id) > 0
	text := outcome(err, count(arrivals, http.MethodGet, path), fallback)
	if err == nil && !utf8.Valid(content) {
		text += ", bytes kept as sent"
	}
	return text
}

func runExport(t *testing.T, e *env, r row) string {
	dir := t.TempDir()
	// The fault hits the trajectory of a RUNNING conversation (a server
	// serves no other: the stopped ones answer 404 and are archived as
	// events, 4 of the 5 listed): retries, the runtime host or the export's
	// own fallback (its events instead of its trajectory) recover.
	inject(e, r, http.MethodGet, "/api/conversations/"+e.live+"/trajectory", 0)
	var rep *export.Report
	err := e.do(t, func(ctx context.Context) (err error) {
		rep, err = export.Run(ctx, export.FromClient(e.client), export.Options{Dir: dir})
		return err
	})
	e.settle()
	problems := exportProblems(dir)
	for _, p := range problems {
		t.Errorf("export folder: %s", p)
	}
	if rep == nil {
		return errorKind(err)
	}
	m := readManifestFile(t, dir)
	asEvents := 0
	for _, entry := range m.Conversations {
		if entry.Kind == export.KindEvents {
			asEvents++
		}
	}
	text := fmt.Sprintf("%d/%d archived", rep.Fetched, rep.Listed)
	if invalidUTF8Files(dir) > 0 {
		text += ", bytes kept as sent"
	}
	if asEvents > 0 {
		text += fmt.Sprintf(" (%d as events)", asEvents)
	}
	if err != nil {
		text += ", " + errorKind(err)
	}
	return text
}

// do runs one operation of a cell under guarded and fails the cell on a
// panic or a return past the deadline.
func (e *env) do(t *testing.T, op func(ctx context.Context) error) error {
	t.Helper()
	err, inTime := guarded(t, op)
	if err != nil && strings.HasPrefix(err.Error(), "PANIC") {
		t.Errorf("the operation panicked: %v", err)
	}
	if !inTime {
		t.Errorf("the operation returned after its deadline (%s): %v", cellDeadline, err)
	}
	return err
}

// checkOnlyFiles fails when dir holds anything but the named files (a
// temporary file left behind, a partial download under another name).
func checkOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if !slices.Contains(names, entry.Name()) {
			t.Errorf("%s holds %s, left behind", dir, entry.Name())
		}
	}
}
