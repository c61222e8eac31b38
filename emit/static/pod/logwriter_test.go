package pod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var logsDBSeq atomic.Int64

// logsDatabase creates a fresh database holding the logging tables,
// dropped when the test ends, and returns its config and a pool on it.
func logsDatabase(t *testing.T) (DatabaseConfig, *DBPool) {
	admin := NewDB(context.Background(), realPool(t))
	name := fmt.Sprintf("podgen_logs_%d_%d", os.Getpid(), logsDBSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	cfg := testDatabaseConfig(t)
	cfg.Name = name
	pool, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	applySystemTables(t, pool)
	return cfg, pool
}

// loggingRuntime is a runtime whose sessions are logged into pool with
// settings v; the writer is closed when the test ends.
func loggingRuntime(t *testing.T, pool *DBPool, v LogSettings) *Runtime {
	rt := &Runtime{ServerID: 7, Config: DefaultConfig("test", "x"), DB: pool,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rt.LogSettings = NewLogSettingsStore("test")
	rt.LogSettings.Set(v)
	rt.Logs = NewLogWriter(pool, rt.ServerID, rt.Logger)
	pool.SetQueryHook(rt.Logs.QueryHook)
	t.Cleanup(func() { rt.Logs.Close(time.Second) })
	return rt
}

// waitWritten waits until the writer has written n rows in all.
func waitWritten(t *testing.T, w *LogWriter, n uint64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); w.Written() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("written %d rows, want %d (dropped %d)", w.Written(), n, w.Dropped())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queryStrings(t *testing.T, pool *DBPool, sql string, args ...any) []string {
	t.Helper()
	rows, err := NewDB(context.Background(), pool).Query(sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		parts := make([]string, len(r))
		for i, v := range r {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func allOn() LogSettings {
	v := DefaultLogSettings("production")
	v.LogAllSessions, v.LogAllQueries, v.LogLevel = true, true, LogLevelDebug
	return v
}

// TestSessionLogged: a session with queries and entries is written with
// all of them, in order, tied to it.
func TestSessionLogged(t *testing.T) {
	_, pool := logsDatabase(t)
	v := allOn()
	v.LogLevel = LogLevelInfo
	rt := loggingRuntime(t, pool, v)
	s := NewSession(context.Background(), rt, "shop", "buy", "req-1")
	if _, err := s.DB.Query("SELECT $1::int", 5); err != nil {
		t.Fatal(err)
	}
	s.Log("not stored: below the level", LogLevelDebug)
	s.Log("first")
	if _, err := s.DB.Exec("SELECT no_such_column"); err == nil {
		t.Fatal("bad SQL ran")
	}
	s.Log("second", LogLevelWarning)
	s.Log("made up", LogLevel(42)) // stored as the nearest level
	s.Close(nil, "")
	s.Close(errors.New("ignored"), "") // a second Close does nothing
	waitWritten(t, rt.Logs, 6)

	got := queryStrings(t, pool, `SELECT server_id, endpoint, method, num_queries, slow, error IS NULL,
		stack_trace IS NULL, user_id IS NULL, request_id, duration_us >= 0 FROM pod_session_log`)
	if want := "7|shop|buy|2|false|true|true|true|req-1|true"; len(got) != 1 || got[0] != want {
		t.Fatalf("sessions %q, want %q", got, want)
	}
	got = queryStrings(t, pool, `SELECT q.query, q.num_rows, q.error, q.slow, q.seq, q.server_id
		FROM pod_query_log q JOIN pod_session_log s ON s.id = q.session_id ORDER BY q.seq`)
	if len(got) != 2 || got[0] != "SELECT $1::int|1|<nil>|false|1|7" ||
		!strings.HasPrefix(got[1], "SELECT no_such_column|<nil>|ERROR: column \"no_such_column\" does not exist") ||
		!strings.HasSuffix(got[1], "|false|3|7") {
		t.Fatalf("queries %q", got)
	}
	got = queryStrings(t, pool, `SELECT e.level, e.message, e.seq FROM pod_log_entry e
		JOIN pod_session_log s ON s.id = e.session_id ORDER BY e.seq`)
	if strings.Join(got, ",") != "info|first|2,warning|second|4,fatal|made up|5" {
		t.Fatalf("entries %q", got)
	}
}

// TestSlowAndFailedOnly: with the production defaults, a fast successful
// session is not stored, a slow or failed one is, and only its slow and
// failed queries are.
func TestSlowAndFailedOnly(t *testing.T) {
	_, pool := logsDatabase(t)
	v := DefaultLogSettings("production")
	v.SlowQueryThreshold = 20 * time.Millisecond
	v.SlowSessionThreshold = 40 * time.Millisecond
	rt := loggingRuntime(t, pool, v)

	fast := NewSession(context.Background(), rt, "e", "fast", "r1")
	fast.DB.Exec("SELECT 1")
	fast.Close(nil, "")
	slow := NewSession(context.Background(), rt, "e", "slow", "r2")
	slow.DB.Exec("SELECT 1")
	slow.DB.Exec("SELECT pg_sleep(0.05)")
	slow.DB.Exec("SELECT 2")
	slow.Close(nil, "")
	failed := NewSession(context.Background(), rt, "e", "failed", "r3")
	failed.DB.Exec("SELECT 1")
	failed.Close(errors.New("boom"), "stack here")
	waitWritten(t, rt.Logs, 3)

	got := queryStrings(t, pool, `SELECT method, num_queries, slow, coalesce(error, '-'), coalesce(stack_trace, '-')
		FROM pod_session_log ORDER BY method`)
	if strings.Join(got, ",") != "failed|1|false|boom|stack here,slow|3|true|-|-" {
		t.Fatalf("sessions %q", got)
	}
	got = queryStrings(t, pool, `SELECT s.method, q.query, q.slow, q.seq, q.duration_us >= 50000
		FROM pod_query_log q JOIN pod_session_log s ON s.id = q.session_id`)
	if strings.Join(got, ",") != "slow|SELECT pg_sleep(0.05)|true|2|true" {
		t.Fatalf("queries %q", got)
	}
}

// TestSessionBounds: a session keeps at most maxSessionQueries queries and
// maxSessionEntries entries; the rest are counted as dropped.
func TestSessionBounds(t *testing.T) {
	_, pool := logsDatabase(t)
	rt := loggingRuntime(t, pool, allOn())
	s := NewSession(context.Background(), rt, "e", "many", "r")
	for i := range maxSessionQueries + 5 {
		s.DB.Exec("SELECT $1::int", i)
	}
	for i := range maxSessionEntries + 3 {
		s.Log("entry " + strconv.Itoa(i))
	}
	s.Close(nil, "")
	waitWritten(t, rt.Logs, 1+maxSessionQueries+maxSessionEntries)
	if d := rt.Logs.Dropped(); d != 8 {
		t.Fatalf("dropped %d, want 8", d)
	}
	got := queryStrings(t, pool, `SELECT num_queries FROM pod_session_log`)
	if len(got) != 1 || got[0] != strconv.Itoa(maxSessionQueries+5) {
		t.Fatalf("num_queries %q", got)
	}
}

// TestOutsideSessionNotLogged: statements that run outside a session
// (the scheduler's, tools') are neither stored nor counted.
func TestOutsideSessionNotLogged(t *testing.T) {
	_, pool := logsDatabase(t)
	rt := loggingRuntime(t, pool, allOn())
	NewDB(context.Background(), pool).Exec("SELECT 1")
	s := NewSession(context.Background(), rt, "e", "m", "r")
	s.Close(nil, "")
	waitWritten(t, rt.Logs, 1)
	if got := queryStrings(t, pool, `SELECT count(*) FROM pod_query_log`); got[0] != "0" {
		t.Fatalf("%s queries logged", got[0])
	}
}

// syncBuffer is a log output that tests read while the writer writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestWriterDatabaseDown: with the database cut off, ending a session
// never waits, rows are dropped and counted with one warning, and once
// the database is back, sessions are written again.
func TestWriterDatabaseDown(t *testing.T) {
	cfg, direct := logsDatabase(t)
	p := startProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	host, port, _ := net.SplitHostPort(p.addr)
	cfg.Host, cfg.Port = host, atoi(t, port)
	pool, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var out syncBuffer
	rt := loggingRuntime(t, pool, allOn())
	rt.Logger = slog.New(slog.NewTextHandler(&out, nil))
	rt.Logs.log = rt.Logger

	p.stop()
	var slowest time.Duration
	for i := range 3000 {
		s := NewSession(context.Background(), rt, "e", "down", "r"+strconv.Itoa(i))
		s.Log("entry")
		start := time.Now()
		s.Close(nil, "")
		slowest = max(slowest, time.Since(start))
	}
	if slowest > 20*time.Millisecond {
		t.Errorf("Close took up to %s with the database down", slowest)
	}
	for deadline := time.Now().Add(5 * time.Second); rt.Logs.Dropped() < 6000; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("dropped %d rows, want 6000", rt.Logs.Dropped())
		}
	}
	for deadline := time.Now().Add(3 * time.Second); !strings.Contains(out.String(), "log rows dropped in the last minute"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no drop warning in %q", out.String())
		}
	}
	if rt.Logs.Written() != 0 {
		t.Fatalf("written %d rows with the database down", rt.Logs.Written())
	}

	p.start(t)
	// The first batch may still meet a connection broken by the cut; the
	// sessions after it must be written.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		s := NewSession(context.Background(), rt, "e", "back", "r")
		s.Close(nil, "")
		if queryStrings(t, direct, `SELECT count(*) > 0 FROM pod_session_log WHERE method = 'back'`)[0] == "true" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing written after the database came back (dropped %d)", rt.Logs.Dropped())
		}
	}
	if n := strings.Count(out.String(), "log rows dropped"); n != 1 {
		t.Errorf("%d drop warnings, want 1 (at most one a minute):\n%s", n, out.String())
	}
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCloseFlushes: Close writes what is queued before returning.
func TestCloseFlushes(t *testing.T) {
	_, pool := logsDatabase(t)
	rt := loggingRuntime(t, pool, allOn())
	for i := range 50 {
		s := NewSession(context.Background(), rt, "e", "m", strconv.Itoa(i))
		s.Close(nil, "")
	}
	rt.Logs.Close(2 * time.Second)
	if got := queryStrings(t, pool, `SELECT count(*) FROM pod_session_log`); got[0] != "50" {
		t.Fatalf("%s sessions after Close, want 50", got[0])
	}
	s := NewSession(context.Background(), rt, "e", "late", "r")
	s.Close(nil, "")
	if rt.Logs.Dropped() != 1 {
		t.Fatalf("a session after Close: dropped %d, want 1", rt.Logs.Dropped())
	}
}

// TestSessionLogAllocs: logging a session on the hot path allocates next
// to nothing (records and their slices are pooled).
func TestSessionLogAllocs(t *testing.T) {
	_, pool := logsDatabase(t)
	rt := loggingRuntime(t, pool, allOn())
	rt.Logs.Close(time.Second) // enqueue then drops at once: measure the session side only
	q := QueryEvent{SQL: "SELECT 1", Duration: time.Millisecond, Rows: 1}
	allocs := testing.AllocsPerRun(200, func() {
		s := NewSession(context.Background(), rt, "e", "m", "r")
		rt.Logs.QueryHook(s, q)
		s.Log("entry")
		s.Close(nil, "")
	})
	t.Logf("%.1f allocations per logged session", allocs)
	// The Session itself (1 today); one spare for the runtime's whims.
	if allocs > 2 {
		t.Fatalf("%.1f allocations per logged session", allocs)
	}
}

// TestFutureCallSessionLogged: a future call's run is a session too
// (endpoint "futureCall", method its name), with its queries and its
// error; the scheduler's own statements are not logged.
func TestFutureCallSessionLogged(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 1, PollInterval: 50 * time.Millisecond, Lease: time.Second, MaxAttempts: 1})
	logged := loggingRuntime(t, rt.DB, allOn())
	rt.LogSettings, rt.Logs = logged.LogSettings, logged.Logs
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "x"); err != nil {
		t.Fatal(err)
	}
	s.Close(nil, "")
	var l noteLog
	runners := l.runners(nil)
	note := runners["Note"]
	runners["Note"] = func(s *Session, arg []byte) error {
		s.DB.Exec("SELECT 1")
		note(s, arg)
		return errors.New("note failed")
	}
	startScheduler(t, rt, runners)
	l.wait(t, 1)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got := queryStrings(t, rt.DB, `SELECT s.endpoint, s.method, s.error, s.num_queries, s.request_id LIKE 'future-call-%',
			(SELECT string_agg(query, ';') FROM pod_query_log q WHERE q.session_id = s.id)
			FROM pod_session_log s WHERE s.endpoint = 'futureCall'`)
		if len(got) == 1 {
			if want := "futureCall|Note|note failed|1|true|SELECT 1"; got[0] != want {
				t.Fatalf("future call session %q, want %q", got[0], want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("future call sessions: %q", got)
		}
	}
	// The session that scheduled it: its INSERT is its one query.
	got := queryStrings(t, rt.DB, `SELECT s.num_queries, substr(s.id::text, 15, 1) FROM pod_session_log s WHERE s.endpoint = 't'`)
	if len(got) != 1 || got[0] != "1|7" {
		t.Fatalf("scheduling session %q, want 1 query and a version 7 id", got)
	}
}

