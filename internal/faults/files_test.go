package faults

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/internal/archiveview"
	"github.com/openhands-go/openhands-v0/internal/export"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// trajectoryProblem says what is wrong with a trajectory file, or "": it
// must be one JSON object whose "trajectory" is a list of events with ids,
// and nothing after it. Invalid UTF-8 inside strings is not a problem here:
// downloads keep the server's bytes exactly (see invalidUTF8Files).
func trajectoryProblem(content []byte) string {
	var doc struct {
		Trajectory []map[string]any `json:"trajectory"`
	}
	dec := json.NewDecoder(bytes.NewReader(content))
	if err := dec.Decode(&doc); err != nil {
		return "not JSON: " + err.Error()
	}
	if dec.More() {
		return "data after the JSON object"
	}
	if doc.Trajectory == nil {
		return `no "trajectory" list`
	}
	for i, ev := range doc.Trajectory {
		if _, ok := ev["id"]; !ok {
			return fmt.Sprintf("event %d has no id", i)
		}
	}
	return ""
}

// eventsProblem says what is wrong with an events.jsonl file, or "".
func eventsProblem(content []byte) string {
	if len(content) == 0 || content[len(content)-1] != '\n' {
		return "does not end with a newline"
	}
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return fmt.Sprintf("line %d: %v", n, err)
		}
		if _, ok := ev["id"]; !ok {
			return fmt.Sprintf("line %d has no id", n)
		}
	}
	return ""
}

// metadataProblem says what is wrong with a conversation.json file, or "".
func metadataProblem(content []byte) string {
	var conv map[string]any
	if err := json.Unmarshal(content, &conv); err != nil {
		return "not JSON: " + err.Error()
	}
	if id, _ := conv["conversation_id"].(string); id == "" {
		return "no conversation_id"
	}
	return ""
}

// fileProblem checks any file an export or a download writes, by its name.
func fileProblem(path string) string {
	content, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	switch filepath.Base(path) {
	case export.TrajectoryFile:
		return trajectoryProblem(content)
	case export.EventsFile:
		return eventsProblem(content)
	case export.MetadataFile:
		return metadataProblem(content)
	case export.ManifestName:
		var m export.Manifest
		if err := json.Unmarshal(content, &m); err != nil {
			return "not JSON: " + err.Error()
		}
		return ""
	}
	return viewerFileProblem(path, content)
}

// viewerFileProblem checks a file of the archive's viewer (see
// internal/archiveview): complete pages, chunks and stamps.
func viewerFileProblem(path string, content []byte) string {
	name, parent := filepath.Base(path), filepath.Base(filepath.Dir(path))
	complete := func(prefix, suffix string) string {
		if !bytes.HasPrefix(content, []byte(prefix)) || !bytes.HasSuffix(content, []byte(suffix)) {
			return fmt.Sprintf("incomplete: not %q ... %q", prefix, suffix)
		}
		return ""
	}
	switch {
	case name == archiveview.IndexFile || name == archiveview.PageFile:
		return complete("<!doctype html>", "</html>\n")
	case parent == archiveview.AssetsDir && (name == "viewer.js" || name == "viewer.css"):
		return complete("", "\n")
	case parent == archiveview.ChunkDir && strings.HasSuffix(name, ".js"):
		return complete("OHV.chunk(", ");\n")
	case parent == archiveview.ChunkDir && name == "stamp.json":
		if !json.Valid(content) {
			return "not JSON"
		}
		return ""
	}
	return "a file no export writes"
}

// exportProblems lists what is wrong with an export folder: a file that is
// not complete and valid, a temporary file left behind, a manifest entry
// whose files are missing or differ from their recorded size and hash.
func exportProblems(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, err.Error())
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		if p := fileProblem(path); p != "" {
			out = append(out, rel+": "+p)
		}
		return nil
	})
	content, err := os.ReadFile(filepath.Join(dir, export.ManifestName))
	if err != nil {
		return out // no manifest: nothing was archived, which is consistent
	}
	var m export.Manifest
	if err := json.Unmarshal(content, &m); err != nil {
		return append(out, "manifest: "+err.Error())
	}
	for id, entry := range m.Conversations {
		if entry.Error != "" && len(entry.Files) > 0 {
			out = append(out, id+": a failed entry lists files")
		}
		for _, f := range entry.Files {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			if err != nil {
				out = append(out, id+": "+err.Error())
				continue
			}
			if int64(len(b)) != f.Bytes || sha256Hex(b) != f.SHA256 {
				out = append(out, fmt.Sprintf("%s: %s has %d bytes, the manifest says %d (or the hash differs)", id, f.Path, len(b), f.Bytes))
			}
		}
	}
	return out
}

func readManifestFile(t *testing.T, dir string) export.Manifest {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(dir, export.ManifestName))
	if err != nil {
		t.Fatalf("no manifest: %v", err)
	}
	var m export.Manifest
	if err := json.Unmarshal(content, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	return m
}

// invalidUTF8Files counts the files under dir that are not valid UTF-8.
func invalidUTF8Files(dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(path); err == nil && !utf8.Valid(b) {
				n++
			}
		}
		return nil
	})
	return n
}

// isTemp reports a temporary file of atomicfile.Write (".name.*.tmp").
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp")
}
