package contract

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/openhands-go/openhands-v0/internal/drift"
	"github.com/openhands-go/openhands-v0/internal/upstream"
	"github.com/openhands-go/openhands-v0/spec"
)

// server062 is the document a real OpenHands 0.62.0 server serves.
const server062 = "openapi_server_0.62.0.json"

// TestDriftOfTheReviewedDocumentsIsCompatible runs drift on each reviewed
// upstream document, read from a file and fetched from a server: each is
// compatible with itself as reviewed, in one line, and every difference
// found is a reviewed one.
func TestDriftOfTheReviewedDocumentsIsCompatible(t *testing.T) {
	dir := upstream.Dir(t)
	ctx := context.Background()
	for name, version := range map[string]string{upstream.LiveOpenAPI: "0.0.1", upstream.DocsOpenAPI: "0.53.0", server062: "0.62.0"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			res, err := Drift(ctx, DriftOptions{File: path})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Compatible || len(res.Changes) != 0 || res.Breaking+res.MayBreak != 0 {
				t.Fatalf("%s: %d changes: %+v", res.Verdict, len(res.Changes), res.Changes)
			}
			if res.Reviewed == nil || res.Reviewed.Version != version || res.ServerVersion != version {
				t.Errorf("compared with %+v, server version %q; want the reviewed document of version %s", res.Reviewed, res.ServerVersion, version)
			}
			want := "compatible with the reviewed OpenHands " + version + " document (" + res.Reviewed.Name + "): 0 changes; "
			if !strings.HasPrefix(res.Verdict, want) || strings.Contains(res.Verdict, "\n") {
				t.Errorf("verdict %q, want one line starting %q", res.Verdict, want)
			}
			if len(res.ReviewedDifferences) == 0 || len(res.Next) != 0 {
				t.Errorf("%d reviewed groups, next %v", len(res.ReviewedDifferences), res.Next)
			}

			doc := readFile(t, path)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/openapi.json" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(doc)
			}))
			defer srv.Close()
			fetched, err := Drift(ctx, DriftOptions{URL: srv.URL + "/"})
			if err != nil {
				t.Fatal(err)
			}
			if fetched.Source != srv.URL+"/openapi.json" {
				t.Errorf("source %s, want the server's /openapi.json", fetched.Source)
			}
			fetched.Source, fetched.Verdict = res.Source, res.Verdict
			if !reflect.DeepEqual(fetched, res) {
				t.Error("the fetched document gives another result than the file")
			}
		})
	}
}

// mutated returns the 0.62.0 server's document changed by edit.
func mutated(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(upstream.Dir(t), server062)), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, data)
}

// obj walks a decoded JSON document by keys.
func obj(v any, keys ...string) map[string]any {
	m, _ := v.(map[string]any)
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}

const (
	stopPath = "/api/conversations/{conversation_id}/stop"
	haltPath = "/api/conversations/{conversation_id}/halt"
)

// wantChange is what a test expects of one change.
type wantChange struct {
	op, opID, method, text, movedTo string
}