// TestSessionIDOrder: session ids sort as their start times do in the
// "time" column (microseconds), carry version 7 and the RFC 9562 variant,
// and SessionIDFloor bounds each millisecond: below every id of it and of
// later ones, above every id of earlier ones.
func TestSessionIDOrder(t *testing.T) {
	base := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var prevID [16]byte
	var prevUS int64 = -1
	for i := range 200000 {
		at := base.Add(time.Duration(i) * 337 * time.Nanosecond) // crosses µs and ms boundaries at odd places
		id := sessionID(at, ^uint64(0)>>uint(i%64))
		if id[6]>>4 != 7 || id[8]>>6 != 2 {
			t.Fatalf("id %x: want version 7, variant 10", id)
		}
		us := at.UnixMicro()
		switch c := bytes.Compare(prevID[:], id[:]); {
		case us > prevUS && c >= 0:
			t.Fatalf("%v: id %x not above the previous microsecond's %x", at, id, prevID)
		case us == prevUS && bytes.Compare(prevID[:6+2], id[:6+2]) != 0:
			t.Fatalf("%v: same microsecond, different time bits: %x %x", at, prevID, id)
		}
		floor := SessionIDFloor(at)
		if bytes.Compare(floor[:], id[:]) > 0 {
			t.Fatalf("%v: floor %x above id %x", at, floor, id)
		}
		if before := sessionID(at.Truncate(time.Millisecond).Add(-time.Nanosecond), ^uint64(0)); bytes.Compare(before[:], floor[:]) >= 0 {
			t.Fatalf("%v: floor %x not above the previous millisecond's id %x", at, floor, before)
		}
		prevID, prevUS = id, us
	}
	if got, want := fmt.Sprintf("%x", SessionIDFloor(base.Add(1500*time.Microsecond))), fmt.Sprintf("%012x70008000000000000000", base.UnixMilli()+1); got != want {
		t.Errorf("SessionIDFloor = %s, want %s", got, want)
	}
}

