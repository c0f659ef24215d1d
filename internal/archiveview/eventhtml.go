package archiveview

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// Output longer than this many lines or bytes is collapsed behind a summary.
const (
	collapseLines = 25
	collapseBytes = 3000
)

// esc escapes a server string for HTML text and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// eventHTML renders one event as an <article>; every string from the
// archive passes through esc or markdown.
func eventHTML(ev *event) string {
	var b strings.Builder
	who, kind, class := describe(ev)
	id := -1
	if ev.ID != nil {
		id = *ev.ID
	}
	fmt.Fprintf(&b, `<article class="ev %s" id="e%d" data-kind="%s">`, class, id, esc(kind))
	b.WriteString(`<header><span class="who">` + esc(who) + `</span> <span class="kind">` + esc(kind) + `</span>`)
	if ev.Timestamp != "" {
		b.WriteString(` <time>` + esc(displayTime(ev.Timestamp)) + `</time>`)
	}
	if m := ev.LLMMetrics; m != nil && (m.AccumulatedCost > 0 || m.AccumulatedUsage.PerTurnToken > 0) {
		b.WriteString(` <span class="metrics" title="accumulated cost; tokens of this turn">` +
			esc(formatCost(m.AccumulatedCost)) + ` · ` + esc(formatInt(m.AccumulatedUsage.PerTurnToken)) + ` tokens</span>`)
	}
	fmt.Fprintf(&b, ` <a class="anchor" href="#e%d">#%d</a></header>`, id, id)
	b.WriteString(`<div class="body">`)
	body(&b, ev)
	b.WriteString("</div></article>\n")
	return b.String()
}

// describe names an event's author, kind and CSS classes.
func describe(ev *event) (who, kind, class string) {
	switch ev.Source {
	case "user":
		who = "User"
	case "agent":
		who = "Agent"
	case "environment":
		who = "Environment"
	default:
		who = cmpOr(ev.Source, "Event")
	}
	if ev.Action != "" {
		kind, class = ev.Action, "act act-"+cssName(ev.Action)
	} else {
		kind, class = cmpOr(ev.Observation, "event"), "obs obs-"+cssName(ev.Observation)
	}
	class += " src-" + cssName(ev.Source)
	if isError(ev) {
		class += " error"
	}
	return who, kind, class
}

// isError reports an event the chat highlights as an error.
func isError(ev *event) bool {
	switch {
	case ev.Observation == "error", ev.Observation == "user_rejected":
		return true
	case ev.Observation == "agent_state_changed" && ev.Extras.AgentState == "error":
		return true
	case (ev.Observation == "run" || ev.Observation == "run_ipython") && exitCode(ev) != 0:
		return true
	}
	return false
}

// exitCode is a command observation's exit code (0 when not recorded).
func exitCode(ev *event) int {
	if m := ev.Extras.Metadata; m != nil && m.ExitCode != nil {
		return *m.ExitCode
	}
	return 0
}

// cssName keeps letters, digits and '-' of s, for a class name.
func cssName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-':
			return r
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		case r == '_':
			return '-'
		}
		return -1
	}, s)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// body renders what the chat shows of an event.
