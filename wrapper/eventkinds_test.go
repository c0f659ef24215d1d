package wrapper

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/upstream"
)

func event(t *testing.T, s string) api.Event {
	t.Helper()
	var ev api.Event
	if err := json.Unmarshal([]byte(s), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// Events in the server's serialization (reference/v0-api.md §4.2).
func TestTypedEventAccessors(t *testing.T) {
	for _, tc := range []struct {
		json string
		get  func(api.Event) (any, bool)
		want any
	}{
		{`{"id":0,"source":"user","action":"message","args":{"content":"hi","image_urls":["u"],"wait_for_response":false}}`,
			func(e api.Event) (any, bool) { return AsMessage(e) }, MessageArgs{Content: "hi", ImageURLs: []string{"u"}}},
		{`{"id":1,"source":"agent","action":"run","args":{"command":"ls -la","is_input":false,"thought":"look","blocking":true,"cwd":null}}`,
			func(e api.Event) (any, bool) { return AsRun(e) }, RunArgs{Command: "ls -la", Thought: "look", Blocking: true}},
		{`{"id":2,"source":"environment","observation":"run","content":"total 0","success":false,"extras":{"command":"ls -la","metadata":{"exit_code":2,"pid":-1}}}`,
			func(e api.Event) (any, bool) { return AsCmdOutput(e) }, CmdOutput{Content: "total 0", Command: "ls -la", ExitCode: 2}},
		{`{"id":3,"action":"run_ipython","args":{"code":"1+1","thought":""}}`,
			func(e api.Event) (any, bool) { return AsRunIPython(e) }, RunIPythonArgs{Code: "1+1"}},
		{`{"id":4,"observation":"run_ipython","content":"2","success":true,"extras":{"code":"1+1"}}`,
			func(e api.Event) (any, bool) { return AsIPythonOutput(e) }, IPythonOutput{Content: "2", Code: "1+1", Success: true}},
		{`{"id":5,"action":"read","args":{"path":"/w/a.go","start":0,"end":-1,"impl_source":"oh_aci"}}`,
			func(e api.Event) (any, bool) { return AsRead(e) }, ReadArgs{Path: "/w/a.go", End: -1, ImplSource: "oh_aci"}},
		{`{"id":6,"action":"write","args":{"path":"a.txt","content":"x"}}`,
			func(e api.Event) (any, bool) { return AsWrite(e) }, WriteArgs{Path: "a.txt", Content: "x"}},
		{`{"id":7,"action":"edit","args":{"path":"a.txt","command":"str_replace","old_str":"a","new_str":"b","insert_line":null}}`,
			func(e api.Event) (any, bool) { return AsEdit(e) }, EditArgs{Path: "a.txt", Command: "str_replace", OldStr: "a", NewStr: "b"}},
		{`{"id":8,"observation":"edit","content":"ok","extras":{"path":"a.txt","prev_exist":true,"diff":"-a\n+b"}}`,
			func(e api.Event) (any, bool) { return AsFileObservation(e) }, FileObservation{Content: "ok", Path: "a.txt", PrevExist: true, Diff: "-a\n+b"}},
		{`{"id":9,"action":"browse","args":{"url":"https://example.com","thought":"t"}}`,
			func(e api.Event) (any, bool) { return AsBrowse(e) }, BrowseArgs{URL: "https://example.com", Thought: "t"}},
		{`{"id":10,"observation":"browse","content":"page","extras":{"url":"https://example.com","error":true}}`,
			func(e api.Event) (any, bool) { return AsBrowseOutput(e) }, BrowseOutput{Content: "page", URL: "https://example.com", Error: true}},
		{`{"id":11,"action":"think","args":{"thought":"hmm"}}`,
			func(e api.Event) (any, bool) { return AsThink(e) }, ThinkArgs{Thought: "hmm"}},
		{`{"id":12,"action":"finish","args":{"final_thought":"done","outputs":{"k":1},"thought":""}}`,
			func(e api.Event) (any, bool) { return AsFinish(e) }, FinishArgs{FinalThought: "done", Outputs: map[string]any{"k": 1.0}}},
		{`{"id":13,"action":"delegate","args":{"agent":"BrowsingAgent","inputs":{"task":"x"},"thought":""}}`,
			func(e api.Event) (any, bool) { return AsDelegate(e) }, DelegateArgs{Agent: "BrowsingAgent", Inputs: map[string]any{"task": "x"}}},
		{`{"id":14,"observation":"delegate","content":"c","extras":{"outputs":{"answer":"42"}}}`,
			func(e api.Event) (any, bool) { return AsDelegateOutput(e) }, DelegateOutput{Content: "c", Outputs: map[string]any{"answer": "42"}}},
		{`{"id":15,"action":"recall","args":{"recall_type":"workspace_context","query":"q","thought":""}}`,
			func(e api.Event) (any, bool) { return AsRecall(e) }, RecallArgs{RecallType: "workspace_context", Query: "q"}},
		{`{"id":16,"observation":"recall","content":"","extras":{"recall_type":"workspace_context","repo_name":"o/r","repo_branch":"main","working_dir":"/w","runtime_hosts":{}}}`,
			func(e api.Event) (any, bool) { return AsRecallObservation(e) }, RecallObservation{RecallType: "workspace_context", RepoName: "o/r", RepoBranch: "main", WorkingDir: "/w"}},
		{`{"id":17,"observation":"error","content":"bad key","extras":{"error_id":"STATUS$ERROR_LLM_AUTHENTICATION"}}`,
			func(e api.Event) (any, bool) { return AsError(e) }, ErrorObservation{Content: "bad key", ErrorID: "STATUS$ERROR_LLM_AUTHENTICATION"}},
		{`{"id":18,"observation":"agent_state_changed","content":"","extras":{"agent_state":"awaiting_user_input","reason":""}}`,
			func(e api.Event) (any, bool) { return AsAgentState(e) }, AgentState{State: "awaiting_user_input"}},
		// A field of an unexpected type is left zero; the others still decode.
		{`{"id":19,"action":"run","args":{"command":"make","blocking":"yes"}}`,
			func(e api.Event) (any, bool) { return AsRun(e) }, RunArgs{Command: "make"}},
	} {
		ev := event(t, tc.json)
		got, ok := tc.get(ev)
		if !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %#v, %v\nwant %#v", tc.json, got, ok, tc.want)
		}
	}
}

func TestTypedAccessorsRefuseOtherKinds(t *testing.T) {
	run := event(t, `{"id":1,"action":"run","args":{"command":"ls"}}`)
	if _, ok := AsMessage(run); ok {
		t.Error("AsMessage accepted a run action")
	}
	// A run observation is not a run action, and the other way round.
	if _, ok := AsCmdOutput(run); ok {
		t.Error("AsCmdOutput accepted a run action")
	}
	obs := event(t, `{"id":2,"observation":"run","content":"x","extras":{"metadata":{"exit_code":0}}}`)
	if _, ok := AsRun(obs); ok {
		t.Error("AsRun accepted a run observation")
	}
}

// A kind the SDK does not know decodes, matches no accessor and encodes back
// unchanged.
func TestUnknownKindsPassThrough(t *testing.T) {
	raw := `{"action":"teleport","args":{"speed":3,"to":"mars"},"id":7,"source":"agent"}`
	ev := event(t, raw)
	for name, got := range map[string]bool{
		"message": second(AsMessage(ev)), "run": second(AsRun(ev)), "finish": second(AsFinish(ev)),
		"cmd output": second(AsCmdOutput(ev)), "agent state": second(AsAgentState(ev)), "error": second(AsError(ev)),
	} {
		if got {
			t.Errorf("%s accessor accepted a teleport action", name)
		}
	}
	b, err := json.Marshal(ev)
	if err != nil || !bytes.Equal(b, []byte(raw)) {
		t.Errorf("re-encoded %s (%v), want %s", b, err, raw)
	}
}

func second[T any](_ T, ok bool) bool { return ok }

// The upstream sample trajectory: an edit action and its observation, a finish.
func TestTypedAccessorsOnTheUpstreamSample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(upstream.Dir(t), upstream.TrajsBasic))
	if err != nil {
		t.Fatal(err)
	}
	var events []api.Event
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatal(err)
	}
	var edits, files, finishes, messages int
	for _, ev := range events {
		if e, ok := AsEdit(ev); ok && e.Path != "" {
			edits++
		}
		if f, ok := AsFileObservation(ev); ok && f.Path != "" {
			files++
		}
		if f, ok := AsFinish(ev); ok && (f.FinalThought != "" || f.Thought != "" || f.Outputs != nil) {
			finishes++
		}
		if m, ok := AsMessage(ev); ok && m.Content != "" {
			messages++
		}
	}
	if edits != 1 || files != 1 || finishes != 1 || messages != 1 {
		t.Errorf("edits %d, file observations %d, finishes %d, messages %d; want 1 each", edits, files, finishes, messages)
	}
}
