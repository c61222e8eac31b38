package pod

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
)

var systemDBSeq atomic.Int64

// systemTablesRuntime is a runtime (server id 3) on a fresh database
// holding every system table of emit.SystemMigrations, dropped when the
// test ends; its log goes to the returned buffer.
func systemTablesRuntime(t *testing.T) (*Runtime, *lockedBuffer) {
	t.Helper()
	admin := NewDB(context.Background(), realPool(t))
	name := fmt.Sprintf("podgen_sys_%d_%d", os.Getpid(), systemDBSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	dcfg := testDatabaseConfig(t)
	dcfg.Name = name
	dcfg.MaxConnections = 4
	pool, err := OpenDBPool(dcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	applySystemTables(t, pool)
	log := &lockedBuffer{}
	cfg := DefaultConfig("test", "x")
	cfg.Database = dcfg
	return &Runtime{ServerID: 3, Config: cfg, DB: pool, Logger: slog.New(slog.NewTextHandler(log, nil))}, log
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestHealthMetricsRows: with a short interval, rows appear with the
// request figures handed in and the process's own (memory, goroutines,
// the pool), one per interval, each from a fresh requests() window.
func TestHealthMetricsRows(t *testing.T) {
	rt, _ := systemTablesRuntime(t)
	var windows atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		RunHealthMetrics(ctx, rt, 50*time.Millisecond, func() RequestStats {
			n := windows.Add(1)
			return RequestStats{Requests: 10 * n, Errors: n, P50: 1500 * time.Microsecond,
				P95: 20 * time.Millisecond, P99: 2 * time.Second}
		})
	}()
	db := NewDB(context.Background(), rt.DB)
	var rows [][]any
	for deadline := time.Now().Add(10 * time.Second); len(rows) < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d health rows after 10 s", len(rows))
		}
		var err error
		rows, err = db.Query(`SELECT "server_id", "requests", "errors", "latency_p50_ms", "latency_p95_ms",
			"latency_p99_ms", "memory_bytes", "goroutines", "db_connections", "db_idle", "time"
			FROM "pod_health_metric" ORDER BY "id"`)
		if err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	<-done
	for i, r := range rows[:2] {
		n := int64(i + 1)
		if r[0].(int32) != 3 || r[1].(int64) != 10*n || r[2].(int64) != n {
			t.Errorf("row %d: server, requests, errors = %v %v %v", i, r[0], r[1], r[2])
		}
		if r[3].(float64) != 1.5 || r[4].(float64) != 20 || r[5].(float64) != 2000 {
			t.Errorf("row %d: percentiles %v %v %v ms", i, r[3], r[4], r[5])
		}
		if r[6].(int64) < 1<<20 || r[7].(int32) < 2 || r[8].(int32) < 1 || r[9].(int32) > r[8].(int32) {
			t.Errorf("row %d: memory %v, goroutines %v, connections %v, idle %v", i, r[6], r[7], r[8], r[9])
		}
		if d := time.Since(r[10].(time.Time)); d < 0 || d > time.Minute {
			t.Errorf("row %d: time %v", i, r[10])
		}
	}
}

// TestHealthMetricsDatabaseDown: a failing write warns once, not every
// interval, and says so when it works again (here: never).
func TestHealthMetricsDatabaseDown(t *testing.T) {
	log := &lockedBuffer{}
	rt := &Runtime{Config: DefaultConfig("test", "x"), Logger: slog.New(slog.NewTextHandler(log, nil))}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	calls := 0
	RunHealthMetrics(ctx, rt, 20*time.Millisecond, func() RequestStats { calls++; return RequestStats{} })
	if got := bytes.Count([]byte(log.String()), []byte("cannot write pod_health_metric")); got != 1 || calls < 3 {
		t.Errorf("%d warnings over %d intervals:\n%s", got, calls, log.String())
	}
}

// applySystemTables creates every system table of emit.SystemMigrations
// in pool's database, at its newest version.
func applySystemTables(tb testing.TB, pool *DBPool) {
	tb.Helper()
	for _, m := range emit.SystemMigrations {
		if _, err := NewDB(context.Background(), pool).Exec(m.SQL); err != nil {
			tb.Fatalf("system tables %s: %v", m.Version, err)
		}
	}
}
