package wrapper

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var embeddedTemplates embed.FS

// ErrUnknownTemplate is returned by RenderTemplate for a name no template has.
var ErrUnknownTemplate = errors.New("openhands: unknown prompt template")

// templateExt is the file extension of prompt templates.
const templateExt = ".tmpl"

// partialPrefix marks templates that are only included by others, such as
// common_tail; ListTemplates leaves them out.
const partialPrefix = "common_"

// TemplateData is what a prompt template sees: .Repository, .Branch,
// .ConversationID and the user's own variables as .Vars (the CLI's
// --var key=value). A template that uses .Vars.key fails to render when key
// is not set; `index .Vars "key"` makes it optional.
type TemplateData struct {
	Repository     string
	Branch         string
	ConversationID string
	Vars           map[string]string
}

// PromptTemplates is a set of prompt templates (text/template), parsed and
// ready to render. It is safe for concurrent use.
type PromptTemplates struct {
	set   *template.Template
	names []string
}

// Templates returns the embedded prompt templates (new_conversation,
// arch_conversation, code_review, debug_issue, feature_implementation,
// download_trajectory, and the shared common_tail they include), with the
// *.tmpl files of dir, if dir is not "", added: a file named like an
// embedded template replaces it, any other adds a template.
func Templates(dir string) (*PromptTemplates, error) {
	sources := map[string]string{}
	origin := map[string]string{}
	if err := readTemplates(embeddedTemplates, "templates", "embedded ", sources, origin); err != nil {
		return nil, err
	}
	if dir != "" {
		if err := readTemplates(os.DirFS(dir), ".", dir+string(filepath.Separator), sources, origin); err != nil {
			return nil, err
		}
	}
	set := template.New("").Option("missingkey=error").Funcs(template.FuncMap{"required": required})
	p := &PromptTemplates{set: set}
	for _, name := range slices.Sorted(maps.Keys(sources)) {
		if _, err := set.New(name).Parse(sources[name]); err != nil {
			return nil, fmt.Errorf("openhands: template %s: %w", origin[name], err)
		}
		if !strings.HasPrefix(name, partialPrefix) {
			p.names = append(p.names, name)
		}
	}
	return p, nil
}

// readTemplates adds the *.tmpl files of dir in fsys to sources, by name
// without the extension.
func readTemplates(fsys fs.FS, dir, label string, sources, origin map[string]string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("openhands: reading prompt templates: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), templateExt) {
			continue
		}
		text, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("openhands: reading prompt template: %w", err)
		}
		name := strings.TrimSuffix(e.Name(), templateExt)
		sources[name], origin[name] = string(text), label+e.Name()
	}
	return nil
}

// ListTemplates returns the names of the templates one can render, sorted.
func (p *PromptTemplates) ListTemplates() []string {
	return slices.Clone(p.names)
}

// RenderTemplate renders the template called name (".tmpl" or the seed's
// ".j2" suffix may be given) with data. An unknown name is an error
// matching ErrUnknownTemplate; a missing variable names the key.
func (p *PromptTemplates) RenderTemplate(name string, data TemplateData) (string, error) {
	name = strings.TrimSuffix(strings.TrimSuffix(name, templateExt), ".j2")
	t := p.set.Lookup(name)
	if t == nil || name == "" {
		return "", fmt.Errorf("%w %q (have: %s)", ErrUnknownTemplate, name, strings.Join(p.names, ", "))
	}
	if data.Vars == nil {
		data.Vars = map[string]string{}
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("openhands: rendering template %q: %w", name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// required is the template function that fails a render when a value the
// template cannot do without is empty: {{required "conversation_id" .ConversationID}}.
func required(what, value string) (string, error) {
	if strings.TrimSpace(value) == "" {
		return "", fmt.Errorf("this template needs %s", what)
	}
	return value, nil
}
