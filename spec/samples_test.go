package spec_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/upstream"
)

// decodeStrict decodes JSON into v and fails on a key the Go type does not
// have: a sample field the generated types would silently drop.
func decodeStrict(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode into %T: %v", v, err)
	}
}

// checkEachEvent validates every element of a JSON array of events against
// the spec's Event schema.
func checkEachEvent(t *testing.T, rawEvents []json.RawMessage) {
	t.Helper()
	v := validator(t)
	for i, raw := range rawEvents {
		violations, undeclared, err := v.CheckSchema("Event", raw)
		if err != nil || len(violations) > 0 || len(undeclared) > 0 {
			t.Errorf("event %d: violations %q, undeclared %q, %v", i, violations, undeclared, err)
		}
	}
}

type eventFacts struct {
	ID          int
	Source      api.EventSource
	Action      string
	Observation string
	Cause       int    // -1 when absent
	Model       string // tool_call_metadata.model_response.model
	Function    string // tool_call_metadata.function_name
}

func factsOf(events []api.Event) []eventFacts {
	var out []eventFacts
	for _, e := range events {
		cause := -1
		if e.Cause != nil {
			cause = *e.Cause
		}
		out = append(out, eventFacts{e.ID, e.Source, e.Action, e.Observation, cause,
			e.ToolCallMetadata.ModelResponse.Model, e.ToolCallMetadata.FunctionName})
	}
	return out
}

func TestUpstreamSampleBasic(t *testing.T) {
	data := readUpstream(t, upstream.TrajsBasic)
	var events []api.Event
	decodeStrict(t, data, &events)
	const sonnet = "claude-3-5-sonnet-20241022"
	want := []eventFacts{
		{ID: 0, Source: "user", Action: "message", Cause: -1},
		{ID: 3, Source: "agent", Action: "edit", Cause: -1, Model: sonnet, Function: "str_replace_editor"},
		{ID: 4, Source: "agent", Observation: "edit", Cause: 3, Model: sonnet, Function: "str_replace_editor"},
		{ID: 5, Source: "agent", Action: "finish", Cause: -1, Model: sonnet, Function: "finish"},
	}
	if got := factsOf(events); !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n got %+v\nwant %+v", got, want)
	}
	first, edit := events[0], events[1]
	if first.Timestamp.String() != "2025-01-27T22:44:56.900854" || !first.Timestamp.Naive() || first.Timestamp.Year() != 2025 || first.Timeout != 120 || first.Args["content"] == "" {
		t.Errorf("first event: timestamp %q timeout %v args %v", first.Timestamp, first.Timeout, first.Args)
	}
	md := edit.ToolCallMetadata
	if md.ToolCallID == "" || md.TotalCallsInResponse != 1 || md.ModelResponse.ID == "" || len(md.ModelResponse.Choices) != 1 ||
		md.ModelResponse.Usage["prompt_tokens"] != float64(3486) {
		t.Errorf("tool call metadata: %+v", md)
	}
	if obs := events[2]; obs.Extras["path"] != "/workspace/game_2048.py" || obs.Content == "" {
		t.Errorf("observation: extras %v", obs.Extras)
	}

	var raw []json.RawMessage
	decodeStrict(t, data, &raw)
	checkEachEvent(t, raw)
}

func TestUpstreamSampleInteractions(t *testing.T) {
	data := readUpstream(t, upstream.TrajsBasicInteractions)
	var events []api.Event
	decodeStrict(t, data, &events)
	var ids []int
	var sources []api.EventSource
	for _, e := range events {
		ids = append(ids, e.ID)
		sources = append(sources, e.Source)
	}
	if want := []int{0, 3, 6, 9, 12, 15}; !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	if want := []api.EventSource{"user", "agent", "user", "agent", "user", "agent"}; !slices.Equal(sources, want) {
		t.Errorf("sources %v, want %v", sources, want)
	}
	last := events[len(events)-1]
	if last.Action != "finish" || last.ToolCallMetadata.ModelResponse.Model == "" {
		t.Errorf("last event: action %q, model %q", last.Action, last.ToolCallMetadata.ModelResponse.Model)
	}

	var raw []json.RawMessage
	decodeStrict(t, data, &raw)
	checkEachEvent(t, raw)
}

func TestUpstreamTrajectoryResponse(t *testing.T) {
	data := readUpstream(t, upstream.TrajectoryResponse)
	var trajectory api.Trajectory
	decodeStrict(t, data, &trajectory)
	var events []api.Event
	decodeStrict(t, readUpstream(t, upstream.TrajsBasicInteractions), &events)
	if !reflect.DeepEqual(trajectory.Trajectory, events) {
		t.Errorf("the trajectory envelope holds other events than %s", upstream.TrajsBasicInteractions)
	}
	violations, undeclared, err := validator(t).CheckSchema("Trajectory", data)
	if err != nil || len(violations) > 0 || len(undeclared) > 0 {
		t.Errorf("Trajectory: violations %q, undeclared %q, %v", violations, undeclared, err)
	}
}