func body(b *strings.Builder, ev *event) {
	a := &ev.Args
	if a.Thought != "" && ev.Action != "think" {
		b.WriteString(`<div class="thought">` + markdown(a.Thought) + `</div>`)
	}
	switch ev.Action {
	case "message":
		b.WriteString(`<div class="md">` + markdown(cmpOr(a.Content, ev.Message)) + `</div>`)
		for _, u := range a.ImageURLs {
			b.WriteString(`<p class="inert">[image] ` + esc(clip(u, 200)) + `</p>`)
		}
		return
	case "system":
		collapsed(b, "System prompt", cmpOr(a.Content, ev.Message), true)
		return
	case "run":
		b.WriteString(`<pre class="cmd">$ ` + esc(a.Command) + `</pre>`)
		return
	case "run_ipython":
		b.WriteString(`<pre class="cmd ipython">` + esc(a.Code) + `</pre>`)
		return
	case "read":
		b.WriteString(`<p class="path">Reading <code>` + esc(a.Path) + `</code></p>`)
		return
	case "write":
		b.WriteString(`<p class="path">Writing <code>` + esc(a.Path) + `</code></p>`)
		collapsed(b, "Content", cmpOr(a.Content, derefOr(a.FileText, "")), false)
		return
	case "edit":
		editAction(b, ev)
		return
	case "browse":
		b.WriteString(`<p class="path">Browsing <code>` + esc(a.URL) + `</code></p>`)
		return
	case "browse_interactive":
		b.WriteString(`<pre class="cmd">` + esc(a.BrowserActions) + `</pre>`)
		return
	case "think":
		b.WriteString(`<div class="thought">` + markdown(a.Thought) + `</div>`)
		return
	case "finish":
		b.WriteString(`<div class="md final">` + markdown(cmpOr(a.FinalThought, ev.Message)) + `</div>`)
		return
	case "mcp", "call_tool_mcp":
		b.WriteString(`<p>Tool <code>` + esc(a.Name) + `</code></p>`)
		if len(a.Arguments) > 0 {
			b.WriteString(`<pre>` + esc(string(a.Arguments)) + `</pre>`)
		}
		return
	case "change_agent_state":
		b.WriteString(`<p class="state">→ ` + esc(a.AgentState) + `</p>`)
		return
	case "delegate":
		b.WriteString(`<p>Delegating to <code>` + esc(a.Agent) + `</code></p>`)
		return
	}
	switch ev.Observation {
	case "run", "run_ipython":
		code := exitCode(ev)
		cls := "exit ok"
		if code != 0 {
			cls = "exit fail"
		}
		if ev.Observation == "run" && ev.Extras.Command != "" {
			b.WriteString(`<pre class="cmd">$ ` + esc(ev.Extras.Command) + `</pre>`)
		}
		collapsed(b, "Output", ev.Content, false)
		fmt.Fprintf(b, `<p class="%s">exit code %d</p>`, cls, code)
		return
	case "read":
		b.WriteString(`<p class="path">Read <code>` + esc(ev.Extras.Path) + `</code></p>`)
		collapsed(b, "File content", ev.Content, true)
		return
	case "write":
		b.WriteString(`<p class="path">Wrote <code>` + esc(ev.Extras.Path) + `</code></p>`)
		return
	case "edit":
		b.WriteString(`<p class="path">Edited <code>` + esc(ev.Extras.Path) + `</code></p>`)
		switch {
		case ev.Extras.Diff != "":
			diff(b, ev.Extras.Diff)
		case ev.Extras.NewContent != nil:
			// Older servers send both contents and no diff.
			diff(b, lineDiff(derefOr(ev.Extras.OldContent, ""), *ev.Extras.NewContent))
		default:
			collapsed(b, "Result", ev.Content, false)
		}
		return
	case "browse", "browse_interactive":
		b.WriteString(`<p class="path">Page <code>` + esc(ev.Extras.URL) + `</code></p>`)
		collapsed(b, "Page text", ev.Content, true)
		return
	case "agent_state_changed":
		b.WriteString(`<p class="state">→ ` + esc(ev.Extras.AgentState))
		if ev.Extras.Reason != "" {
			b.WriteString(` <span class="reason">` + esc(ev.Extras.Reason) + `</span>`)
		}
		b.WriteString(`</p>`)
		return
	case "error":
		b.WriteString(`<p class="errmsg">` + esc(cmpOr(ev.Content, ev.Message)) + `</p>`)
		if ev.Extras.ErrorID != "" {
			b.WriteString(`<p class="reason">` + esc(ev.Extras.ErrorID) + `</p>`)
		}
		return
	case "recall":
		text := cmpOr(ev.Message, ev.Content)
		if ev.Extras.RepoName != "" {
			text += " (" + ev.Extras.RepoName + ")"
		}
		b.WriteString(`<p class="muted">` + esc(text) + `</p>`)
		return
	case "think":
		b.WriteString(`<p class="muted">` + esc(cmpOr(ev.Content, ev.Message)) + `</p>`)
		return
	}
	text := cmpOr(ev.Message, ev.Content)
	if ev.Action == "recall" || ev.Observation == "null" {
		b.WriteString(`<p class="muted">` + esc(text) + `</p>`)
		return
	}
	collapsed(b, "Content", text, false)
}

// editAction renders an edit: a new file's text, or the replacement as a diff.
func editAction(b *strings.Builder, ev *event) {
	a := &ev.Args
	verb := cmpOr(a.Command, "edit")
	b.WriteString(`<p class="path">` + esc(verb) + ` <code>` + esc(a.Path) + `</code></p>`)
	switch {
	case a.OldStr != nil || a.NewStr != nil:
		var d strings.Builder
		for _, l := range splitLines(derefOr(a.OldStr, "")) {
			d.WriteString("-" + l + "\n")
		}
		for _, l := range splitLines(derefOr(a.NewStr, "")) {
			d.WriteString("+" + l + "\n")
		}
		diff(b, d.String())
	case a.FileText != nil:
		collapsed(b, "File text", *a.FileText, false)
	case a.Content != "":
		collapsed(b, "Content", a.Content, false)
	}
}

func derefOr(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}

// splitLines splits s into lines without their newlines ("" has none).
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// diff renders a unified diff, each line classed by its first character.
func diff(b *strings.Builder, d string) {
	lines := splitLines(d)
	long := len(lines) > 4*collapseLines
	if long {
		fmt.Fprintf(b, `<details><summary>Diff · %d lines</summary>`, len(lines))
	}
	b.WriteString(`<pre class="diff">`)
	for _, l := range lines {
		cls := "ctx"
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			cls = "file"
		case strings.HasPrefix(l, "@@"):
			cls = "hunk"
		case strings.HasPrefix(l, "+"):
			cls = "add"
		case strings.HasPrefix(l, "-"):
			cls = "del"
		}
		b.WriteString(`<span class="` + cls + `">` + esc(l) + "</span>\n")
	}
	b.WriteString(`</pre>`)
	if long {
		b.WriteString(`</details>`)
	}
}

// collapsed renders text in a <pre>, behind a <details> summary when it is
// long (or always, when fold is set).
func collapsed(b *strings.Builder, label, text string, fold bool) {
	if text == "" {
		return
	}
	lines := strings.Count(text, "\n") + 1
	if fold || lines > collapseLines || len(text) > collapseBytes {
		fmt.Fprintf(b, `<details><summary>%s · %s lines, %s bytes</summary><pre>%s</pre></details>`,
			esc(label), formatInt(lines), formatInt(len(text)), esc(text))
		return
	}
	b.WriteString(`<pre>` + esc(text) + `</pre>`)
}

// displayTime shows a server timestamp as "2006-01-02 15:04:05" as written
// (the server's zone, usually UTC), without reparsing it.
func displayTime(ts string) string {
	t := strings.Replace(ts, "T", " ", 1)
	if i := strings.IndexByte(t, '.'); i > 0 {
		t = t[:i]
	}
	return strings.TrimSuffix(t, "Z")
}

func formatCost(c float64) string { return "$" + strconv.FormatFloat(c, 'f', 4, 64) }

// formatInt writes n with thousands separators.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
