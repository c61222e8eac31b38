package pod

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// seedLogs puts n rows aged age into each table pruned by retention: n
// sessions (ids made as the writer makes them) with a query and an entry
// each, and n health metrics.
func seedLogs(t *testing.T, db *DB, n int, age time.Duration) {
	t.Helper()
	at := time.Now().Add(-age)
	for i := 0; i < n; i++ {
		id := sessionID(at, rand.Uint64())
		for _, sql := range []string{
			`INSERT INTO "pod_session_log" ("id", "server_id", "time", "endpoint", "method", "duration_us",
				"num_queries", "slow", "request_id") VALUES ($2, 0, $1, 'e', 'm', 1, 1, false, 'r')`,
			`INSERT INTO "pod_query_log" ("session_id", "server_id", "time", "query", "duration_us", "slow", "seq")
				VALUES ($2, 0, $1, 'SELECT 1', 1, false, 1)`,
			`INSERT INTO "pod_log_entry" ("session_id", "server_id", "time", "level", "message", "seq")
				VALUES ($2, 0, $1, 'info', 'hi', 2)`,
			`INSERT INTO "pod_health_metric" ("server_id", "time", "requests", "errors", "latency_p50_ms",
				"latency_p95_ms", "latency_p99_ms", "memory_bytes", "goroutines", "db_connections", "db_idle")
				VALUES (0, $1, 0, 0, 0, 0, 0, 0, 0, 0, 0)`,
		} {
			args := []any{at, id}
			if !strings.Contains(sql, "$2") {
				args = args[:1]
			}
			if _, err := db.Exec(sql, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// counts are the rows of each pruned table, and how many are older than 30 days.
func counts(t *testing.T, db *DB) (all, old map[string]int64) {
	t.Helper()
	all, old = map[string]int64{}, map[string]int64{}
	for _, table := range retentionTables {
		rows, err := db.Query(`SELECT count(*), count(*) FILTER (WHERE "time" < now() - interval '30 days') FROM ` + quoteIdent(table.name))
		if err != nil {
			t.Fatal(err)
		}
		all[table.name], old[table.name] = rows[0][0].(int64), rows[0][1].(int64)
	}
	return all, old
}

// TestPruneLogs: rows past the retention go, in chunks, from every table;
// newer rows stay; days < 1 keeps everything.
func TestPruneLogs(t *testing.T) {
	rt, _ := systemTablesRuntime(t)
	db := NewDB(context.Background(), rt.DB)
	seedLogs(t, db, 7, 40*24*time.Hour)
	seedLogs(t, db, 2, 29*24*time.Hour)
	if n, ran, err := PruneLogs(context.Background(), rt.DB, 0, 0); n != 0 || ran || err != nil {
		t.Fatalf("days 0: %d %v %v", n, ran, err)
	}
	if n, ran, err := PruneLogs(context.Background(), rt.DB, maxRetentionDays, 0); n != 0 || !ran || err != nil {
		t.Fatalf("the longest retention: %d %v %v, want a run deleting nothing", n, ran, err)
	}
	var deletes int
	rt.DB.SetQueryHook(func(_ context.Context, e QueryEvent) {
		if strings.HasPrefix(e.SQL, "DELETE") {
			deletes++
		}
	})
	n, ran, err := PruneLogs(context.Background(), rt.DB, 30, 3)
	rt.DB.SetQueryHook(nil)
	if err != nil || !ran || n != 4*7 {
		t.Fatalf("PruneLogs = %d %v %v, want %d rows deleted", n, ran, err, 4*7)
	}
	if deletes != 4*3 { // 3+3+1 per table
		t.Errorf("%d DELETE statements, want 3 chunks per table", deletes)
	}
	all, old := counts(t, db)
	for _, table := range retentionTables {
		if all[table.name] != 2 || old[table.name] != 0 {
			t.Errorf("%s: %d rows left (%d old), want the 2 recent ones", table.name, all[table.name], old[table.name])
		}
	}
}

// TestPruneLogsOneAtATime: while one server prunes (here: held in its
// first DELETE), another's run skips at once without deleting; a lock held
// by any transaction is respected the same way.
func TestPruneLogsOneAtATime(t *testing.T) {
	rt, _ := systemTablesRuntime(t)
	db := NewDB(context.Background(), rt.DB)
	seedLogs(t, db, 3, 40*24*time.Hour)

	held := make(chan struct{})
	release := make(chan struct{})
	first := true
	rt.DB.SetQueryHook(func(_ context.Context, e QueryEvent) {
		if first && strings.HasPrefix(e.SQL, "DELETE") {
			first = false
			close(held)
			<-release
		}
	})
	type result struct {
		n   int64
		ran bool
		err error
	}
	firstRun := make(chan result, 1)
	go func() {
		n, ran, err := PruneLogs(context.Background(), rt.DB, 30, 1)
		firstRun <- result{n, ran, err}
	}()
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the first run never deleted")
	}
	// The run holds one connection and no open transaction, so neither a
	// small pool nor idle_in_transaction_session_timeout gets in its way.
	if used := rt.DB.Stats().InUseConns; used != 1 {
		t.Errorf("a run holds %d connections, want 1", used)
	}
	idle, err := NewDB(context.Background(), realPool(t)).Query(`SELECT count(*) FROM pg_stat_activity
		WHERE datname = $1 AND state LIKE 'idle in transaction%'`, rt.Config.Database.Name)
	if err != nil {
		t.Fatal(err)
	}
	if idle[0][0].(int64) != 0 {
		t.Errorf("%d connections idle in a transaction during a run, want 0", idle[0][0])
	}
	other, err := OpenDBPool(rt.Config.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if n, ran, err := PruneLogs(context.Background(), other, 30, 1); n != 0 || ran || err != nil {
		t.Errorf("a second run during the first = %d %v %v, want a skip", n, ran, err)
	}
	close(release)
	r := <-firstRun
	rt.DB.SetQueryHook(nil)
	if r.err != nil || !r.ran || r.n != 4*3 {
		t.Fatalf("first run = %+v, want all %d old rows", r, 4*3)
	}

	seedLogs(t, db, 1, 40*24*time.Hour)
	err = db.Transaction(func(tx *DB) error {
		if _, err := tx.Exec(`SELECT pg_advisory_xact_lock($1)`, retentionLockKey); err != nil {
			return err
		}
		n, ran, err := PruneLogs(context.Background(), other, 30, 0)
		if n != 0 || ran || err != nil {
			t.Errorf("run while the lock is held = %d %v %v, want a skip", n, ran, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, old := counts(t, db); old["pod_session_log"] != 1 {
		t.Errorf("a skipped run deleted rows: %v", old)
	}
}

// TestRunLogRetention: the loop runs soon after start and again every
// interval, with the days of the moment.
func TestRunLogRetention(t *testing.T) {
	rt, log := systemTablesRuntime(t)
	db := NewDB(context.Background(), rt.DB)
	seedLogs(t, db, 2, 40*24*time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		RunLogRetention(ctx, rt.DB, rt.Logger, 10*time.Millisecond, 50*time.Millisecond, func(context.Context) (int, error) { return 30, nil })
	}()
	waitOld := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if _, old := counts(t, db); old["pod_log_entry"] == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("old rows not pruned; log:\n%s", log.String())
			}
		}
	}
	waitOld(0)
	seedLogs(t, db, 1, 40*24*time.Hour) // pruned by a later run
	waitOld(0)
	cancel()
	<-done
	if !strings.Contains(log.String(), "log retention: deleted old rows") {
		t.Errorf("no log line for the deletions:\n%s", log.String())
	}
}

// TestPruneLogsOneConnection: a pool of one connection is enough: the
// lock and the deletes share it.
func TestPruneLogsOneConnection(t *testing.T) {
	rt, _ := systemTablesRuntime(t)
	db := NewDB(context.Background(), rt.DB)
	seedLogs(t, db, 3, 40*24*time.Hour)
	cfg := rt.Config.Database
	cfg.MaxConnections = 1
	one, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n, ran, err := PruneLogs(ctx, one, 30, 2); n != 4*3 || !ran || err != nil {
		t.Fatalf("PruneLogs on one connection = %d %v %v", n, ran, err)
	}
}

// TestPruneLogsBySession: a session's queries and entries go with it, by
// its id, whatever their own time: an old session's late child goes, a
// recent session's early child stays.
func TestPruneLogsBySession(t *testing.T) {
	rt, _ := systemTablesRuntime(t)
	db := NewDB(context.Background(), rt.DB)
	now := time.Now()
	old, recent := sessionID(now.Add(-40*24*time.Hour), rand.Uint64()), sessionID(now.Add(-29*24*time.Hour), rand.Uint64())
	for _, s := range []struct {
		id             [16]byte
		start, childAt time.Time
	}{{old, now.Add(-40 * 24 * time.Hour), now.Add(-29 * 24 * time.Hour)}, {recent, now.Add(-29 * 24 * time.Hour), now.Add(-40 * 24 * time.Hour)}} {
		for sql, at := range map[string]time.Time{
			`INSERT INTO "pod_session_log" ("id", "server_id", "time", "endpoint", "method", "duration_us",
				"num_queries", "slow", "request_id") VALUES ($1, 0, $2, 'e', 'm', 1, 1, false, 'r')`: s.start,
			`INSERT INTO "pod_query_log" ("session_id", "server_id", "time", "query", "duration_us", "slow", "seq")
				VALUES ($1, 0, $2, 'SELECT 1', 1, false, 1)`: s.childAt,
			`INSERT INTO "pod_log_entry" ("session_id", "server_id", "time", "level", "message", "seq")
				VALUES ($1, 0, $2, 'info', 'hi', 2)`: s.childAt,
		} {
			if _, err := db.Exec(sql, s.id, at); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, ran, err := PruneLogs(context.Background(), rt.DB, 30, 0); n != 3 || !ran || err != nil {
		t.Fatalf("PruneLogs = %d %v %v, want the old session's 3 rows", n, ran, err)
	}
	rows, err := db.Query(`SELECT (SELECT count(*) FROM pod_session_log WHERE id = $1),
		(SELECT count(*) FROM pod_query_log WHERE session_id = $1), (SELECT count(*) FROM pod_log_entry WHERE session_id = $1)`, recent)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rows[0]...); got != "1 1 1" {
		t.Errorf("the recent session's rows left: %s, want 1 1 1", got)
	}
}

// TestRetentionFollowsStoredSettings: retention goes by the stored
// retentionDays even when the row holds keys of a newer podgen, and skips
// its run (with one warning) when the settings cannot be loaded, rather
// than prune by the 30 days of the defaults.
func TestRetentionFollowsStoredSettings(t *testing.T) {
	rt, log := systemTablesRuntime(t)
	db := NewDB(context.Background(), rt.DB)
	seedLogs(t, db, 2, 40*24*time.Hour)
	if _, err := db.Exec(`INSERT INTO "pod_runtime_settings" ("id", "settings", "updated")
		VALUES (1, '{"retentionDays":60,"fromANewerPodgen":{"nested":[1,{"x":2}]},"logLevel":"error"}', now())`); err != nil {
		t.Fatal(err)
	}
	store := NewLogSettingsStore("production")
	if days, err := store.RetentionDays(context.Background(), rt.DB); days != 60 || err != nil {
		t.Fatalf("RetentionDays = %d, %v, want 60", days, err)
	}
	if store.Get().LogLevel != LogLevelError {
		t.Errorf("the known keys beside an unknown one were not loaded: %+v", *store.Get())
	}

	// The settings' table is gone: the store still has its cached 60 days
	// and fresh stores their defaults, but no run may prune by either.
	if _, err := db.Exec(`ALTER TABLE "pod_runtime_settings" RENAME TO "gone"`); err != nil {
		t.Fatal(err)
	}
	fresh := NewLogSettingsStore("production")
	if days, err := fresh.RetentionDays(context.Background(), rt.DB); err == nil {
		t.Fatalf("RetentionDays without the table = %d, want an error", days)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		RunLogRetention(ctx, rt.DB, rt.Logger, time.Millisecond, 20*time.Millisecond,
			func(ctx context.Context) (int, error) { return fresh.RetentionDays(ctx, rt.DB) })
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	<-done
	if _, old := counts(t, db); old["pod_session_log"] != 2 {
		t.Errorf("a run without settings pruned: %v old rows left, want 2", old)
	}
	if n := strings.Count(log.String(), "log retention: skipped"); n != 1 {
		t.Errorf("%d skip warnings, want 1:\n%s", n, log.String())
	}
}
