package pod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The hand-written binary COPY of the log writer (logwriter.go, write and
// append*Rows), checked against real PostgreSQL and against the pgx
// CopyFrom path it replaced (kept below, test-only, as the reference and
// the benchmark's baseline).

// copyTestBatch is a batch with every column kind, NULLs and not, text
// that is not ASCII, and times with sub-microsecond parts, before 2000
// and before 1970 (the encoder counts from 2000 and must floor).
func copyTestBatch() []*sessionRecord {
	at := func(s string, ns int) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t.Add(time.Duration(ns))
	}
	failed := &sessionRecord{start: at("2026-11-30T10:00:00Z", 123_456_789), endpoint: "bücher", method: "日本語",
		requestID: "req-ü", duration: 1500*time.Millisecond + 999, numQueries: 2, slow: true,
		failed: true, err: "kaputt: ça ne va pas 🙃", stack: "goroutine 1 [running]:\nmain.main()"}
	failed.id = sessionID(failed.start, 0x0123456789abcdef)
	failed.queries = []queryRecord{
		{time: at("1999-12-31T23:59:59Z", 999_999_999), sql: "SELECT 'é'", duration: 2*time.Microsecond + 500,
			rows: 1 << 40, seq: 1},
		{time: at("1969-07-20T20:17:40Z", 1_500), sql: "SELECT no_such_column", duration: time.Millisecond,
			failed: true, err: `ERROR: column "no_such_column" does not exist`, slow: true, seq: 3},
	}
	failed.entries = []entryRecord{
		{time: at("2026-11-30T10:00:00Z", 1), level: LogLevelDebug, message: "ünïcødé ✓", seq: 2},
		{time: at("2000-01-01T00:00:00Z", 0), level: LogLevelFatal, message: "", seq: 4},
	}
	// A successful session without children: error, stack_trace (and
	// user_id, always) NULL. Its negative duration cannot happen (the
	// writer gets time.Since of a monotonic reading), but the encoder must
	// still write int8 as two's complement.
	ok := &sessionRecord{start: at("1970-01-01T00:00:00Z", -1), endpoint: "e", method: "m", requestID: "",
		duration: -3 * time.Microsecond}
	ok.id = sessionID(at("2026-11-30T10:00:01Z", 0), 42)
	return []*sessionRecord{failed, ok}
}

