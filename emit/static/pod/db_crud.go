package pod

import (
	"sync"

	"github.com/jackc/pgx/v5"
)

// table is what the shared CRUD code knows about one table class M; each
// table's generated file holds one (companyTable) with its fixed SQL and
// the functions that move a row between M and pgx positionally.
type table[M any] struct {
	name      string // table name, unquoted
	selectSQL string // SELECT "id", "name", ... FROM "company"
	byIDSQL   string // selectSQL WHERE "id" = $1
	insertSQL string // INSERT INTO "company" (...) VALUES ($1, ...) RETURNING "id", ...
	updateSQL string // UPDATE "company" SET "name" = $1, ... WHERE "id" = $n
	deleteSQL string // DELETE FROM "company" WHERE "id" = $1
	countSQL  string // SELECT count(*) FROM "company"
	wipeSQL   string // DELETE FROM "company"
	// scan reads the current row into v, in selectSQL's column order.
	scan func(r pgx.Rows, v *M, sc *scratch) error
	// values appends v's stored fields but a bigserial id, in insertSQL's order.
	values func(v *M, args []any, sc *scratch) ([]any, error)
	// returning appends the scan targets of insertSQL's RETURNING columns:
	// the id, then the columns whose default the database may have filled.
	returning func(v *M, dest []any) []any
	// fill, when set, gives the nil fields of v their defaults made in Go
	// (random_v7) before an insert.
	fill func(v *M)
	// id is v's id as bound to byIDSQL, updateSQL and deleteSQL.
	id func(v *M) any
	// insertID: insertSQL takes the id as its last parameter (a UUID id,
	// which the row may bring; a bigserial one the database always makes).
	insertID bool
}

// scratch holds what a query reuses from row to row: the Scan targets, the
// bytes of JSON columns, the JSON encoded for inserts, a decoder. Pooled.
type scratch struct {
	dest []any
	json [][]byte
	buf  []byte
	dec  any // the generated *JSONDecoder, made on first use
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.buf) > 64<<10 {
		sc.buf = nil
	}
	clear(sc.dest)
	for i := range sc.json {
		if cap(sc.json[i]) > 64<<10 {
			sc.json[i] = nil
		}
	}
	sc.dest, sc.buf = sc.dest[:0], sc.buf[:0]
	scratchPool.Put(sc)
}

// jsonBufs returns n byte buffers for a row's JSON columns.
func (sc *scratch) jsonBufs(n int) [][]byte {
	for len(sc.json) < n {
		sc.json = append(sc.json, nil)
	}
	return sc.json[:n]
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// sqlCache interns the SQL text of built queries: a query shape that was
// built before gets the same string back (without allocating), so pgx's
// statement cache prepares each shape once.
type sqlCache struct {
	mu sync.RWMutex
	m  map[string]string
}

// maxCachedSQL bounds the cache: shapes past it are built every time.
const maxCachedSQL = 4096

func (c *sqlCache) intern(b []byte) string {
	c.mu.RLock()
	s, ok := c.m[string(b)]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]string)
	}
	if len(c.m) < maxCachedSQL {
		c.m[s] = s
	}
	c.mu.Unlock()
	return s
}

// build is prefix, then WHERE and the options, as interned SQL and its
// parameters.
func build[M any](db *DB, t *table[M], prefix string, where *Expr[M], opts []QueryOption) (string, []any, error) {
	if db.conn == nil {
		return "", nil, errNoDatabase
	}
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], prefix...)
	var args []any
	if where != nil {
		b = append(b, " WHERE "...)
		b, args = where.appendSQL(b, args)
	}
	b, args, err := appendOptions(b, args, t.name, opts)
	sql := db.pool.cache.intern(b)
	*bp = b
	bufPool.Put(bp)
	return sql, args, err
}

func insertRow[M any](db *DB, t *table[M], v *M) error {
	if v == nil {
		return errorf("insert into %q: nil row", t.name)
	}
	sc := getScratch()
	defer putScratch(sc)
	if t.fill != nil {
		t.fill(v)
	}
	args, err := t.values(v, nil, sc)
	if err != nil {
		return errorf("insert into %q: %w", t.name, err)
	}
	if t.insertID {
		args = append(args, t.id(v))
	}
	return db.query(t.insertSQL, args, func(r pgx.Rows) error {
		sc.dest = t.returning(v, sc.dest[:0])
		return r.Scan(sc.dest...)
	})
}

