package emit

// SystemMigration is one version of podgen's own tables (future calls,
// logs, migrations, ...). Every app gets all of them, in this order:
// tables.pgsql holds them all, and the migration runner applies and
// records them as module "podgen" like the app's own migrations (issue 8),
// so an app upgraded to a newer podgen gets the new versions as migrations.
//
// Append only: a released version's SQL never changes. A change to a
// system table is a new version with an ALTER.
type SystemMigration struct {
	Version string // "0001-future-calls": ordered by this string
	SQL     string // idempotent DDL (IF NOT EXISTS), one or more statements
}

// SystemMigrations are podgen's system tables, oldest first.
var SystemMigrations = []SystemMigration{
	{Version: "0001-future-calls", SQL: FutureCallsSQL},
	{Version: "0002-logs", SQL: LogsSQL},
	{Version: "0003-health-metrics", SQL: HealthMetricsSQL},
	{Version: "0004-future-call-lease-index", SQL: FutureCallLeaseIndexSQL},
}