// logTableDump is every log row of pool, as text, in a stable order.
func logTableDump(t *testing.T, pool *DBPool) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT id, server_id, time, endpoint, method, duration_us, num_queries, slow, error, stack_trace,
			user_id, request_id FROM pod_session_log ORDER BY id`,
		`SELECT session_id, seq, server_id, time, query, duration_us, num_rows, error, slow FROM pod_query_log
			ORDER BY session_id, seq`,
		`SELECT session_id, seq, server_id, time, level, message FROM pod_log_entry ORDER BY session_id, seq`,
	} {
		out = append(out, queryStrings(t, pool, q)...)
	}
	return strings.Join(out, "\n")
}

// TestLogCopyRoundTrip: a batch written with the binary COPY reads back
// with the values it had (times truncated to the microsecond, as
// Postgres keeps them), and exactly as the pgx CopyFrom path wrote it.
func TestLogCopyRoundTrip(t *testing.T) {
	_, pool := logsDatabase(t)
	w := &LogWriter{pool: pool, serverID: 7}
	batch := copyTestBatch()
	if err := w.write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}

	rows, err := pool.pgx.Query(context.Background(), `SELECT id, server_id, time, endpoint, method, duration_us,
		num_queries, slow, error, stack_trace, user_id, request_id FROM pod_session_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type sessionRow struct {
		id                          [16]byte
		serverID, numQueries        int32
		time                        time.Time
		endpoint, method, requestID string
		durationUS                  int64
		slow                        bool
		errText, stack, userID      *string
	}
	var sessions []sessionRow
	for rows.Next() {
		var r sessionRow
		if err := rows.Scan(&r.id, &r.serverID, &r.time, &r.endpoint, &r.method, &r.durationUS, &r.numQueries,
			&r.slow, &r.errText, &r.stack, &r.userID, &r.requestID); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 2 {
		t.Fatalf("%d sessions, want 2", len(sessions))
	}
	for i, want := range batch { // the failed session started first: its id is smaller
		got := sessions[i]
		if got.id != want.id || got.serverID != 7 || !got.time.Equal(want.start.Truncate(time.Microsecond)) ||
			got.endpoint != want.endpoint || got.method != want.method || got.requestID != want.requestID ||
			got.durationUS != want.duration.Microseconds() || got.numQueries != int32(want.numQueries) ||
			got.slow != want.slow || got.userID != nil {
			t.Errorf("session %d: got %+v, want %+v", i, got, want)
		}
		if want.failed != (got.errText != nil) || got.errText != nil && *got.errText != want.err ||
			(want.stack != "") != (got.stack != nil) || got.stack != nil && *got.stack != want.stack {
			t.Errorf("session %d: error %v stack %v, want %q %q", i, got.errText, got.stack, want.err, want.stack)
		}
	}
	if sessions[1].durationUS != -3 || !sessions[1].time.Equal(time.Unix(0, 0).Add(-time.Microsecond)) {
		t.Errorf("negative values: duration_us %d, time %v", sessions[1].durationUS, sessions[1].time)
	}

	// Children: compared as text with what the records say.
	want := batch[0]
	got := queryStrings(t, pool, `SELECT session_id = $1, server_id, time = $2, query, duration_us, num_rows,
		error, slow, seq FROM pod_query_log WHERE seq = 1`, want.id, want.queries[0].time.Truncate(time.Microsecond))
	if w := "true|7|true|SELECT 'é'|2|1099511627776|<nil>|false|1"; len(got) != 1 || got[0] != w {
		t.Errorf("query 1: %q, want %q", got, w)
	}
	got = queryStrings(t, pool, `SELECT session_id = $1, time = $2, query, duration_us, num_rows IS NULL,
		error, slow, seq FROM pod_query_log WHERE seq = 3`, want.id, want.queries[1].time.Truncate(time.Microsecond))
	if w := `true|true|SELECT no_such_column|1000|true|ERROR: column "no_such_column" does not exist|true|3`; len(got) != 1 || got[0] != w {
		t.Errorf("query 3: %q, want %q", got, w)
	}
	got = queryStrings(t, pool, `SELECT session_id = $1, server_id, time = ANY($2), level, message, seq
		FROM pod_log_entry ORDER BY seq`, want.id,
		[]time.Time{want.entries[0].time.Truncate(time.Microsecond), want.entries[1].time})
	if g, w := strings.Join(got, ","), "true|7|true|debug|ünïcødé ✓|2,true|7|true|fatal||4"; g != w {
		t.Errorf("entries: %q, want %q", g, w)
	}

	// The same batch through pgx's CopyFrom: the same rows, to the byte.
	_, ref := logsDatabase(t)
	if err := writeViaPgxCopyFrom(context.Background(), ref, 7, copyTestBatch()); err != nil {
		t.Fatal(err)
	}
	if g, r := logTableDump(t, pool), logTableDump(t, ref); g != r {
		t.Fatalf("binary COPY wrote\n%s\npgx CopyFrom wrote\n%s", g, r)
	}
}

// TestLogCopyRejectedBatch: a batch Postgres refuses (here: a duplicate
// key) fails as a whole, leaves nothing behind, and the writer's
// connection and buffer still serve the next batch.
func TestLogCopyRejectedBatch(t *testing.T) {
	_, pool := logsDatabase(t)
	w := &LogWriter{pool: pool, serverID: 7}
	batch := copyTestBatch()
	batch[1].id = batch[0].id
	err := w.write(context.Background(), batch)
	var dbErr interface{ SQLState() string }
	if !errors.As(err, &dbErr) || dbErr.SQLState() != "23505" {
		t.Fatalf("write of a duplicate id: %v, want a unique violation", err)
	}
	if got := logTableDump(t, pool); got != "" {
		t.Fatalf("a failed batch left rows:\n%s", got)
	}
	if err := w.write(context.Background(), copyTestBatch()); err != nil {
		t.Fatal(err)
	}
	if got := queryStrings(t, pool, `SELECT count(*) FROM pod_session_log`); len(got) != 1 || got[0] != "2" {
		t.Fatalf("sessions after the retry: %q", got)
	}
}

