package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Output formats of -o/--output.
const (
	outputText = "text"
	outputJSON = "json"
)

// redacted replaces a credential in anything the command prints.
const redacted = "<redacted>"

// printer writes a command's result on stdout in the chosen format.
type printer struct {
	w    io.Writer
	json bool
}

// emit prints v as one JSON document with -o json, else calls text.
func (p printer) emit(v any, text func(w io.Writer) error) error {
	if p.json {
		return writeJSON(p.w, v)
	}
	return text(p.w)
}

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonLines writes one compact JSON value per line (JSON Lines), for streams.
type jsonLines struct{ enc *json.Encoder }

func newJSONLines(w io.Writer) jsonLines {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return jsonLines{enc: enc}
}

func (j jsonLines) write(v any) error { return j.enc.Encode(v) }

// table writes aligned columns for people.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	if len(header) > 0 {
		t.row(header...)
	}
	return t
}

// row adds one line; cells are made printable and tab-free.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = cell(c)
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// writeFields writes "key: value" lines with the values aligned.
func writeFields(w io.Writer, fields ...[2]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s:\t%s\n", f[0], cell(f[1]))
	}
	return tw.Flush()
}

// cell makes a server-supplied string safe for one table cell: control
// characters (tabs, line breaks, terminal escapes) become spaces, and an
// empty value becomes "-".
func cell(s string) string {
	s = oneLine(s)
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// truncate shortens s to n runes, the last one an ellipsis.
func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return truncateRunes(s, n-1) + "…"
}

// truncateRunes returns the first n runes of s.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
