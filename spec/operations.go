package spec

import (
	"sort"
	"strings"
)

// Operation is one operation of the spec.
type Operation struct {
	// ID is the operationId, e.g. "getEvents".
	ID string
	// Method is the HTTP method, upper case.
	Method string
	// Path is the path template, e.g. "/api/conversations/{conversation_id}/events".
	Path string
	// Tags are the operation's tags (its area: conversations, events, ...).
	Tags []string
	// Deprecated says whether the spec marks the operation deprecated.
	Deprecated bool
	// Statuses are the declared response statuses, sorted ("200", "401", ...).
	Statuses []string
	// AbsentIn are the openhands-ai versions that do not have the route
	// (x-openhands-versions.absent): they answer FastAPI's 404 {"detail":"Not Found"}.
	AbsentIn []string
}

// Operations lists every operation of the spec, sorted by path and method.
func (v *Validator) Operations() []Operation {
	var ops []Operation
	for path, item := range v.doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{
				ID:         op.OperationID,
				Method:     strings.ToUpper(method),
				Path:       path,
				Tags:       append([]string(nil), op.Tags...),
				Deprecated: op.Deprecated,
			}
			if op.Responses != nil {
				for status := range op.Responses.Map() {
					o.Statuses = append(o.Statuses, status)
				}
			}
			sort.Strings(o.Statuses)
			o.AbsentIn = absentIn(op.Extensions["x-openhands-versions"])
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// absentIn reads x-openhands-versions.absent: a list of versions.
func absentIn(ext any) []string {
	m, _ := ext.(map[string]any)
	list, _ := m["absent"].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