// TestLogBeginSetsAsyncCommit: the writer's one-round-trip BEGIN really
// turns synchronous_commit off, for its transaction only.
func TestLogBeginSetsAsyncCommit(t *testing.T) {
	_, pool := logsDatabase(t)
	ctx := context.Background()
	tx, err := pool.pgx.BeginTx(ctx, pgx.TxOptions{BeginQuery: logBeginSQL})
	if err != nil {
		t.Fatal(err)
	}
	var in, after string
	if err := tx.QueryRow(ctx, "SHOW synchronous_commit").Scan(&in); err != nil {
		t.Fatal(err)
	}
	conn := tx.Conn()
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if in != "off" || after == "off" {
		t.Fatalf("synchronous_commit %q in the writer's transaction, %q after it", in, after)
	}
}

// benchBatch is a full batch of sessions like the benchmark's queries
// endpoint makes: one query and one entry each.
func benchBatch() []*sessionRecord {
	batch := make([]*sessionRecord, logBatchSessions)
	now := time.Now()
	for i := range batch {
		r := &sessionRecord{start: now.Add(time.Duration(i) * time.Microsecond), endpoint: "bench", method: "queries",
			requestID: fmt.Sprintf("req-%d", i), duration: 700 * time.Microsecond, numQueries: 1,
			queries: []queryRecord{{time: now, sql: `SELECT "id", "name" FROM "item" WHERE "id" = $1`,
				duration: 300 * time.Microsecond, rows: 1, seq: 0}},
			entries: []entryRecord{{time: now, level: LogLevelInfo, message: "served", seq: 1}}}
		r.id = sessionID(r.start, uint64(i))
		batch[i] = r
	}
	return batch
}

// TestLogCopyEncodeAllocs: encoding a batch into a warm buffer allocates
// nothing, whatever the number of rows.
func TestLogCopyEncodeAllocs(t *testing.T) {
	batch := benchBatch()
	var b []byte
	encode := func() {
		b = appendSessionRows(b[:0], batch, 7)
		b = appendQueryRows(b[:0], batch, 7)
		b = appendEntryRows(b[:0], batch, 7)
	}
	encode() // grows the buffer
	if allocs := testing.AllocsPerRun(50, encode); allocs != 0 {
		t.Fatalf("%.1f allocations per batch of %d sessions, want 0", allocs, len(batch))
	}
	if len(b) < len(batch)*40 {
		t.Fatalf("entry stream of %d bytes for %d rows", len(b), len(batch))
	}
}

