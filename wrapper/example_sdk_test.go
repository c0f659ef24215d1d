//lint:file-ignore SA1019 every V0 operation is deprecated upstream; these show the raw client the SDK wraps.
package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/openhandstest"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Change one setting and keep the others (and the stored LLM key).
func ExampleClient_UpdateSettings() {
	srv := openhandstest.Start(openhandstest.WithSampleData())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	if err := c.UpdateSettings(ctx, func(s *api.Settings) { s.MaxIterations = new(42) }); err != nil {
		log.Fatal(err)
	}
	s, err := c.GetSettings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*s.MaxIterations, s.LLMModel != "", s.LLMAPIKeySet)
	// Output: 42 true true
}

// Read a conversation's commands and their exit codes.
func ExampleAsCmdOutput() {
	srv := openhandstest.Start(openhandstest.WithSampleData())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	convs, err := c.ListConversations(ctx, wrapper.ListOptions{Repository: "sim-user/widgets"})
	if err != nil {
		log.Fatal(err)
	}
	for ev, err := range c.Events(ctx, convs[0].ConversationID, wrapper.EventRange{}) {
		if err != nil {
			log.Fatal(err)
		}
		if run, ok := wrapper.AsRun(ev); ok {
			fmt.Println("$", run.Command)
		}
		if out, ok := wrapper.AsCmdOutput(ev); ok {
			fmt.Println("exit", out.ExitCode)
		}
		if st, ok := wrapper.AsAgentState(ev); ok {
			fmt.Println("agent:", st.State)
		}
	}
	// Output:
	// agent: running
	// $ cd /workspace/widgets && git status && ls
	// exit 0
	// $ python3 /workspace/widgets/fix_the_flaky.py
	// exit 0
	// agent: finished
}

// Options for one call: a header, a timeout, no retries, and the raw
// response's headers.
func ExampleWithResponseInto() {
	srv := openhandstest.Start()
	defer srv.Close()
	c := srv.Client()

	var resp *http.Response
	_, err := c.ListModels(context.Background(),
		wrapper.WithHeader("X-Request-Id", "req-42"),
		wrapper.WithTimeout(10*time.Second),
		wrapper.WithRetry(wrapper.NoRetry()),
		wrapper.WithResponseInto(&resp))
	fmt.Println(err, resp.StatusCode, resp.Header.Get("Content-Type"))
	// Output: <nil> 200 application/json
}

// A raw call through API() gives the same typed errors with CheckResponse.
func ExampleCheckResponse() {
	srv := openhandstest.Start()
	defer srv.Close()
	c := srv.Client()

	r, err := c.API().GetConversationWithResponse(context.Background(), "0123456789abcdef0123456789abcdef")
	if err == nil {
		err = wrapper.CheckResponse("getConversation", r.HTTPResponse, r.Body)
	}
	fmt.Println(r.StatusCode(), errors.Is(err, wrapper.ErrNotFound))
	// Output: 200 true
}
