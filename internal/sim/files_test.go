//lint:file-ignore SA1019 every V0 operation is deprecated upstream; the simulator serves them and its tests call them.

package sim_test

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/sim"
)

func multipartBody(t *testing.T, files map[string]string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+name+`"`)
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func TestWorkspaceRoutes(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	e.storeSettings("")
	id := e.create(api.CreateConversationRequest{Repository: "acme/infra", InitialUserMsg: "add a health check"})
	e.clock.Advance(startDelay + runDuration)

	root, _ := e.client.ListFilesWithResponse(ctx(t), id, nil)
	if root.JSON200 == nil || !slices.Equal(*root.JSON200, []string{"infra/"}) {
		t.Errorf("root: %s", root.Body)
	}
	dir, _ := e.client.ListFilesWithResponse(ctx(t), id, &api.ListFilesParams{Path: ptr("infra")})
	want := []string{"infra/.openhands/", "infra/assets/", "infra/src/", "infra/tests/", "infra/.gitignore", "infra/README.md", "infra/add_a_health.py"}
	if dir.JSON200 == nil || !slices.Equal(*dir.JSON200, want) {
		t.Errorf("infra/ = %s, want %v (build.log is .gitignored)", dir.Body, want)
	}

	f, _ := e.client.SelectFileWithResponse(ctx(t), id, &api.SelectFileParams{File: "infra/README.md"})
	if f.JSON200 == nil || !strings.HasPrefix(f.JSON200.Code, "# acme/infra") {
		t.Errorf("select README: %s", f.Body)
	}
	f, _ = e.client.SelectFileWithResponse(ctx(t), id, &api.SelectFileParams{File: "/workspace/infra/assets/logo.png"})
	if f.StatusCode() != 415 {
		t.Errorf("binary file: %d %s", f.StatusCode(), f.Body)
	}
	wantJSON(t, f.Body, `{"error":"Unable to open binary file: /workspace/infra/assets/logo.png"}`)
	f, _ = e.client.SelectFileWithResponse(ctx(t), id, &api.SelectFileParams{File: "nope.txt"})
	if f.StatusCode() != 500 || !strings.Contains(string(f.Body), "/workspace/nope.txt does not exist") {
		t.Errorf("missing file: %d %s", f.StatusCode(), f.Body)
	}
	if status, _, body := e.do("GET", "/api/conversations/"+id+"/select-file", "", ""); status != 422 || !strings.Contains(body, `"loc":["query","file"]`) {
		t.Errorf("select-file without file: %d %s", status, body)
	}

	ch, _ := e.client.GetGitChangesWithResponse(ctx(t), id)
	if ch.JSON200 == nil || len(*ch.JSON200) != 1 || (*ch.JSON200)[0] != (api.GitChange{Status: "A", Path: "infra/add_a_health.py"}) {
		t.Errorf("git changes: %s", ch.Body)
	}
	diff, _ := e.client.GetGitDiffWithResponse(ctx(t), id, &api.GetGitDiffParams{Path: "infra/add_a_health.py"})
	if diff.JSON200 == nil || diff.JSON200.Original != "" || !strings.Contains(diff.JSON200.Modified, "def main") {
		t.Errorf("git diff: %s", diff.Body)
	}

	ct, body := multipartBody(t, map[string]string{"notes.txt": "hello", "../escape.txt": "no", "bin.dat": "\xff\x00"})
	up, err := e.client.UploadFilesWithBodyWithResponse(ctx(t), id, ct, body)
	if err != nil || up.JSON200 == nil {
		t.Fatalf("upload: %v %s", err, up.Body)
	}
	wantJSON(t, up.Body, `{"uploaded_files":["/workspace/bin.dat","/workspace/notes.txt"],"skipped_files":[{"name":"../escape.txt","reason":"Invalid file path: ../escape.txt"}]}`)
	ch, _ = e.client.GetGitChangesWithResponse(ctx(t), id)
	if len(*ch.JSON200) != 3 {
		t.Errorf("changes after upload: %s", ch.Body)
	}
	if status, _, body := e.do("POST", "/api/conversations/"+id+"/upload-files", "application/json", `{}`); status != 422 || !strings.Contains(body, `"loc":["body","files"]`) {
		t.Errorf("upload without files: %d %s", status, body)
	}

	z, _ := e.client.ZipWorkspaceWithResponse(ctx(t), id)
	if z.StatusCode() != 200 || z.ContentType() != "application/zip" || z.HTTPResponse.Header.Get("Content-Disposition") != `attachment; filename="workspace.zip"` {
		t.Fatalf("zip: %d %s", z.StatusCode(), z.ContentType())
	}
	zr, err := zip.NewReader(bytes.NewReader(z.Body), int64(len(z.Body)))
	if err != nil || len(zr.File) < 10 {
		t.Errorf("zip archive: %v", err)
	}
	z2, _ := e.client.ZipWorkspaceWithResponse(ctx(t), id)
	if !bytes.Equal(z.Body, z2.Body) {
		t.Error("two zips of the same workspace differ")
	}

	plain := e.create(api.CreateConversationRequest{})
	nr, _ := e.client.GetGitChangesWithResponse(ctx(t), plain)
	if nr.StatusCode() != 404 {
		t.Fatalf("git changes without a repository: %d", nr.StatusCode())
	}
	wantJSON(t, nr.Body, `{"error":"Not a git repository"}`)
}

