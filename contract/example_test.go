package contract_test

import (
	"context"
	"fmt"
	"log"

	"github.com/openhands-go/openhands-v0/contract"
)

// Run the suite from a Go test: here two scenarios against the in-process
// simulator (offline, on loopback). For a server of your own, use ModeLive
// with BaseURL and credentials (AllowWrites for the scenarios that change
// things); ModeReplay replays the committed cassettes.
func ExampleRun() {
	rep, err := contract.Run(context.Background(), contract.RunOptions{
		Mode:      contract.ModeSimulator,
		Scenarios: []string{"health", "options"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, sc := range rep.Scenarios {
		fmt.Println(sc.Name, sc.Outcome)
	}
	fmt.Println("pass:", rep.Pass)
	// Output:
	// health passed
	// options passed
	// pass: true
}
