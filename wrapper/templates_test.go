package wrapper

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var seedTemplateNames = []string{"arch_conversation", "code_review", "debug_issue", "download_trajectory", "feature_implementation", "new_conversation"}

func TestEmbeddedTemplatesRender(t *testing.T) {
	tpl, err := Templates("")
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	if got := tpl.ListTemplates(); !slices.Equal(got, seedTemplateNames) {
		t.Fatalf("ListTemplates = %v, want %v", got, seedTemplateNames)
	}
	data := TemplateData{Repository: "octo/hello", Branch: "fix-1", ConversationID: stubConvID}
	for _, name := range tpl.ListTemplates() {
		t.Run(name, func(t *testing.T) {
			out, err := tpl.RenderTemplate(name, data)
			if err != nil {
				t.Fatalf("RenderTemplate: %v", err)
			}
			if !strings.Contains(out, "## House rules") {
				t.Errorf("%s does not include the common tail", name)
			}
			if strings.Contains(out, "<no value>") {
				t.Errorf("%s rendered a missing value:\n%s", name, out)
			}
			if name != "download_trajectory" && !strings.Contains(out, "octo/hello") {
				t.Errorf("%s does not mention the repository", name)
			}
		})
	}
	// Without any data every template but download_trajectory still renders.
	for _, name := range tpl.ListTemplates() {
		if _, err := tpl.RenderTemplate(name, TemplateData{}); (err != nil) != (name == "download_trajectory") {
			t.Errorf("%s with no data: err = %v", name, err)
		}
	}
}

func TestTemplateVariables(t *testing.T) {
	tpl, err := Templates("")
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	out, err := tpl.RenderTemplate("download_trajectory", TemplateData{ConversationID: stubConvID})
	if err != nil {
		t.Fatalf("download_trajectory: %v", err)
	}
	if n := strings.Count(out, stubConvID); n < 5 {
		t.Errorf("the conversation id appears %d times, want it in every step:\n%s", n, out)
	}
	if !strings.Contains(out, "trajectory_"+stubConvID+".json") {
		t.Error("no per-conversation file name")
	}
	_, err = tpl.RenderTemplate("download_trajectory", TemplateData{})
	if err == nil || !strings.Contains(err.Error(), "conversation_id") {
		t.Errorf("without a conversation id: err = %v, want one naming conversation_id", err)
	}
	out, err = tpl.RenderTemplate("debug_issue.j2", TemplateData{Vars: map[string]string{"issue": "42", "symptom": "it crashes"}})
	if err != nil {
		t.Fatalf("debug_issue: %v", err)
	}
	if !strings.Contains(out, "issue #42") || !strings.Contains(out, "What goes wrong: it crashes") {
		t.Errorf("user variables not rendered:\n%s", out)
	}
	out, err = tpl.RenderTemplate("new_conversation.tmpl", TemplateData{Branch: "dev"})
	if err != nil || !strings.Contains(out, "on the branch `dev`") {
		t.Errorf("branch without repository: %v\n%s", err, out)
	}
}

func TestTemplateErrors(t *testing.T) {
	tpl, err := Templates("")
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	_, err = tpl.RenderTemplate("no_such_prompt", TemplateData{})
	if !errors.Is(err, ErrUnknownTemplate) || !strings.Contains(err.Error(), "no_such_prompt") || !strings.Contains(err.Error(), "new_conversation") {
		t.Errorf("unknown template: err = %v, want ErrUnknownTemplate naming it and the choices", err)
	}
	if _, err := tpl.RenderTemplate("", TemplateData{}); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("empty name: err = %v", err)
	}
	if _, err := Templates(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Error("a missing template directory was accepted")
	}
	dir := t.TempDir()
	writeFile(t, dir, "broken.tmpl", "{{if}}")
	if _, err := Templates(dir); err == nil || !strings.Contains(err.Error(), "broken.tmpl") {
		t.Errorf("a template that does not parse: err = %v, want one naming the file", err)
	}
}

func TestTemplateDirectoryOverrides(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "new_conversation.tmpl", "Team prompt for {{.Repository}}.\n{{template \"common_tail\" .}}")
	writeFile(t, dir, "common_tail.tmpl", "Team rules.")
	writeFile(t, dir, "release_notes.tmpl", "Write release notes for {{.Vars.version}}.")
	writeFile(t, dir, "README.md", "not a template")
	tpl, err := Templates(dir)
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	if got := tpl.ListTemplates(); !slices.Contains(got, "release_notes") || slices.Contains(got, "README") || len(got) != len(seedTemplateNames)+1 {
		t.Errorf("ListTemplates = %v", got)
	}
	out, err := tpl.RenderTemplate("new_conversation", TemplateData{Repository: "octo/hello"})
	if err != nil || out != "Team prompt for octo/hello.\nTeam rules." {
		t.Errorf("override: %q, %v", out, err)
	}
	out, err = tpl.RenderTemplate("code_review", TemplateData{})
	if err != nil || !strings.HasSuffix(out, "Team rules.") {
		t.Errorf("an embedded template does not use the overriding tail: %v\n%s", err, out)
	}
	out, err = tpl.RenderTemplate("release_notes", TemplateData{Vars: map[string]string{"version": "1.2.0"}})
	if err != nil || out != "Write release notes for 1.2.0." {
		t.Errorf("added template: %q, %v", out, err)
	}
	_, err = tpl.RenderTemplate("release_notes", TemplateData{})
	if err == nil || !strings.Contains(err.Error(), `"version"`) {
		t.Errorf("missing variable: err = %v, want one naming the key", err)
	}
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
