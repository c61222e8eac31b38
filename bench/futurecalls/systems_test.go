package futurecalls

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// The configuration both systems run with: podgen's defaults
// (futureCalls.concurrency 16, pollInterval 1s; database.maxConnections 20).
const (
	concurrency  = 16
	poolConns    = 20
	pollInterval = time.Second
)

// system is a job system under test, started on a fresh database with a
// number of schedulers (podgen servers, River clients).
type system interface {
	// start runs the schedulers on dbURL until the benchmark ends.
	start(b *testing.B, dbURL string, schedulers int)
	// scheduleDueNow stores n calls due now in one transaction (numbered
	// 1..n) and wakes the schedulers, as the system does for an insert.
	scheduleDueNow(ctx context.Context, n int) error
	// scheduleAt stores call number n, due at due.
	scheduleAt(ctx context.Context, n int64, due time.Time) error
	// pending counts the calls not yet done.
	pending(ctx context.Context) (int64, error)
	// db is the benchmark's own pool on the database.
	db() *pgxpool.Pool
}

// podgenSystem runs real server processes of the rich app; its calls are
// CountFutureCall (testdata/rich/endpoints/futurecall_count.go), whose run
// is one INSERT into fc_effect.
type podgenSystem struct {
	app  richApp
	pool *pgxpool.Pool
}

func (p *podgenSystem) db() *pgxpool.Pool { return p.pool }

func (p *podgenSystem) start(b *testing.B, dbURL string, servers int) {
	execSQL(b, dbURL, readFile(b, filepath.Join(p.app.module, "out", "tables.pgsql")))
	p.pool = openPool(b, dbURL, 4)
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		b.Fatal(err)
	}
	yaml := fmt.Sprintf("database:\n  maxConnections: %d\nfutureCalls:\n  concurrency: %d\n  pollInterval: %s\n  lease: 30s\n",
		poolConns, concurrency, pollInterval)
	if err := os.WriteFile(filepath.Join(dir, "config", "development.yaml"), []byte(yaml), 0o644); err != nil {
		b.Fatal(err)
	}
	env := []string{"PODGEN_DATABASE_URL=" + dbURL}
	for id := 1; id <= servers; id++ {
		startServer(b, p.app.server, dir, env, "--server-id", strconv.Itoa(id))
	}
}

// insertFutureCallSQL is the statement of FutureCall.At
// (emit/static/pod/futurecall.go): insert and NOTIFY the schedulers.
const insertFutureCallSQL = `WITH c AS (INSERT INTO "pod_future_call" ("name", "due", "arg", "identifier")
	VALUES ($1, $2, $3, $4) RETURNING "id")
SELECT pg_notify('pod_future_call', '') FROM c`

func (p *podgenSystem) scheduleDueNow(ctx context.Context, n int) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `WITH c AS (INSERT INTO "pod_future_call" ("name", "due", "arg")
			SELECT 'Count', now(), n::text FROM generate_series(1, $1::int) n)
			SELECT pg_notify('pod_future_call', '')`, n)
		return err
	})
}

func (p *podgenSystem) scheduleAt(ctx context.Context, n int64, due time.Time) error {
	_, err := p.pool.Exec(ctx, insertFutureCallSQL, "Count", due, strconv.FormatInt(n, 10), nil)
	return err
}

func (p *podgenSystem) pending(ctx context.Context) (int64, error) {
	return count(ctx, p.pool, `SELECT count(*) FROM "pod_future_call"`)
}

// riverSystem runs River clients in this process, each with its own pool
// (as a separate process would have) and the same worker: one INSERT into
// fc_effect. fetchCooldown and fetchPoll 0 are River's defaults.
type riverSystem struct {
	fetchCooldown, fetchPoll time.Duration
	pool                     *pgxpool.Pool
	inserter                 *river.Client[pgx.Tx]
}

// countArgs is the River job of the benchmark.
type countArgs struct {
	N int64 `json:"n"`
}

func (countArgs) Kind() string { return "count" }

// countWorker records a run of job N, like CountFutureCall.
type countWorker struct {
	river.WorkerDefaults[countArgs]
	pool   *pgxpool.Pool
	server int
}

func (w *countWorker) Work(ctx context.Context, job *river.Job[countArgs]) error {
	_, err := w.pool.Exec(ctx, `INSERT INTO fc_effect (n, server) VALUES ($1, $2)`, job.Args.N, w.server)
	return err
}

func (r *riverSystem) db() *pgxpool.Pool { return r.pool }

func (r *riverSystem) start(b *testing.B, dbURL string, clients int) {
	r.pool = openPool(b, dbURL, 4)
	migrator, err := rivermigrate.New(riverpgxv5.New(r.pool), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := migrator.Migrate(context.Background(), rivermigrate.DirectionUp, nil); err != nil {
		b.Fatal(err)
	}
	// Inserts go through a client that works no queue, like an API
	// server that only enqueues.
	if r.inserter, err = river.NewClient(riverpgxv5.New(r.pool), &river.Config{Logger: quietLogger()}); err != nil {
		b.Fatal(err)
	}
	for id := 1; id <= clients; id++ {
		pool := openPool(b, dbURL, poolConns)
		workers := river.NewWorkers()
		river.AddWorker(workers, &countWorker{pool: pool, server: id})
		c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
			Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: concurrency}},
			Workers:           workers,
			FetchCooldown:     r.fetchCooldown,
			FetchPollInterval: r.fetchPoll,
			Logger:            quietLogger(),
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			c.Stop(ctx)
		})
	}
}

func (r *riverSystem) scheduleDueNow(ctx context.Context, n int) error {
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: countArgs{N: int64(i + 1)}}
	}
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		_, err := r.inserter.InsertManyFastTx(ctx, tx, params)
		return err
	})
}

func (r *riverSystem) scheduleAt(ctx context.Context, n int64, due time.Time) error {
	_, err := r.inserter.Insert(ctx, countArgs{N: n}, &river.InsertOpts{ScheduledAt: due})
	return err
}

func (r *riverSystem) pending(ctx context.Context) (int64, error) {
	return count(ctx, r.pool, `SELECT count(*) FROM river_job WHERE state <> 'completed'`)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func count(ctx context.Context, pool *pgxpool.Pool, sql string) (int64, error) {
	var n int64
	err := pool.QueryRow(ctx, sql).Scan(&n)
	return n, err
}

func readFile(b *testing.B, name string) string {
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}
