package archiveview

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/internal/sim/simtest"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// envReportDir names the folder the browser test writes its screenshots
// into (make browser-test: reports/).
const envReportDir = "OPENHANDS_V0_REPORT_DIR"

// bulkEvents is the size of the simulator's bulk conversation in the
// browser test: more chunks than the page keeps at once, archived as
// events.jsonl.
const bulkEvents = 2400

// simArchive exports a simulator with its seed data, a bulk conversation and
// a conversation whose title and first message are hostile, and renders it.
// It returns the folder and the ids of the bulk and hostile conversations.
func simArchive(t *testing.T) (dir, bulk, hostileID string) {
	t.Helper()
	clock := sim.NewManualClock(sim.DefaultEpoch)
	s, base := simtest.NewServer(t, sim.WithClock(clock), sim.WithSampleData())
	bulk = s.AddBulkConversation(bulkEvents, 64)
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	created, err := c.CreateConversation(ctx, api.CreateConversationRequest{
		InitialUserMsg: "Please look at " + hostile + " and [this](javascript:document.title='pwned')",
	})
	if err != nil {
		t.Fatal(err)
	}
	hostileID = created.ConversationID
	clock.Advance(time.Minute) // the scripted agent finishes its run
	if err := c.RenameConversation(ctx, hostileID, hostile); err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if _, err := export.Run(ctx, export.FromClient(c), export.Options{Dir: dir, LargeEvents: bulkEvents / 2}); err != nil {
		t.Fatal(err)
	}
	res, err := Render(dir, Options{})
	if err != nil || len(res.Failures) > 0 {
		t.Fatalf("render: %+v, %v", res, err)
	}
	return dir, bulk, hostileID
}

// browser starts Debian's chromium, headless and without network chatter,
// and returns a tab and what the tab logged. The test skips when chromium
// is not installed.
func browser(t *testing.T) (context.Context, *tabLog) {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("chromium is not installed: the browser test needs it (apt-get install chromium, or make browser-test in CI)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(acancel)
	tab, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)
	l := &tabLog{}
	if err := chromedp.Do(tab); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	if err := chromedp.Listen(tab, l.record); err != nil {
		t.Fatal(err)
	}
	return tab, l
}

// tabLog collects what must not happen in a tab: console errors,
// exceptions, requests that leave file://, and dialogs.
type tabLog struct {
	mu       sync.Mutex
	problems []string
	requests int
}

