package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// envTemplateDir names a folder of *.tmpl prompt templates that add to or
// replace the embedded ones.
const envTemplateDir = "OPENHANDS_TEMPLATE_DIR"

// promptFlags are the flags of commands that render prompt templates.
type promptFlags struct {
	vars        []string
	templateDir string
}

func (p *promptFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&p.vars, "var", nil, "template variable key=value, seen as .Vars.key (repeatable)")
	f.StringVar(&p.templateDir, "template-dir", "", "folder of *.tmpl templates that add to or replace the built-in ones (env "+envTemplateDir+")")
}

// templates loads the built-in templates and those of --template-dir.
func (p *promptFlags) templates(cmd *cobra.Command) (*wrapper.PromptTemplates, error) {
	dir := flagOrEnv(cmd, "template-dir", p.templateDir, envTemplateDir)
	t, err := wrapper.Templates(dir)
	if err != nil {
		return nil, &usageError{err: err}
	}
	return t, nil
}

// data is the template data: the repository, branch and --var values
// (--var conversation_id=... sets .ConversationID too).
func (p *promptFlags) data(repository, branch string) (wrapper.TemplateData, error) {
	vars := map[string]string{}
	for _, kv := range p.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return wrapper.TemplateData{}, usagef("--var wants key=value, got %q", kv)
		}
		vars[strings.TrimSpace(k)] = v
	}
	return wrapper.TemplateData{Repository: repository, Branch: branch, ConversationID: vars["conversation_id"], Vars: vars}, nil
}

// renderTemplate renders a template by name.
func (p *promptFlags) renderTemplate(cmd *cobra.Command, name string, data wrapper.TemplateData) (string, error) {
	t, err := p.templates(cmd)
	if err != nil {
		return "", err
	}
	return renderUsage(t, name, data)
}

// renderUsage renders a template; an unknown name or a missing variable is
// a usage error (pass the variable with --var).
func renderUsage(t *wrapper.PromptTemplates, name string, data wrapper.TemplateData) (string, error) {
	text, err := t.RenderTemplate(name, data)
	if err != nil {
		return "", &usageError{err: err}
	}
	return text, nil
}

// renderPromptFile resolves the seed's --prompt-file: a bare template name
// (new_conversation, or the seed's new_conversation.j2) renders that
// template; otherwise it is a file: a .tmpl file renders as a template (it
// may include the built-in ones, such as common_tail), any other file is
// the prompt as it is.
func (p *promptFlags) renderPromptFile(cmd *cobra.Command, file string, data wrapper.TemplateData) (string, error) {
	t, err := p.templates(cmd)
	if err != nil {
		return "", err
	}
	if filepath.Base(file) == file {
		if _, err := t.RenderTemplate(file, data); !errors.Is(err, wrapper.ErrUnknownTemplate) {
			return renderUsage(t, file, data)
		}
	}
	info, statErr := os.Stat(file)
	if statErr != nil || info.IsDir() {
		return "", usagef("prompt file %q: not a file, and not a template (have: %s)", file, strings.Join(t.ListTemplates(), ", "))
	}
	if strings.HasSuffix(file, ".tmpl") {
		dirTemplates, err := wrapper.Templates(filepath.Dir(file))
		if err != nil {
			return "", &usageError{err: err}
		}
		return renderUsage(dirTemplates, filepath.Base(file), data)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading the prompt file: %w", err)
	}
	text := strings.TrimSpace(string(b))
	if text == "" {
		return "", usagef("prompt file %q is empty", file)
	}
	return text, nil
}

func (a *app) templatesCommand() *cobra.Command {
	cmd := group("templates", "List and render the prompt templates")
	var listFlags, renderFlags promptFlags
	var repository, branch string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the prompt templates",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := listFlags.templates(cmd)
			if err != nil {
				return err
			}
			names := t.ListTemplates()
			return a.printer().emit(names, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, strings.Join(names, "\n"))
				return err
			})
		},
	}
	list.Flags().StringVar(&listFlags.templateDir, "template-dir", "", "folder of *.tmpl templates that add to or replace the built-in ones (env "+envTemplateDir+")")
	render := &cobra.Command{
		Use:   "render NAME",
		Short: "Render a prompt template",
		Long: `Render a prompt template (Go text/template) with .Repository, .Branch,
.ConversationID and the --var values as .Vars.`,
		Example: `  openhands-v0 templates render new_conversation --repository owner/repo --var task="fix the flaky test"
  openhands-v0 templates render download_trajectory --var conversation_id=0c2a5e...`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := renderFlags.data(repository, branch)
			if err != nil {
				return err
			}
			text, err := renderFlags.renderTemplate(cmd, args[0], data)
			if err != nil {
				return err
			}
			out := struct {
				Name string `json:"name"`
				Text string `json:"text"`
			}{args[0], text}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, text)
				return err
			})
		},
	}
	renderFlags.add(render)
	render.Flags().StringVar(&repository, "repository", "", "repository, seen as .Repository")
	render.Flags().StringVar(&branch, "branch", "", "branch, seen as .Branch")
	cmd.AddCommand(list, render)
	return cmd
}
