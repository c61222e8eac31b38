package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/rich/out/pod"
	"example.com/rich/out/server"
)

// The session logging benchmarks compare the generated server with the
// runtime setting "log every session and every query" on and off, with
// the real writer into a real PostgreSQL. Goal: logging costs at most 10%
// of throughput.

var benchDBSeq atomic.Int64

func benchDatabaseURL() string {
	if u := os.Getenv("PODGEN_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// benchDatabase creates a database with out/tables.pgsql, dropped at the
// end, and returns its URL.
func benchDatabase(tb testing.TB) string {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, benchDatabaseURL())
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL unreachable (PODGEN_TEST_DATABASE_URL): %v", err)
		}
		tb.Skipf("PostgreSQL unreachable (set PODGEN_TEST_DATABASE_URL): %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("podgen_bench_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, benchDBSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if c, err := pgx.Connect(ctx, benchDatabaseURL()); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	parsed, err := url.Parse(benchDatabaseURL())
	if err != nil {
		tb.Fatal(err)
	}
	parsed.Path = "/" + name
	u := parsed.String()
	schema, err := os.ReadFile("../out/tables.pgsql")
	if err != nil {
		tb.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, string(schema)); err != nil {
		tb.Fatal(err)
	}
	return u
}

// firstLogsDDL is the log tables' DDL as first agreed (before the session
// id became the time index: a time index on every table, bigserial ids on
// the children), kept only to compare its write cost with out/tables.pgsql.
const firstLogsDDL = `DROP TABLE "pod_session_log", "pod_query_log", "pod_log_entry";
CREATE TABLE IF NOT EXISTS "pod_session_log" (
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
CREATE INDEX IF NOT EXISTS "pod_session_log_time_idx" ON "pod_session_log" ("time");
CREATE INDEX IF NOT EXISTS "pod_session_log_endpoint_idx" ON "pod_session_log" ("endpoint", "method", "time");
CREATE TABLE IF NOT EXISTS "pod_query_log" (
	"id" bigserial PRIMARY KEY,
	"session_id" uuid NOT NULL,
	"server_id" integer NOT NULL,
	"time" timestamptz NOT NULL,
	"query" text NOT NULL,
	"duration_us" bigint NOT NULL,
	"num_rows" bigint,
	"error" text,
	"slow" boolean NOT NULL,
	"seq" integer NOT NULL
);
CREATE INDEX IF NOT EXISTS "pod_query_log_session_idx" ON "pod_query_log" ("session_id");
CREATE INDEX IF NOT EXISTS "pod_query_log_time_idx" ON "pod_query_log" ("time");
CREATE TABLE IF NOT EXISTS "pod_log_entry" (
	"id" bigserial PRIMARY KEY,
	"session_id" uuid NOT NULL,
	"server_id" integer NOT NULL,
	"time" timestamptz NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"seq" integer NOT NULL
);
CREATE INDEX IF NOT EXISTS "pod_log_entry_session_idx" ON "pod_log_entry" ("session_id");
CREATE INDEX IF NOT EXISTS "pod_log_entry_time_idx" ON "pod_log_entry" ("time");
`

// firstDDLDatabase is benchDatabase with the log tables of firstLogsDDL.
func firstDDLDatabase(tb testing.TB) string {
	u := benchDatabase(tb)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, firstLogsDDL); err != nil {
		tb.Fatal(err)
	}
	return u
}

// loggedRuntime is the app's runtime on dbURL with logging wired as
// server.Main wires it, every session and query stored when all is set,
// only slow and failed ones (none here) otherwise.
func loggedRuntime(tb testing.TB, dbURL string, all bool) *pod.Runtime {
	cfg, err := pod.LoadConfig("", "production", "rich", func(k string) string {
		if k == "PODGEN_DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	if err != nil {
		tb.Fatal(err)
	}
	pool, err := pod.OpenDBPool(cfg.Database)
	if err != nil {
		tb.Fatal(err)
	}
	rt := &pod.Runtime{Config: cfg, DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	stop := pod.StartLogging(ctx, rt)
	tb.Cleanup(func() { cancel(); stop(); pool.Close() })
	v := pod.DefaultLogSettings("production")
	v.LogAllSessions, v.LogAllQueries = all, all
	if err := rt.LogSettings.Put(ctx, pool, v); err != nil {
		tb.Fatal(err)
	}
	return rt
}

// loggedServer serves loggedRuntime on a loopback port and returns the
// server's root URL.
func loggedServer(tb testing.TB, dbURL string, all bool) (string, *pod.Runtime) {
	rt := loggedRuntime(tb, dbURL, all)
	return strings.TrimSuffix(serve(tb, server.New(rt).Handler()), "/echo/employee"), rt
}

// settle waits until the writer has handled (written or dropped) want
// rows, so that one round's writing does not slow the next round down.
func settle(rt *pod.Runtime, want uint64) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rt.Logs.Written()+rt.Logs.Dropped() >= want {
			return
		}
	}
}