// TestSessionSeqUnique: a session's queries and entries share one counter,
// so no two rows of one table get the same seq (their primary key is
// (session_id, seq)), also past the per-session bounds; the writer stores
// such a session without a key violation.
func TestSessionSeqUnique(t *testing.T) {
	_, pool := logsDatabase(t)
	rt := loggingRuntime(t, pool, allOn())
	s := NewSession(context.Background(), rt, "e", "seq", "r")
	for i := range maxSessionQueries + 20 {
		if _, err := s.DB.Exec("SELECT 1"); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			s.Log("entry")
		}
	}
	for range maxSessionEntries {
		s.Log("more")
	}
	s.Close(nil, "")
	rt.Logs.Close(5 * time.Second)
	if rt.Logs.Dropped() == 0 || rt.Logs.Written() == 0 {
		t.Fatalf("written %d, dropped %d: want both (over the bounds)", rt.Logs.Written(), rt.Logs.Dropped())
	}
	got := queryStrings(t, pool, `SELECT (SELECT count(*) FROM pod_query_log), (SELECT count(DISTINCT seq) FROM pod_query_log),
		(SELECT count(*) FROM pod_log_entry), (SELECT count(DISTINCT seq) FROM pod_log_entry),
		(SELECT count(*) FROM pod_query_log q JOIN pod_log_entry e USING (session_id, seq))`)
	if want := fmt.Sprintf("%d|%d|%d|%d|0", maxSessionQueries, maxSessionQueries, maxSessionEntries, maxSessionEntries); got[0] != want {
		t.Errorf("rows, distinct seqs of queries and entries, shared seqs = %s, want %s", got[0], want)
	}
}

