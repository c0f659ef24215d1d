package sim

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// listFiles serves GET /api/conversations/{id}/list-files (listFiles).
func (s *Server) listFiles(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	dir := strings.TrimPrefix(newQuery(c.r).str("path", ""), workspaceRoot)
	writeJSON(c.w, http.StatusOK, conv.files.list(dir))
}

// workspaceRel turns a path given to the runtime into a workspace-relative
// one: relative paths are joined to /workspace, absolute ones must be in it.
func workspaceRel(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") {
		p = workspaceRoot + "/" + p
	}
	p = path.Clean(p)
	rel, ok := strings.CutPrefix(p, workspaceRoot+"/")
	return rel, ok
}

// selectFile serves GET /api/conversations/{id}/select-file (selectFile).
func (s *Server) selectFile(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	q := newQuery(c.r)
	name := q.required("file")
	if len(q.p) > 0 {
		q.p.write(c.w)
		return
	}
	full := name
	if !strings.HasPrefix(full, "/") {
		full = workspaceRoot + "/" + name
	}
	rel, inside := workspaceRel(name)
	content, binary, ok := conv.files.read(rel)
	switch {
	case !inside || !ok:
		writeError(c.w, http.StatusInternalServerError, "Error opening file: ERROR:\nInvalid `path` parameter: "+full+". The path "+full+" does not exist. Please provide a valid path.")
	case binary:
		writeError(c.w, http.StatusUnsupportedMediaType, "Unable to open binary file: "+full)
	default:
		writeJSON(c.w, http.StatusOK, api.FileContent{Code: string(content)})
	}
}

// zipWorkspace serves GET /api/conversations/{id}/zip-directory (zipWorkspace).
func (s *Server) zipWorkspace(c *call) {
	s.mu.Lock()
	conv := s.liveConversation(c)
	if conv == nil {
		s.mu.Unlock()
		return
	}
	body := conv.files.zip(conv.createdAt)
	s.mu.Unlock()
	c.w.Header().Set("Content-Disposition", `attachment; filename="workspace.zip"`)
	writeBody(c.w, http.StatusOK, contentZip, body)
}

// gitChanges serves GET /api/conversations/{id}/git/changes (getGitChanges).
func (s *Server) gitChanges(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	if !conv.files.isRepo() {
		writeError(c.w, http.StatusNotFound, "Not a git repository")
		return
	}
	out := []api.GitChange{}
	for _, ch := range conv.files.changes() {
		out = append(out, api.GitChange{Status: ch.status, Path: ch.path})
	}
	writeJSON(c.w, http.StatusOK, out)
}

// gitDiff serves GET /api/conversations/{id}/git/diff (getGitDiff).
func (s *Server) gitDiff(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.liveConversation(c)
	if conv == nil {
		return
	}
	q := newQuery(c.r)
	p := q.required("path")
	if len(q.p) > 0 {
		q.p.write(c.w)
		return
	}
	rel, _ := workspaceRel(p)
	original, modified := conv.files.diff(rel)
	writeJSON(c.w, http.StatusOK, api.GitDiff{Original: original, Modified: modified})
}

// uploadFiles serves POST /api/conversations/{id}/upload-files (uploadFiles):
// every part named "files" is written into /workspace.
func (s *Server) uploadFiles(c *call) {
	s.mu.Lock()
	conv := s.liveConversation(c)
	s.mu.Unlock()
	if conv == nil {
		return
	}
	type upload struct {
		name    string
		content []byte
	}
	var uploads []upload
	if mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		if mr, err := c.r.MultipartReader(); err == nil {
			for {
				part, err := mr.NextPart()
				if errors.Is(err, io.EOF) || err != nil {
					break
				}
				if part.FormName() == "files" {
					content, _ := io.ReadAll(io.LimitReader(part, maxRequestBody))
					uploads = append(uploads, upload{name: rawFileName(part.Header.Get("Content-Disposition")), content: content})
				}
				_ = part.Close()
			}
		}
	}
	if len(uploads) == 0 {
		var p problems
		p.add("missing", []any{"body", "files"}, "Field required", nil, nil)
		p.write(c.w)
		return
	}
	out := api.UploadFilesResult{UploadedFiles: []string{}, SkippedFiles: []api.SkippedFile{}}
	s.mu.Lock()
	for _, u := range uploads {
		rel, ok := workspaceRel(u.name)
		if u.name == "" || !ok || strings.HasPrefix(u.name, "/") {
			out.SkippedFiles = append(out.SkippedFiles, api.SkippedFile{Name: u.name, Reason: "Invalid file path: " + u.name})
			continue
		}
		conv.files.write(rel, []byte(strings.ToValidUTF8(string(u.content), "\uFFFD")), originUpload)
		out.UploadedFiles = append(out.UploadedFiles, workspaceRoot+"/"+rel)
	}
	conv.updatedAt = c.now
	s.mu.Unlock()
	writeJSON(c.w, http.StatusOK, out)
}

// rawFileName is a part's filename as sent (mime/multipart's FileName would
// strip directories, which Starlette keeps).
func rawFileName(disposition string) string {
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil {
		return ""
	}
	return params["filename"]
}
