package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/openhands-go/openhands-v0/internal/clean"
)

// WriteTable prints the report as aligned text: one line per operation,
// then the scenarios, the unexpected violations, and the verdict.
func (r *Report) WriteTable(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Contract report (%s: %s)\n\n", r.Mode, r.Target)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "OPERATION\tMETHOD\tPATH\tSTATUSES\tSCENARIOS\tVIOLATIONS\tUNDECLARED\tRESULT")
	for _, rs := range r.Real {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(rs.Server))
	}
	fmt.Fprintln(tw)
	for i, op := range r.Operations {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s", op.Operation, op.Method, op.Path, statuses(op.Statuses),
			len(op.Scenarios), violationCount(op), len(op.Undeclared), op.Result)
		for _, rs := range r.Real {
			fmt.Fprintf(tw, "\t%s", realCell(rs.Report.Operations[i], serverVersion(rs.Server)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if len(r.Real) > 0 {
		b.WriteString("\nThe first columns are the simulator's cassettes; each OPENHANDS-x.y.z column is the replay of what that real\nserver answered (cassettes/real/): its statuses, or its verdict.\n")
	}

	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tWRITES\tEXCHANGES\tOUTCOME\tNOTE")
	for _, s := range r.Scenarios {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", s.Name, yesNo(s.Writes), s.Exchanges, s.Outcome, clean.Line(s.Reason))
	}
	tw.Flush()

	for _, rs := range r.Real {
		fmt.Fprintf(&b, "\n%s (real server), scenarios not passed:\n", rs.Server)
		for _, s := range rs.Report.Scenarios {
			if s.Outcome != OutcomePassed {
				fmt.Fprintf(&b, "  %-26s %-8s %s\n", s.Name, s.Outcome, s.Reason)
			}
		}
		for _, v := range rs.Report.unexpected() {
			fmt.Fprintf(&b, "  unexpected violation [%s] %s\n", v.Scenario, v)
		}
		writeUnreached(&b, rs.Report, "  ")
		for _, d := range rs.Report.undeclared() {
			fmt.Fprintf(&b, "  undeclared field %s\n", d)
		}
	}
	if vs := r.unexpected(); len(vs) > 0 {
		b.WriteString("\nUnexpected violations:\n")
		for _, v := range vs {
			fmt.Fprintf(&b, "  [%s] %s\n", v.Scenario, clean.Line(v.String()))
		}
	}
	if drift := r.undeclared(); len(drift) > 0 {
		b.WriteString("\nUndeclared response fields (drift):\n")
		for _, d := range drift {
			fmt.Fprintf(&b, "  %s\n", clean.Line(d))
		}
	}
	writeUnreached(&b, r, "")
	fmt.Fprintf(&b, "\n%s\n", r.Verdict)
	_, err := w.Write(b.Bytes())
	return err
}

// WriteMarkdown writes the report as Markdown: the verdict, a table of
// operations, a table of scenarios, and the details of every violation and
// undeclared field.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Contract report\n\n")
	fmt.Fprintf(&b, "Mode: **%s**, target: `%s`%s.\n\n", r.Mode, r.Target, map[bool]string{true: ", cassettes rewritten", false: ""}[r.Recorded])
	fmt.Fprintf(&b, "**%s**\n\n", mdEscape(r.Verdict))
	b.WriteString("## Operations\n\n")
	b.WriteString("| Operation | Route | Statuses seen | Scenarios | Violations | Undeclared fields | Result |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, op := range r.Operations {
		route := "`" + op.Method + " " + op.Path + "`"
		if op.Deprecated {
			route += " (deprecated)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", op.Operation, route, statuses(op.Statuses),
			mdEscape(strings.Join(op.Scenarios, ", ")), violationCount(op), mdCodes(op.Undeclared), op.Result)
	}
	b.WriteString("\n## Scenarios\n\n| Scenario | Writes | Exchanges | Outcome | Description | Notes |\n|---|---|---|---|---|---|\n")
	for _, s := range r.Scenarios {
		note := s.Reason
		if len(s.Notes) > 0 {
			note = strings.TrimSpace(note + " " + strings.Join(s.Notes, "; "))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s |\n", s.Name, yesNo(s.Writes), s.Exchanges, s.Outcome,
			mdEscape(s.Description), mdEscape(note))
	}
	if vs := r.unexpected(); len(vs) > 0 {
		b.WriteString("\n## Unexpected violations\n\n")
		for _, v := range vs {
			fmt.Fprintf(&b, "- `%s`: %s\n", v.Scenario, clean.Code(v.String()))
		}
	}
	var expected []Violation
	for _, op := range r.Operations {
		expected = append(expected, op.Expected...)
	}
	for _, x := range r.UnknownRoutes {
		for _, v := range x.Violations {
			if v.Expected {
				expected = append(expected, v)
			}
		}
	}
	if len(expected) > 0 {
		b.WriteString("\n## Expected violations\n\nViolations the scenarios cause on purpose (a host without V0, requests the server must refuse).\n\n")
		for _, v := range expected {
			fmt.Fprintf(&b, "- `%s`: %s\n", v.Scenario, clean.Code(v.String()))
		}
	}
	for _, op := range r.Operations {
		for _, n := range op.Notes {
			fmt.Fprintf(&b, "\nNote on %s: %s\n", op.Operation, mdEscape(n))
		}
	}
	if drift := r.undeclared(); len(drift) > 0 {
		b.WriteString("\n## Undeclared response fields (drift)\n\n")
		for _, d := range drift {
			fmt.Fprintf(&b, "- %s\n", clean.Code(d))
		}
	}
	if len(r.Real) > 0 {
		b.WriteString("\n## Real servers\n\nThe replay of the cassettes recorded from real OpenHands servers (`cassettes/real/`); ")
		b.WriteString("everything above came from the simulator.\n\n")
		if err := r.WriteVersionMatrix(&b, false); err != nil {
			return err
		}
		for _, rs := range r.Real {
			fmt.Fprintf(&b, "\n### %s\n\n**%s**\n\n| Scenario | Outcome | Reason or notes |\n|---|---|---|\n", rs.Server, mdEscape(rs.Report.Verdict))
			for _, s := range rs.Report.Scenarios {
				note := s.Reason
				if len(s.Notes) > 0 {
					note = strings.TrimSpace(note + " " + strings.Join(s.Notes, "; "))
				}
				fmt.Fprintf(&b, "| %s | %s | %s |\n", s.Name, s.Outcome, mdEscape(note))
			}
			for _, v := range rs.Report.unexpected() {
				fmt.Fprintf(&b, "\n- unexpected violation `%s`: %s\n", v.Scenario, mdEscape(v.String()))
			}
			for _, op := range rs.Report.Operations {
				if op.Unreached != "" {
					fmt.Fprintf(&b, "\n- not reached: %s: %s\n", op.Operation, mdEscape(op.Unreached))
				}
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteVersionMatrix writes the Markdown table of every spec operation
// against every real server version replayed: "ok" when the server
// answered it with success, "absent" when the spec says the version lacks
// the route (x-openhands-versions), "no success" with the statuses it
// answered instead, "violations" when an answer broke the spec, "not reached"
// when no recorded scenario called it (the scenarios' skip reasons say why).
//
// With compact, only the operations that are not "ok" on every version get a
// row, and a last line counts the others.
func (r *Report) WriteVersionMatrix(w io.Writer, compact bool) error {
	var b bytes.Buffer
	b.WriteString("| Operation | Route |")
	for _, rs := range r.Real {
		fmt.Fprintf(&b, " %s |", rs.Server)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(r.Real)) + "\n")
	allOK := 0
	for i, op := range r.Operations {
		cells := make([]string, len(r.Real))
		same := true
		for j, rs := range r.Real {
			cells[j] = realCell(rs.Report.Operations[i], serverVersion(rs.Server))
			same = same && cells[j] == "ok"
		}
		if compact && same {
			allOK++
			continue
		}
		fmt.Fprintf(&b, "| %s | `%s %s` | %s |\n", op.Operation, op.Method, op.Path, strings.Join(cells, " | "))
	}
	if compact {
		fmt.Fprintf(&b, "| the other %d operations | | %s |\n", allOK, strings.TrimSuffix(strings.Repeat("ok | ", len(r.Real)), " | "))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// realCell is one operation's result on one real server of the version, in
// a few words.
func realCell(op OperationResult, version string) string {
	switch {
	case len(op.Violations) > 0:
		return "violations"
	case slices.Contains(op.AbsentIn, version):
		return "absent (404 Not Found)"
	case len(op.Scenarios) == 0:
		return "not reached"
	case op.Success && len(op.Undeclared) > 0:
		return "ok, undeclared fields"
	case op.Success:
		return "ok"
	default:
		return "no success: " + statuses(op.Statuses)
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// save writes the report to the paths given ("" skips that format).
func (r *Report) save(markdownPath, jsonPath string) error {
	write := func(path string, render func(io.Writer) error) error {
		if path == "" {
			return nil
		}
		var b bytes.Buffer
		if err := render(&b); err != nil {
			return err
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("contract: write the report: %w", err)
		}
		return nil
	}
	if err := write(markdownPath, r.WriteMarkdown); err != nil {
		return err
	}
	return write(jsonPath, r.WriteJSON)
}

// unexpected lists every unexpected violation, operations first.
func (r *Report) unexpected() []Violation {
	var out []Violation
	for _, op := range r.Operations {
		out = append(out, op.Violations...)
	}
	for _, x := range r.UnknownRoutes {
		for _, v := range x.Violations {
			if !v.Expected {
				out = append(out, v)
			}
		}
	}
	return out
}

// undeclared lists "operation: field" for every undeclared field.
func (r *Report) undeclared() []string {
	var out []string
	for _, op := range r.Operations {
		for _, f := range op.Undeclared {
			out = append(out, op.Operation+": "+f)
		}
	}
	return out
}

func statuses(s []int) string {
	if len(s) == 0 {
		return "-"
	}
	parts := make([]string, len(s))
	for i, n := range s {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// violationCount is "n" unexpected, plus "(+m expected)".
func violationCount(op OperationResult) string {
	out := strconv.Itoa(len(op.Violations))
	if len(op.Expected) > 0 {
		out += fmt.Sprintf(" (+%d expected)", len(op.Expected))
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// mdEscape keeps text inside a Markdown table cell and makes it inert: it
// is cleaned (clean.Line), HTML's <, > and & become entities, and every
// character Markdown gives a meaning (emphasis, code, links, images,
// headings, tables) is escaped. Bare addresses are broken with an entity so
// that no autolink forms. Text that names server values wholesale goes in
// code spans instead (clean.Code).
func mdEscape(s string) string {
	return mdReplacer.Replace(clean.Line(s))
}

var mdReplacer = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"\\", `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	"!", `\!`, "#", `\#`, "~", `\~`, "|", `\|`,
	"://", "&#58;//", "www.", "www&#46;", "@", "&#64;",
)

// mdCell keeps the project's own text (never a server's) inside a Markdown
// table cell: a '|' is escaped, line breaks become spaces.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

// mdCodes renders server-supplied names as code spans, comma-separated.
func mdCodes(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = clean.Code(n)
	}
	return strings.Join(out, ", ")
}

// writeUnreached lists, for a live or real server's run, each operation it
// did not reach and why.
func writeUnreached(b *bytes.Buffer, r *Report, indent string) {
	first := true
	for _, op := range r.Operations {
		if op.Unreached == "" {
			continue
		}
		if first {
			fmt.Fprintf(b, "\n%sOperations not reached on this server, and why:\n", indent)
			first = false
		}
		fmt.Fprintf(b, "%s  %s: %s\n", indent, op.Operation, clean.Line(op.Unreached))
	}
}
