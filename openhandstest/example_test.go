package openhandstest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/openhandstest"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// In a test, write srv := openhandstest.NewServer(t, ...); Start is the same
// outside a test.
func Example() {
	srv := openhandstest.Start(openhandstest.WithAPIKey("sk-test"))
	defer srv.Close()
	c := srv.Client() // the server's URL and key; wrapper.New(srv.ClientOptions()...) is the same
	ctx := context.Background()

	// As on a real server, a conversation needs stored LLM settings first
	// (WithSampleData stores some).
	if err := c.StoreLLMSettings(ctx, wrapper.LLMSettings{Model: "openai/gpt-5", APIKey: "sk-llm"}); err != nil {
		log.Fatal(err)
	}
	resp, err := c.CreateConversation(ctx, api.CreateConversationRequest{InitialUserMsg: "Write hello.txt"})
	if err != nil {
		log.Fatal(err)
	}
	info, err := c.Wait(ctx, resp.ConversationID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Status)
	// Output: STOPPED
}

// A server that wants one API key refuses every other.
func ExampleWithAPIKey() {
	srv := openhandstest.Start(openhandstest.WithAPIKey("sk-right"))
	defer srv.Close()
	c := srv.Client(wrapper.WithAPIKey("sk-wrong")) // options after the server's win
	_, err := c.ListConversations(context.Background(), wrapper.ListOptions{})
	fmt.Println(errors.Is(err, wrapper.ErrUnauthorized))
	// Output: true
}

// Sample data: conversations in every state, stored settings and secrets.
func ExampleWithSampleData() {
	srv := openhandstest.Start(openhandstest.WithSampleData())
	defer srv.Close()
	convs, err := srv.Client().ListConversations(context.Background(), wrapper.ListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, conv := range convs {
		fmt.Println(conv.Status, conv.Title)
	}
	// Output:
	// RUNNING Refactor the payment module
	// ERROR Summarize open issues
	// STOPPED Fix flaky login test
	// STOPPED Integration tests microagent
	// ARCHIVED Upgrade dependencies
}

// A fault on demand, and the count of requests that arrived: the client
// retried the two 503s and the third try succeeded.
func ExampleServer_InjectFault() {
	srv := openhandstest.Start()
	defer srv.Close()
	srv.InjectFault(openhandstest.Fault{
		Kind: openhandstest.FaultStatus, Status: http.StatusServiceUnavailable,
		Method: http.MethodGet, Path: "/api/conversations", Times: 2,
	})
	_, err := srv.Client().ListConversations(context.Background(), wrapper.ListOptions{})
	fmt.Println(err, srv.Count(http.MethodGet, "/api/conversations"))
	// Output: <nil> 3
}

// A conversation of many events, generated on demand.
func ExampleWithBulkConversation() {
	srv := openhandstest.Start(openhandstest.WithBulkConversation(5000, 100))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	convs, err := c.ListConversations(ctx, wrapper.ListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	n, err := c.EventCount(ctx, convs[0].ConversationID)
	fmt.Println(convs[0].Title, n, err)
	// Output: Bulk conversation (5000 events) 5000 <nil>
}