func (l *tabLog) record(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			l.problems = append(l.problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		l.problems = append(l.problems, "exception: "+ev.ExceptionDetails.Text+" "+exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			l.problems = append(l.problems, "log "+string(ev.Entry.Level)+": "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		l.requests++
		if !strings.HasPrefix(ev.Request.URL, "file://") {
			l.problems = append(l.problems, "request leaving file://: "+ev.Request.URL)
		}
	case *page.EventJavascriptDialogOpening:
		l.problems = append(l.problems, "dialog: "+ev.Message)
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// check fails the test with everything the tab logged that must not happen.
func (l *tabLog) check(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.problems {
		t.Error(p)
	}
	if l.requests == 0 {
		t.Error("no request was seen at all: the network listener is not working")
	}
}

func fileURL(p string) string { return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String() }

func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// keepChunks is how many chunks the viewer keeps in a page (viewer.js).
const keepChunks = 10

// visibleTitles lists the titles of the index rows the filter shows.
const visibleTitles = `Array.from(document.querySelectorAll('#conversations tbody tr')).filter(r => !r.hidden).map(r => r.querySelector('td.title a, td.title').textContent)`

// TestBrowserReadsAnExportedArchive opens an archive of the simulator in
// Chromium from file://: the index lists every conversation and filters
// them, a conversation shows its message, a command with its output, a diff
// and its final state, the bulk conversation loads chunk by chunk, and the
// hostile strings stay text. Nothing logs an error or leaves file://.
func TestBrowserReadsAnExportedArchive(t *testing.T) {
	ctx, tab := browser(t)
	dir, bulk, hostileID := simArchive(t)
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}

	do(t, ctx, "open the index", chromedp.Navigate(fileURL(filepath.Join(dir, IndexFile))), chromedp.WaitVisible("#conversations"))
	titles := run(t, ctx, "list the rows", chromedp.Evaluate[[]string](visibleTitles))
	if len(titles) != len(m.Conversations) {
		t.Fatalf("the index shows %d conversations, the manifest has %d: %q", len(titles), len(m.Conversations), titles)
	}
	for id, e := range m.Conversations {
		if !containsString(titles, e.Title) {
			t.Errorf("the index lacks %s %q", id, e.Title)
		}
	}
	shot(t, ctx, "viewer-index.png")

	do(t, ctx, "sort by events", chromedp.Click(`button[data-key="events"]`))
	titles = run(t, ctx, "list the sorted rows", chromedp.Evaluate[[]string](visibleTitles))
	if !strings.HasPrefix(titles[0], "Bulk conversation") {
		t.Errorf("sorted by events, most first, the index starts with %q", titles[0])
	}
	do(t, ctx, "sort by events, fewest first", chromedp.Click(`button[data-key="events"]`))
	titles = run(t, ctx, "list the sorted rows", chromedp.Evaluate[[]string](visibleTitles))
	if !strings.HasPrefix(titles[len(titles)-1], "Bulk conversation") {
		t.Errorf("sorted by events, fewest first, the index ends with %q", titles[len(titles)-1])
	}
	do(t, ctx, "filter by status", chromedp.SetValue("#status", "ERROR"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('status').dispatchEvent(new Event('change'))`))
	titles = run(t, ctx, "list the rows in ERROR", chromedp.Evaluate[[]string](visibleTitles))
	if len(titles) != 1 || titles[0] != "Summarize open issues" {
		t.Errorf("the conversations in ERROR are %q", titles)
	}
	do(t, ctx, "all statuses", chromedp.SetValue("#status", ""),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('status').dispatchEvent(new Event('change'))`))
	do(t, ctx, "filter", chromedp.SendKeys("#filter", "flaky login"))
	titles = run(t, ctx, "list the filtered rows", chromedp.Evaluate[[]string](visibleTitles))
	if len(titles) != 1 || titles[0] != "Fix flaky login test" {
		t.Fatalf("filtering by \"flaky login\" shows %q", titles)
	}
	do(t, ctx, "open the conversation", chromedp.Click("#conversations tbody tr:not([hidden]) td.title a"), chromedp.WaitVisible("#events article"))
	text := run(t, ctx, "read the events", chromedp.Evaluate[string](`document.getElementById('events').innerText`))
	for _, want := range []string{
		"Fix the flaky login test in tests/test_login.py",                                      // the user's message
		"$ cd /workspace/widgets && git status && ls", "nothing to commit, working tree clean", // a command, its output
		"exit code 0",
		"I created /workspace/widgets/fix_the_flaky.py", // the final message
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the conversation does not show %q", want)
		}
	}
	added := run(t, ctx, "read the diff", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('pre.diff span.add')).map(s => s.textContent)`))
	if !containsString(added, "+def main() -> None:") {
		t.Errorf("the diff's added lines are %q", added)
	}
	if got := run(t, ctx, "read the final state", chromedp.Text("#final-state")); got != "finished" {
		t.Errorf("final state %q, want finished", got)
	}
	do(t, ctx, "scroll to the first command", chromedp.Evaluate[chromedp.Void](`document.getElementById('e4').scrollIntoView()`))
	shot(t, ctx, "viewer-conversation.png")

	// The bulk conversation: a first chunk, more as the reader scrolls (the
	// oldest dropped from the page), earlier ones on demand, and the last
	// event through the jump list.
	do(t, ctx, "open the bulk conversation", chromedp.Navigate(fileURL(filepath.Join(dir, bulk, PageFile))), chromedp.WaitVisible("#events article"))
	first := run(t, ctx, "count the events shown", chromedp.Evaluate[int](`document.querySelectorAll('#events article').length`))
	if first >= bulkEvents {
		t.Fatalf("the page shows all %d events at once", first)
	}
	run(t, ctx, "scroll to the end", chromedp.Poll[bool](`window.scrollTo(0, document.body.scrollHeight), document.getElementById('more').textContent === 'End of the conversation.'`, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
	window := run(t, ctx, "inspect the page", chromedp.Evaluate[map[string]any](`({
		sections: document.querySelectorAll('#events section').length,
		first: Number(document.querySelector('#events section').dataset.chunk),
		lastEvent: document.querySelector('#events section:last-child article:last-child').id,
		earlier: !document.getElementById('earlier').hidden
	})`))
	lastChunk := float64((bulkEvents+chunkEvents-1)/chunkEvents - 1)
	if window["sections"] != float64(keepChunks) || window["first"] != lastChunk-keepChunks+1 || window["lastEvent"] != fmt.Sprintf("e%d", bulkEvents-1) || window["earlier"] != true {
		t.Fatalf("after scrolling to the end the page holds %v", window)
	}
	do(t, ctx, "show earlier events", chromedp.Click("#earlier"))
	run(t, ctx, "wait for the earlier chunk", chromedp.Poll[bool](fmt.Sprintf(`document.querySelector('#events section').dataset.chunk === '%d'`, int(lastChunk)-keepChunks), chromedp.WithPollingTimeout(0)))
	do(t, ctx, "jump to the start",
		chromedp.SetValue("#jump", "0"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('jump').dispatchEvent(new Event('change'))`),
		chromedp.WaitVisible("#e0"),
	)
	do(t, ctx, "open an event by its address", chromedp.Navigate(fileURL(filepath.Join(dir, bulk, PageFile))+"#e1500"), chromedp.WaitVisible("#e1500"))

	// The hostile conversation of the simulator, then one carrying the
	// hostile string in every field.
	other := t.TempDir()
	writeArchive(t, other, hostileConv())
	if _, err := Render(other, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, IndexFile), filepath.Join(dir, hostileID, PageFile), filepath.Join(other, IndexFile), filepath.Join(other, "hostile", PageFile)} {
		do(t, ctx, "open "+p, chromedp.Navigate(fileURL(p)), chromedp.WaitReady("body"))
		if strings.HasSuffix(p, PageFile) {
			do(t, ctx, "wait for the events", chromedp.WaitVisible("#events article"))
			if got := run(t, ctx, "read the title", chromedp.Text("#title")); got != hostile {
				t.Errorf("%s: the title reads %q", p, got)
			}
		}
		state := run(t, ctx, "inspect "+p, chromedp.Evaluate[map[string]any](`({
			title: document.title,
			active: document.querySelectorAll('img, iframe, object, embed, body script:not([src$="_viewer/viewer.js"])').length,
			handlers: document.querySelectorAll('[onerror], [onclick], [onload]').length,
			jsLinks: Array.from(document.links).filter(a => !/^(file|https?|mailto):/.test(a.href)).length,
			shown: document.body.innerText.includes("<img src=x onerror=")
		})`))
		if state["title"] == "pwned" || state["active"] != float64(0) || state["handlers"] != float64(0) || state["jsLinks"] != float64(0) || state["shown"] != true {
			t.Errorf("%s: the hostile strings are not inert text: %v", p, state)
		}
	}
	tab.check(t)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shot saves a screenshot of the viewport into $OPENHANDS_V0_REPORT_DIR.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(envReportDir)
	if dir == "" {
		return
	}
	b := run(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
