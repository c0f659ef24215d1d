package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// version is the module version the binary was built from ("devel" for a
// build from a work tree), as go install records it.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

// versionInfo is the JSON of 'version -o json'.
type versionInfo struct {
	Version    string `json:"version"`
	SDKVersion string `json:"sdk_version"`
	GoVersion  string `json:"go_version"`
	Platform   string `json:"platform"`
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the command's version",
		Args:  exactArgs(),
		RunE: func(*cobra.Command, []string) error {
			v := versionInfo{
				Version:    version(),
				SDKVersion: wrapper.Version,
				GoVersion:  runtime.Version(),
				Platform:   runtime.GOOS + "/" + runtime.GOARCH,
			}
			return a.printer().emit(v, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "openhands-v0 %s (SDK %s, %s, %s)\n", v.Version, v.SDKVersion, v.GoVersion, v.Platform)
				return err
			})
		},
	}
}

func (a *app) completionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `Print a shell completion script. For example:

  openhands-v0 completion bash > /etc/bash_completion.d/openhands-v0
  openhands-v0 completion zsh > "${fpath[1]}/_openhands-v0"
  openhands-v0 completion fish > ~/.config/fish/completions/openhands-v0.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      exactArgs("SHELL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(a.stdout, true)
			case "zsh":
				return root.GenZshCompletion(a.stdout)
			case "fish":
				return root.GenFishCompletion(a.stdout, true)
			}
			return usagef("completion: unknown shell %q: use bash, zsh or fish", args[0])
		},
	}
}