func TestRuntimeInfoRoutes(t *testing.T) {
	e := newEnv(t, sim.WithSampleData())
	id := e.create(api.CreateConversationRequest{Repository: "acme/infra"})
	e.clock.Advance(startDelay)

	cfg, _ := e.client.GetRuntimeConfigWithResponse(ctx(t), id)
	if cfg.JSON200 == nil || cfg.JSON200.SessionID != id || len(cfg.JSON200.RuntimeID) == 0 {
		t.Errorf("config: %s", cfg.Body)
	}
	vs, _ := e.client.GetVSCodeURLWithResponse(ctx(t), id)
	if vs.JSON200 == nil || !strings.Contains(vs.JSON200.VscodeURL, "folder=/workspace/infra") {
		t.Errorf("vscode url: %s", vs.Body)
	}
	wh, _ := e.client.GetWebHostsWithResponse(ctx(t), id)
	if wh.JSON200 == nil || len(wh.JSON200.Hosts) != 2 {
		t.Errorf("web hosts: %s", wh.Body)
	}
	ma, _ := e.client.GetMicroagentsWithResponse(ctx(t), id)
	if ma.JSON200 == nil || ma.JSON200.Microagents[0].Type != "repo" || len(ma.JSON200.Microagents) != 3 {
		t.Errorf("microagents: %s", ma.Body)
	}
	fb, _ := e.client.SubmitFeedbackWithResponse(ctx(t), id, api.FeedbackRequest{Polarity: "positive"})
	if fb.JSON200 == nil || fb.JSON200.StatusCode != 200 || fb.JSON200.Body.FeedbackID == "" {
		t.Errorf("feedback: %s", fb.Body)
	}
	if status, ct, body := e.do("POST", "/api/conversations/"+id+"/submit-feedback", "application/json", `{"email":"a@b.c"}`); status != 500 || !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("feedback without polarity: %d %s %s", status, ct, body)
	}
	rp, _ := e.client.GetRememberPromptWithResponse(ctx(t), id, &api.GetRememberPromptParams{EventID: 1})
	if rp.JSON200 == nil || rp.JSON200.Status != "success" || rp.JSON200.Prompt == "" {
		t.Errorf("remember prompt: %s", rp.Body)
	}
	if status, _, body := e.do("GET", "/api/conversations/"+id+"/remember-prompt", "", ""); status != 422 || !strings.Contains(body, `"event_id"`) {
		t.Errorf("remember prompt without event_id: %d %s", status, body)
	}
	ex, _ := e.client.AddExperimentConfigWithResponse(ctx(t), id, api.ExperimentConfig{Config: map[string]string{"variant": "b"}})
	if string(ex.Body) != "false" {
		t.Errorf("exp-config: %s", ex.Body)
	}

	e.client.StopConversationWithResponse(ctx(t), id)
	ma, _ = e.client.GetMicroagentsWithResponse(ctx(t), id)
	if ma.StatusCode() != 404 {
		t.Fatalf("microagents of a stopped conversation: %d", ma.StatusCode())
	}
	wantJSON(t, ma.Body, `{"error":"Agent session not found for this conversation"}`)
}