// TestLogCopyBufferTrimmed: a batch that grows the buffer past
// maxRetainedCopyBuffer does not keep it; an ordinary one does.
func TestLogCopyBufferTrimmed(t *testing.T) {
	_, pool := logsDatabase(t)
	w := &LogWriter{pool: pool, serverID: 7}
	if err := w.write(context.Background(), benchBatch()); err != nil {
		t.Fatal(err)
	}
	if c := cap(w.copyBuf); c == 0 || c > maxRetainedCopyBuffer {
		t.Fatalf("buffer of %d bytes kept after a small batch", c)
	}
	big := copyTestBatch()[:1]
	big[0].stack = strings.Repeat("x", maxRetainedCopyBuffer+1)
	if err := w.write(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	if w.copyBuf != nil {
		t.Fatalf("buffer of %d bytes kept after a big batch", cap(w.copyBuf))
	}
	if got := queryStrings(t, pool, `SELECT length(stack_trace) FROM pod_session_log WHERE stack_trace IS NOT NULL`); len(got) != 1 ||
		got[0] != fmt.Sprint(maxRetainedCopyBuffer+1) {
		t.Fatalf("big stack trace stored as %q", got)
	}
}

// BenchmarkLogWrite compares one 256-session batch written by the binary
// COPY (new) and by pgx's CopyFrom (old), against real Postgres.
func BenchmarkLogWrite(b *testing.B) {
	for _, path := range []string{"new", "old"} {
		b.Run(path, func(b *testing.B) {
			pool := benchLogsDatabase(b)
			w := &LogWriter{pool: pool, serverID: 7, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			batch := benchBatch()
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				for j, r := range batch { // fresh ids: each batch is new rows
					r.id = sessionID(r.start, uint64(i*len(batch)+j))
				}
				var err error
				if path == "new" {
					err = w.write(ctx, batch)
				} else {
					err = writeViaPgxCopyFrom(ctx, pool, 7, batch)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchLogsDatabase is logsDatabase for a benchmark.
func benchLogsDatabase(b *testing.B) *DBPool {
	raw := os.Getenv("PODGEN_TEST_DATABASE_URL")
	if raw == "" {
		raw = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	var cfg DatabaseConfig
	if err := cfg.setURL(raw); err != nil {
		b.Fatal(err)
	}
	admin, err := OpenDBPool(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(admin.Close)
	name := fmt.Sprintf("podgen_logs_%d_%d", os.Getpid(), logsDBSeq.Add(1))
	if _, err := NewDB(context.Background(), admin).Exec("CREATE DATABASE " + name); err != nil {
		b.Fatal(err)
	}
	cfg.Name = name
	pool, err := OpenDBPool(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		pool.Close()
		NewDB(context.Background(), admin).Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	applySystemTables(b, pool)
	return pool
}

// The pgx CopyFrom writer as it was before the binary COPY (test-only).
var (
	refSessionLogColumns = []string{"id", "server_id", "time", "endpoint", "method", "duration_us",
		"num_queries", "slow", "error", "stack_trace", "user_id", "request_id"}
	refQueryLogColumns = []string{"session_id", "server_id", "time", "query", "duration_us",
		"num_rows", "error", "slow", "seq"}
	refLogEntryColumns = []string{"session_id", "server_id", "time", "level", "message", "seq"}
)

func writeViaPgxCopyFrom(ctx context.Context, pool *DBPool, serverID int, batch []*sessionRecord) error {
	tx, err := pool.pgx.Begin(ctx)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit TO OFF"); err != nil {
		return classify(err)
	}
	src := &refLogRows{serverID: serverID, batch: batch}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"pod_session_log"}, refSessionLogColumns, src.reset(0)); err != nil {
		return classify(err)
	}
	queries, entries := 0, 0
	for _, r := range batch {
		queries, entries = queries+len(r.queries), entries+len(r.entries)
	}
	if queries > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"pod_query_log"}, refQueryLogColumns, src.reset(1)); err != nil {
			return classify(err)
		}
	}
	if entries > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"pod_log_entry"}, refLogEntryColumns, src.reset(2)); err != nil {
			return classify(err)
		}
	}
	return classify(tx.Commit(ctx))
}

type refLogRows struct {
	serverID           int
	batch              []*sessionRecord
	i, j               int
	table              int
	values             []any
	durationUS, qDurUS int64
}

func (s *refLogRows) reset(table int) *refLogRows {
	s.table, s.i, s.j = table, 0, -1
	return s
}

func (s *refLogRows) Next() bool {
	if s.table == 0 {
		s.j++
		s.i = s.j
		return s.i < len(s.batch)
	}
	for s.i < len(s.batch) {
		s.j++
		n := len(s.batch[s.i].entries)
		if s.table == 1 {
			n = len(s.batch[s.i].queries)
		}
		if s.j < n {
			return true
		}
		s.i, s.j = s.i+1, -1
	}
	return false
}

func (s *refLogRows) Values() ([]any, error) {
	r, v := s.batch[s.i], s.values[:0]
	switch s.table {
	case 0:
		s.durationUS = r.duration.Microseconds()
		v = append(v, &r.id, &s.serverID, &r.start, &r.endpoint, &r.method, &s.durationUS,
			&r.numQueries, r.slow, refNullString(r.failed, &r.err), refNullString(r.stack != "", &r.stack), nil, &r.requestID)
	case 1:
		q := &r.queries[s.j]
		s.qDurUS = q.duration.Microseconds()
		var rows any = &q.rows
		if q.failed {
			rows = nil
		}
		v = append(v, &r.id, &s.serverID, &q.time, &q.sql, &s.qDurUS, rows, refNullString(q.failed, &q.err), q.slow, &q.seq)
	default:
		e := &r.entries[s.j]
		v = append(v, &r.id, &s.serverID, &e.time, &logLevelNames[e.level], &e.message, &e.seq)
	}
	s.values = v
	return v, nil
}

func (s *refLogRows) Err() error { return nil }

func refNullString(ok bool, s *string) any {
	if !ok {
		return nil
	}
	return s
}