// TestUnstorableTextSanitized: Postgres rejects NUL bytes and invalid
// UTF-8 in text, which would fail the COPY of a whole batch; such a
// session is stored with its text cleaned, and so are its batch-mates.
func TestUnstorableTextSanitized(t *testing.T) {
	_, pool := logsDatabase(t)
	rt := loggingRuntime(t, pool, allOn())
	const mates = 5
	for i := range mates {
		s := NewSession(context.Background(), rt, "e", "mate", strconv.Itoa(i))
		s.Log("fine")
		s.Close(nil, "")
	}
	s := NewSession(context.Background(), rt, "e", "bad", "r")
	s.Log("nul\x00byte and bad \xff utf-8")
	s.logQuery(&QueryEvent{SQL: "SELECT '\xfe\x00'", Err: errors.New("failed\x00 \xc3")})
	s.Close(errors.New("boom\x00\xff"), "stack\x00trace")
	rt.Logs.Close(5 * time.Second) // one final batch holds them all
	if d := rt.Logs.Dropped(); d != 0 {
		t.Fatalf("%d rows dropped, want 0", d)
	}
	if got := queryStrings(t, pool, `SELECT count(*) FROM pod_session_log WHERE method = 'mate'`); got[0] != strconv.Itoa(mates) {
		t.Errorf("%s batch-mates stored, want %d", got[0], mates)
	}
	got := queryStrings(t, pool, `SELECT s.error, s.stack_trace, e.message, q.query, q.error
		FROM pod_session_log s JOIN pod_log_entry e ON e.session_id = s.id JOIN pod_query_log q ON q.session_id = s.id
		WHERE s.method = 'bad'`)
	if want := "boom\uFFFD|stacktrace|nulbyte and bad \uFFFD utf-8|SELECT '\uFFFD'|failed \uFFFD"; len(got) != 1 || got[0] != want {
		t.Fatalf("the bad session stored as %q, want %q", got, want)
	}
}

