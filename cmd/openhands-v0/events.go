package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// defaultEventLimit is how many events 'events' prints without --limit or
// --all: the server's own page size.
const defaultEventLimit = 20

func (a *app) eventsCommand() *cobra.Command {
	var (
		start, end, limit int
		reverse, all      bool
	)
	cmd := &cobra.Command{
		Use:   "events ID",
		Short: "Print a conversation's events (JSON Lines with -o json)",
		Long: `Print a conversation's events, oldest first (newest first with --reverse),
from --start to --end (inclusive). Without --all it prints at most --limit
events (default 20), reading as many pages as that takes; --all prints every
event in the range. With -o json each event is one line of JSON (JSON Lines),
in the server's event format.`,
		Example: `  openhands-v0 events 0c2a5e... --limit 5
  openhands-v0 events 0c2a5e... --all -o json > events.jsonl
  openhands-v0 events 0c2a5e... --reverse --limit 1 -o json   # the newest event`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			flags := cmd.Flags()
			if all && flags.Changed("limit") {
				return usagef("--all and --limit exclude each other")
			}
			if limit < 1 {
				return usagef("--limit must be at least 1, got %d", limit)
			}
			if start < 0 {
				return usagef("--start must not be negative, got %d", start)
			}
			r := wrapper.EventRange{StartID: start}
			if flags.Changed("end") {
				if end < start {
					return usagef("--end (%d) is before --start (%d)", end, start)
				}
				r.EndID = &end
			}
			maxEvents := limit
			if all {
				maxEvents = 0
			} else {
				r.PageSize = min(limit, wrapper.MaxEventsPage)
			}
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			var more bool
			if a.jsonOutput() && !reverse {
				more, err = exportEvents(cmd.Context(), c, args[0], r, maxEvents, a.stdout)
			} else {
				seq := c.Events(cmd.Context(), args[0], r)
				if reverse {
					seq = c.EventsReverse(cmd.Context(), args[0], r)
				}
				more, err = a.printEvents(seq, maxEvents)
			}
			if err == nil && more {
				a.note("%s: showing the first %d events; more exist: raise --limit or pass --all", cmd.CommandPath(), maxEvents)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&start, "start", 0, "first event id")
	f.IntVar(&end, "end", 0, "last event id, inclusive (default: the newest)")
	f.BoolVar(&reverse, "reverse", false, "newest first")
	f.IntVar(&limit, "limit", defaultEventLimit, "print at most N events")
	f.BoolVar(&all, "all", false, "print every event in the range")
	return cmd
}

// printEvents prints events as they arrive, at most maxEvents (0: all):
// JSON Lines with -o json, else one line per event in fixed-width columns,
// so that a conversation of any size streams without being held in memory.
// more reports that the range held another event past maxEvents.
func (a *app) printEvents(seq iter.Seq2[api.Event, error], maxEvents int) (more bool, err error) {
	lines := newJSONLines(a.stdout)
	const textRow = "%-6s  %-26s  %-11s  %-32s  %s\n"
	if !a.jsonOutput() {
		if _, err := fmt.Fprintf(a.stdout, textRow, "ID", "TIMESTAMP", "SOURCE", "KIND", "SUMMARY"); err != nil {
			return false, err
		}
	}
	n := 0
	for ev, err := range seq {
		if err != nil {
			return false, err
		}
		if maxEvents > 0 && n >= maxEvents {
			return true, nil
		}
		if a.jsonOutput() {
			err = lines.write(ev)
		} else {
			_, err = fmt.Fprintf(a.stdout, textRow, strconv.Itoa(ev.ID), cell(ev.Timestamp.String()), cell(string(ev.Source)),
				cell(eventKind(ev)), cell(truncate(eventText(ev), 80)))
		}
		if err != nil {
			return false, err
		}
		n++
	}
	return false, nil
}

// exportEvents writes events oldest first as JSON Lines, each exactly as
// the server sent it (wrapper.ExportEvents), stopping after maxEvents (0: all).
// more reports that the range held another event past maxEvents.
func exportEvents(ctx context.Context, c *wrapper.Client, id string, r wrapper.EventRange, maxEvents int, w io.Writer) (more bool, err error) {
	lw := &lineLimitWriter{w: w, limit: maxEvents}
	_, err = c.ExportEvents(ctx, id, lw, r)
	if errors.Is(err, errEnoughLines) {
		return true, nil
	}
	return false, err
}

// errEnoughLines stops an export at the first event past the limit.
var errEnoughLines = errors.New("enough events")

// lineLimitWriter passes whole lines through until limit lines are written
// (limit 0: no limit); a Write past that writes nothing and returns
// errEnoughLines. ExportEvents writes one event per Write call.
type lineLimitWriter struct {
	w            io.Writer
	limit, lines int
}

func (l *lineLimitWriter) Write(b []byte) (int, error) {
	if l.limit > 0 && l.lines >= l.limit {
		return 0, errEnoughLines
	}
	n, err := l.w.Write(b)
	l.lines += bytes.Count(b[:n], []byte("\n"))
	return n, err
}

// eventKind names an event: its action, or "observation:" and its type.
func eventKind(ev api.Event) string {
	if ev.Action != "" {
		return ev.Action
	}
	if ev.Observation != "" {
		return "observation:" + ev.Observation
	}
	return "-"
}

// eventText is an event's human-readable text: its message, else its
// content, else a command or path from its args.
func eventText(ev api.Event) string {
	for _, s := range []string{ev.Message, ev.Content} {
		if s != "" {
			return s
		}
	}
	for _, key := range []string{"content", "command", "path", "thought"} {
		if s, ok := ev.Args[key].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
