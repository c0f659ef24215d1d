package spec_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/spec"
)

func TestOperationsListsEveryOperation(t *testing.T) {
	ops := validator(t).Operations()
	if len(ops) != 50 {
		t.Errorf("got %d operations, want the 50 V0 operations", len(ops))
	}
	ids := map[string]bool{}
	for _, op := range ops {
		if op.ID == "" || ids[op.ID] {
			t.Errorf("%s %s: operationId %q is empty or repeated", op.Method, op.Path, op.ID)
		}
		ids[op.ID] = true
		if len(op.Tags) == 0 || len(op.Statuses) == 0 || !slices.IsSorted(op.Statuses) {
			t.Errorf("%s: tags %q, statuses %q", op.ID, op.Tags, op.Statuses)
		}
		if op.Method != strings.ToUpper(op.Method) || !strings.HasPrefix(op.Path, "/") {
			t.Errorf("%s: method %q path %q", op.ID, op.Method, op.Path)
		}
	}
	if !slices.IsSortedFunc(ops, func(a, b spec.Operation) int {
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	}) {
		t.Error("operations are not sorted by path and method")
	}
}

func TestOperationsDescribeEach(t *testing.T) {
	ops := validator(t).Operations()
	get := func(id string) spec.Operation {
		t.Helper()
		i := slices.IndexFunc(ops, func(o spec.Operation) bool { return o.ID == id })
		if i < 0 {
			t.Fatalf("no operation %q", id)
		}
		return ops[i]
	}
	events := get("getEvents")
	want := spec.Operation{ID: "getEvents", Method: "GET", Path: "/api/conversations/{conversation_id}/events",
		Tags: []string{"events"}, Deprecated: true, Statuses: []string{"200", "400", "401", "404", "422", "429", "500"}}
	if events.Method != want.Method || events.Path != want.Path || !slices.Equal(events.Tags, want.Tags) ||
		events.Deprecated != want.Deprecated || !slices.Equal(events.Statuses, want.Statuses) {
		t.Errorf("getEvents = %+v, want %+v", events, want)
	}
	if op := get("getTrajectory"); op.Deprecated {
		t.Error("getTrajectory is not deprecated upstream")
	}
	if op := get("createSecret"); !slices.Contains(op.Statuses, "201") || slices.Contains(op.Statuses, "200") {
		t.Errorf("createSecret answers 201: %q", op.Statuses)
	}
}
