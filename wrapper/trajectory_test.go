package wrapper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// bigTrajectory writes a getTrajectory answer of n events of itemSize bytes
// each, generated as it goes (the test server never holds it), and says how
// long it is.
type bigTrajectory struct {
	n, itemSize int
}

const (
	bigHead = `{"trajectory":[`
	bigTail = `]}`
)

func (b bigTrajectory) size() int64 {
	return int64(len(bigHead) + b.n*b.itemSize + (b.n - 1) + len(bigTail))
}

func (b bigTrajectory) writeTo(w io.Writer) error {
	item := make([]byte, 0, b.itemSize+1)
	if _, err := io.WriteString(w, bigHead); err != nil {
		return err
	}
	for i := range b.n {
		item = item[:0]
		if i > 0 {
			item = append(item, ',')
		}
		item = fmt.Appendf(item, `{"id":%08d,"source":"agent","action":"run","args":{"command":"`, i)
		pad := b.itemSize - (len(item) - min(i, 1)) - len(`"}}`)
		item = append(item, bytes.Repeat([]byte{'x'}, pad)...)
		item = append(item, `"}}`...)
		if _, err := w.Write(item); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, bigTail)
	return err
}

func (b bigTrajectory) sha256() string {
	h := sha256.New()
	_ = b.writeTo(h)
	return hex.EncodeToString(h.Sum(nil))
}

// serveBig answers getTrajectory with b, with a Content-Length.
func serveBig(b bigTrajectory) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/trajectory") {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.FormatInt(b.size(), 10))
		_ = b.writeTo(w)
		return true
	}
}

// dirNames lists a directory: the download tests check no file is left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestGetTrajectory(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(evUser("hi"), evAgent("finish", "gpt-4o"))
	tr, err := f.client().GetTrajectory(context.Background(), stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Trajectory) != 2 || tr.Trajectory[1].Action != "finish" || ModelFromEvent(tr.Trajectory[1]) != "gpt-4o" {
		t.Errorf("trajectory = %+v", tr.Trajectory)
	}
}

// TestTrajectoryOfAStoppedConversation: a real server answers 404
// {"detail":"Conversation <id> not found"} for the trajectory of a
// conversation that is not running; both calls say what to do instead.
func TestTrajectoryOfAStoppedConversation(t *testing.T) {
	f := newFakeV0(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/trajectory") {
			stubJSON(w, http.StatusNotFound, map[string]string{"detail": "Conversation " + stubConvID + " not found"})
			return true
		}
		return false
	})
	_, err := f.client().GetTrajectory(context.Background(), stubConvID)
	_, derr := f.client().DownloadTrajectory(context.Background(), stubConvID, filepath.Join(t.TempDir(), "t.json"))
	for _, err := range []error{err, derr} {
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, "Conversation "+stubConvID+" not found") || !strings.Contains(msg, "running conversation only") ||
			!strings.Contains(msg, "events ID --all") {
			t.Errorf("message %q", msg)
		}
	}
}

// newRuntimeFallback returns an app host whose trajectory route answers the
// hosted service's maintenance page and a runtime host that serves it to
// the conversation's session key, as in OpenHands-Cloud issues #134/#140.
func newRuntimeFallback(t *testing.T) (app, rt *fakeV0) {
	rt = newFakeV0(t)
	rt.setEvents(evUser("hi"), evAgent("finish", "gpt-4o"))
	rt.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("X-Session-API-Key") != stubSessionKey {
			stubJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Invalid session API key"})
			return true
		}
		return false
	})
	app = newFakeV0(t)
	app.setConversation(&api.ConversationInfo{ConversationID: stubConvID, Status: api.ConversationStatusRunning,
		URL: rt.srv.URL + "/api/conversations/" + stubConvID, SessionAPIKey: stubSessionKey})
	app.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/trajectory") {
			stubRaw(w, http.StatusInternalServerError, "text/html; charset=utf-8", maintenancePage)
			return true
		}
		return false
	})
	return app, rt
}

func TestGetTrajectoryFallsBackToTheRuntimeHost(t *testing.T) {
	app, _ := newRuntimeFallback(t)
	tr, err := app.client().GetTrajectory(context.Background(), stubConvID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Trajectory) != 2 {
		t.Errorf("trajectory has %d events, want the runtime host's 2", len(tr.Trajectory))
	}
}