// compareLogging runs calls against three servers in rotating rounds:
// logging on, logging on into the log tables as first agreed
// (firstLogsDDL), and logging off. It reports each one's best throughput
// and the ratios on/off and first-on/off. rowsPerCall is what one call
// stores with logging on.
func compareLogging(b *testing.B, path string, body []byte, calls int, rowsPerCall uint64) {
	on, rtOn := loggedServer(b, benchDatabase(b), true)
	first, rtFirst := loggedServer(b, firstDDLDatabase(b), true)
	off, _ := loggedServer(b, benchDatabase(b), false)
	urls := [3]string{on + path, first + path, off + path}
	logged := [3]*pod.Runtime{rtOn, rtFirst, nil}
	var sent [3]uint64
	for i, u := range urls {
		loadBody(b, u, body, 1000) // warm up connections and pools
		sent[i] += 1000
	}
	for i, rt := range logged[:2] {
		settle(rt, sent[i]*rowsPerCall)
	}
	var res [3]loadResult
	const rounds = 6
	// Besides best-of-rounds, each round's on/off ratio: the two servers of
	// one round ran seconds apart, so the machine's drift (other jobs,
	// checkpoints, autovacuum) cancels out, and the median of the rounds
	// is the figure to quote on a shared machine.
	var roundRatios []float64
	b.ResetTimer()
	for r := range rounds {
		var round [3]loadResult
		for k := range 3 {
			i := (r + k) % 3 // each server goes first, second and last in turn
			round[i] = loadBody(b, urls[i], body, calls)
			res[i] = best(res[i], round[i])
			if rt := logged[i]; rt != nil {
				sent[i] += uint64(calls)
				settle(rt, sent[i]*rowsPerCall)
			}
		}
		roundRatios = append(roundRatios, round[0].perSecond()/round[2].perSecond())
	}
	b.StopTimer()
	slices.Sort(roundRatios)
	b.ReportMetric((roundRatios[rounds/2-1]+roundRatios[rounds/2])/2, "median-round-ratio")
	b.ReportMetric(res[0].perSecond(), "on-req/s")
	b.ReportMetric(res[1].perSecond(), "first-on-req/s")
	b.ReportMetric(res[2].perSecond(), "off-req/s")
	b.ReportMetric(res[0].perSecond()/res[2].perSecond(), "ratio")
	b.ReportMetric(res[1].perSecond()/res[2].perSecond(), "first-ratio")
	b.ReportMetric(float64(res[0].p50.Microseconds()), "on-p50-µs")
	b.ReportMetric(float64(res[1].p50.Microseconds()), "first-on-p50-µs")
	b.ReportMetric(float64(res[2].p50.Microseconds()), "off-p50-µs")
	b.ReportMetric(float64(rtOn.Logs.Written()), "rows-written")
	b.ReportMetric(float64(rtOn.Logs.Dropped()+rtFirst.Logs.Dropped()), "rows-dropped")
}

// BenchmarkLoggingEcho: the echo call (no query): one session row a call.
func BenchmarkLoggingEcho(b *testing.B) {
	compareLogging(b, "/echo/employee", []byte(employeeBody), 10000, 1)
}

// BenchmarkLoggingQueries: logs/work runs three queries and logs two
// entries (and a debug one below the level): 1+3+2 rows a call.
func BenchmarkLoggingQueries(b *testing.B) {
	compareLogging(b, "/logs/work", []byte(`{"sleepMillis":0}`), 2000, 6)
}

// BenchmarkHandlerLogging is BenchmarkHandlerGenerated with every session
// logged: the server's own cost per call, allocations included. One
// goroutine calling as fast as it can outruns any database, so most rows
// are dropped here: that is the drop path's cost.
func BenchmarkHandlerLogging(b *testing.B) {
	rt := loggedRuntime(b, benchDatabase(b), true)
	benchHandler(b, server.New(rt).Handler())
	b.ReportMetric(float64(rt.Logs.Dropped()), "rows-dropped")
}

// BenchmarkHandlerLoggingOff is the same with the production defaults: the
// session is buffered, then not stored (fast and successful).
func BenchmarkHandlerLoggingOff(b *testing.B) {
	rt := loggedRuntime(b, benchDatabase(b), false)
	benchHandler(b, server.New(rt).Handler())
}

// BenchmarkHandlerNoLogging is the runtime of BenchmarkHandlerLoggingOff
// (same config, same pool) without logging wired at all: the baseline of
// what buffering a session that is then not stored costs.
func BenchmarkHandlerNoLogging(b *testing.B) {
	rt := loggedRuntime(b, benchDatabase(b), false)
	benchHandler(b, server.New(&pod.Runtime{Config: rt.Config, DB: rt.DB, Logger: rt.Logger}).Handler())
}
