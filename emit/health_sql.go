package emit

// HealthMetricsSQL creates pod_health_metric: one row per server and
// minute (requests, errors, latency percentiles, memory, goroutines, DB
// pool), written by every serving server so that its history can be
// charted later. No foreign keys: the retention job deletes it by time,
// like the log tables.
const HealthMetricsSQL = `CREATE TABLE IF NOT EXISTS "pod_health_metric" (
	"id" bigserial PRIMARY KEY,
	"server_id" integer NOT NULL,
	"time" timestamptz NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_p50_ms" double precision NOT NULL,
	"latency_p95_ms" double precision NOT NULL,
	"latency_p99_ms" double precision NOT NULL,
	"memory_bytes" bigint NOT NULL,
	"goroutines" integer NOT NULL,
	"db_connections" integer NOT NULL,
	"db_idle" integer NOT NULL
);
CREATE INDEX IF NOT EXISTS "pod_health_metric_time_idx" ON "pod_health_metric" ("time");
`
