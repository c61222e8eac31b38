package emit

// LogsSQL creates the system tables of logging (issue 7): one row per
// session (call) in pod_session_log, its queries in pod_query_log, its
// s.Log entries in pod_log_entry, and the cluster's runtime settings in
// pod_runtime_settings (one row, id 1). There are no foreign keys: the
// asynchronous writer may insert a session's children before (or without)
// the session.
//
// Every index is paid for on each logged call, so there are as few as the
// reads need (docs/LOGGING.md, "Indexes"). Session ids are UUID v7 made
// from the start time, so the primary key is also the time index (GET
// /sessions and retention range over it); a child's primary key
// (session_id, seq) finds a session's rows in order, and retention deletes
// children by session_id ranges as well. The endpoint index has no "id":
// with few distinct (endpoint, method) pairs, Postgres deduplicates it into
// a small index that is cheaper to insert into; /sessions sorts the few
// rows of a rare pair, and walks the primary key for a frequent one.
const LogsSQL = `CREATE TABLE IF NOT EXISTS "pod_session_log" (
	"id" uuid PRIMARY KEY,
	"server_id" integer NOT NULL,
	"time" timestamptz NOT NULL,
	"endpoint" text NOT NULL,
	"method" text NOT NULL,
	"duration_us" bigint NOT NULL,
	"num_queries" integer NOT NULL,
	"slow" boolean NOT NULL,
	"error" text,
	"stack_trace" text,
	"user_id" text,
	"request_id" text NOT NULL
);
CREATE TABLE IF NOT EXISTS "pod_query_log" (
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"server_id" integer NOT NULL,
	"time" timestamptz NOT NULL,
	"query" text NOT NULL,
	"duration_us" bigint NOT NULL,
	"num_rows" bigint,
	"error" text,
	"slow" boolean NOT NULL,
	PRIMARY KEY ("session_id", "seq")
);
CREATE TABLE IF NOT EXISTS "pod_log_entry" (
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"server_id" integer NOT NULL,
	"time" timestamptz NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	PRIMARY KEY ("session_id", "seq")
);
CREATE TABLE IF NOT EXISTS "pod_runtime_settings" (
	"id" integer PRIMARY KEY CHECK ("id" = 1),
	"settings" jsonb NOT NULL,
	"updated" timestamptz NOT NULL DEFAULT now()
);
`
