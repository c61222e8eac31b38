package emit

// AuthMigrations are the auth module's tables (SPEC §11), oldest first,
// applied as migration module "auth" after podgen's system tables and
// before the app's, so that the app's tables may reference pod_user_info.
// Append only, like SystemMigrations.
var AuthMigrations = []SystemMigration{
	{Version: "0001-auth", SQL: "-- placeholder until the auth core lands\n"},
}