func TestDownloadTrajectoryFallsBackToTheRuntimeHost(t *testing.T) {
	app, rt := newRuntimeFallback(t)
	path := filepath.Join(t.TempDir(), "t.json")
	res, err := app.client().DownloadTrajectory(context.Background(), stubConvID, path)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"trajectory":[` + string(joinRaw(rt.events)) + `]}`
	got, _ := os.ReadFile(path)
	if string(got) != want {
		t.Errorf("file = %s, want the runtime host's body %s", got, want)
	}
	sum := sha256.Sum256([]byte(want))
	if res.Host != hostRuntime || res.Bytes != int64(len(want)) || res.SHA256 != hex.EncodeToString(sum[:]) || res.Path != path {
		t.Errorf("result = %+v", res)
	}
}

func TestDownloadTrajectoryStreamsInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 50 MB through loopback")
	}
	big := bigTrajectory{n: 5000, itemSize: 10_000} // 50 MB
	f := newFakeV0(t)
	f.setHook(serveBig(big))
	path := filepath.Join(t.TempDir(), "big.json")

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	var calls []int64
	nextSample := int64(0)
	res, err := f.client().DownloadTrajectory(context.Background(), stubConvID, path, WithProgress(func(written, total int64) {
		if total != big.size() {
			t.Errorf("progress total = %d, want the Content-Length %d", total, big.size())
		}
		calls = append(calls, written)
		if written >= nextSample {
			nextSample = written + 2<<20
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes != big.size() || res.SHA256 != big.sha256() {
		t.Errorf("result %d bytes, sha %s; want %d bytes, sha %s", res.Bytes, res.SHA256, big.size(), big.sha256())
	}
	if info, err := os.Stat(path); err != nil || info.Size() != big.size() {
		t.Errorf("file: %v, %v", info, err)
	}
	t.Logf("heap in use grew by %d bytes (peak %d, base %d)", int64(peak)-int64(base), peak, base)
	// Holding the body would take at least its 50 MB; streaming takes a
	// buffer or two. Allow a fifth of the body for the runtime's slack.
	if grew := int64(peak) - int64(base); grew > big.size()/5 {
		t.Errorf("heap in use grew by %d bytes during a %d-byte download: the body is not streamed", grew, big.size())
	}
	if !slices.IsSorted(calls) || len(calls) < 10 || calls[len(calls)-1] != res.Bytes {
		t.Errorf("progress: %d calls, sorted %v, last %d; want many rising calls ending at %d",
			len(calls), slices.IsSorted(calls), calls[len(calls)-1], res.Bytes)
	}
}

func TestDownloadTrajectoryProgressWithoutContentLength(t *testing.T) {
	f := newFakeV0(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/trajectory") {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		_ = bigTrajectory{n: 50, itemSize: 2000}.writeTo(w) // chunked: no length
		return true
	})
	var totals []int64
	var last int64
	res, err := f.client().DownloadTrajectory(context.Background(), stubConvID, filepath.Join(t.TempDir(), "t.json"),
		WithProgress(func(written, total int64) { totals = append(totals, total); last = written }))
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(totals, func(n int64) bool { return n != -1 }) || last != res.Bytes {
		t.Errorf("totals %v, last %d; want -1 throughout and last = %d", totals, last, res.Bytes)
	}
}

func TestDownloadTrajectoryDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := newFakeV0(t)
	f.setEvents(evUser("hi"))
	res, err := f.client().DownloadTrajectory(context.Background(), stubConvID, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "trajectory_" + stubConvID + ".json"
	if res.Path != want || !slices.Equal(dirNames(t, dir), []string{want}) {
		t.Errorf("path %q, dir %v; want only %s", res.Path, dirNames(t, dir), want)
	}
}

// A connection that breaks mid-body leaves no partial file and the old one as it was.
func TestDownloadTrajectoryInterruptedKeepsTheOldFile(t *testing.T) {
	f := newFakeV0(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/trajectory") {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(1<<20))
		_, _ = io.WriteString(w, bigHead+`{"id":0,"content":"`+strings.Repeat("y", 300<<10))
		hijackClose(w)
		return true
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	if err := os.WriteFile(path, []byte(`{"trajectory":["old"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := f.client().DownloadTrajectory(context.Background(), stubConvID, path)
	if err == nil {
		t.Fatalf("DownloadTrajectory = %+v, want an error for the cut body", res)
	}
	if got, _ := os.ReadFile(path); string(got) != `{"trajectory":["old"]}` {
		t.Errorf("old file now holds %.60q", got)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"t.json"}) {
		t.Errorf("directory holds %v, want only the old file", names)
	}
}

func TestDownloadTrajectoryCancelledLeavesNoFile(t *testing.T) {
	f := newFakeV0(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/trajectory") {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, bigHead+`{"id":0}`)
		http.NewResponseController(w).Flush()
		<-r.Context().Done() // the rest never comes
		return true
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	_, err := f.client().DownloadTrajectory(ctx, stubConvID, filepath.Join(dir, "t.json"),
		WithProgress(func(written, _ int64) {
			if written > 0 {
				cancel()
			}
		}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("DownloadTrajectory = %v, want context.Canceled", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v, want nothing", names)
	}
}

func TestDownloadTrajectoryRefusesWhatIsNotATrajectory(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		want                    error
	}{
		{"web app HTML", "text/html", spaPage, ErrNotV0},
		{"HTML labelled JSON", "application/json", spaPage, ErrUnexpectedResponse},
		{"plain text", "text/plain", "Internal Server Error", ErrUnexpectedResponse},
		{"another object", "application/json", `{"events":[],"has_more":false}`, ErrUnexpectedResponse},
		{"null trajectory", "application/json", `{"trajectory":null,"error":"Error getting trajectory"}`, ErrUnexpectedResponse},
		{"a list", "application/json", `[{"id":0}]`, ErrUnexpectedResponse},
		{"cut off", "application/json", `{"trajectory":[{"id":0,"message":"a }] b"`, ErrUnexpectedResponse},
		{"trailing data", "application/json", `{"trajectory":[]} {"trajectory":[]}`, ErrUnexpectedResponse},
		{"empty", "application/json", ``, ErrUnexpectedResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeV0(t)
			f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
				stubRaw(w, http.StatusOK, tc.contentType, tc.body)
				return true
			})
			dir := t.TempDir()
			path := filepath.Join(dir, "t.json")
			if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := f.client(WithHostPolicy(HostApp)).DownloadTrajectory(context.Background(), stubConvID, path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("DownloadTrajectory = %v, want %v", err, tc.want)
			}
			if got, _ := os.ReadFile(path); string(got) != "old" || len(dirNames(t, dir)) != 1 {
				t.Errorf("file %q, dir %v; want the old file alone", got, dirNames(t, dir))
			}
		})
	}
}

func TestTrajectoryShape(t *testing.T) {
	cases := []struct {
		doc string
		ok  bool
	}{
		{`{"trajectory":[]}`, true},
		{" \n{ \"trajectory\" : [ {\"id\":0,\"args\":{\"trajectory\":\"x\"}} ] }\n", true},
		{`{"a":{"trajectory":1},"trajectory":[{"s":"he said \"}\" and left"}],"b":[1,{"c":"]"}]}`, true},
		{`{"trajectory":[{"s":"a\\\\","t":"\\\"]}\\n{"}]}`, true}, // escaped backslashes and quotes
		{`{"x":"trajectory","trajectory":[]}`, true},
		{`{"x":{"trajectory":[]}}`, false},        // only nested
		{`{"x":"trajectory"}`, false},             // a value, not a key
		{`{"trajectoryX":[]}`, false},             // a longer key
		{`{"trajector":[]}`, false},               // a shorter key
		{`{"traj\u0065ctory":[]}`, false},         // escaped: never matched
		{`{"trajectory":"[]"}`, false},            // a string
		{`{"trajectory":[]`, false},               // cut off
		{`{"trajectory":["unterminated]}`, false}, // cut inside a string
		{`{"trajectory":["a\"]}`, false},          // the quote is escaped: cut inside a string
		{`{"trajectory":[]}x`, false},
		{`<html></html>`, false},
		{``, false},
		{"   \n", false},
	}
	for _, tc := range cases {
		// Whole, a byte a write and small chunks that cut strings and
		// escapes anywhere: the checker must not depend on chunking.
		for _, chunk := range []int{len(tc.doc) + 1, 1, 2, 5} {
			var s trajectoryShape
			var err error
			for doc := tc.doc; doc != "" && err == nil; {
				n := min(chunk, len(doc))
				_, err = s.Write([]byte(doc[:n]))
				doc = doc[n:]
			}
			if err == nil {
				err = s.finish()
			}
			if (err == nil) != tc.ok {
				t.Errorf("%q in chunks of %d: err = %v, want ok=%v", tc.doc, chunk, err, tc.ok)
			}
		}
		if tc.ok && !json.Valid([]byte(tc.doc)) {
			t.Errorf("test case %q is not JSON", tc.doc)
		}
	}
}

func BenchmarkTrajectoryShape(b *testing.B) {
	var doc bytes.Buffer
	_ = bigTrajectory{n: 1000, itemSize: 1000}.writeTo(&doc)
	b.SetBytes(int64(doc.Len()))
	for b.Loop() {
		var s trajectoryShape
		_, _ = s.Write(doc.Bytes())
		if err := s.finish(); err != nil {
			b.Fatal(err)
		}
	}
}