// TestStorableTextAllocs: clean text, the common case, is checked
// without allocating.
func TestStorableTextAllocs(t *testing.T) {
	clean := strings.Repeat("SELECT \"id\" FROM \"shop\" WHERE x = $1 -- ünïcode ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = storableText(clean) }); n != 0 {
		t.Errorf("storableText of clean text allocates %v times, want 0", n)
	}
	if got := storableText("a\x00b\xffc"); got != "ab\uFFFDc" {
		t.Errorf("storableText = %q", got)
	}
}

// TestEnqueueRacingClose: sessions that end while the writer closes are
// each either written or counted as dropped, never lost in the queue.
func TestEnqueueRacingClose(t *testing.T) {
	_, pool := logsDatabase(t)
	for round := range 100 {
		rt := loggingRuntime(t, pool, allOn())
		var ended atomic.Uint64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := range 50 {
					s := NewSession(context.Background(), rt, "race", "m", strconv.Itoa(g*1000+i))
					s.Close(nil, "")
					ended.Add(1)
				}
			}()
		}
		close(start)
		time.Sleep(time.Duration(round%5) * 100 * time.Microsecond)
		rt.Logs.Close(2 * time.Second)
		wg.Wait()
		if got := rt.Logs.Written() + rt.Logs.Dropped(); got != ended.Load() {
			t.Fatalf("round %d: %d sessions ended, %d written + %d dropped", round, ended.Load(), rt.Logs.Written(), rt.Logs.Dropped())
		}
	}
}
