//go:build gendocs

// This file is built only with -tags gendocs, by make generate: it writes
// the command's reference, one Markdown page per command, from the cobra
// tree itself (docs/cli/). The released command does not carry it.

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra/doc"
)

// genCLIDocs is the argument that makes this build write the reference.
const genCLIDocs = "gen-cli-docs"

func init() {
	if len(os.Args) != 3 || os.Args[1] != genCLIDocs {
		return
	}
	if err := writeCLIDocs(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, genCLIDocs+":", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// writeCLIDocs replaces dir's Markdown pages with the tree's, without the
// generation date so that a second run changes nothing.
func writeCLIDocs(dir string) error {
	old, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	a := &app{stdin: os.Stdin, stdout: io.Discard, stderr: io.Discard}
	root := a.rootCommand()
	root.DisableAutoGenTag = true
	return doc.GenMarkdownTree(root, dir)
}
