package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
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
The server serves the trajectory of a running conversation only (404 for a
stopped one): start it first, or save its events with 'events ID --all -o json'.
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
			if errors.Is(err, wrapper.ErrNotFound) {
				return notRunning(cmd.Context(), c, id, err)
			}
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

// notRunning explains a trajectory 404 for a conversation that exists: a
// server serves the trajectory of a running conversation only, so the error
// is ErrRuntimeUnavailable (whose hint says how to start it). For a
// conversation that does not exist it returns err.
func notRunning(ctx context.Context, c *wrapper.Client, id string, err error) error {
	info, getErr := c.GetConversation(ctx, id)
	if getErr != nil || info.Status == api.ConversationStatusRunning {
		return err
	}
	return fmt.Errorf("openhands: getTrajectory: conversation %s is %s, and the server serves the trajectory of a running "+
		"conversation only (or save its events: openhands-v0 events %s --all -o json): %w",
		id, info.Status, id, wrapper.ErrRuntimeUnavailable)
}