// TestDriftNamesEachChangeAndTheSDKMethod mutates the 0.62.0 server's
// document the ways a server moves on, and checks that drift reports
// exactly those changes, each with its operation and SDK method, breaking.
func TestDriftNamesEachChangeAndTheSDKMethod(t *testing.T) {
	paths := func(doc map[string]any) map[string]any { return obj(doc, "paths") }
	for _, tc := range []struct {
		name      string
		edit      func(doc map[string]any)
		baselines baselineSource
		want      []wantChange
	}{
		{name: "deprecated operation removed", edit: func(doc map[string]any) { delete(paths(doc), stopPath) },
			want: []wantChange{{op: "POST " + stopPath, opID: "stopConversation", method: "Client.StopConversation", text: "no longer has this operation"}}},
		{name: "operation removed", edit: func(doc map[string]any) { delete(obj(doc, "paths", "/api/settings"), "get") },
			want: []wantChange{{op: "GET /api/settings", opID: "getSettings", method: "Client.GetSettings", text: "no longer has this operation"}}},
		{name: "required response field dropped", edit: func(doc map[string]any) {
			conv := obj(doc, "components", "schemas", "ConversationInfo-Output")
			delete(obj(conv, "properties"), "title")
			conv["required"] = slices.DeleteFunc(conv["required"].([]any), func(v any) bool { return v == "title" })
		}, want: []wantChange{
			{op: "GET /api/conversations", opID: "listConversations", method: "Client.Conversations", text: "`results/items/title`"},
			{op: "GET /api/conversations/{conversation_id}", opID: "getConversation", method: "Client.GetConversation", text: "`title`"},
			{op: "GET /api/microagent-management/conversations", opID: "listMicroagentManagementConversations", method: "Client.ListMicroagentManagementConversations", text: "`results/items/title`"},
		}},
		{name: "request field made required", edit: func(doc map[string]any) {
			obj(doc, "components", "schemas", "InitSessionRequest")["required"] = []any{"repository"}
		}, want: []wantChange{{op: "POST /api/conversations", opID: "createConversation", method: "Client.CreateConversation", text: "`repository` became required"}}},
		{name: "path renamed", edit: renameStop, baselines: fsBaseline062,
			want: []wantChange{{op: "POST " + stopPath, opID: "stopConversation", method: "Client.StopConversation", text: "moved to POST " + haltPath, movedTo: "POST " + haltPath}}},
		{name: "path renamed, no baseline", edit: renameStop,
			want: []wantChange{{op: "POST " + stopPath, opID: "stopConversation", method: "Client.StopConversation", text: "no longer has this operation"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := DriftOptions{File: mutated(t, tc.edit), Baselines: fstest.MapFS{}}
			if tc.baselines != nil {
				opts.Baselines = tc.baselines(t)
			}
			res, err := Drift(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Compatible || res.Breaking != len(tc.want) || len(res.Changes) != len(tc.want) {
				t.Fatalf("%s\nwant %d breaking changes, got %+v", res.Verdict, len(tc.want), res.Changes)
			}
			for i, w := range tc.want {
				c := res.Changes[i]
				if c.Severity != SeverityBreaking || c.Operation != w.op || c.OperationID != w.opID || c.MovedTo != w.movedTo ||
					!strings.Contains(c.Change, w.text) || !slices.Contains(c.Methods(), w.method) {
					t.Errorf("change %d = %+v\nwant %+v", i, c, w)
				}
				if !strings.HasPrefix(c.Edit, "spec/openapi.yaml:") || !strings.Contains(c.Edit, "paths."+strings.SplitN(w.op, " ", 2)[1]+".") {
					t.Errorf("edit %q does not point at the operation in the spec", c.Edit)
				}
				if !strings.Contains(res.Verdict, w.method) {
					t.Errorf("verdict %q does not name %s", res.Verdict, w.method)
				}
			}
			if len(res.Next) == 0 || !slices.ContainsFunc(res.Next, func(s string) bool { return strings.HasPrefix(s, "make generate") }) {
				t.Errorf("next %v does not say to regenerate", res.Next)
			}
		})
	}
}

// TestDriftEnumValueAddedMayBreak: a response enum that gains a value is
// not a break for this SDK (its enums are open), but is reported.
func TestDriftEnumValueAddedMayBreak(t *testing.T) {
	file := mutated(t, func(doc map[string]any) {
		status := obj(doc, "components", "schemas", "ConversationStatus")
		status["enum"] = append(status["enum"].([]any), "PAUSED")
	})
	res, err := Drift(context.Background(), DriftOptions{File: file, Baselines: fstest.MapFS{}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Compatible || res.Breaking != 0 || res.MayBreak == 0 || res.MayBreak != len(res.Changes) {
		t.Fatalf("%s: %d breaking, %d may break", res.Verdict, res.Breaking, res.MayBreak)
	}
	for _, c := range res.Changes {
		if c.Severity != SeverityMayBreak || c.Rule != "response-property-enum-value-added" || !strings.Contains(c.Change, "`PAUSED`") || len(c.Methods()) == 0 {
			t.Errorf("change %+v", c)
		}
	}
	if !slices.ContainsFunc(res.Changes, func(c DriftChange) bool { return c.OperationID == "getConversation" }) {
		t.Error("getConversation's status is not among the changes")
	}
	if !strings.HasPrefix(res.Verdict, "compatible with the reviewed OpenHands 0.62.0 document (upstream-0.62.0): no change breaks the SDK, ") {
		t.Errorf("verdict %q", res.Verdict)
	}
}

// baselineSource supplies a baselines folder to a test case.
type baselineSource func(t *testing.T) fstest.MapFS

// fsBaseline062 is a baselines folder holding the 0.62.0 server's document.
func fsBaseline062(t *testing.T) fstest.MapFS {
	return fstest.MapFS{"openhands-0.62.0.json": {Data: readFile(t, filepath.Join(upstream.Dir(t), server062))}}
}

// renameStop serves stop under another path, with the operationId FastAPI
// derives from the new path.
func renameStop(doc map[string]any) {
	p := obj(doc, "paths")
	item := p[stopPath].(map[string]any)
	delete(p, stopPath)
	post := obj(item, "post")
	post["operationId"] = strings.Replace(post["operationId"].(string), "_stop_post", "_halt_post", 1)
	p[haltPath] = item
}

func TestHandlerName(t *testing.T) {
	for _, c := range []struct{ id, method, path, want string }{
		{"stop_conversation_api_conversations__conversation_id__stop_post", "post", stopPath, "stop_conversation"},
		{"stop_conversation_api_conversations__conversation_id__halt_post", "POST", haltPath, "stop_conversation"},
		{"stopConversation", "post", stopPath, "stopConversation"},
	} {
		if got := handlerName(c.id, c.method, c.path); got != c.want {
			t.Errorf("handlerName(%q) = %q, want %q", c.id, got, c.want)
		}
	}
}

func TestDriftOfTheSpecItselfIsCompatible(t *testing.T) {
	res, err := Drift(context.Background(), DriftOptions{File: writeTemp(t, spec.YAML()), Baselines: fstest.MapFS{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 0 || !res.Compatible || !strings.HasPrefix(res.Verdict, "compatible") {
		t.Fatalf("the spec against itself: %s, %v", res.Verdict, res.Changes)
	}
}

func TestDriftRefusesAWebApp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><html></html>")
	}))
	defer srv.Close()
	_, err := Drift(context.Background(), DriftOptions{URL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "HTML") {
		t.Fatalf("err = %v, want one naming the HTML answer", err)
	}
	if _, err := Drift(context.Background(), DriftOptions{}); err == nil {
		t.Error("no error for no source")
	}
}

// The baselines built in are reviewed documents: each is compatible.
func TestDriftOfEachBaselineIsCompatible(t *testing.T) {
	review, err := drift.LoadReview(spec.ExpectedDrift(), spec.Baselines())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range review.Documents {
		if len(d.Baseline) == 0 {
			continue
		}
		n++
		res, err := Drift(context.Background(), DriftOptions{File: writeTemp(t, d.Baseline)})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Compatible || len(res.Changes) != 0 || res.Reviewed == nil || res.Reviewed.Name != d.Name || !res.Reviewed.Baseline {
			t.Errorf("%s: %s (%+v)", d.Name, res.Verdict, res.Reviewed)
		}
	}
	if n == 0 {
		t.Skip("spec/baselines holds no baseline yet")
	}
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
