package wrapper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// zipBytes is a deterministic stand-in for a workspace archive.
func zipBytes(n int) []byte {
	b := make([]byte, n)
	copy(b, "PK\x03\x04")
	for i := 4; i < n; i++ {
		b[i] = byte(i * 31 % 251)
	}
	return b
}

func TestZipWorkspaceStreams(t *testing.T) {
	data := zipBytes(5 << 20)
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != conv("/zip-directory") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="workspace.zip"`)
		for chunk := range slices.Chunk(data, 64<<10) {
			_, _ = w.Write(chunk)
		}
	})
	h := sha256.New()
	n, err := s.c.ZipWorkspace(context.Background(), stubConvID, h)
	if err != nil {
		t.Fatalf("ZipWorkspace: %v", err)
	}
	if n != int64(len(data)) || !bytes.Equal(h.Sum(nil), sha256Of(data)) {
		t.Errorf("wrote %d bytes (want %d) or the content differs", n, len(data))
	}
}

func sha256Of(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func TestZipWorkspaceFallsBack(t *testing.T) {
	data := zipBytes(1000)
	rt := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Session-API-Key") != stubSessionKey {
			stubJSON(w, 401, map[string]string{"detail": "Unauthorized"})
			return
		}
		stubRaw(w, 200, "application/zip", string(data))
	})
	app := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == conv("") {
			stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, URL: rt.srv.URL + conv(""), SessionAPIKey: stubSessionKey})
			return
		}
		stubRaw(w, 500, "text/html", maintenancePage)
	})
	var buf bytes.Buffer
	if _, err := app.c.ZipWorkspace(context.Background(), stubConvID, &buf); err != nil {
		t.Fatalf("ZipWorkspace: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Error("content differs")
	}
}

func TestZipWorkspaceErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("JSON where a zip is due", func(t *testing.T) {
		s := newStub(t, func(w http.ResponseWriter, _ *http.Request) { stubJSON(w, 200, map[string]string{"error": "odd"}) })
		var buf bytes.Buffer
		_, err := s.c.ZipWorkspace(ctx, stubConvID, &buf)
		checkSentinels(t, err, ErrUnexpectedResponse)
		if buf.Len() != 0 {
			t.Errorf("wrote %d bytes of an error", buf.Len())
		}
	})
	t.Run("server error", func(t *testing.T) {
		s := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
			stubJSON(w, 500, map[string]string{"error": "Error zipping workspace: disk full"})
		}, WithHostPolicy(HostApp))
		_, err := s.c.ZipWorkspace(ctx, stubConvID, io.Discard)
		if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("stalls midway", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/zip")
			_, _ = w.Write(zipBytes(4096))
			_ = http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}, WithTimeout(30*time.Millisecond))
		n, err := s.c.ZipWorkspace(ctx, stubConvID, io.Discard)
		if !isTimeout(err) || n != 4096 {
			t.Errorf("n = %d, err = %v; want 4096 bytes and a timeout", n, err)
		}
	})
}

// uploadServer answers uploadFiles with the names and contents it received.
func uploadServer(t *testing.T, got map[string][]byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			stubJSON(w, 422, map[string]string{"detail": err.Error()})
			return
		}
		var names []string
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				stubJSON(w, 400, map[string]string{"detail": err.Error()})
				return
			}
			if part.FormName() != "files" {
				t.Errorf("part named %q, want files", part.FormName())
			}
			b, _ := io.ReadAll(part)
			got[part.FileName()] = b
			names = append(names, part.FileName())
		}
		stubJSON(w, 200, api.UploadFilesResult{UploadedFiles: names, SkippedFiles: []api.SkippedFile{}})
	}
}

func TestUploadFiles(t *testing.T) {
	dir := t.TempDir()
	big := zipBytes(3 << 20)
	path := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	dt := &dialFailsFirst{next: http.DefaultTransport, n: 1}
	s := newStub(t, uploadServer(t, got), WithTransport(dt))
	res, err := s.c.UploadFiles(context.Background(), stubConvID, []UploadFile{FileFromBytes("notes.txt", []byte("hello")), FileFromPath(path)})
	if err != nil {
		t.Fatalf("UploadFiles: %v", err)
	}
	if len(res.UploadedFiles) != 2 || res.UploadedFiles[0] != "notes.txt" || res.UploadedFiles[1] != "data.bin" {
		t.Errorf("result %+v", res)
	}
	if string(got["notes.txt"]) != "hello" || !bytes.Equal(got["data.bin"], big) {
		t.Errorf("server received %d and %d bytes", len(got["notes.txt"]), len(got["data.bin"]))
	}
	if dt.tries.Load() != 2 || len(s.requests()) != 1 {
		t.Errorf("%d tries, %d requests; want the failed dial retried once", dt.tries.Load(), len(s.requests()))
	}
	if ct := s.requests()[0].Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/form-data; boundary=") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestUploadFilesFallsBackWithTheWholeBody(t *testing.T) {
	got := map[string][]byte{}
	rt := newStub(t, uploadServer(t, got))
	app := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == conv("") {
			stubJSON(w, 200, api.ConversationInfo{ConversationID: stubConvID, URL: rt.srv.URL + conv(""), SessionAPIKey: stubSessionKey})
			return
		}
		stubRaw(w, 500, "text/html", maintenancePage)
	})
	content := zipBytes(256 << 10)
	if _, err := app.c.UploadFiles(context.Background(), stubConvID, []UploadFile{FileFromBytes("a.bin", content)}); err != nil {
		t.Fatalf("UploadFiles: %v", err)
	}
	if !bytes.Equal(got["a.bin"], content) {
		t.Errorf("runtime host received %d bytes, want %d", len(got["a.bin"]), len(content))
	}
}

func TestUploadFilesRefusals(t *testing.T) {
	s := newStub(t, uploadServer(t, map[string][]byte{}))
	ctx := context.Background()
	if _, err := s.c.UploadFiles(ctx, stubConvID, nil); !errors.Is(err, ErrValidation) {
		t.Errorf("no files: %v", err)
	}
	if _, err := s.c.UploadFiles(ctx, stubConvID, []UploadFile{{Name: "x"}}); !errors.Is(err, ErrValidation) {
		t.Errorf("no content: %v", err)
	}
	if _, err := s.c.UploadFiles(ctx, stubConvID, []UploadFile{FileFromBytes("", nil)}); !errors.Is(err, ErrValidation) {
		t.Errorf("no name: %v", err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests for refused input", n)
	}
	missing := filepath.Join(t.TempDir(), "absent.txt")
	_, err := s.c.UploadFiles(ctx, stubConvID, []UploadFile{FileFromBytes("ok.txt", []byte("x")), FileFromPath(missing)})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "absent.txt") {
		t.Errorf("missing file: err = %v, want one naming it", err)
	}
}
