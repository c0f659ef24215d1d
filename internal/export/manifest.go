package export

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/openhands-go/openhands-v0/internal/atomicfile"
)

// ManifestName is the manifest's file name inside the export folder.
const ManifestName = "manifest.json"

// manifestVersion is the manifest format this package reads and writes.
const manifestVersion = 1

// Kinds of archived conversation content.
const (
	// KindTrajectory: the server's trajectory document (trajectory.json).
	KindTrajectory = "trajectory"
	// KindEvents: every event as JSON Lines (events.jsonl), for
	// conversations too large for one trajectory answer or with --events.
	KindEvents = "events"
)

// Manifest lists what an export folder holds. It is rewritten atomically
// after each conversation, so it always describes complete files only.
type Manifest struct {
	// Version is the manifest format (1).
	Version int `json:"version"`
	// Server is the base URL the conversations came from.
	Server string `json:"server"`
	// Conversations maps a conversation id to what was archived of it.
	Conversations map[string]*Entry `json:"conversations"`
}

// Entry is one conversation in the manifest.
type Entry struct {
	ConversationID string `json:"conversation_id"`
	Title          string `json:"title"`
	Status         string `json:"status"`
	CreatedAt      string `json:"created_at"`
	// LastUpdatedAt is the listing's value when the conversation was
	// archived; a different value on a later run means it changed and is
	// archived again.
	LastUpdatedAt string `json:"last_updated_at"`
	// EventCount is the number of events when it was archived.
	EventCount int `json:"event_count"`
	// Kind is KindTrajectory or KindEvents ("" if the export failed early).
	Kind string `json:"kind,omitempty"`
	// Files are the archived files, metadata first.
	Files []File `json:"files,omitempty"`
	// Note explains a choice, e.g. events exported because the trajectory failed.
	Note string `json:"note,omitempty"`
	// Error is set when the conversation could not be archived; the next
	// run tries it again.
	Error string `json:"error,omitempty"`
}

// File is one archived file.
type File struct {
	// Path is relative to the export folder, with forward slashes.
	Path string `json:"path"`
	// Bytes is the file's size.
	Bytes int64 `json:"bytes"`
	// SHA256 is the hex SHA-256 of its content.
	SHA256 string `json:"sha256"`
}

// ReadManifest reads the manifest of the export folder dir, as a run left
// it; a folder without one is an error wrapping fs.ErrNotExist.
func ReadManifest(dir string) (*Manifest, error) {
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); err != nil {
		return nil, fmt.Errorf("export: %s is not an export folder: %w", dir, err)
	}
	return readManifest(dir, "")
}

// readManifest reads dir's manifest; a missing one is an empty manifest.
func readManifest(dir, server string) (*Manifest, error) {
	m := &Manifest{Version: manifestVersion, Server: server, Conversations: map[string]*Entry{}}
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export: reading the manifest: %w", err)
	}
	var read Manifest
	if err := json.Unmarshal(b, &read); err != nil {
		return nil, fmt.Errorf("export: %s is not a manifest (%v): move it away to start a new export", filepath.Join(dir, ManifestName), err)
	}
	if read.Version != manifestVersion {
		return nil, fmt.Errorf("export: %s has format version %d; this program writes version %d", filepath.Join(dir, ManifestName), read.Version, manifestVersion)
	}
	if read.Server != "" && server != "" && read.Server != server {
		return nil, fmt.Errorf("export: %s archives %s, not %s: use another folder", dir, read.Server, server)
	}
	for id, e := range read.Conversations {
		if e != nil {
			m.Conversations[id] = e
		}
	}
	if m.Server == "" {
		m.Server = read.Server
	}
	return m, nil
}

// write saves the manifest atomically.
func (m *Manifest) write(dir string) error {
	return atomicfile.Write(filepath.Join(dir, ManifestName), 0o644, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// verify reports whether every file of e is in dir with its recorded size
// and SHA-256.
func (e *Entry) verify(dir string) bool {
	if e.Error != "" || len(e.Files) == 0 {
		return false
	}
	for _, f := range e.Files {
		got, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || got.Bytes != f.Bytes || got.SHA256 != f.SHA256 {
			return false
		}
	}
	return true
}

// hashFile returns a file's size and SHA-256, with Path left empty.
func hashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
