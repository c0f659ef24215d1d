package sdkcalls

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
)

// TestGeneratedTableIsCurrent checks that internal/drift/sdkmethods_gen.go
// is what the wrapper's source gives today: a wrapper change that calls
// another operation must come with `make generate`.
func TestGeneratedTableIsCurrent(t *testing.T) {
	ids, err := SpecOperationIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(".", ids)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../sdkmethods_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("internal/drift/sdkmethods_gen.go is stale: run 'make generate' and commit the result; it should be:\n%s", want)
	}
	// The table names what the wrapper is known to send: a method that
	// sends one operation, one that reaches the conversation first, and an
	// iterator that pages.
	for op, want := range map[string]string{
		"stopConversation":  "Client.StopConversation",
		"getConversation":   "Client.GetConversation",
		"listConversations": "Client.Conversations",
		"getEvents":         "Client.Events",
		"uploadFiles":       "Client.UploadFiles",
	} {
		u := m[op]
		if !slices.Contains(append(u.Direct, u.Via...), want) {
			t.Errorf("%s: %+v does not name %s", op, u, want)
		}
	}
	if via := m["getConversation"].Via; !slices.Contains(via, "Client.GetTrajectory") {
		t.Errorf("getConversation via %v: the conversation-scoped methods read the conversation first", via)
	}
}

// TestEveryOperationTheWrapperCallsIsInTheSpec checks the other direction:
// an api.Client method no operationId names is an error, not a gap.
func TestEveryOperationTheWrapperCallsIsInTheSpec(t *testing.T) {
	ids, err := SpecOperationIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	without := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "stopConversation" })
	if _, err := Map(".", without); err == nil {
		t.Fatal("no error for a wrapper call of an operation missing from the list")
	}
}
