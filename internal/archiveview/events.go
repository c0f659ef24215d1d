package archiveview

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// event is the part of a V0 event (trajectory or events form) the viewer
// shows. Fields the viewer does not know are ignored; unknown kinds fall back
// to their message.
type event struct {
	ID          *int        `json:"id"`
	Timestamp   string      `json:"timestamp"`
	Source      string      `json:"source"`
	Message     string      `json:"message"`
	Action      string      `json:"action"`
	Observation string      `json:"observation"`
	Content     string      `json:"content"`
	Cause       *int        `json:"cause"`
	Success     *bool       `json:"success"`
	Args        eventArgs   `json:"args"`
	Extras      eventExtras `json:"extras"`
	LLMMetrics  *llmMetrics `json:"llm_metrics"`
}

type eventArgs struct {
	Content        string          `json:"content"`
	Command        string          `json:"command"`
	Code           string          `json:"code"`
	Path           string          `json:"path"`
	Thought        string          `json:"thought"`
	FileText       *string         `json:"file_text"`
	OldStr         *string         `json:"old_str"`
	NewStr         *string         `json:"new_str"`
	InsertLine     *int            `json:"insert_line"`
	URL            string          `json:"url"`
	BrowserActions string          `json:"browser_actions"`
	FinalThought   string          `json:"final_thought"`
	ImageURLs      []string        `json:"image_urls"`
	AgentState     string          `json:"agent_state"`
	Name           string          `json:"name"`
	Arguments      json.RawMessage `json:"arguments"`
	Agent          string          `json:"agent"`
}

type eventExtras struct {
	Command    string        `json:"command"`
	Code       string        `json:"code"`
	Metadata   *runMetadata  `json:"metadata"`
	Path       string        `json:"path"`
	Diff       string        `json:"diff"`
	OldContent *string       `json:"old_content"`
	NewContent *string       `json:"new_content"`
	AgentState string        `json:"agent_state"`
	Reason     string        `json:"reason"`
	ErrorID    string        `json:"error_id"`
	URL        string        `json:"url"`
	RepoName   string        `json:"repo_name"`
	RecallType string        `json:"recall_type"`
	Knowledge  []recallEntry `json:"microagent_knowledge"`
}

type runMetadata struct {
	ExitCode   *int   `json:"exit_code"`
	WorkingDir string `json:"working_dir"`
}

type recallEntry struct {
	Name string `json:"name"`
}

type llmMetrics struct {
	AccumulatedCost  float64    `json:"accumulated_cost"`
	AccumulatedUsage tokenUsage `json:"accumulated_token_usage"`
}

type tokenUsage struct {
	Model            string `json:"model"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	CacheReadTokens  int    `json:"cache_read_tokens"`
	PerTurnToken     int    `json:"per_turn_token"`
}

// readEvents calls fn with each event of an archived content file: a
// trajectory document ({"trajectory": [...]}) or JSON Lines, streamed so
// that a conversation of any size costs the memory of one event.
func readEvents(file string, trajectory bool, fn func(*event) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 256<<10))
	if trajectory {
		if err := enterTrajectory(dec); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	for n := 0; ; n++ {
		if trajectory && !dec.More() {
			return nil
		}
		var ev event
		err := dec.Decode(&ev)
		if errors.Is(err, io.EOF) && !trajectory {
			return nil
		}
		var typeErr *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &typeErr) {
			// A field of an unexpected type leaves the rest of the event
			// decoded and the stream in step; anything else is fatal.
			return fmt.Errorf("%s: event %d: %w", file, n, err)
		}
		if err := fn(&ev); err != nil {
			return err
		}
	}
}

// enterTrajectory moves dec to the first element of the "trajectory" array.
func enterTrajectory(dec *json.Decoder) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("not a trajectory document (no JSON object)")
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key == "trajectory" {
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return errors.New(`"trajectory" is not an array`)
			}
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return errors.New(`no "trajectory" array`)
}
