package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/internal/archiveview"
	"github.com/openhands-go/openhands-v0/internal/export"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		dir         string
		concurrency int
		events      bool
	)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Archive every V0 conversation of the server into a folder",
		Long: `Archive every V0 conversation of the server into a folder: for each, its
metadata (conversation.json, without the runtime session key) and its trajectory
(trajectory.json), or its events as JSON Lines (events.jsonl) when it has more
than 5000 events, when the server cannot serve its trajectory, or with --events.
manifest.json lists every conversation with its files, sizes and SHA-256 sums.

The export is resumable: run it again and it fetches only what is missing,
failed, changed since (last_updated_at) or no longer matches the manifest's
hashes. Every file is written atomically and the manifest is rewritten after
each conversation, so an interrupted export loses nothing already archived.
At most --concurrency conversations are fetched at once; rate-limited requests
are retried after the server's Retry-After. Exits 1 if any conversation failed.

At the end of every run the folder's offline viewer is brought up to date:
open index.html in a browser (see 'export render').`,
		Example: `  OPENHANDS_APP_BASE=https://openhands.example.com openhands-v0 export --dir v0-archive
  openhands-v0 export --dir v0-archive --events --concurrency 2 -o json`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if concurrency < 1 {
				return usagef("--concurrency must be at least 1, got %d", concurrency)
			}
			if dir == "" {
				return usagef("--dir must not be empty")
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			var bar *progress
			report, err := export.Run(cmd.Context(), export.FromClient(c), export.Options{
				Dir:         dir,
				Concurrency: concurrency,
				Events:      events,
				Progress: func(done, total int) {
					if bar == nil {
						bar = a.countProgress(total, "export")
					}
					bar.set(done)
				},
			})
			if bar != nil {
				bar.finish()
			}
			if report == nil {
				return err
			}
			if perr := a.printExport(report); perr != nil {
				return perr
			}
			if cmd.Context().Err() == nil {
				if rerr := a.renderArchive(dir, false, false); rerr != nil && err == nil {
					return rerr
				}
			}
			if errors.Is(err, export.ErrIncomplete) {
				return &codedError{code: exitError,
					err:  fmt.Errorf("%d of %d conversations could not be archived", report.Failed, report.Listed),
					hint: "run the same command again to retry only those"}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "openhands-v0-export", "folder to archive into (created if missing)")
	f.IntVar(&concurrency, "concurrency", export.DefaultConcurrency, "conversations fetched at once")
	f.BoolVar(&events, "events", false, "archive every conversation's events as JSON Lines instead of its trajectory")
	cmd.AddCommand(a.exportRenderCommand())
	return cmd
}

func (a *app) exportRenderCommand() *cobra.Command {
	var (
		dir   string
		force bool
	)
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Write the offline viewer of an export folder, without any server",
		Long: `Write the offline viewer of an export folder from its manifest and archived
files only, with no server: index.html (every conversation, with sorting and
filtering) and, per conversation, view.html with its events as the OpenHands
chat shows them. The pages work from file:// with no network. export does this
at the end of every run; run it for an archive made before the viewer existed,
or after an upgrade. Conversations whose files and viewer did not change are
skipped unless --force. The same archive always gives the same pages.`,
		Example: `  openhands-v0 export render --dir v0-archive
  xdg-open v0-archive/index.html`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("--dir must not be empty")
			}
			return a.renderArchive(dir, force, true)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "openhands-v0-export", "export folder to render")
	cmd.Flags().BoolVar(&force, "force", false, "render every conversation again")
	return cmd
}

// renderArchive writes an export folder's viewer and prints what it did;
// with -o json only when alone (export -o json prints one document, its
// report).
func (a *app) renderArchive(dir string, force, alone bool) error {
	res, err := archiveview.Render(dir, archiveview.Options{Force: force})
	if res == nil || (a.jsonOutput() && !alone) {
		return err
	}
	if perr := a.printer().emit(res, func(w io.Writer) error {
		for _, f := range res.Failures {
			if _, err := fmt.Fprintf(w, "no page for %s: %s\n", oneLine(f.ConversationID), oneLine(f.Error)); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(w, "viewer: %s (%d conversations: %d rendered, %d up to date, %d without a page)\n",
			filepath.Join(res.Dir, archiveview.IndexFile), res.Conversations, res.Rendered, res.Current, len(res.Failures))
		return err
	}); perr != nil {
		return perr
	}
	return err
}

// printExport prints an export's report: the failures, then the totals.
func (a *app) printExport(r *export.Report) error {
	return a.printer().emit(r, func(w io.Writer) error {
		for _, f := range r.Failures {
			if _, err := fmt.Fprintf(w, "failed %s: %s\n", oneLine(f.ConversationID), oneLine(f.Error)); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(w, "exported %d conversations into %s: %d fetched, %d up to date, %d failed (%d bytes written)\n",
			r.Listed, r.Dir, r.Fetched, r.UpToDate, r.Failed, r.Bytes)
		return err
	})
}
