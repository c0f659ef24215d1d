package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/archiveview"
	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

// viewerFiles maps every file of the viewer in an export folder (index,
// assets, pages, chunks and stamps) to its content.
func viewerFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == archiveview.IndexFile || strings.HasPrefix(rel, archiveview.AssetsDir+"/") ||
			strings.HasSuffix(rel, "/"+archiveview.PageFile) || strings.Contains(rel, "/"+archiveview.ChunkDir+"/") {
			b, err := os.ReadFile(p)
			out[rel] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportWritesTheViewerAndRenderRebuildsItOffline exports the simulator
// (seed data and a bulk conversation): index.html links a page for every
// conversation; a second, resumable run and `export render` with no server
// at all, also on a folder whose viewer was deleted, give the same pages.
func TestExportWritesTheViewerAndRenderRebuildsItOffline(t *testing.T) {
	h := newSim(t, sim.WithSampleData())
	h.sim.AddBulkConversation(6000, 32) // above the threshold: archived as events.jsonl
	dir := filepath.Join(t.TempDir(), "archive")
	r := h.mustRun(t, "export", "--dir", dir)
	if !strings.Contains(r.stdout, "viewer: "+filepath.Join(dir, "index.html")) {
		t.Fatalf("export does not name the viewer:\n%s", r.stdout)
	}
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`<a href="([^"]+)/view.html">`).FindAllStringSubmatch(string(index), -1)
	if len(links) != len(m.Conversations) || len(m.Conversations) < 6 {
		t.Fatalf("index.html links %d pages; the manifest has %d conversations", len(links), len(m.Conversations))
	}
	for _, l := range links {
		if _, ok := m.Conversations[l[1]]; !ok {
			t.Errorf("index.html links %s, which the manifest does not list", l[1])
		}
		if _, err := os.Stat(filepath.Join(dir, l[1], "view.html")); err != nil {
			t.Error(err)
		}
	}
	first := viewerFiles(t, dir)

	h.mustRun(t, "export", "--dir", dir) // resumable: fetches nothing, renders again
	assertSameFiles(t, "a second export", first, viewerFiles(t, dir))

	h.srv.Close() // no server from here on
	h.mustRun(t, "export", "render", "--dir", dir, "--force")
	assertSameFiles(t, "export render --force", first, viewerFiles(t, dir))

	for name := range first {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	r = h.mustRun(t, "export", "render", "--dir", dir)
	if !strings.Contains(r.stdout, "rendered") {
		t.Fatalf("render printed:\n%s", r.stdout)
	}
	assertSameFiles(t, "export render of an archive without a viewer", first, viewerFiles(t, dir))
}

func assertSameFiles(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d viewer files, want %d", what, len(got), len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %s differs", what, name)
		}
	}
}

func TestExportRenderRefusesAFolderWithoutManifest(t *testing.T) {
	isolateEnv(t)
	r := runCLI(t, "export", "render", "--dir", t.TempDir())
	if r.code == exitOK || !strings.Contains(r.stderr, "not an export folder") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}
