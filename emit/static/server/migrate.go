package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// applyMigrations is --apply-migrations: podgen's system versions, then the
// app's (migrationModules, generated into server/migrations.go from the
// migrations folder), before the server serves. It reports false, with the
// failing migration and statement on stderr, when the database could not
// be brought up to date.
func applyMigrations(ctx context.Context, rt *pod.Runtime, stderr io.Writer) bool {
	applied, err := pod.ApplyMigrations(ctx, rt.DB, migrationModules())
	for _, a := range applied {
		rt.Logger.Info("migration applied", slog.String("migration", a))
	}
	if err != nil {
		fmt.Fprintln(stderr, "apply migrations:", err)
		return false
	}
	if len(applied) == 0 {
		rt.Logger.Info("migrations: database is up to date")
	}
	return true
}

// behindCheckTimeout bounds the start-up check of a server started without
// --apply-migrations; it runs beside start-up and never delays it.
const behindCheckTimeout = 2 * time.Second

// warnIfBehind logs the versions the database lacks. A database without
// pod_migration, of an app without migrations of its own, was made from
// tables.pgsql and is not tracked: no warning then. An unreachable
// database is WatchDB's to report.
func warnIfBehind(ctx context.Context, rt *pod.Runtime) {
	ctx, cancel := context.WithTimeout(ctx, behindCheckTimeout)
	defer cancel()
	modules := migrationModules()
	missing, tracked, err := pod.MissingMigrations(ctx, rt.DB, modules)
	if err != nil || len(missing) == 0 || (!tracked && !hasAppMigrations(modules)) {
		return
	}
	rt.Logger.Warn("database is behind: missing migrations " + strings.Join(missing, ", ") +
		"; start with --apply-migrations")
}

// hasAppMigrations reports whether the app was built with a migrations
// folder (any module but podgen's own has versions).
func hasAppMigrations(modules []pod.MigrationModule) bool {
	for _, m := range modules {
		if m.Name != "podgen" && len(m.Versions) > 0 {
			return true
		}
	}
	return false
}
