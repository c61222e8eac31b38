package pod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// retentionLockKey is the Postgres advisory lock that makes one server of
// a cluster prune the logs at a time ("podgenRT" in ASCII; the migration
// runner uses another key).
const retentionLockKey int64 = 0x706f6467656e5254

// prunedTable is a table retention deletes from: the rows whose older
// column (the first column of an index) is below the cutoff.
type prunedTable struct {
	name  string
	older string
	byID  bool // the cutoff is SessionIDFloor of the time, else the time
}

// retentionTables are the tables pruned. The log tables go by session id
// (UUID v7, ordered by start time, the first column of their primary
// keys), so a session and its queries and entries go together, whatever
// the time of each child. Sessions go first: while a run is under way,
// their queries and entries may outlive them for a moment (invisible to
// /sessions, which starts from sessions), but a session is never shown
// with part of its rows gone.
var retentionTables = [...]prunedTable{
	{name: "pod_session_log", older: `"id"`, byID: true},
	{name: "pod_query_log", older: `"session_id"`, byID: true},
	{name: "pod_log_entry", older: `"session_id"`, byID: true},
	{name: "pod_health_metric", older: `"time"`},
}

// retentionChunk bounds one DELETE: each chunk is its own short
// transaction, so pruning a month of logs never holds many row locks or
// one huge transaction, and the writers of new rows are not held up.
const retentionChunk = 5000

// PruneLogs deletes the rows older than days from the log tables (the
// sessions that started before the cutoff's millisecond, with their queries
// and entries) and pod_health_metric, in chunks of at most chunk rows (0: the default).
// Only one server of a cluster prunes at a time: PruneLogs takes one
// connection of the pool, takes the session-level pg_try_advisory_lock on
// it and deletes on that same connection, each chunk its own implicit
// transaction, then unlocks. So a run ties up one connection, never holds
// a transaction open (idle_in_transaction_session_timeout cannot end it),
// and a server that dies mid-run frees the lock with its connection. When
// another server holds the lock, PruneLogs returns at once with ran false.
// days < 1 keeps everything.
func PruneLogs(ctx context.Context, pool *DBPool, days, chunk int) (deleted int64, ran bool, err error) {
	if days < 1 {
		return 0, false, nil
	}
	if chunk <= 0 {
		chunk = retentionChunk
	}
	if pool == nil || pool.pgx == nil {
		return 0, false, errNoDatabase
	}
	conn, err := pool.pgx.Acquire(ctx)
	if err != nil {
		return 0, false, classify(err)
	}
	defer conn.Release()
	db := &DB{ctx: ctx, conn: conn, pool: pool}
	db.dbTables.bind(db)
	rows, err := db.Query(`SELECT pg_try_advisory_lock($1), now() - $2 * interval '1 day'`, retentionLockKey, days)
	if err != nil {
		return 0, false, err
	}
	if got, _ := rows[0][0].(bool); !got {
		return 0, false, nil // another server is pruning
	}
	defer unlockRetention(ctx, conn)
	cutoff := rows[0][1].(time.Time)
	for _, table := range retentionTables {
		n, err := pruneTable(db, table, cutoff, chunk)
		deleted += n
		if err != nil {
			return deleted, true, err
		}
	}
	return deleted, true, nil
}

// unlockRetention frees the advisory lock on conn, also when the run's
// context is done (with a short context of its own). Should the unlock
// fail, the connection is closed, which frees the lock as well: a pooled
// connection must never keep it.
func unlockRetention(ctx context.Context, conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, retentionLockKey); err != nil {
		conn.Conn().Close(ctx) //nolint:errcheck // the pool drops a closed connection
	}
}

// pruneTable deletes table's rows older than cutoff, chunk rows per
// statement, until none is left. A chunk is the first rows of the index
// range below the cutoff, deleted by their ctid (a TID scan): with
// "key IN (SELECT key ... LIMIT n)" Postgres may choose a hash join that
// reads the whole table for every chunk (seen on 1M rows with a generic
// plan). The rows of these tables are never updated, so a ctid found is
// the row's until it is deleted.
func pruneTable(db *DB, table prunedTable, cutoff time.Time, chunk int) (int64, error) {
	var bound any = cutoff
	if table.byID {
		bound = SessionIDFloor(cutoff)
	}
	t := quoteIdent(table.name)
	sql := `DELETE FROM ` + t + ` WHERE ctid = ANY(ARRAY(SELECT ctid FROM ` + t +
		` WHERE ` + table.older + ` < $1 ORDER BY ` + table.older + ` LIMIT $2))`
	var total int64
	for {
		n, err := db.Exec(sql, bound, chunk)
		total += n
		if err != nil || n < int64(chunk) {
			return total, err
		}
		if err := db.ctx.Err(); err != nil {
			return total, err
		}
	}
}

// RunLogRetention prunes the logs after first and then every interval
// until ctx is done, keeping the days that days returns at that moment
// (the runtime settings' retentionDays, which may change meanwhile). When
// days fails (the settings cannot be loaded), that run is skipped: it
// never prunes by a guess. The servers of a cluster take turns through the
// advisory lock, so each may run it. A failure is logged as a warning once
// until a run works again, and tried again at the next interval.
func RunLogRetention(ctx context.Context, pool *DBPool, log *slog.Logger, first, interval time.Duration,
	days func(context.Context) (int, error)) {
	prune := func(ctx context.Context) error { return pruneOnce(ctx, pool, log, days) }
	runPeriodically(ctx, first, interval, prune, func(err error) {
		log.Warn("log retention: "+err.Error()+"; trying again later", slog.Duration("interval", interval))
	}, nil)
}

// pruneOnce is one run of RunLogRetention: an error says why it deleted
// nothing or not all it should have.
func pruneOnce(ctx context.Context, pool *DBPool, log *slog.Logger, days func(context.Context) (int, error)) error {
	keep, err := days(ctx)
	if err != nil {
		return errors.New("skipped: " + err.Error())
	}
	start := time.Now()
	n, ran, err := PruneLogs(ctx, pool, keep, 0)
	if err != nil {
		return fmt.Errorf("cannot delete old rows (%d deleted): %w", n, err)
	}
	if ran && n > 0 {
		log.Info("log retention: deleted old rows", slog.Int64("rows", n),
			slog.Duration("took", time.Since(start)))
	}
	return nil
}
