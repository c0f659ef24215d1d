// Package archiveview renders an export folder (see internal/export) as a
// static, self-contained web viewer that works from file:// with no network:
// index.html at the root lists every conversation, and each conversation's
// folder gets view.html, which shows its events the way the OpenHands chat
// does, loaded chunk by chunk from view/NNNNN.js as the reader scrolls.
//
// Rendering reads only the manifest and the archived files, and is
// deterministic: the same archive gives the same pages, byte for byte. A
// conversation whose files and viewer are unchanged since its pages were
// written is not rendered again (unless Options.Force).
package archiveview

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/atomicfile"
	"github.com/openhands-go/openhands-v0/internal/export"
)

// Names inside the export folder.
const (
	// IndexFile is the list of conversations, at the root.
	IndexFile = "index.html"
	// AssetsDir holds the viewer's script and style sheet (a conversation
	// folder never starts with '_').
	AssetsDir = "_viewer"
	// PageFile is a conversation's page, in its folder.
	PageFile = "view.html"
	// ChunkDir holds a conversation's event chunks and render stamp.
	ChunkDir = "view"
	// stampFile records what a conversation's pages were rendered from.
	stampFile = "stamp.json"
)

// Chunking: a chunk closes after this many events or bytes of HTML.
const (
	chunkEvents = 200
	chunkBytes  = 512 << 10
)

// renderVersion changes whenever the Go side renders differently, so that
// pages of older viewers are rendered again.
const renderVersion = "1"

// Options configures Render.
type Options struct {
	// Force renders every conversation, even those whose pages are current.
	Force bool
}

// Result says what Render did.
type Result struct {
	// Dir is the export folder.
	Dir string `json:"dir"`
	// Conversations is the number the manifest lists (all in the index).
	Conversations int `json:"conversations"`
	// Rendered is the number of conversation pages written by this run.
	Rendered int `json:"rendered"`
	// Current is the number whose pages were already up to date.
	Current int `json:"current"`
	// Failures names each conversation that has no page, and why.
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is a conversation without a page.
type Failure struct {
	ConversationID string `json:"conversation_id"`
	Error          string `json:"error"`
}

// Render writes the viewer into the export folder dir from its manifest and
// archived files. A conversation that cannot be read gets a row in the
// index with the reason, and a Failure; an error is returned only when the
// folder, the manifest or the index cannot be read or written.
func Render(dir string, opts Options) (*Result, error) {
	m, err := export.ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("archiveview: %w", err)
	}
	if err := writeAssets(dir); err != nil {
		return nil, fmt.Errorf("archiveview: %w", err)
	}
	ids := make([]string, 0, len(m.Conversations))
	for id := range m.Conversations {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	res := &Result{Dir: dir, Conversations: len(ids)}
	type outcome struct {
		s        *summary
		rendered bool
		err      error
	}
	// Conversations render in parallel (each writes only its own folder);
	// the outcomes are gathered in id order, so the result never depends on
	// the schedule.
	outcomes := make([]outcome, len(ids))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(ids), 1)) {
		wg.Go(func() {
			for i := range work {
				s, rendered, err := conversation(dir, m.Conversations[ids[i]], opts.Force)
				outcomes[i] = outcome{s, rendered, err}
			}
		})
	}
	for i := range ids {
		work <- i
	}
	close(work)
	wg.Wait()
	rows := make([]*summary, 0, len(ids))
	for i, o := range outcomes {
		switch {
		case o.err != nil:
			res.Failures = append(res.Failures, Failure{ConversationID: ids[i], Error: o.err.Error()})
		case o.rendered:
			res.Rendered++
		default:
			res.Current++
		}
		rows = append(rows, o.s)
	}
	if err := writeIndex(dir, m.Server, rows); err != nil {
		return res, fmt.Errorf("archiveview: %w", err)
	}
	return res, nil
}

