package archiveview

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/upstream"
)

func render(t *testing.T, dir string, opts Options) *Result {
	t.Helper()
	res, err := Render(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRenderWritesAnIndexAndAPagePerConversation(t *testing.T) {
	dir := t.TempDir()
	lines := testConv{info: info("c-jsonl", "Archived as events"), events: chatEvents(), jsonl: true}
	failed := testConv{info: info("c-failed", "Could not be archived"), failed: "HTTP 500"}
	writeArchive(t, dir, testConv{info: info("c-chat", "Fix the login bug"), events: chatEvents()}, lines, failed)
	res := render(t, dir, Options{})
	if res.Conversations != 3 || res.Rendered != 2 || len(res.Failures) != 1 || res.Failures[0].ConversationID != "c-failed" {
		t.Fatalf("result %+v", res)
	}
	index, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="c-chat/view.html"`, `href="c-jsonl/view.html"`, "Fix the login bug", "Could not be archived",
		"not archived: HTTP 500", "acme/widgets", "test/model-1", "Fix the **login** bug", `data-events="8"`} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Contains(string(index), `href="c-failed/`) {
		t.Error("the index links a page the failed conversation does not have")
	}
	for _, id := range []string{"c-chat", "c-jsonl"} {
		page, err := os.ReadFile(filepath.Join(dir, id, PageFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`id="final-state" class="agent-state state-finished">finished<`, "$0.5000", `data-chunks="1"`, `Content-Security-Policy`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("%s/view.html lacks %q", id, want)
			}
		}
		html := strings.Join(chunkHTML(t, dir, id), "")
		for _, want := range []string{
			"<strong>login</strong>", // Markdown
			`<a href="https://example.com/issue/1" rel="noopener noreferrer nofollow"`,
			"$ go test ./login/", "--- FAIL: TestLogin", `<p class="exit fail">exit code 1</p>`, // command, output, exit code
			`<span class="del">-	return nil</span>`, `<span class="add">+	return err</span>`, // the diff
			"The login bug is fixed.",
			`class="ev obs obs-run src-agent error"`, // the failing command is highlighted
		} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: the events lack %q", id, want)
			}
		}
	}
}

// TestHostileStringsStayText renders an archive whose every field carries
// script and event-handler markup, and checks that none of it survives as
// markup in any page or chunk (the browser test checks the same in Chromium).
func TestHostileStringsStayText(t *testing.T) {
	dir := t.TempDir()
	writeArchive(t, dir, hostileConv())
	render(t, dir, Options{})
	check := func(name, html string, ownScripts int) {
		t.Helper()
		if n := strings.Count(html, "<script"); n != ownScripts {
			t.Errorf("%s: %d <script> tags, want %d (the viewer's own)", name, n, ownScripts)
		}
		for _, bad := range []string{"<img", "onerror=\"", "onclick=\"", `href="javascript:`, "<div onclick", `src="http`} {
			if strings.Contains(html, bad) {
				t.Errorf("%s holds %q", name, bad)
			}
		}
		if !strings.Contains(html, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;") {
			t.Errorf("%s does not show the hostile string as text", name)
		}
	}
	index, _ := os.ReadFile(filepath.Join(dir, IndexFile))
	check("index.html", string(index), 1)
	page, _ := os.ReadFile(filepath.Join(dir, "hostile", PageFile))
	check("view.html", string(page), 1)
	for _, html := range chunkHTML(t, dir, "hostile") {
		check("chunk", html, 0)
		if !strings.Contains(html, `<span class="inert">(javascript:document.title=&#39;pwned&#39;)</span>`) {
			t.Error("the javascript: link is not shown as inert text")
		}
		if !strings.Contains(html, "[image: img] (http://evil.invalid/x.png)") {
			t.Error("the image is not shown as text")
		}
	}
}

func TestRenderIsDeterministicAndSkipsCurrentPages(t *testing.T) {
	dir := t.TempDir()
	writeArchive(t, dir, testConv{info: info("a", "A"), events: chatEvents()}, testConv{info: info("b", "B"), events: chatEvents(), jsonl: true})
	render(t, dir, Options{})
	first := treeBytes(t, dir)

	res := render(t, dir, Options{})
	if res.Rendered != 0 || res.Current != 2 {
		t.Fatalf("a second render with nothing changed: %+v", res)
	}
	res = render(t, dir, Options{Force: true})
	if res.Rendered != 2 {
		t.Fatalf("forced render: %+v", res)
	}
	assertSameTree(t, first, treeBytes(t, dir))

	// A copy of the archive (content only) renders to the same pages.
	other := t.TempDir()
	for name, content := range first {
		if strings.HasSuffix(name, ".html") || strings.HasPrefix(name, AssetsDir+"/") || strings.Contains(name, "/"+ChunkDir+"/") {
			continue
		}
		p := filepath.Join(other, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	render(t, other, Options{})
	assertSameTree(t, first, treeBytes(t, other))
}

func assertSameTree(t *testing.T, want, got map[string]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s differs", name)
		}
	}
}

