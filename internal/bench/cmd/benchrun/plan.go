package main

import "slices"

// plan is how much a run measures.
type plan struct {
	name string
	// short passes -test.short to the Go benchmarks (small fixtures).
	short bool
	// callRounds runs of BenchmarkGetConversation, each callTime long.
	callRounds int
	callTime   string
	// itemRounds runs of the listing and events benchmarks, itemTime each.
	itemRounds int
	itemTime   string
	// downloadRounds runs of BenchmarkDownloadTrajectory, downloadTime each.
	downloadRounds int
	downloadTime   string
	// trajectories are the CLI downloads from the bulk generator.
	trajectories []trajectorySize
	// exportConversations of exportEvents events each, exported at every
	// exportConcurrency, exportRounds times.
	exportConversations, exportEvents, exportRounds int
	exportConcurrency                               []int
	// contractRounds runs of `openhands-v0 contract run`.
	contractRounds int
}

// trajectorySize is one trajectory download measured rounds times.
type trajectorySize struct {
	label  string
	bytes  int64
	rounds int
}

const (
	mb = 1_000_000
	gb = 1_000_000_000
)

func fullPlan() plan {
	return plan{
		name:       "full",
		callRounds: 5, callTime: "1s",
		itemRounds: 3, itemTime: "2x",
		downloadRounds: 3, downloadTime: "3x",
		trajectories: []trajectorySize{
			{"100 MB", 100 * mb, 5},
			{"1 GB", 1 * gb, 3},
		},
		exportConversations: 500, exportEvents: 100, exportRounds: 2,
		exportConcurrency: []int{1, 4, 16},
		contractRounds:    3,
	}
}

func quickPlan() plan {
	return plan{
		name:  "quick",
		short: true, callRounds: 1, callTime: "200ms",
		itemRounds: 1, itemTime: "1x",
		downloadRounds: 1, downloadTime: "1x",
		trajectories:        []trajectorySize{{"10 MB", 10 * mb, 1}},
		exportConversations: 40, exportEvents: 20, exportRounds: 1,
		exportConcurrency: []int{1, 4, 16},
		contractRounds:    1,
	}
}

// withRounds is p with every measurement run n times.
func (p plan) withRounds(n int) plan {
	p.callRounds, p.itemRounds, p.downloadRounds, p.exportRounds, p.contractRounds = n, n, n, n, n
	p.trajectories = slices.Clone(p.trajectories)
	for i := range p.trajectories {
		p.trajectories[i].rounds = n
	}
	return p
}
