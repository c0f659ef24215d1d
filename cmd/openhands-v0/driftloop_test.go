package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/internal/upstream"
)

// TestDriftRegenerationLoop walks docs/drift.md's loop on a copy of this
// module, with the make targets a maintainer runs, against a 0.62.0 server
// document whose conversations lost their required title:
//
//	make drift FILE=...   exit 1, the change names Client.GetConversation and the schema to edit
//	edit spec/openapi.yaml where it says (title is no longer required)
//	make generate         api/ changes: Title is now omitted when empty
//	make contract         the recorded scenarios still conform
//	make drift FILE=...   exit 0, one line: compatible, 0 changes
func TestDriftRegenerationLoop(t *testing.T) {
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed: the loop is walked with the Makefile's targets")
	}
	server := mutatedServerDocument(t)
	repo := copyModule(t)

	// 1. drift finds the change and says where to edit.
	out, code := runMake(t, makeBin, repo, "drift", "FILE="+server)
	if code == 0 || !strings.Contains(out, "BREAKING GET /api/conversations/{conversation_id} (getConversation)") ||
		!strings.Contains(out, "SDK:    Client.GetConversation") {
		t.Fatalf("make drift: exit %d, want 1 and the getConversation change:\n%s", code, out)
	}
	m := regexp.MustCompile(`(?m)^BREAKING GET /api/conversations/\{conversation_id\} \(getConversation\)\n  change: (.*)\n(?:  .*\n)*?  edit:   spec/openapi\.yaml:\d+ \S+, schema (\w+) \(spec/openapi\.yaml:(\d+)\)$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(m[1], "`title`") {
		t.Fatalf("the getConversation change does not name the field and the schema to edit:\n%s", out)
	}
	schema, line := m[2], m[3]

	// 2. edit the spec where drift says: the schema's required list.
	specPath := filepath.Join(repo, "spec", "openapi.yaml")
	editRequired(t, specPath, schema, line, "title")

	// 3. regenerate.
	before := readFileT(t, filepath.Join(repo, "api", "client.gen.go"))
	if out, code := runMake(t, makeBin, repo, "generate"); code != 0 {
		t.Fatalf("make generate: exit %d\n%s", code, out)
	}
	after := readFileT(t, filepath.Join(repo, "api", "client.gen.go"))
	if bytes.Equal(before, after) || !bytes.Contains(after, []byte("`json:\"title,omitempty,omitzero\"`")) {
		t.Fatal("make generate did not make ConversationInfo.Title optional")
	}

	// 4. the recorded scenarios still conform to the edited spec.
	if out, code := runMake(t, makeBin, repo, "contract"); code != 0 || !strings.Contains(out, "PASS") {
		t.Fatalf("make contract: exit %d\n%s", code, out)
	}

	// 5. drift is silent.
	out, code = runMake(t, makeBin, repo, "drift", "FILE="+server)
	verdict := lastLine(out)
	if code != 0 || !strings.HasPrefix(verdict, "compatible with the reviewed OpenHands 0.62.0 document (upstream-0.62.0): 0 changes") {
		t.Fatalf("make drift after the edit: exit %d\n%s", code, out)
	}
}

// mutatedServerDocument writes the 0.62.0 server's document without
// ConversationInfo's title.
func mutatedServerDocument(t *testing.T) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readFileT(t, filepath.Join(upstream.Dir(t), "openapi_server_0.62.0.json")), &doc); err != nil {
		t.Fatal(err)
	}
	conv := doc["components"].(map[string]any)["schemas"].(map[string]any)["ConversationInfo-Output"].(map[string]any)
	delete(conv["properties"].(map[string]any), "title")
	conv["required"] = slices.DeleteFunc(conv["required"].([]any), func(v any) bool { return v == "title" })
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// editRequired removes field from the `required:` list of the schema whose
// name is on line line of the spec.
func editRequired(t *testing.T, path, schema, line, field string) {
	t.Helper()
	lines := strings.Split(string(readFileT(t, path)), "\n")
	n, err := strconv.Atoi(line)
	if err != nil || n < 1 || n > len(lines) || strings.TrimSpace(lines[n-1]) != schema+":" {
		t.Fatalf("spec line %s is not the schema %s", line, schema)
	}
	indent := len(lines[n-1]) - len(strings.TrimLeft(lines[n-1], " "))
	for i := n; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) <= indent {
			break // the schema ended
		}
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "required: ["); ok {
			names := strings.Split(strings.TrimSuffix(rest, "]"), ", ")
			if !slices.Contains(names, field) {
				t.Fatalf("%s does not require %s: %s", schema, field, l)
			}
			names = slices.DeleteFunc(names, func(s string) bool { return s == field })
			lines[i] = l[:len(l)-len(strings.TrimLeft(l, " "))] + "required: [" + strings.Join(names, ", ") + "]"
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("schema %s has no required list", schema)
}

// copyModule copies this module's working tree (what git would track) into
// a temporary folder.
func copyModule(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no module root at %s: %v", root, err)
	}
	dst := filepath.Join(t.TempDir(), "openhands-v0")
	skip := map[string]bool{".git": true, "bin": true, "reports": true, "openhands-v0": true}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if skip[rel] || strings.HasSuffix(rel, ".test") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		}
		return nil // symlinks and the like: not part of the module
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// runMake runs a make target in dir and returns its output and exit code.
func runMake(t *testing.T, makeBin, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(makeBin, append([]string{"--no-print-directory", "-s"}, args...)...)
	cmd.Dir = dir
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "OPENHANDS_") })
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatalf("make %v: %v", args, err)
	}
	return string(out), 0
}

func readFileT(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
