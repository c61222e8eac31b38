package pod

import (
	"context"
	"time"
)

// runPeriodically runs job after first, then every interval, until ctx is
// done: the loop of the server's background jobs (settings reload, health
// metrics, log retention). A job that starts failing is reported once
// through failed, not at every run, and through recovered (when not nil)
// once it works again; an error while ctx is ending is no failure.
func runPeriodically(ctx context.Context, first, interval time.Duration,
	job func(context.Context) error, failed func(error), recovered func()) {
	timer := time.NewTimer(first)
	defer timer.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		err := job(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && !failing:
			failed(err)
		case err == nil && failing && recovered != nil:
			recovered()
		}
		failing = err != nil
		timer.Reset(interval)
	}
}
