package server

import (
	"context"

	"github.com/podgen/podgen/emit/static/pod"
)

// The exported hooks below are what out/podtest needs of the server
// besides New: they let a test build its database and run future calls
// through the very code the server runs. Nothing else calls them.

// StartModules starts podgen's optional modules on rt (the auth module's
// mailer and ID-token verifiers), as the server does at startup.
func StartModules(rt *pod.Runtime) error { return startModules(rt) }

// MigrationModules are the schema versions --apply-migrations applies,
// in order: podgen's system tables, then the app's migrations folder as it
// was at build time.
func MigrationModules() []pod.MigrationModule { return migrationModules() }

// RunDueFutureCalls runs every future call due now and returns when they
// have ended: the maintenance role's work (claim, invoke in a session,
// record the end). A call that fails is rescheduled for a retry, as by the
// scheduler. The error is the database's, when due calls could not be
// claimed; an app without future calls returns nil at once.
func RunDueFutureCalls(ctx context.Context, rt *pod.Runtime) error {
	runners := futureCallRunners()
	if len(runners) == 0 {
		return nil
	}
	return pod.NewFutureCallScheduler(rt, runners).RunDue(ctx)
}
