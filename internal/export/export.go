// Package export archives every V0 conversation of a server into a folder:
// per conversation its metadata and its trajectory (or its events as JSON
// Lines when it is very large, or on request), with a manifest of ids, sizes
// and SHA-256 sums. A run can be interrupted at any point and run again: it
// fetches only what is missing, failed, changed or no longer matches its
// recorded hash. Every file, the manifest included, is written atomically.
package export

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/atomicfile"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Defaults of Options.
const (
	// DefaultConcurrency is how many conversations are archived at once.
	DefaultConcurrency = 4
	// DefaultLargeEvents is the event count above which a conversation's
	// events are archived as JSON Lines, page by page, instead of asking the
	// server for one trajectory document it must build in memory.
	DefaultLargeEvents = 5000
)

// File names inside a conversation's folder.
const (
	MetadataFile   = "conversation.json"
	TrajectoryFile = "trajectory.json"
	EventsFile     = "events.jsonl"
)

// Source is what an export needs from the server. FromClient adapts a
// *wrapper.Client; tests use fakes.
type Source interface {
	// BaseURL names the server in the manifest.
	BaseURL() string
	// Conversations lists every V0 conversation.
	Conversations(ctx context.Context) iter.Seq2[api.ConversationInfo, error]
	// EventCount returns the number of a conversation's events.
	EventCount(ctx context.Context, id string) (int, error)
	// DownloadTrajectory writes the trajectory to path atomically.
	DownloadTrajectory(ctx context.Context, id, path string) (File, error)
	// ExportEvents writes every event to path as JSON Lines, atomically.
	ExportEvents(ctx context.Context, id, path string) (File, error)
}

// Options configures Run.
type Options struct {
	// Dir is the export folder (created if missing).
	Dir string
	// Concurrency bounds how many conversations are archived at once
	// (default DefaultConcurrency).
	Concurrency int
	// Events archives events as JSON Lines for every conversation.
	Events bool
	// LargeEvents is the event count above which events are archived
	// instead of the trajectory (default DefaultLargeEvents).
	LargeEvents int
	// Progress, if set, is called after each conversation with the number
	// done (archived, up to date or failed) and the total. Calls do not
	// overlap.
	Progress func(done, total int)
}

// Report says what a run did.
type Report struct {
	// Dir is the export folder.
	Dir string `json:"dir"`
	// Listed is the number of V0 conversations the server listed.
	Listed int `json:"listed"`
	// Fetched is the number archived (again) by this run.
	Fetched int `json:"fetched"`
	// UpToDate is the number already archived, verified against the manifest.
	UpToDate int `json:"up_to_date"`
	// Failed is the number that could not be archived; see Failures.
	Failed int `json:"failed"`
	// Bytes is the size of the files this run wrote.
	Bytes int64 `json:"bytes"`
	// Failures names each failed conversation and why, sorted by id.
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is a conversation a run could not archive.
type Failure struct {
	ConversationID string `json:"conversation_id"`
	Error          string `json:"error"`
}

// ErrIncomplete is returned by Run when some conversations failed; the
// report lists them and the next run tries them again.
var ErrIncomplete = errors.New("export: some conversations could not be archived")

// Run archives every conversation src lists into opts.Dir. It returns the
// report and ErrIncomplete when some conversations failed, or another error
// when the listing, the folder or the manifest failed. Cancelling ctx stops
// the run; what was archived before stays recorded.
func Run(ctx context.Context, src Source, opts Options) (*Report, error) {
	if opts.Dir == "" {
		return nil, errors.New("export: no folder given")
	}
	if opts.Concurrency < 0 || opts.LargeEvents < 0 {
		return nil, errors.New("export: concurrency and the large-conversation threshold must not be negative")
	}
	opts.Concurrency = cmp.Or(opts.Concurrency, DefaultConcurrency)
	opts.LargeEvents = cmp.Or(opts.LargeEvents, DefaultLargeEvents)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	removeLeftoverTemps(opts.Dir)
	m, err := readManifest(opts.Dir, src.BaseURL())
	if err != nil {
		return nil, err
	}
	var convs []api.ConversationInfo
	for conv, err := range src.Conversations(ctx) {
		if err != nil {
			return nil, fmt.Errorf("export: listing conversations: %w", err)
		}
		convs = append(convs, conv)
	}

	r := &run{src: src, opts: opts, manifest: m, report: &Report{Dir: opts.Dir, Listed: len(convs)}}
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	claims := folderClaims{}
	for _, conv := range convs {
		if owner, taken := claims.claim(conv.ConversationID); taken {
			err := fmt.Errorf("export: its folder %s is already that of conversation %s (the names differ only in case); not archived", folderName(conv.ConversationID), owner)
			r.record(nil, func(rep *Report) {
				rep.Failed++
				rep.Failures = append(rep.Failures, Failure{ConversationID: conv.ConversationID, Error: err.Error()})
			})
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			r.archive(ctx, conv)
		})
	}
	wg.Wait()
	sort.Slice(r.report.Failures, func(i, j int) bool {
		return r.report.Failures[i].ConversationID < r.report.Failures[j].ConversationID
	})
	switch {
	case r.manifestErr != nil:
		return r.report, r.manifestErr
	case ctx.Err() != nil:
		return r.report, fmt.Errorf("export: stopped: %w", ctx.Err())
	case r.report.Failed > 0:
		return r.report, ErrIncomplete
	}
	return r.report, nil
}