// insertMany queues one INSERT per row in a batch: a single round trip,
// one implicit transaction (all rows or none), one prepared statement for
// any number of rows, and RETURNING gives each row its id (COPY cannot).
func insertMany[M any](db *DB, t *table[M], vs []*M) error {
	if len(vs) == 0 {
		return nil
	}
	if db.conn == nil {
		return errNoDatabase
	}
	sc := getScratch()
	defer putScratch(sc)
	var batch pgx.Batch
	batch.QueuedQueries = make([]*pgx.QueuedQuery, 0, len(vs))
	for i, v := range vs {
		if v == nil {
			return errorf("insert into %q: row %d is nil", t.name, i)
		}
		if t.fill != nil {
			t.fill(v)
		}
		args, err := t.values(v, nil, sc)
		if err != nil {
			return errorf("insert into %q: row %d: %w", t.name, i, err)
		}
		if t.insertID {
			args = append(args, t.id(v))
		}
		batch.Queue(t.insertSQL, args...)
	}
	start := db.pool.start()
	res := db.conn.SendBatch(db.ctx, &batch)
	var err error
	for _, v := range vs {
		sc.dest = t.returning(v, sc.dest[:0])
		if err = res.QueryRow().Scan(sc.dest...); err != nil {
			break
		}
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	err = classify(err)
	db.pool.done(db.ctx, start, t.insertSQL, int64(len(vs)), err)
	return err
}

// findByID finds the row with id (an int64, or a uuidID).
func findByID[M any](db *DB, t *table[M], id any) (*M, error) {
	var found *M
	sc := getScratch()
	defer putScratch(sc)
	err := db.query(t.byIDSQL, []any{id}, func(r pgx.Rows) error {
		found = new(M)
		return t.scan(r, found, sc)
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}

func findRows[M any](db *DB, t *table[M], where *Expr[M], opts []QueryOption) ([]*M, error) {
	sql, args, err := build(db, t, t.selectSQL, where, opts)
	if err != nil {
		return nil, err
	}
	var out []*M
	sc := getScratch()
	defer putScratch(sc)
	err = db.query(sql, args, func(r pgx.Rows) error {
		v := new(M)
		out = append(out, v)
		return t.scan(r, v, sc)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func findFirst[M any](db *DB, t *table[M], where *Expr[M], opts []QueryOption) (*M, error) {
	vs, err := findRows(db, t, where, append(opts, Limit(1)))
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return vs[0], nil
}

func updateRow[M any](db *DB, t *table[M], v *M) error {
	if v == nil {
		return errorf("update %q: nil row", t.name)
	}
	sc := getScratch()
	defer putScratch(sc)
	args, err := t.values(v, nil, sc)
	if err != nil {
		return errorf("update %q: %w", t.name, err)
	}
	id := t.id(v)
	n, err := db.Exec(t.updateSQL, append(args, id)...)
	if err == nil && n == 0 {
		err = errorf("update %q: no row with id %v", t.name, id)
	}
	return err
}

func deleteRow[M any](db *DB, t *table[M], v *M) error {
	if v == nil {
		return errorf("delete from %q: nil row", t.name)
	}
	id := t.id(v)
	n, err := db.Exec(t.deleteSQL, id)
	if err == nil && n == 0 {
		err = errorf("delete from %q: no row with id %v", t.name, id)
	}
	return err
}

// deleteWhere deletes the rows where matches; nil deletes every row.
func deleteWhere[M any](db *DB, t *table[M], where *Expr[M]) (int64, error) {
	sql, args, err := build(db, t, t.wipeSQL, where, nil)
	if err != nil {
		return 0, err
	}
	return db.Exec(sql, args...)
}

func countRows[M any](db *DB, t *table[M], where *Expr[M]) (int64, error) {
	sql, args, err := build(db, t, t.countSQL, where, nil)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.query(sql, args, func(r pgx.Rows) error { return r.Scan(&n) })
	return n, err
}
