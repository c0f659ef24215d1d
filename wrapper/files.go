package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// ListFiles lists a directory of the conversation's workspace, its root
// when path is "" (spec: listFiles). Directories end with "/".
func (c *Client) ListFiles(ctx context.Context, id, path string, opts ...Option) ([]string, error) {
	ctx = c.withCall(ctx, "ListFiles", opts)
	var p api.ListFilesParams
	if path != "" {
		p.Path = &path
	}
	return fetchConversation[[]string](ctx, c, api.OpListFiles, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.ListFiles(ctx, id, &p)
	})
}

// SelectFile returns the text of a file in the conversation's workspace,
// path relative to it (spec: selectFile). A binary file is an *APIError
// with status 415.
func (c *Client) SelectFile(ctx context.Context, id, path string, opts ...Option) (string, error) {
	ctx = c.withCall(ctx, "SelectFile", opts)
	const op = api.OpSelectFile
	if strings.TrimSpace(path) == "" {
		return "", inputError(sdkMethod(ctx, op), "a file path is required")
	}
	out, err := fetchConversation[api.FileContent](ctx, c, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.SelectFile(ctx, id, &api.SelectFileParams{File: path})
	})
	return out.Code, err
}

// GitChanges lists the uncommitted changes in the conversation's workspace
// (spec: getGitChanges).
func (c *Client) GitChanges(ctx context.Context, id string, opts ...Option) ([]api.GitChange, error) {
	ctx = c.withCall(ctx, "GitChanges", opts)
	return fetchConversation[[]api.GitChange](ctx, c, api.OpGetGitChanges, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetGitChanges(ctx, id)
	})
}

// GitDiff returns the original and modified text of one changed file
// (spec: getGitDiff).
func (c *Client) GitDiff(ctx context.Context, id, path string, opts ...Option) (*api.GitDiff, error) {
	ctx = c.withCall(ctx, "GitDiff", opts)
	const op = api.OpGetGitDiff
	if strings.TrimSpace(path) == "" {
		return nil, inputError(sdkMethod(ctx, op), "a file path is required")
	}
	out, err := fetchConversation[api.GitDiff](ctx, c, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetGitDiff(ctx, id, &api.GetGitDiffParams{Path: path})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ZipWorkspace streams the conversation's workspace, as a zip file, into w
// and returns the number of bytes written (spec: zipWorkspace). Memory use
// does not grow with the workspace. If the copy fails midway, w holds a
// partial file: write to a temporary file and rename it on success.
func (c *Client) ZipWorkspace(ctx context.Context, id string, w io.Writer, opts ...Option) (int64, error) {
	ctx = c.withCall(ctx, "ZipWorkspace", opts)
	const op = api.OpZipWorkspace
	resp, host, err := c.onConversation(ctx, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.ZipWorkspace(ctx, id)
	})
	if err != nil {
		return 0, err
	}
	if isJSON(mediaType(resp.Header)) {
		return 0, errorFromResponse(op, host, resp)
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if e, ok := brokeLimit(op, host, resp, err); ok {
		return n, e
	}
	if err != nil {
		return n, fmt.Errorf("openhands: %s: after %d bytes: %w", op, n, err)
	}
	return n, nil
}

// UploadFile is one file for UploadFiles: its name in the workspace and a
// way to read its content, which may be called more than once (a retry
// after a failed connection, the runtime-host fallback).
type UploadFile struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// FileFromPath uploads the local file at path under its base name.
func FileFromPath(path string) UploadFile {
	return UploadFile{Name: filepath.Base(path), Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// FileFromBytes uploads data under name.
func FileFromBytes(name string, data []byte) UploadFile {
	return UploadFile{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// UploadFiles uploads files into the conversation's workspace (spec:
// uploadFiles) and returns what the server wrote and what it skipped, with
// the reason. Contents are streamed, never held in memory whole.
func (c *Client) UploadFiles(ctx context.Context, id string, files []UploadFile, opts ...Option) (*api.UploadFilesResult, error) {
	ctx = c.withCall(ctx, "UploadFiles", opts)
	const op = api.OpUploadFiles
	if len(files) == 0 {
		return nil, inputError(sdkMethod(ctx, op), "no files to upload")
	}
	for _, f := range files {
		if strings.TrimSpace(f.Name) == "" || f.Open == nil {
			return nil, inputError(sdkMethod(ctx, op), "every file needs a name and content")
		}
	}
	boundary := multipart.NewWriter(io.Discard).Boundary()
	contentType := "multipart/form-data; boundary=" + boundary
	open := func() (io.ReadCloser, error) { return multipartBody(boundary, files), nil }
	out, err := fetchConversation[api.UploadFilesResult](ctx, c, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		body, _ := open()
		return h.UploadFilesWithBody(ctx, id, contentType, body, func(_ context.Context, req *http.Request) error {
			req.GetBody = open // lets the transport send it again after a failed dial
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// multipartBody streams files as a multipart/form-data body with one "files"
// part each. A file that cannot be read fails the request with its error.
func multipartBody(boundary string, files []UploadFile) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		mw := multipart.NewWriter(pw)
		err := mw.SetBoundary(boundary)
		for _, f := range files {
			if err != nil {
				break
			}
			err = copyPart(mw, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

func copyPart(mw *multipart.Writer, f UploadFile) error {
	src, err := f.Open()
	if err != nil {
		return fmt.Errorf("opening %s: %w", f.Name, err)
	}
	defer src.Close()
	part, err := mw.CreateFormFile("files", f.Name)
	if err == nil {
		_, err = io.Copy(part, src)
	}
	if err != nil && !errors.Is(err, io.ErrClosedPipe) {
		err = fmt.Errorf("reading %s: %w", f.Name, err)
	}
	return err
}
