package pod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is the database as one session or one transaction sees it: every
// query runs with the session's context (so a client that goes away
// cancels its queries) on the server's pool, or inside the transaction.
// It has one field per table class (s.DB.Company) for typed queries, and
// Query, Exec and Transaction for everything else.
type DB struct {
	dbTables // generated: one <Class>Table per table class
	ctx      context.Context
	conn     dbConn // the pool or a pgx.Tx; nil without a database
	pool     *DBPool
}

// dbConn is what *pgxpool.Pool and pgx.Tx have in common.
type dbConn interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Begin(ctx context.Context) (pgx.Tx, error)
}

// NewDB is the database of ctx on pool (nil: no database, every call fails
// with a *DatabaseUnavailableError). Sessions have theirs in s.DB; NewDB is
// for code that runs outside a call, such as tests and tools.
func NewDB(ctx context.Context, pool *DBPool) *DB {
	db := &DB{}
	db.init(ctx, pool)
	return db
}

// init binds db to ctx and pool in place, so that a Session can hold its
// DB by value and hand out a pointer without another allocation.
func (db *DB) init(ctx context.Context, pool *DBPool) {
	db.ctx, db.pool, db.conn = ctx, pool, nil
	if pool != nil && pool.pgx != nil {
		db.conn = pool.pgx
	}
	db.dbTables.bind(db)
}

// Query runs a raw SQL query with bind parameters ($1, $2, ...) and returns
// every row as the values pgx decodes for its columns.
func (db *DB) Query(sql string, args ...any) ([][]any, error) {
	var out [][]any
	err := db.query(sql, args, func(rows pgx.Rows) error {
		vals, err := rows.Values()
		out = append(out, vals)
		return err
	})
	return out, err
}

// Exec runs a raw SQL statement with bind parameters and returns the number
// of rows it affected.
func (db *DB) Exec(sql string, args ...any) (int64, error) {
	if db.conn == nil {
		return 0, errNoDatabase
	}
	start := db.pool.start()
	tag, err := db.conn.Exec(db.ctx, sql, args...)
	err = classify(err)
	db.pool.done(db.ctx, start, sql, tag.RowsAffected(), err)
	return tag.RowsAffected(), err
}

// query runs sql and calls each for every row; the hook sees the query once
// its rows are read.
func (db *DB) query(sql string, args []any, each func(pgx.Rows) error) error {
	if db.conn == nil {
		return errNoDatabase
	}
	start := db.pool.start()
	rows, err := db.conn.Query(db.ctx, sql, args...)
	if err != nil {
		err = classify(err)
		db.pool.done(db.ctx, start, sql, 0, err)
		return err
	}
	err = classify(eachRow(rows, each))
	db.pool.done(db.ctx, start, sql, rows.CommandTag().RowsAffected(), err)
	return err
}

