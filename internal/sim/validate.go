package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openhands-go/openhands-v0/api"
)

// maxRequestBody bounds what the simulator reads of a JSON request body.
const maxRequestBody = 32 << 20

// problems collects FastAPI/pydantic validation errors (HTTP 422 items).
type problems []api.ValidationError

func (p *problems) add(typ string, loc []any, msg string, input any, ctx map[string]any) {
	*p = append(*p, api.ValidationError{Type: typ, Loc: loc, Msg: msg, Input: input, Ctx: ctx})
}

// write sends the problems as FastAPI's 422 body.
func (p problems) write(w http.ResponseWriter) {
	writeJSON(w, http.StatusUnprocessableEntity, api.HTTPValidationError{Detail: p})
}

func withLoc(loc []any, more ...any) []any {
	out := make([]any, 0, len(loc)+len(more))
	return append(append(out, loc...), more...)
}

// strictTypes are the models declared with extra="forbid" upstream: unknown
// fields in them are a 422.
var strictTypes = map[reflect.Type]bool{
	reflect.TypeFor[api.CreateConversationRequest](): true,
	reflect.TypeFor[api.UpdateConversationRequest](): true,
	reflect.TypeFor[api.MCPConfig]():                 true,
}

// enumValues lists the accepted values of the enums that appear in request
// bodies and query parameters, in the upstream declaration order, for
// pydantic's "Input should be 'a', 'b' or 'c'" message.
var enumValues = map[reflect.Type][]string{
	reflect.TypeFor[api.ProviderType]():               {"github", "gitlab", "bitbucket", "azure_devops", "forgejo", "enterprise_sso"},
	reflect.TypeFor[api.ConversationTrigger]():        {"resolver", "gui", "suggested_task", "openhands_api", "slack", "microagent_management", "jira", "jira_dc", "linear", "bitbucket"},
	reflect.TypeFor[api.TaskType]():                   {"MERGE_CONFLICTS", "FAILING_CHECKS", "UNRESOLVED_COMMENTS", "OPEN_ISSUE", "OPEN_PR", "CREATE_MICROAGENT"},
	reflect.TypeFor[api.FeedbackRequestPolarity]():    {"positive", "negative"},
	reflect.TypeFor[api.FeedbackRequestPermissions](): {"public", "private"},
}

// enumExpected renders pydantic's list of expected enum values.
func enumExpected(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + v + "'"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// decodeBody reads a JSON body into dst (a pointer to a generated model),
// validating it the way FastAPI validates the matching pydantic model. A nil
// result means dst is filled. With required false an empty body is accepted
// and leaves dst untouched.
func decodeBody(r *http.Request, dst any, required bool) problems {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		var p problems
		p.add("missing", []any{"body"}, "Field required", nil, nil)
		return p
	}
	return decodeBytes(raw, dst, required)
}

func decodeBytes(raw []byte, dst any, required bool) problems {
	var p problems
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		if required {
			p.add("missing", []any{"body"}, "Field required", nil, nil)
		}
		return p
	}
	if !json.Valid(trimmed) {
		p.add("json_invalid", []any{"body", jsonErrorOffset(trimmed)}, "JSON decode error",
			map[string]any{}, map[string]any{"error": "Expecting value"})
		return p
	}
	t := reflect.TypeOf(dst).Elem()
	checkValue(&p, trimmed, t, []any{"body"}, false)
	if len(p) > 0 {
		return p
	}
	if err := json.Unmarshal(trimmed, dst); err != nil {
		p.add("value_error", []any{"body"}, "Value error, "+err.Error(), nil, nil)
	}
	return p
}

// jsonErrorOffset is the byte offset of the first syntax error, as FastAPI
// puts it in loc.
func jsonErrorOffset(raw []byte) int {
	var v any
	err := json.Unmarshal(raw, &v)
	if se, ok := err.(*json.SyntaxError); ok {
		return int(se.Offset)
	}
	return 0
}

// checkValue validates raw JSON against a Go type of package api.
func checkValue(p *problems, raw json.RawMessage, t reflect.Type, loc []any, nullable bool) {
	if string(raw) == "null" {
		if nullable || t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
			return
		}
		reportType(p, raw, t, loc)
		return
	}
	if t.Kind() == reflect.Pointer {
		checkValue(p, raw, t.Elem(), loc, true)
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		return
	case reflect.String:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			reportType(p, raw, t, loc)
			return
		}
		if values, ok := enumValues[t]; ok && !containsString(values, s) {
			exp := enumExpected(values)
			p.add("enum", loc, "Input should be "+exp, s, map[string]any{"expected": exp})
		}
	case reflect.Bool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			reportType(p, raw, t, loc)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		var f float64
		if json.Unmarshal(raw, &f) != nil {
			reportType(p, raw, t, loc)
			return
		}
		if f != math.Trunc(f) {
			p.add("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", f, nil)
		}
	case reflect.Float64, reflect.Float32:
		var f float64
		if json.Unmarshal(raw, &f) != nil {
			reportType(p, raw, t, loc)
		}
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			reportType(p, raw, t, loc)
			return
		}
		for i, item := range items {
			checkValue(p, item, t.Elem(), withLoc(loc, i), false)
		}
	case reflect.Map:
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			reportType(p, raw, t, loc)
			return
		}
		for _, k := range sortedKeys(fields) {
			if values, ok := enumValues[t.Key()]; ok && !containsString(values, k) {
				exp := enumExpected(values)
				p.add("enum", withLoc(loc, k, "[key]"), "Input should be "+exp, k, map[string]any{"expected": exp})
				continue
			}
			checkValue(p, fields[k], t.Elem(), withLoc(loc, k), t.Elem().Kind() == reflect.Interface)
		}
	case reflect.Struct:
		checkStruct(p, raw, t, loc)
	}
}