// run is the state one Run shares between its workers.
type run struct {
	src  Source
	opts Options

	mu          sync.Mutex // guards everything below
	manifest    *Manifest
	report      *Report
	done        int
	manifestErr error
}

// archive brings one conversation up to date and records the outcome.
func (r *run) archive(ctx context.Context, conv api.ConversationInfo) {
	id := conv.ConversationID
	r.mu.Lock()
	prev := r.manifest.Conversations[id]
	r.mu.Unlock()
	if prev != nil && prev.LastUpdatedAt == conv.LastUpdatedAt.String() && (!r.opts.Events || prev.Kind == KindEvents) && prev.verify(r.opts.Dir) {
		r.record(nil, func(rep *Report) { rep.UpToDate++ })
		return
	}
	if prev != nil && len(prev.Files) > 0 {
		// Its files are about to be replaced one at a time: until the new
		// set is complete the manifest must not vouch for a mix of old and
		// new files, should the run be interrupted or killed half-way.
		r.forget(id)
	}
	entry, written, err := r.fetch(ctx, conv)
	if ctx.Err() != nil {
		// Interrupted: the conversation stays out of the manifest, and the
		// next run fetches it.
		r.record(nil, func(*Report) {})
		return
	}
	r.record(entry, func(rep *Report) {
		if err != nil {
			rep.Failed++
			rep.Failures = append(rep.Failures, Failure{ConversationID: id, Error: err.Error()})
			return
		}
		rep.Fetched++
		rep.Bytes += written
	})
}

// forget removes a conversation from the manifest and writes it.
func (r *run) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.manifest.Conversations, id)
	if err := r.manifest.write(r.opts.Dir); err != nil && r.manifestErr == nil {
		r.manifestErr = fmt.Errorf("export: writing the manifest: %w", err)
	}
}

// record updates the manifest with entry (if any) and the report, writes
// the manifest, and reports progress.
func (r *run) record(entry *Entry, count func(*Report)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	count(r.report)
	if entry != nil {
		r.manifest.Conversations[entry.ConversationID] = entry
		if err := r.manifest.write(r.opts.Dir); err != nil && r.manifestErr == nil {
			r.manifestErr = fmt.Errorf("export: writing the manifest: %w", err)
		}
	}
	r.done++
	if r.opts.Progress != nil {
		r.opts.Progress(r.done, r.report.Listed)
	}
}

