package spec

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// example is one example of the spec and the schema it illustrates.
type example struct {
	where  string
	value  any
	schema *openapi3.SchemaRef
}

// allExamples collects the component schemas' examples and the examples of
// every request and response body.
func allExamples(doc *openapi3.T) []example {
	var out []example
	for name, s := range doc.Components.Schemas {
		if s.Value != nil && s.Value.Example != nil {
			out = append(out, example{"schema " + name, s.Value.Example, s})
		}
	}
	addContent := func(where string, content openapi3.Content) {
		for mime, mt := range content {
			if mt.Example != nil {
				out = append(out, example{where + " " + mime, mt.Example, mt.Schema})
			}
			for name, ex := range mt.Examples {
				if ex.Value != nil {
					out = append(out, example{where + " " + mime + " " + name, ex.Value.Value, mt.Schema})
				}
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				addContent(op.OperationID+" request", op.RequestBody.Value.Content)
			}
			for status, resp := range op.Responses.Map() {
				if resp.Value != nil {
					addContent(op.OperationID+" "+status, resp.Value.Content)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

// Examples validate against their schemas (Load checks that); they also
// use no field the schema does not declare, so they cannot drift into a
// misspelling that an open schema would accept.
func TestExamplesDeclareEveryField(t *testing.T) {
	doc, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	examples := allExamples(doc)
	if len(examples) < 10 {
		t.Fatalf("only %d examples", len(examples))
	}
	for _, ex := range examples {
		body, err := json.Marshal(ex.value)
		if err != nil {
			t.Errorf("%s: %v", ex.where, err)
			continue
		}
		if extra := undeclaredFields(ex.schema, body); len(extra) > 0 {
			t.Errorf("%s: fields not in the schema: %q", ex.where, extra)
		}
	}
}

func TestKeySchemasHaveExamples(t *testing.T) {
	doc, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]any{}
	for _, ex := range allExamples(doc) {
		have[ex.where] = ex.value
	}
	for _, where := range []string{
		"getConversation 200 application/json",
		"listConversations 200 application/json",
		"getEvents 200 application/json",
		"getTrajectory 200 application/json",
		"getSettings 200 application/json",
		"storeSettings request application/json",
		"schema ConversationResponse",
		"schema CreateConversationRequest",
		"schema StartConversationRequest",
		"schema DetailError",
		"schema ErrorMessage",
		"schema StatusError",
		"schema HTTPValidationError",
		"schema RateLimitError",
		"schema PlainMessage",
	} {
		if have[where] == nil {
			t.Errorf("no example for %s", where)
		}
	}

	// The events example shows an action with its tool call metadata and
	// metrics, and an observation.
	page, _ := have["getEvents 200 application/json"].(map[string]any)
	events, _ := page["events"].([]any)
	var action, observation bool
	for _, e := range events {
		ev, _ := e.(map[string]any)
		if ev["action"] != nil && ev["tool_call_metadata"] != nil && ev["llm_metrics"] != nil {
			action = true
		}
		if ev["observation"] != nil && ev["cause"] != nil {
			observation = true
		}
	}
	if !action || !observation {
		t.Errorf("the getEvents example lacks an action with tool_call_metadata and llm_metrics (%v) or an observation (%v)", action, observation)
	}
}