// checkStruct validates a JSON object against a generated model: required
// fields (no omitempty), field types, and unknown fields on strict models.
func checkStruct(p *problems, raw json.RawMessage, t reflect.Type, loc []any) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		reportType(p, raw, t, loc)
		return
	}
	known := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		known[name] = true
		value, present := fields[name]
		optional := strings.Contains(opts, "omitempty")
		switch {
		case !present && !optional:
			p.add("missing", withLoc(loc, name), "Field required", anyJSON(raw), nil)
		case present:
			checkValue(p, value, f.Type, withLoc(loc, name), optional)
		}
	}
	if strictTypes[t] {
		for _, k := range sortedKeys(fields) {
			if !known[k] {
				p.add("extra_forbidden", withLoc(loc, k), "Extra inputs are not permitted", anyJSON(fields[k]), nil)
			}
		}
	}
}

// reportType adds pydantic's type error for a value of the wrong JSON type.
func reportType(p *problems, raw json.RawMessage, t reflect.Type, loc []any) {
	input := anyJSON(raw)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := enumValues[t]; ok {
			exp := enumExpected(enumValues[t])
			p.add("enum", loc, "Input should be "+exp, input, map[string]any{"expected": exp})
			return
		}
		p.add("string_type", loc, "Input should be a valid string", input, nil)
	case reflect.Bool:
		p.add("bool_type", loc, "Input should be a valid boolean", input, nil)
	case reflect.Int, reflect.Int64, reflect.Int32:
		p.add("int_type", loc, "Input should be a valid integer", input, nil)
	case reflect.Float64, reflect.Float32:
		p.add("float_type", loc, "Input should be a valid number", input, nil)
	case reflect.Slice:
		p.add("list_type", loc, "Input should be a valid list", input, nil)
	case reflect.Map:
		p.add("dict_type", loc, "Input should be a valid dictionary", input, nil)
	default:
		p.add("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", input, nil)
	}
}

// anyJSON decodes raw for echoing it as a validation error's input.
func anyJSON(raw json.RawMessage) any {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	return v
}

func containsString(values []string, s string) bool {
	for _, v := range values {
		if v == s {
			return true
		}
	}
	return false
}

// checkLength adds pydantic's string length errors (lengths in characters).
func checkLength(p *problems, s string, loc []any, minLen, maxLen int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minLen:
		p.add("string_too_short", loc, "String should have at least "+itoa(minLen)+" character"+plural(minLen), s, map[string]any{"min_length": minLen})
	case n > maxLen:
		p.add("string_too_long", loc, "String should have at most "+itoa(maxLen)+" character"+plural(maxLen), s, map[string]any{"max_length": maxLen})
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// query reads query parameters with FastAPI's validation.
type query struct {
	values url.Values
	p      problems
}

func newQuery(r *http.Request) *query { return &query{values: r.URL.Query()} }

func (q *query) has(name string) bool { return q.values.Has(name) }

// str returns the parameter, def when absent.
func (q *query) str(name, def string) string {
	if !q.values.Has(name) {
		return def
	}
	return q.values.Get(name)
}

// required returns a required string parameter.
func (q *query) required(name string) string {
	if !q.values.Has(name) {
		q.p.add("missing", []any{"query", name}, "Field required", nil, nil)
		return ""
	}
	return q.values.Get(name)
}

// integer returns an int parameter, def when absent.
func (q *query) integer(name string, def int) int {
	if !q.values.Has(name) {
		return def
	}
	v := q.values.Get(name)
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		q.p.add("int_parsing", []any{"query", name}, "Input should be a valid integer, unable to parse string as an integer", v, nil)
	}
	return n
}

// optInt returns an optional int parameter.
func (q *query) optInt(name string) *int {
	if !q.values.Has(name) {
		return nil
	}
	n := q.integer(name, 0)
	return &n
}

// requiredInt returns a required int parameter.
func (q *query) requiredInt(name string) int {
	if !q.values.Has(name) {
		q.p.add("missing", []any{"query", name}, "Field required", nil, nil)
		return 0
	}
	return q.integer(name, 0)
}

// boolean returns a bool parameter as pydantic parses it, def when absent.
func (q *query) boolean(name string, def bool) bool {
	if !q.values.Has(name) {
		return def
	}
	v := q.values.Get(name)
	switch strings.ToLower(v) {
	case "1", "true", "t", "yes", "y", "on":
		return true
	case "0", "false", "f", "no", "n", "off":
		return false
	}
	q.p.add("bool_parsing", []any{"query", name}, "Input should be a valid boolean, unable to interpret input", v, nil)
	return def
}

// enum returns an enum parameter of type t, "" when absent.
func (q *query) enum(name string, t reflect.Type, required bool) string {
	if !q.values.Has(name) {
		if required {
			q.p.add("missing", []any{"query", name}, "Field required", nil, nil)
		}
		return ""
	}
	v := q.values.Get(name)
	if values := enumValues[t]; !containsString(values, v) {
		exp := enumExpected(values)
		q.p.add("enum", []any{"query", name}, "Input should be "+exp, v, map[string]any{"expected": exp})
	}
	return v
}
