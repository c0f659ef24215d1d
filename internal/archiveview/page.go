package archiveview

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/openhands-go/openhands-v0/internal/export"
)

// csp allows the viewer's own script and style sheet from the archive and
// nothing else: no inline script, no network, no form. (frame-ancestors
// cannot be set from a meta tag; Chromium logs an error if it is.)
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"

//go:embed page.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"when": displayTime}).Parse(pageSource))

// chunk is one file of rendered events.
type chunk struct {
	Index       int
	First, Last int
}

// stateChange is one point of the agent-state timeline.
type stateChange struct {
	State, Time, Reason string
}

// pageData is what page.html.tmpl shows.
type pageData struct {
	CSP       string
	S         *summary
	Note      string
	Tokens    string
	CostText  string
	Files     []string
	Timeline  []stateChange
	Chunks    []chunk
	ChunkBase string
	Problem   string
}

// renderConversation writes a conversation's chunks, page and stamp, and
// fills s from its metadata and events.
func renderConversation(dir, folder string, e *export.Entry, s *summary) error {
	if info, err := readInfo(filepath.Join(dir, filepath.FromSlash(e.Files[0].Path))); err == nil {
		s.Title, s.Status = info.Title, string(info.Status)
		s.Repo, s.Branch = info.SelectedRepository, info.SelectedBranch
		s.Created, s.Updated, s.Model = info.CreatedAt.String(), info.LastUpdatedAt.String(), info.LLMModel
	}
	content := e.Files[len(e.Files)-1]
	chunkDir := filepath.Join(dir, folder, ChunkDir)
	if err := os.MkdirAll(chunkDir, 0o755); err != nil {
		return err
	}
	removeTemps(chunkDir)

	w := &chunkWriter{dir: chunkDir}
	var (
		timeline []stateChange
		last     *llmMetrics
		events   int
	)
	readErr := readEvents(filepath.Join(dir, filepath.FromSlash(content.Path)), e.Kind != export.KindEvents, func(ev *event) error {
		events++
		if s.FirstMessage == "" && ev.Action == "message" && ev.Source == "user" {
			s.FirstMessage = clip(strings.TrimSpace(cmpOr(ev.Args.Content, ev.Message)), 300)
		}
		if ev.LLMMetrics != nil {
			last = ev.LLMMetrics
			if s.Model == "" {
				s.Model = ev.LLMMetrics.AccumulatedUsage.Model
			}
		}
		if st := agentState(ev); st != "" {
			if n := len(timeline); n == 0 || timeline[n-1].State != st {
				timeline = append(timeline, stateChange{State: st, Time: displayTime(ev.Timestamp), Reason: ev.Extras.Reason})
			}
			s.FinalState = st
		}
		return w.add(ev)
	})
	if err := w.close(); err != nil {
		return err
	}
	s.Events = events
	d := &pageData{CSP: csp, S: s, Note: e.Note, Timeline: timeline, Chunks: w.chunks, ChunkBase: ChunkDir + "/"}
	if readErr != nil {
		// The events read so far are shown; the page says where it stopped.
		d.Problem = "The archived events could not be read to the end: " + readErr.Error()
		s.Problem = d.Problem
	}
	if last != nil {
		s.Cost = last.AccumulatedCost
		u := last.AccumulatedUsage
		d.CostText = formatCost(last.AccumulatedCost)
		d.Tokens = formatInt(u.PromptTokens) + " prompt (" + formatInt(u.CacheReadTokens) + " from cache), " + formatInt(u.CompletionTokens) + " completion"
	}
	for _, f := range e.Files {
		d.Files = append(d.Files, path.Base(f.Path))
	}
	var page bytes.Buffer
	if err := pageTemplate.Execute(&page, d); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, folder, PageFile), page.Bytes()); err != nil {
		return err
	}
	s.Page = folder + "/" + PageFile
	return writeJSON(filepath.Join(chunkDir, stampFile), s)
}

// agentState is the state an event moves the agent to ("" for none).
func agentState(ev *event) string {
	switch {
	case ev.Observation == "agent_state_changed":
		return ev.Extras.AgentState
	case ev.Action == "change_agent_state":
		return ev.Args.AgentState
	}
	return ""
}

// chunkWriter groups rendered events into chunk files.
type chunkWriter struct {
	dir    string
	buf    strings.Builder
	first  int
	n      int
	next   int
	chunks []chunk
}

func (w *chunkWriter) add(ev *event) error {
	id := w.next
	if ev.ID != nil {
		id = *ev.ID
	}
	if w.n == 0 {
		w.first = id
	}
	w.buf.WriteString(eventHTML(ev))
	w.n++
	w.next = id + 1
	if w.n >= chunkEvents || w.buf.Len() >= chunkBytes {
		return w.flush(id)
	}
	return nil
}

// flush writes the current chunk: a script that hands its HTML (a JSON
// string, so "</script>" and friends are escaped) to the viewer.
func (w *chunkWriter) flush(last int) error {
	if w.n == 0 {
		return nil
	}
	i := len(w.chunks)
	html, err := json.Marshal(w.buf.String())
	if err != nil {
		return err
	}
	js := "OHV.chunk(" + strconv.Itoa(i) + "," + string(html) + ");\n"
	if err := writeFile(filepath.Join(w.dir, chunkName(i)), []byte(js)); err != nil {
		return err
	}
	w.chunks = append(w.chunks, chunk{Index: i, First: w.first, Last: last})
	w.buf.Reset()
	w.n = 0
	return nil
}

// close writes the last chunk and removes chunk files of an earlier render
// beyond the new last one.
func (w *chunkWriter) close() error {
	if err := w.flush(w.next - 1); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(w.dir, "*.js"))
	for _, f := range old {
		n, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".js"))
		if err != nil || n >= len(w.chunks) {
			_ = os.Remove(f)
		}
	}
	return nil
}

func chunkName(i int) string { return fmt.Sprintf("%05d.js", i) }

// removeTemps deletes temporary files an interrupted render left in dir.
func removeTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}
