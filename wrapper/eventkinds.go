package wrapper

import (
	"encoding/json"

	"github.com/openhands-go/openhands-v0/api"
)

// Action kinds: an event's api.Event.Action (openhands/core/schema/action.py).
// Servers may send kinds not listed here; they pass through untouched.
const (
	ActionMessage             = "message"
	ActionSystem              = "system"
	ActionStart               = "start"
	ActionRun                 = "run"
	ActionRunIPython          = "run_ipython"
	ActionRead                = "read"
	ActionWrite               = "write"
	ActionEdit                = "edit"
	ActionBrowse              = "browse"
	ActionBrowseInteractive   = "browse_interactive"
	ActionMCP                 = "call_tool_mcp"
	ActionThink               = "think"
	ActionFinish              = "finish"
	ActionReject              = "reject"
	ActionDelegate            = "delegate"
	ActionChangeAgentState    = "change_agent_state"
	ActionRecall              = "recall"
	ActionCondensation        = "condensation"
	ActionCondensationRequest = "condensation_request"
	ActionTaskTracking        = "task_tracking"
	ActionLoopRecovery        = "loop_recovery"
	ActionNull                = "null"
	ActionPause               = "pause"
	ActionResume              = "resume"
	ActionStop                = "stop"
	ActionPush                = "push"
	ActionSendPR              = "send_pr"
)

// Observation kinds: an event's api.Event.Observation
// (openhands/core/schema/observation.py). Unknown kinds pass through untouched.
const (
	ObservationRun               = "run"
	ObservationRunIPython        = "run_ipython"
	ObservationRead              = "read"
	ObservationWrite             = "write"
	ObservationEdit              = "edit"
	ObservationBrowse            = "browse"
	ObservationAgentStateChanged = "agent_state_changed"
	ObservationRecall            = "recall"
	ObservationError             = "error"
	ObservationMCP               = "mcp"
	ObservationDelegate          = "delegate"
	ObservationDownload          = "download"
	ObservationTaskTracking      = "task_tracking"
	ObservationChat              = "chat"
	ObservationMessage           = "message"
	ObservationNull              = "null"
	ObservationSuccess           = "success"
	ObservationUserRejected      = "user_rejected"
	ObservationCondense          = "condense"
	ObservationThink             = "think"
	ObservationLoopDetection     = "loop_detection"
)

// MessageArgs are a message action's args.
type MessageArgs struct {
	Content         string   `json:"content"`
	ImageURLs       []string `json:"image_urls"`
	FileURLs        []string `json:"file_urls"`
	WaitForResponse bool     `json:"wait_for_response"`
}

// RunArgs are a run (shell command) action's args.
type RunArgs struct {
	Command  string `json:"command"`
	IsInput  bool   `json:"is_input"`
	Thought  string `json:"thought"`
	Blocking bool   `json:"blocking"`
	Cwd      string `json:"cwd"`
	Hidden   bool   `json:"hidden"`
}

// RunIPythonArgs are a run_ipython action's args.
type RunIPythonArgs struct {
	Code    string `json:"code"`
	Thought string `json:"thought"`
}

