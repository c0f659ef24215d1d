package archiveview

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/timestamp"
)

// hostile is a string that runs script wherever it is not escaped.
const hostile = `<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`

// testConv is a conversation of a hand-made archive.
type testConv struct {
	info   api.ConversationInfo
	events []map[string]any
	jsonl  bool // archived as events.jsonl instead of trajectory.json
	failed string
}

// writeArchive writes an export folder as export.Run leaves it: per
// conversation its metadata and content file, and the manifest.
func writeArchive(t *testing.T, dir string, convs ...testConv) {
	t.Helper()
	m := export.Manifest{Version: 1, Server: "http://sim.test", Conversations: map[string]*export.Entry{}}
	for _, c := range convs {
		id := c.info.ConversationID
		e := &export.Entry{ConversationID: id, Title: c.info.Title, Status: string(c.info.Status),
			CreatedAt: c.info.CreatedAt.String(), LastUpdatedAt: c.info.LastUpdatedAt.String(), EventCount: len(c.events)}
		m.Conversations[id] = e
		if c.failed != "" {
			e.Error = c.failed
			continue
		}
		if err := os.MkdirAll(filepath.Join(dir, id), 0o755); err != nil {
			t.Fatal(err)
		}
		meta, _ := json.Marshal(c.info)
		e.Files = append(e.Files, writeTestFile(t, dir, id+"/"+export.MetadataFile, meta))
		var content []byte
		if c.jsonl {
			e.Kind = export.KindEvents
			for _, ev := range c.events {
				b, _ := json.Marshal(ev)
				content = append(append(content, b...), '\n')
			}
			e.Files = append(e.Files, writeTestFile(t, dir, id+"/"+export.EventsFile, content))
		} else {
			e.Kind = export.KindTrajectory
			content, _ = json.Marshal(map[string]any{"trajectory": c.events})
			e.Files = append(e.Files, writeTestFile(t, dir, id+"/"+export.TrajectoryFile, content))
		}
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, export.ManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeTestFile(t *testing.T, dir, rel string, b []byte) export.File {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return export.File{Path: rel, Bytes: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

func info(id, title string) api.ConversationInfo {
	return api.ConversationInfo{ConversationID: id, Title: title, Status: api.ConversationStatusStopped, ConversationVersion: "V0",
		CreatedAt: timestamp.MustParse("2026-01-02T10:00:00Z"), LastUpdatedAt: timestamp.MustParse("2026-01-02T11:00:00Z"),
		SelectedRepository: "acme/widgets", SelectedBranch: "main"}
}

func ts(i int) string { return fmt.Sprintf("2026-01-02T10:%02d:%02d.000000", i/60%60, i%60) }

// chatEvents is a short task: a message, a command and its output, an edit
// with its diff, a failing command, and the final state.
func chatEvents() []map[string]any {
	return []map[string]any{
		{"id": 0, "timestamp": ts(0), "source": "user", "action": "message", "message": "Fix the bug",
			"args": map[string]any{"content": "Fix the **login** bug, see https://example.com/issue/1"}},
		{"id": 1, "timestamp": ts(1), "source": "environment", "observation": "agent_state_changed",
			"extras": map[string]any{"agent_state": "running"}},
		{"id": 2, "timestamp": ts(2), "source": "agent", "action": "run", "args": map[string]any{"command": "go test ./login/", "thought": "Run the tests."},
			"llm_metrics": map[string]any{"accumulated_cost": 0.5, "accumulated_token_usage": map[string]any{"model": "test/model-1", "prompt_tokens": 1000, "completion_tokens": 50, "per_turn_token": 1050}}},
		{"id": 3, "timestamp": ts(3), "source": "agent", "observation": "run", "cause": 2, "content": "--- FAIL: TestLogin\nFAIL",
			"extras": map[string]any{"command": "go test ./login/", "metadata": map[string]any{"exit_code": 1}}},
		{"id": 4, "timestamp": ts(4), "source": "agent", "action": "edit", "args": map[string]any{"command": "str_replace", "path": "/workspace/login.go", "old_str": "return nil", "new_str": "return err"}},
		{"id": 5, "timestamp": ts(5), "source": "agent", "observation": "edit", "cause": 4, "content": "edited",
			"extras": map[string]any{"path": "/workspace/login.go", "diff": "--- a/login.go\n+++ b/login.go\n@@ -1 +1 @@\n-\treturn nil\n+\treturn err\n"}},
		{"id": 6, "timestamp": ts(6), "source": "agent", "action": "finish", "args": map[string]any{"final_thought": "The login bug is fixed."}},
		{"id": 7, "timestamp": ts(7), "source": "environment", "observation": "agent_state_changed",
			"extras": map[string]any{"agent_state": "finished"}},
	}
}

// hostileEvents carries the hostile string in every field the viewer shows.
func hostileEvents() []map[string]any {
	md := "Hi " + hostile + "\n\n[click](javascript:document.title='pwned') ![img](http://evil.invalid/x.png) <http://evil.invalid/auto>\n\n<div onclick=\"x()\">block</div>\n"
	return []map[string]any{
		{"id": 0, "timestamp": hostile, "source": "user", "action": "message", "message": hostile, "args": map[string]any{"content": md, "image_urls": []string{"javascript:alert(1)"}}},
		{"id": 1, "timestamp": ts(1), "source": hostile, "action": hostile, "args": map[string]any{"thought": hostile}},
		{"id": 2, "timestamp": ts(2), "source": "agent", "action": "run", "args": map[string]any{"command": hostile, "thought": md}},
		{"id": 3, "timestamp": ts(3), "source": "agent", "observation": "run", "content": hostile, "extras": map[string]any{"command": hostile, "metadata": map[string]any{"exit_code": 2}}},
		{"id": 4, "timestamp": ts(4), "source": "agent", "action": "edit", "args": map[string]any{"command": hostile, "path": hostile, "old_str": hostile, "new_str": hostile}},
		{"id": 5, "timestamp": ts(5), "source": "agent", "observation": "edit", "extras": map[string]any{"path": hostile, "diff": "+" + hostile + "\n-" + hostile}},
		{"id": 6, "timestamp": ts(6), "source": "agent", "observation": "error", "content": hostile, "extras": map[string]any{"error_id": hostile}},
		{"id": 7, "timestamp": ts(7), "source": "agent", "action": "browse", "args": map[string]any{"url": "javascript:" + hostile}},
		{"id": 8, "timestamp": ts(8), "source": "agent", "action": "mcp", "args": map[string]any{"name": hostile, "arguments": map[string]any{"q": hostile}}},
		{"id": 9, "timestamp": ts(9), "source": "environment", "observation": "agent_state_changed", "extras": map[string]any{"agent_state": hostile, "reason": hostile}},
		{"id": 10, "timestamp": ts(10), "source": "agent", "observation": hostile, "content": hostile,
			"llm_metrics": map[string]any{"accumulated_cost": 1, "accumulated_token_usage": map[string]any{"model": hostile}}},
	}
}

func hostileConv() testConv {
	in := info("hostile", hostile)
	in.SelectedRepository, in.SelectedBranch, in.LLMModel = hostile, hostile, hostile
	in.Status = api.ConversationStatus(hostile)
	return testConv{info: in, events: hostileEvents()}
}

// chunkHTML returns the HTML of every chunk of a conversation, decoded from
// its script files.
func chunkHTML(t *testing.T, dir, id string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, id, ChunkDir, "*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no chunk files (%v)", id, err)
	}
	var out []string
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prefix := fmt.Sprintf("OHV.chunk(%d,", i)
		s := strings.TrimSuffix(string(b), ");\n")
		if !strings.HasPrefix(s, prefix) {
			t.Fatalf("%s does not start with %s", f, prefix)
		}
		var html string
		if err := json.Unmarshal([]byte(s[len(prefix):]), &html); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, html)
	}
	return out
}

// treeBytes maps every file under dir to its content.
func treeBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
