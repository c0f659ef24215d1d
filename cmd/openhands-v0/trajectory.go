package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/wrapper"
)

// savedFile is the JSON of a download: trajectory and export summaries.
type savedFile struct {
	ConversationID string `json:"conversation_id"`
	Path           string `json:"path"`
	Bytes          int64  `json:"bytes"`
	SHA256         string `json:"sha256"`
	Host           string `json:"host"`
}

func (a *app) trajectoryCommand() *cobra.Command {
	var (
		file    string
		runtime bool
	)
	cmd := &cobra.Command{
		Use:   "trajectory ID",
		Short: "Save a conversation's trajectory to a file",
		Long: `Save a conversation's trajectory exactly as the server sends it, streamed to disk
in constant memory and written atomically: an interrupted download leaves no
partial file and keeps any older one. The app host is asked first and the
conversation's runtime host when the app host cannot serve it; --runtime asks
the runtime host directly. A progress bar shows on stderr when it is a terminal.
For conversations too large for one trajectory answer use 'events --all -o json'
or 'export --events'.`,
		Example: `  openhands-v0 trajectory 0c2a5e...                 # trajectory_0c2a5e....json
  openhands-v0 trajectory 0c2a5e... -f run.json --runtime`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			if runtime {
				c = c.WithHostPolicy(wrapper.HostRuntime)
			}
			id := args[0]
			if file == "" {
				file = wrapper.DefaultTrajectoryPath(id)
			}
			bar := a.byteProgress("trajectory")
			res, err := c.DownloadTrajectory(cmd.Context(), id, file, wrapper.WithProgress(bar.bytes))
			bar.finish()
			if err != nil {
				return err
			}
			out := savedFile{ConversationID: id, Path: res.Path, Bytes: res.Bytes, SHA256: res.SHA256, Host: res.Host}
			return a.printer().emit(out, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "saved the trajectory of %s to %s (%d bytes from the %s host, sha256 %s)\n",
					id, out.Path, out.Bytes, out.Host, out.SHA256)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "file to write (default trajectory_<ID>.json)")
	cmd.Flags().BoolVar(&runtime, "runtime", false, "ask the conversation's runtime host directly")
	return cmd
}