// ReadArgs are a read action's args.
type ReadArgs struct {
	Path       string `json:"path"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Thought    string `json:"thought"`
	ImplSource string `json:"impl_source"`
}

// WriteArgs are a write action's args.
type WriteArgs struct {
	Path    string `json:"path"`
	Content string `json:"content"`
	Thought string `json:"thought"`
}

// EditArgs are an edit action's args: Command is the editor command
// (create, str_replace, insert, view, undo_edit) for impl_source oh_aci.
type EditArgs struct {
	Path       string `json:"path"`
	Command    string `json:"command"`
	FileText   string `json:"file_text"`
	OldStr     string `json:"old_str"`
	NewStr     string `json:"new_str"`
	InsertLine *int   `json:"insert_line"`
	Content    string `json:"content"`
	Thought    string `json:"thought"`
	ImplSource string `json:"impl_source"`
}

// BrowseArgs are a browse action's args.
type BrowseArgs struct {
	URL     string `json:"url"`
	Thought string `json:"thought"`
}

// ThinkArgs are a think action's args.
type ThinkArgs struct {
	Thought string `json:"thought"`
}

// FinishArgs are a finish action's args.
type FinishArgs struct {
	FinalThought string         `json:"final_thought"`
	Outputs      map[string]any `json:"outputs"`
	Thought      string         `json:"thought"`
}

// DelegateArgs are a delegate action's args.
type DelegateArgs struct {
	Agent   string         `json:"agent"`
	Inputs  map[string]any `json:"inputs"`
	Thought string         `json:"thought"`
}

// RecallArgs are a recall action's args.
type RecallArgs struct {
	RecallType string `json:"recall_type"`
	Query      string `json:"query"`
	Thought    string `json:"thought"`
}

// CmdOutput is a run observation: the command's output (Content), its exit
// code and whether it succeeded.
type CmdOutput struct {
	Content  string
	Command  string
	ExitCode int
	// Success is the event's success flag (false when the server sent none).
	Success bool
}

// IPythonOutput is a run_ipython observation.
type IPythonOutput struct {
	Content string
	Code    string
	Success bool
}

// FileObservation is a read, write or edit observation: Content is the
// file's text (read) or the server's report; Diff is set on some edits.
type FileObservation struct {
	Content   string
	Path      string
	PrevExist bool
	Diff      string
}

// BrowseOutput is a browse observation.
type BrowseOutput struct {
	Content string
	URL     string
	Error   bool
}

// ErrorObservation is an error observation: Content is the message, ErrorID
// a translation key such as "STATUS$ERROR_LLM_AUTHENTICATION".
type ErrorObservation struct {
	Content string
	ErrorID string
}

// AgentState is an agent_state_changed observation: the agent's new state
// (loading, running, awaiting_user_input, finished, error, stopped, ...) and
// why.
type AgentState struct {
	State  string
	Reason string
}

// RecallObservation is a recall observation: what the runtime told the
// agent about the workspace and repository.
type RecallObservation struct {
	RecallType       string `json:"recall_type"`
	RepoName         string `json:"repo_name"`
	RepoDirectory    string `json:"repo_directory"`
	RepoBranch       string `json:"repo_branch"`
	RepoInstructions string `json:"repo_instructions"`
	WorkingDir       string `json:"working_dir"`
	Date             string `json:"date"`
}

// DelegateOutput is a delegate observation.
type DelegateOutput struct {
	Content string
	Outputs map[string]any
}

// AsMessage returns a message action's args.
func AsMessage(ev api.Event) (MessageArgs, bool) { return actionArgs[MessageArgs](ev, ActionMessage) }

// AsRun returns a run action's args.
func AsRun(ev api.Event) (RunArgs, bool) { return actionArgs[RunArgs](ev, ActionRun) }

// AsRunIPython returns a run_ipython action's args.
func AsRunIPython(ev api.Event) (RunIPythonArgs, bool) {
	return actionArgs[RunIPythonArgs](ev, ActionRunIPython)
}

// AsRead returns a read action's args.
func AsRead(ev api.Event) (ReadArgs, bool) { return actionArgs[ReadArgs](ev, ActionRead) }

// AsWrite returns a write action's args.
func AsWrite(ev api.Event) (WriteArgs, bool) { return actionArgs[WriteArgs](ev, ActionWrite) }

// AsEdit returns an edit action's args.
func AsEdit(ev api.Event) (EditArgs, bool) { return actionArgs[EditArgs](ev, ActionEdit) }

// AsBrowse returns a browse action's args.
func AsBrowse(ev api.Event) (BrowseArgs, bool) { return actionArgs[BrowseArgs](ev, ActionBrowse) }

// AsThink returns a think action's args.
func AsThink(ev api.Event) (ThinkArgs, bool) { return actionArgs[ThinkArgs](ev, ActionThink) }

// AsFinish returns a finish action's args.
func AsFinish(ev api.Event) (FinishArgs, bool) { return actionArgs[FinishArgs](ev, ActionFinish) }

// AsDelegate returns a delegate action's args.
func AsDelegate(ev api.Event) (DelegateArgs, bool) {
	return actionArgs[DelegateArgs](ev, ActionDelegate)
}

// AsRecall returns a recall action's args.
func AsRecall(ev api.Event) (RecallArgs, bool) { return actionArgs[RecallArgs](ev, ActionRecall) }

// AsCmdOutput returns a run observation's output and exit code.
func AsCmdOutput(ev api.Event) (CmdOutput, bool) {
	if ev.Observation != ObservationRun {
		return CmdOutput{}, false
	}
	var x struct {
		Command  string `json:"command"`
		Metadata struct {
			ExitCode int `json:"exit_code"`
		} `json:"metadata"`
	}
	remap(ev.Extras, &x)
	return CmdOutput{Content: ev.Content, Command: x.Command, ExitCode: x.Metadata.ExitCode, Success: ev.Success != nil && *ev.Success}, true
}

// AsIPythonOutput returns a run_ipython observation.
func AsIPythonOutput(ev api.Event) (IPythonOutput, bool) {
	if ev.Observation != ObservationRunIPython {
		return IPythonOutput{}, false
	}
	var x struct {
		Code string `json:"code"`
	}
	remap(ev.Extras, &x)
	return IPythonOutput{Content: ev.Content, Code: x.Code, Success: ev.Success != nil && *ev.Success}, true
}

// AsFileObservation returns a read, write or edit observation.
func AsFileObservation(ev api.Event) (FileObservation, bool) {
	switch ev.Observation {
	case ObservationRead, ObservationWrite, ObservationEdit:
	default:
		return FileObservation{}, false
	}
	var x struct {
		Path      string `json:"path"`
		PrevExist bool   `json:"prev_exist"`
		Diff      string `json:"diff"`
	}
	remap(ev.Extras, &x)
	return FileObservation{Content: ev.Content, Path: x.Path, PrevExist: x.PrevExist, Diff: x.Diff}, true
}

// AsBrowseOutput returns a browse observation.
func AsBrowseOutput(ev api.Event) (BrowseOutput, bool) {
	if ev.Observation != ObservationBrowse {
		return BrowseOutput{}, false
	}
	var x struct {
		URL   string `json:"url"`
		Error bool   `json:"error"`
	}
	remap(ev.Extras, &x)
	return BrowseOutput{Content: ev.Content, URL: x.URL, Error: x.Error}, true
}

// AsError returns an error observation.
func AsError(ev api.Event) (ErrorObservation, bool) {
	if ev.Observation != ObservationError {
		return ErrorObservation{}, false
	}
	var x struct {
		ErrorID string `json:"error_id"`
	}
	remap(ev.Extras, &x)
	return ErrorObservation{Content: ev.Content, ErrorID: x.ErrorID}, true
}

// AsAgentState returns an agent_state_changed observation.
func AsAgentState(ev api.Event) (AgentState, bool) {
	if ev.Observation != ObservationAgentStateChanged {
		return AgentState{}, false
	}
	var x struct {
		State  string `json:"agent_state"`
		Reason string `json:"reason"`
	}
	remap(ev.Extras, &x)
	return AgentState{State: x.State, Reason: x.Reason}, true
}

// AsRecallObservation returns a recall observation.
func AsRecallObservation(ev api.Event) (RecallObservation, bool) {
	if ev.Observation != ObservationRecall {
		return RecallObservation{}, false
	}
	var x RecallObservation
	remap(ev.Extras, &x)
	return x, true
}

// AsDelegateOutput returns a delegate observation.
func AsDelegateOutput(ev api.Event) (DelegateOutput, bool) {
	if ev.Observation != ObservationDelegate {
		return DelegateOutput{}, false
	}
	var x struct {
		Outputs map[string]any `json:"outputs"`
	}
	remap(ev.Extras, &x)
	return DelegateOutput{Content: ev.Content, Outputs: x.Outputs}, true
}

// actionArgs decodes an action's args into T when the event is that action.
func actionArgs[T any](ev api.Event, kind string) (T, bool) {
	var out T
	if ev.Action != kind {
		return out, false
	}
	remap(ev.Args, &out)
	return out, true
}

// remap copies the fields of a decoded JSON object into out's. A field of
// another type than out declares (a server's change) is left zero and the
// rest still decode (encoding/json goes on past a type mismatch); the event
// itself is untouched either way.
func remap(m map[string]any, out any) {
	if len(m) == 0 {
		return
	}
	if b, err := json.Marshal(m); err == nil {
		_ = json.Unmarshal(b, out)
	}
}