func TestRenderAgainWhenTheArchiveChanges(t *testing.T) {
	dir := t.TempDir()
	long := make([]map[string]any, 0, 3*chunkEvents)
	for i := range 3 * chunkEvents {
		long = append(long, map[string]any{"id": i, "timestamp": ts(i), "source": "agent", "action": "think", "args": map[string]any{"thought": "step"}})
	}
	writeArchive(t, dir, testConv{info: info("a", "A"), events: long})
	render(t, dir, Options{})
	if n := len(chunkHTML(t, dir, "a")); n != 3 {
		t.Fatalf("%d chunks for %d events", n, len(long))
	}
	writeArchive(t, dir, testConv{info: info("a", "A renamed"), events: chatEvents()})
	res := render(t, dir, Options{})
	if res.Rendered != 1 {
		t.Fatalf("the changed conversation was not rendered again: %+v", res)
	}
	if n := len(chunkHTML(t, dir, "a")); n != 1 {
		t.Fatalf("%d chunk files after the conversation shrank to one chunk: stale ones were left", n)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "a", PageFile))
	if !strings.Contains(string(page), "A renamed") {
		t.Fatal("the page shows the old title")
	}
}

// TestPageWeightIsProportionalToEvents: the page itself stays small, and the
// chunks grow with the events, not faster.
func TestPageWeightIsProportionalToEvents(t *testing.T) {
	weigh := func(n int) (page, chunks int) {
		dir := t.TempDir()
		evs := make([]map[string]any, 0, n)
		for i := range n {
			evs = append(evs, map[string]any{"id": i, "timestamp": ts(i), "source": "agent", "action": "run",
				"args": map[string]any{"command": "python3 step.py", "thought": "Next step."}})
		}
		writeArchive(t, dir, testConv{info: info("big", "Big"), events: evs})
		render(t, dir, Options{})
		for name, content := range treeBytes(t, dir) {
			switch {
			case name == "big/"+PageFile:
				page = len(content)
			case strings.HasPrefix(name, "big/"+ChunkDir+"/") && strings.HasSuffix(name, ".js"):
				chunks += len(content)
			}
		}
		return page, chunks
	}
	page1, chunks1 := weigh(1000)
	page4, chunks4 := weigh(4000)
	if ratio := float64(chunks4) / float64(chunks1); ratio < 3.8 || ratio > 4.2 {
		t.Errorf("4x the events weigh %.2fx in chunks", ratio)
	}
	// One jump entry (under 100 bytes) per chunk of 200 events is all the page gains.
	if page4-page1 > 15*100 { // 15 more chunks
		t.Errorf("the page grew from %d to %d bytes for 4x the events", page1, page4)
	}
}

func TestRenderRefusesFoldersOutsideTheArchive(t *testing.T) {
	dir := t.TempDir()
	writeArchive(t, dir, testConv{info: info("a", "A"), events: chatEvents()})
	manifest := filepath.Join(dir, "manifest.json")
	b, _ := os.ReadFile(manifest)
	if err := os.WriteFile(manifest, []byte(strings.ReplaceAll(string(b), `"a/`, `"../a/`)), 0o644); err != nil {
		t.Fatal(err)
	}
	res := render(t, dir, Options{})
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Error, "not a folder of the archive") {
		t.Fatalf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the render wrote outside the archive")
	}
}

func TestRenderReportsUnreadableEventsAndKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	writeArchive(t, dir, testConv{info: info("a", "A"), events: chatEvents(), jsonl: true})
	f := filepath.Join(dir, "a", "events.jsonl")
	b, _ := os.ReadFile(f)
	if err := os.WriteFile(f, append(b, "{not json\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	res := render(t, dir, Options{})
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Error, "event 8") {
		t.Fatalf("result %+v", res)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "a", PageFile))
	if !strings.Contains(string(page), "could not be read to the end") || !strings.Contains(string(page), `data-chunks="1"`) {
		t.Fatal("the page does not show the events read and the problem")
	}
}

func TestRenderWithoutAManifestIsAnError(t *testing.T) {
	if _, err := Render(t.TempDir(), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want one wrapping fs.ErrNotExist", err)
	}
}

// TestRenderUpstreamEvents renders the real events of the upstream samples
// (read in place): an old-style edit, whose observation carries both
// contents and no diff, is shown as a diff.
func TestRenderUpstreamEvents(t *testing.T) {
	up := upstream.Dir(t)
	var convs []testConv
	for i, name := range []string{upstream.TrajsBasic, upstream.TrajsBasicInteractions} {
		b, err := os.ReadFile(filepath.Join(up, name))
		if err != nil {
			t.Fatal(err)
		}
		var evs []map[string]any
		if err := json.Unmarshal(b, &evs); err != nil {
			t.Fatal(err)
		}
		convs = append(convs, testConv{info: info(fmt.Sprintf("up%d", i), name), events: evs})
	}
	dir := t.TempDir()
	writeArchive(t, dir, convs...)
	if res := render(t, dir, Options{}); res.Rendered != 2 || len(res.Failures) > 0 {
		t.Fatalf("result %+v", res)
	}
	basic := strings.Join(chunkHTML(t, dir, "up0"), "")
	for _, want := range []string{"Please create a simple 2048 game", `<pre class="diff">`, `<span class="add">+import random</span>`, `class="ev act act-finish src-agent"`} {
		if !strings.Contains(basic, want) {
			t.Errorf("%s: the events lack %q", upstream.TrajsBasic, want)
		}
	}
	index, _ := os.ReadFile(filepath.Join(dir, IndexFile))
	if !strings.Contains(string(index), "Please create a simple 2048 game") {
		t.Error("the index does not show the first message")
	}
}