// eachRow calls each for every row of rows, then closes them.
func eachRow(rows pgx.Rows, each func(pgx.Rows) error) (err error) {
	for rows.Next() {
		if err = each(rows); err != nil {
			break
		}
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	return err
}

// Transaction runs fn in a transaction: it commits when fn returns nil and
// rolls back when fn returns an error or panics (the panic goes on after
// the rollback). Inside a transaction, Transaction makes a savepoint (see
// Savepoint). opts set the isolation level and access mode:
//
//	err := s.DB.Transaction(fn, pod.TxOptions{Isolation: pod.Serializable})
//
// A *SerializationError from a serializable or repeatable-read
// transaction means "run it again".
func (db *DB) Transaction(fn func(tx *DB) error, opts ...TxOptions) (err error) {
	if db.conn == nil {
		return errNoDatabase
	}
	begin, err := db.beginner(opts)
	if err != nil {
		return err
	}
	start := db.pool.start()
	t, err := begin(db.ctx)
	db.pool.done(db.ctx, start, "BEGIN", 0, classify(err))
	if err != nil {
		return classify(err)
	}
	tx := &DB{ctx: db.ctx, conn: t, pool: db.pool}
	tx.dbTables.bind(tx)
	if s, ok := db.ctx.(*Session); ok {
		defer s.enterTx(tx)() // future calls scheduled in fn join the transaction
	}
	defer func() {
		if v := recover(); v != nil {
			rollback(db, t)
			panic(v)
		}
	}()
	if err = fn(tx); err != nil {
		rollback(db, t)
		return err
	}
	start = db.pool.start()
	err = classify(t.Commit(db.ctx))
	db.pool.done(db.ctx, start, "COMMIT", 0, err)
	return err
}

// Savepoint runs fn inside the transaction db is, in a savepoint: an
// error (or panic) from fn rolls back what fn did and no more, and the
// transaction goes on. Outside a transaction it is an error.
func (db *DB) Savepoint(fn func(tx *DB) error) error {
	if db.conn != nil && !db.inTransaction() {
		return errorf("Savepoint outside a transaction")
	}
	return db.Transaction(fn)
}

// TxOptions are the settings of a transaction; the zero value is the
// database's default (READ COMMITTED, read-write).
type TxOptions struct {
	Isolation IsolationLevel
	// ReadOnly transactions refuse every write.
	ReadOnly bool
	// Deferrable, with Serializable and ReadOnly, waits for a snapshot
	// that cannot fail with a serialization error (long reports).
	Deferrable bool
}

// IsolationLevel is a transaction's isolation (PostgreSQL treats READ
// UNCOMMITTED as READ COMMITTED).
type IsolationLevel string

// The isolation levels.
const (
	ReadCommitted  IsolationLevel = "read committed"
	RepeatableRead IsolationLevel = "repeatable read"
	Serializable   IsolationLevel = "serializable"
)

// inTransaction reports whether db is a transaction's.
func (db *DB) inTransaction() bool {
	_, ok := db.conn.(pgx.Tx)
	return ok
}

// beginner is how Transaction begins: BEGIN with opts on the pool, or a
// savepoint in a transaction, which keeps the transaction's settings.
func (db *DB) beginner(opts []TxOptions) (func(context.Context) (pgx.Tx, error), error) {
	if len(opts) == 0 || opts[0] == (TxOptions{}) {
		return db.conn.Begin, nil
	}
	o := opts[0]
	if len(opts) > 1 {
		return nil, errorf("Transaction with more than one TxOptions")
	}
	switch o.Isolation {
	case "", ReadCommitted, RepeatableRead, Serializable:
	default:
		return nil, errorf("unknown isolation level %q", string(o.Isolation))
	}
	if db.inTransaction() {
		return nil, errorf("TxOptions inside a transaction: a savepoint keeps the transaction's settings")
	}
	p, ok := db.conn.(interface {
		BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
	})
	if !ok {
		return nil, errorf("TxOptions on a connection that cannot take them")
	}
	to := pgx.TxOptions{IsoLevel: pgx.TxIsoLevel(o.Isolation)}
	if o.ReadOnly {
		to.AccessMode = pgx.ReadOnly
	}
	if o.Deferrable {
		to.DeferrableMode = pgx.Deferrable
	}
	return func(ctx context.Context) (pgx.Tx, error) { return p.BeginTx(ctx, to) }, nil
}

// rollback ends t whatever state the session's context is in: a cancelled
// request must still release its connection cleanly.
func rollback(db *DB, t pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(db.ctx), 5*time.Second)
	defer cancel()
	start := db.pool.start()
	err := t.Rollback(ctx)
	db.pool.done(db.ctx, start, "ROLLBACK", 0, classify(err))
}

// DatabaseUnavailableError is returned by every database call while the
// database cannot be reached (down, refusing connections, or not answering
// within the connect timeout). The server answers it with a 503 instead of
// a 500, and the pool reconnects by itself once the database is back.
type DatabaseUnavailableError struct{ Err error }

func (e *DatabaseUnavailableError) Error() string {
	return "database unavailable: " + e.Err.Error()
}

// Unwrap returns the connection error.
func (e *DatabaseUnavailableError) Unwrap() error { return e.Err }

var errNoDatabase = &DatabaseUnavailableError{Err: errors.New("no database configured")}

// classify wraps the errors that mean "the database is not there" in a
// *DatabaseUnavailableError, and the violations a caller can act on in
// their typed errors (db_errors.go); any other error (bad SQL, a
// cancelled context) is returned as it is.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if !unreachable(err) {
		return typed(err)
	}
	var u *DatabaseUnavailableError
	if errors.As(err, &u) {
		return err
	}
	return &DatabaseUnavailableError{Err: err}
}

func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// admin_shutdown, crash_shutdown, cannot_connect_now
		return pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	// A pooled connection that broke when the server went away: pgx marks
	// errors that happened before anything was sent as safe to retry.
	var ne *net.OpError
	return pgconn.SafeToRetry(err) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// QueryEvent is what the query hook learns about every statement.
type QueryEvent struct {
	SQL      string
	Duration time.Duration
	Rows     int64 // rows returned or affected
	Err      error
}

// start is the time a statement starts, when a hook wants to know.
func (p *DBPool) start() time.Time {
	if p == nil || p.hook == nil {
		return time.Time{}
	}
	return time.Now()
}

// done reports a finished statement to the hook, if there is one.
func (p *DBPool) done(ctx context.Context, start time.Time, sql string, rows int64, err error) {
	if p == nil || p.hook == nil {
		return
	}
	p.hook(ctx, QueryEvent{SQL: sql, Duration: time.Since(start), Rows: rows, Err: err})
}

// errorf is an error of the query builder (a misuse the types cannot catch).
func errorf(format string, args ...any) error {
	return fmt.Errorf("pod: "+format, args...)
}

// columnError names the column whose value could not be converted.
func columnError(table, column string, err error) error {
	return fmt.Errorf("pod: table %q column %q: %w", table, column, err)
}

// quoteIdent quotes a SQL identifier: "select", "a""b".
func quoteIdent(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return string(append(b, '"'))
}
