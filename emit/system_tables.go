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
	{Version: "0005-auth-user", SQL: AuthUserSQL},
}

// AuthUserSQL lets session logs and future calls know their user: the id
// of the signed-in user (pod_user_info of the auth module), NULL for none
// and in apps without the module. There is no foreign key: these tables
// exist in every app, and a log outlives the user it names.
//
// pod_session_log had a text "user_id" that nothing wrote (always NULL):
// it is dropped and added again as bigint, which, unlike ALTER COLUMN
// TYPE, does not rewrite a large log table. The DO block does it only
// while the column is text, so running this again changes nothing.
const AuthUserSQL = `DO $$
BEGIN
	IF (SELECT "data_type" FROM information_schema.columns WHERE "table_schema" = current_schema()
			AND "table_name" = 'pod_session_log' AND "column_name" = 'user_id') = 'text' THEN
		ALTER TABLE "pod_session_log" DROP COLUMN "user_id";
	END IF;
END
$$;
ALTER TABLE "pod_session_log" ADD COLUMN IF NOT EXISTS "user_id" bigint;
ALTER TABLE "pod_future_call" ADD COLUMN IF NOT EXISTS "user_id" bigint;
`