// summary is what the index shows of a conversation; it is also kept in the
// conversation's stamp file so that a current page is not read again.
type summary struct {
	Key          string  `json:"key"`
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	Status       string  `json:"status"`
	Repo         string  `json:"repo,omitempty"`
	Branch       string  `json:"branch,omitempty"`
	Created      string  `json:"created"`
	Updated      string  `json:"updated"`
	Events       int     `json:"events"`
	Model        string  `json:"model,omitempty"`
	FirstMessage string  `json:"first_message,omitempty"`
	FinalState   string  `json:"final_state,omitempty"`
	Cost         float64 `json:"cost,omitempty"`
	// Page is the page's path from the export folder ("" without one).
	Page string `json:"page,omitempty"`
	// Problem says why there is no page, or what could not be read.
	Problem string `json:"problem,omitempty"`
}

// conversation brings one conversation's pages up to date and returns its
// summary and whether it rendered them now.
func conversation(dir string, e *export.Entry, force bool) (*summary, bool, error) {
	s := &summary{ID: e.ConversationID, Title: e.Title, Status: e.Status, Created: e.CreatedAt,
		Updated: e.LastUpdatedAt, Events: e.EventCount}
	fail := func(err error) (*summary, bool, error) {
		s.Page = ""
		s.Problem = err.Error()
		return s, false, err
	}
	if e.Error != "" {
		return fail(errors.New("not archived: " + e.Error))
	}
	if len(e.Files) < 2 {
		return fail(errors.New("not archived: the manifest lists no content file"))
	}
	folder := path.Dir(e.Files[0].Path)
	if !safeFolder(folder) {
		return fail(fmt.Errorf("the manifest names the folder %q, which is not a folder of the archive", folder))
	}
	for _, f := range e.Files {
		if path.Dir(f.Path) != folder {
			return fail(fmt.Errorf("the manifest names the file %q outside the folder %q", f.Path, folder))
		}
	}
	s.Key = stampKey(e)
	if !force {
		if old, ok := readStamp(dir, folder); ok && old.Key == s.Key {
			if _, err := os.Stat(filepath.Join(dir, folder, PageFile)); err == nil {
				return old, false, nil
			}
		}
	}
	if err := renderConversation(dir, folder, e, s); err != nil {
		return fail(err)
	}
	if s.Problem != "" {
		// The page shows what could be read, and says so.
		return s, true, errors.New(s.Problem)
	}
	return s, true, nil
}

// safeFolder reports whether a manifest folder is one plain name inside
// the archive (export writes ids or digests; a tampered manifest might not).
func safeFolder(f string) bool {
	return f != "" && f != "." && !strings.ContainsAny(f, `/\`) && filepath.IsLocal(f) && !strings.HasPrefix(f, "_")
}

// stampKey identifies what a conversation's pages are made of: the viewer
// and the archived files' hashes.
func stampKey(e *export.Entry) string {
	h := sha256.New()
	io.WriteString(h, "render "+renderVersion+" "+assetsHash+"\n")
	for _, f := range e.Files {
		fmt.Fprintf(h, "%s %d %s\n", f.Path, f.Bytes, f.SHA256)
	}
	// The manifest's own fields appear on the page too.
	fmt.Fprintf(h, "%q %q %q %q %d %q\n", e.Title, e.Status, e.CreatedAt, e.LastUpdatedAt, e.EventCount, e.Note)
	return hex.EncodeToString(h.Sum(nil))
}

func readStamp(dir, folder string) (*summary, bool) {
	b, err := os.ReadFile(filepath.Join(dir, folder, ChunkDir, stampFile))
	if err != nil {
		return nil, false
	}
	var s summary
	if json.Unmarshal(b, &s) != nil {
		return nil, false
	}
	return &s, true
}

// readInfo reads a conversation's archived metadata.
func readInfo(file string) (*api.ConversationInfo, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var info api.ConversationInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &info, nil
}

// writeFile writes b to file atomically, unless it already holds exactly b.
func writeFile(file string, b []byte) error {
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, b) {
		return nil
	}
	return atomicfile.Write(file, 0o644, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// writeJSON writes v as indented JSON, atomically.
func writeJSON(file string, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return writeFile(file, b.Bytes())
}
