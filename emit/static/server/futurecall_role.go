package server

import (
	"context"
	"fmt"
	"io"

	"github.com/podgen/podgen/emit/static/pod"
)

// The roles of --role: which part of the cluster's work a process does.
const (
	roleMonolith    = "monolith"    // serves calls and runs future calls
	roleServerless  = "serverless"  // serves calls only
	roleMaintenance = "maintenance" // runs the future calls due now, then exits
)

func validRole(r string) bool {
	return r == roleMonolith || r == roleServerless || r == roleMaintenance
}

// startFutureCalls runs the scheduler of a monolith until ctx is done and
// returns it (nil when none runs); wait waits for it to let running calls
// finish (within the API server's shutdown timeout) and release the leases
// of the others.
func startFutureCalls(ctx context.Context, rt *pod.Runtime, role string) (sched *pod.FutureCallScheduler, wait func()) {
	runners := futureCallRunners()
	if role != roleMonolith || len(runners) == 0 {
		return nil, func() {}
	}
	sched = pod.NewFutureCallScheduler(rt, runners)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sched.Run(ctx, rt.Config.APIServer.ShutdownTimeout)
	}()
	return sched, func() { <-done }
}

// runMaintenance is the maintenance role: every future call due now, once.
func runMaintenance(ctx context.Context, rt *pod.Runtime, stderr io.Writer) int {
	if err := RunDueFutureCalls(ctx, rt); err != nil {
		fmt.Fprintln(stderr, "future calls:", err)
		return 1
	}
	return 0
}
