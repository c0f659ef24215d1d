package sim

import (
	"archive/zip"
	"bytes"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// origin says where a workspace file came from, for git/changes.
type origin int

const (
	originRepo origin = iota
	originAgent
	originUpload
)

// file is one file of a conversation's workspace.
type file struct {
	content  []byte
	original []byte
	origin   origin
}

// workspace is a conversation's /workspace: files by path relative to it.
type workspace struct {
	files map[string]*file
}

func newWorkspace() *workspace { return &workspace{files: map[string]*file{}} }

// write creates or replaces a file.
func (ws *workspace) write(rel string, content []byte, from origin) {
	if f, ok := ws.files[rel]; ok {
		f.content = content
		return
	}
	ws.files[rel] = &file{content: content, origin: from}
}

// cloneRepo fills the workspace with a repository checkout.
func (ws *workspace) cloneRepo(repo string) {
	dir := repoDirName(repo)
	files := map[string]string{
		".gitignore":                     "*.log\n__pycache__/\n",
		"README.md":                      "# " + repo + "\n\nA sample project checked out by the simulator.\n",
		"src/app.py":                     "def add(a: int, b: int) -> int:\n    return a + b\n",
		"src/__init__.py":                "",
		"tests/test_app.py":              "from src.app import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
		"build.log":                      "build ok\n",
		".openhands/setup.sh":            "#!/bin/bash\npip install -e .\n",
		".openhands/microagents/repo.md": "---\nname: repo\ntype: repo\n---\nRun the tests with `pytest`.\n",
	}
	for name, content := range files {
		b := []byte(content)
		ws.files[dir+"/"+name] = &file{content: b, original: b, origin: originRepo}
	}
	logo := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	ws.files[dir+"/assets/logo.png"] = &file{content: logo, original: logo, origin: originRepo}
}

// list returns the entries directly under dir ("" is the root): directories
// with a trailing slash first, then files, each sorted, with dir prefixed as
// the server does (os.path.join(path, entry)).
func (ws *workspace) list(dir string) []string {
	dir = strings.Trim(dir, "/")
	dirs, files := map[string]bool{}, map[string]bool{}
	for name := range ws.files {
		rest := name
		if dir != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(name, dir+"/"); !ok {
				continue
			}
		}
		if head, _, isDir := strings.Cut(rest, "/"); isDir {
			dirs[head+"/"] = true
		} else {
			files[rest] = true
		}
	}
	entries := append(slices.Sorted(maps.Keys(dirs)), slices.Sorted(maps.Keys(files))...)
	out := make([]string, 0, len(entries))
	ignore := ws.ignored()
	for _, e := range entries {
		full := e
		if dir != "" {
			full = dir + "/" + e
		}
		if e == ".git/" || ignore(full) {
			continue
		}
		out = append(out, full)
	}
	return out
}

// ignored returns a matcher for the patterns of every .gitignore in the
// workspace (simple patterns: "*.ext", "name/" and "name").
func (ws *workspace) ignored() func(string) bool {
	var patterns []string
	for name, f := range ws.files {
		if path.Base(name) == ".gitignore" {
			for _, line := range strings.Split(string(f.content), "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
					patterns = append(patterns, line)
				}
			}
		}
	}
	return func(entry string) bool {
		isDir := strings.HasSuffix(entry, "/")
		base := path.Base(strings.TrimSuffix(entry, "/"))
		for _, p := range patterns {
			if strings.HasSuffix(p, "/") {
				if isDir && p == base+"/" {
					return true
				}
				continue
			}
			if ok, _ := path.Match(p, base); ok {
				return true
			}
		}
		return false
	}
}

// read returns a file's content; binary reports content that is not text.
func (ws *workspace) read(rel string) (content []byte, binary, ok bool) {
	f, ok := ws.files[strings.TrimPrefix(path.Clean("/"+rel), "/")]
	if !ok {
		return nil, false, false
	}
	return f.content, bytes.IndexByte(f.content, 0) >= 0 || !utf8.Valid(f.content), true
}

// isRepo reports whether the workspace holds a git checkout.
func (ws *workspace) isRepo() bool {
	for _, f := range ws.files {
		if f.origin == originRepo {
			return true
		}
	}
	return false
}

// changes lists what git status would show: added and modified files.
func (ws *workspace) changes() []gitChange {
	var out []gitChange
	for _, name := range sortedKeys(ws.files) {
		f := ws.files[name]
		switch {
		case f.origin != originRepo:
			out = append(out, gitChange{status: "A", path: name})
		case !bytes.Equal(f.content, f.original):
			out = append(out, gitChange{status: "M", path: name})
		}
	}
	return out
}

type gitChange struct{ status, path string }

// diff returns the original and current text of a file.
func (ws *workspace) diff(rel string) (original, modified string) {
	f, ok := ws.files[rel]
	if !ok {
		return "", ""
	}
	return string(f.original), string(f.content)
}

// zip archives the workspace, with every file stamped at mtime so the archive
// is the same bytes every time.
func (ws *workspace) zip(mtime time.Time) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(ws.files) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime.UTC()})
		if err != nil {
			continue
		}
		_, _ = w.Write(ws.files[name].content)
	}
	_ = zw.Close()
	return buf.Bytes()
}