// fetch archives one conversation: metadata, then trajectory or events. It
// returns the manifest entry (with Error set on failure), the bytes written
// and the error.
func (r *run) fetch(ctx context.Context, conv api.ConversationInfo) (*Entry, int64, error) {
	id := conv.ConversationID
	entry := &Entry{
		ConversationID: id,
		Title:          conv.Title,
		Status:         string(conv.Status),
		CreatedAt:      conv.CreatedAt.String(), // the server's text, as sent
		LastUpdatedAt:  conv.LastUpdatedAt.String(),
	}
	fail := func(err error) (*Entry, int64, error) {
		entry.Error = err.Error()
		entry.Files = nil
		return entry, 0, err
	}
	folder := folderName(id)
	if err := os.MkdirAll(filepath.Join(r.opts.Dir, folder), 0o755); err != nil {
		return fail(err)
	}
	meta, err := writeMetadata(filepath.Join(r.opts.Dir, folder, MetadataFile), conv)
	if err != nil {
		return fail(err)
	}
	meta.Path = path.Join(folder, MetadataFile)
	entry.Files = []File{meta}

	count, err := r.src.EventCount(ctx, id)
	if err != nil {
		return fail(err)
	}
	entry.EventCount = count

	kind := KindTrajectory
	if r.opts.Events || count > r.opts.LargeEvents {
		kind = KindEvents
	}
	var content File
	if kind == KindTrajectory {
		content, err = r.src.DownloadTrajectory(ctx, id, filepath.Join(r.opts.Dir, folder, TrajectoryFile))
		switch {
		case err == nil || ctx.Err() != nil || errors.Is(err, wrapper.ErrUnauthorized):
		case errors.Is(err, wrapper.ErrNotFound):
			// The conversation exists (its events were counted): a real
			// server serves the trajectory of a running conversation only.
			entry.Note = "no trajectory: the server serves it for a running conversation only (404 for this " +
				entry.Status + " one); events archived instead"
			kind = KindEvents
		default:
			// Hosted servers cannot serve the trajectory of a stopped
			// conversation; its events they can.
			entry.Note = "trajectory failed (" + err.Error() + "); events archived instead"
			kind = KindEvents
		}
		if err == nil {
			content.Path = path.Join(folder, TrajectoryFile)
		}
	}
	if kind == KindEvents {
		content, err = r.src.ExportEvents(ctx, id, filepath.Join(r.opts.Dir, folder, EventsFile))
		if err == nil {
			content.Path = path.Join(folder, EventsFile)
		}
	}
	if err != nil {
		return fail(err)
	}
	entry.Kind = kind
	entry.Files = append(entry.Files, content)
	removeStale(filepath.Join(r.opts.Dir, folder), kind)
	return entry, meta.Bytes + content.Bytes, nil
}

// removeLeftoverTemps deletes the temporary files (".<name>.*.tmp", see
// atomicfile.Write) that a run killed mid-write left in the archive
// and its conversation folders. One export writes into a folder at a time,
// so none of them belongs to a write still under way.
func removeLeftoverTemps(dir string) {
	for _, pattern := range []string{filepath.Join(dir, ".*.tmp"), filepath.Join(dir, "*", ".*.tmp")} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			_ = os.Remove(m)
		}
	}
}

// removeStale deletes the other kind's file, left by an earlier run.
func removeStale(folder, kind string) {
	stale := EventsFile
	if kind == KindEvents {
		stale = TrajectoryFile
	}
	_ = os.Remove(filepath.Join(folder, stale))
}

// writeMetadata writes a conversation's metadata without its runtime
// session key, a credential that has no place in an archive.
func writeMetadata(file string, conv api.ConversationInfo) (File, error) {
	conv.SessionAPIKey = ""
	h := sha256.New()
	var n int64
	err := atomicfile.Write(file, 0o644, func(w io.Writer) error {
		cw := &countingWriter{w: io.MultiWriter(w, h)}
		enc := json.NewEncoder(cw)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err := enc.Encode(conv)
		n = cw.n
		return err
	})
	if err != nil {
		return File{}, err
	}
	return File{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// safeName reports whether a conversation id is usable as a folder name as
// is: 1 to 100 ASCII letters, digits, '_' and '-', not starting with '_' or
// '-', and not shaped like the folder of a digested id (hashedName), which
// another conversation's folder may be.
func safeName(id string) bool {
	if id == "" || len(id) > 100 || id[0] == '_' || id[0] == '-' || hashedName(id) {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// folderName is the folder a conversation is archived in: its id, or a
// digest of it when the id is not a safe file name.
func folderName(id string) string {
	if safeName(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hashPrefix + hex.EncodeToString(sum[:hashBytes])
}

const (
	hashPrefix = "id-"
	hashBytes  = 12
)

// hashedName reports whether name has the shape of a digested id's folder.
func hashedName(name string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(name), hashPrefix)
	if !ok || len(rest) != 2*hashBytes {
		return false
	}
	_, err := hex.DecodeString(rest)
	return err == nil
}

// folderClaims tells which conversation a folder belongs to, comparing
// names as a case-insensitive file system does (macOS, Windows), so that
// two listed ids never share a folder.
type folderClaims map[string]string

// claim records id's folder and returns the id that already holds it, if any.
func (c folderClaims) claim(id string) (owner string, taken bool) {
	key := strings.ToLower(folderName(id))
	if owner, taken = c[key]; taken && owner != id {
		return owner, true
	}
	c[key] = id
	return "", false
}
