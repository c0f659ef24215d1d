package main

import (
	"strings"
	"testing"
)

func TestOperationsReadsTheExtensionsAndDefaults(t *testing.T) {
	spec := `
paths:
  /a/{id}:
    get:
      operationId: getA
      x-openhands-host: either
    post:
      operationId: postA
      x-openhands-host: runtime
  /b:
    post:
      operationId: postB
      x-idempotent: true
    delete:
      operationId: deleteB
      x-idempotent: false
  /alive:
    get:
      operationId: alive
      security: [{}]
`
	ops, err := operations([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	want := []operation{
		{id: "getA", method: "GET", path: "/a/{id}", host: "either", idempotent: true},
		{id: "postA", method: "POST", path: "/a/{id}", host: "runtime"},
		{id: "postB", method: "POST", path: "/b", host: "app", idempotent: true},
		{id: "deleteB", method: "DELETE", path: "/b", host: "app"},
		{id: "alive", method: "GET", path: "/alive", host: "app", idempotent: true, noAuth: true},
	}
	if len(ops) != len(want) {
		t.Fatalf("got %+v", ops)
	}
	for i := range want {
		if ops[i] != want[i] {
			t.Errorf("operation %d: got %+v, want %+v", i, ops[i], want[i])
		}
	}
}

func TestOperationsRefusesWhatTheTableCannotSay(t *testing.T) {
	for name, spec := range map[string]string{
		"repeated id":    "paths:\n  /a:\n    get: {operationId: x}\n    post: {operationId: x}\n",
		"missing id":     "paths:\n  /a:\n    get: {summary: s}\n",
		"bad host":       "paths:\n  /a:\n    get: {operationId: x, x-openhands-host: sandbox}\n",
		"bad idempotent": "paths:\n  /a:\n    get: {operationId: x, x-idempotent: maybe}\n",
	} {
		if _, err := operations([]byte(spec)); err == nil || !strings.Contains(err.Error(), "/a") && !strings.Contains(err.Error(), "x:") {
			t.Errorf("%s: err = %v, want an error naming the route or operation", name, err)
		}
	}
}
