package pod

import (
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// table is what the shared CRUD code knows about one table class M; each
// table's generated file holds one (companyTable): its columns, and the
// functions that move a row between M and pgx positionally. newTable
// derives the fixed SQL from the columns once, at package init.
type table[M any] struct {
	tableDef
	// scan reads the current row into v, in columns' order.
	scan func(r pgx.Rows, v *M, sc *scratch) error
	// values appends v's stored fields but a bigserial id, in insert's order.
	values func(v *M, args []any, sc *scratch) ([]any, error)
	// returning appends the scan targets of insertSQL's RETURNING columns:
	// the id, then the columns whose default the database may have filled.
	returning func(v *M, dest []any) []any
	// fill, when set, gives the nil fields of v their defaults made in Go
	// (random_v7) before an insert.
	fill func(v *M)
	// id is v's id as bound to byIDSQL, updateSQL and deleteSQL.
	id func(v *M) any
}

// tableDef is the part of a table that does not depend on its model: its
// columns and SQL. The code that works on it alone takes a *tableDef and
// is compiled once, where a method of table[M] would be compiled for every
// table (and a method of tableDef, promoted, would get a wrapper for
// every table): that is why they are functions.
type tableDef struct {
	name    string         // table name, unquoted
	columns []string       // every stored column, quoted, id first: the order of scan
	insert  []insertColumn // the columns an insert sets, in the order of values
	// insertID: insert ends with the id (a UUID id, which the row may
	// bring; a bigserial one the database always makes).
	insertID bool

	// The fixed SQL, made by newTable.
	quoted     string // "company"
	columnList string // "id", "name", ...
	selectSQL  string // SELECT "id", "name", ... FROM "company"
	byIDSQL    string // selectSQL WHERE "id" = $1
	insertSQL  string // INSERT INTO "company" (...) VALUES ($1, ...) RETURNING "id", ...
	updateSQL  string // UPDATE "company" SET "name" = $1, ... WHERE "id" = $n
	deleteSQL  string // DELETE FROM "company" WHERE "id" = $1
	countSQL   string // SELECT count(*) FROM "company"
	wipeSQL    string // DELETE FROM "company"
	fromSQL    string // the end of selectSQL: FROM "company"
	idColumn   *column
	setSQL     string // UPDATE "company" SET (UpdateWhere's)
	allSQL     string // RETURNING "id", "name", ... (DeleteReturning's)

	many sqlCache // the statements of InsertMany, by chunk size and conflict
}

// insertColumn is one column of an insert. A column with a SQL default
// (def) is bound as COALESCE($n::cast, def), so that a nil value (a zero
// UUID id) takes the default, which RETURNING brings back.
type insertColumn struct {
	name string // quoted
	cast string // the column's SQL type, with def
	def  string // the SQL default, "" without one
}

// newTable completes t with its fixed SQL.
func newTable[M any](t *table[M]) *table[M] {
	initTable(&t.tableDef)
	return t
}

func initTable(t *tableDef) {
	t.quoted = quoteIdent(t.name)
	t.columnList = strings.Join(t.columns, ", ")
	id := t.columns[0]
	t.fromSQL = " FROM " + t.quoted
	t.selectSQL = "SELECT " + t.columnList + t.fromSQL
	t.idColumn = &column{table: t.name, quoted: id}
	t.byIDSQL = t.selectSQL + " WHERE " + id + " = $1"
	t.insertSQL = string(appendInsert(t, nil, 1)) + returningSQL(t)
	t.updateSQL = makeUpdateSQL(t)
	t.deleteSQL = "DELETE FROM " + t.quoted + " WHERE " + id + " = $1"
	t.countSQL = "SELECT count(*) FROM " + t.quoted
	t.wipeSQL = "DELETE FROM " + t.quoted
	t.setSQL = "UPDATE " + t.quoted + " SET "
	t.allSQL = " RETURNING " + t.columnList
}

// makeUpdateSQL sets every column of insert but the id, by position.
func makeUpdateSQL(t *tableDef) string {
	id, cols := t.columns[0], t.insert
	if t.insertID {
		cols = cols[:len(cols)-1]
	}
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = c.name + " = $" + strconv.Itoa(i+1)
	}
	if len(sets) == 0 { // an id-only table: the update only checks the row is there
		sets = append(sets, id+" = "+id)
	}
	return "UPDATE " + t.quoted + " SET " + strings.Join(sets, ", ") +
		" WHERE " + id + " = $" + strconv.Itoa(len(cols)+1)
}

// appendInsert writes INSERT INTO t (columns) VALUES and rows rows of
// parameters, without RETURNING.
func appendInsert(t *tableDef, b []byte, rows int) []byte {
	b = append(b, "INSERT INTO "...)
	b = append(b, t.quoted...)
	if len(t.insert) == 0 {
		return append(b, " DEFAULT VALUES"...)
	}
	b = append(b, " ("...)
	for i, c := range t.insert {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, c.name...)
	}
	b = append(b, ") VALUES "...)
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '(')
		for i, c := range t.insert {
			if i > 0 {
				b = append(b, ", "...)
			}
			if c.def != "" {
				b = append(b, "COALESCE("...)
			}
			b = appendParam(b, n)
			n++
			if c.def != "" {
				b = append(b, "::"...)
				b = append(b, c.cast...)
				b = append(b, ", "...)
				b = append(b, c.def...)
				b = append(b, ')')
			}
		}
		b = append(b, ')')
	}
	return b
}

// returningSQL is insertSQL's RETURNING clause: the id, then the columns
// whose default the database may fill, in the order of returning.
func returningSQL(t *tableDef) string {
	ret := []string{t.columns[0]}
	for _, c := range t.insert {
		if c.def != "" && c.name != t.columns[0] {
			ret = append(ret, c.name)
		}
	}
	return " RETURNING " + strings.Join(ret, ", ")
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

// query is the shape of one built statement: prefix (or, with find, the
// SELECT of the table's columns), then the SET of
// UpdateWhere, WHERE (the condition and the keyset of After), the options
// and suffix. It holds no model type: readQuery takes what it needs from
// the typed condition and options, and the SQL is written by code
// compiled once for all tables.
type query struct {
	prefix string
	find   bool // SELECT columns FROM table (and the levels of includes)
	set    []assignment
	where  *exprNode
	opts   options
	after  []any // After's values, one per ORDER BY term
	suffix string
}

// readQuery reads where and opts of a query on t.
func readQuery[M any](t *table[M], where *Expr[M], opts []Option[M]) (query, error) {
	o, err := readOptions(opts, t.name)
	if err != nil {
		return query{}, err
	}
	q := query{where: where.node(), opts: o}
	if o.after != nil {
		q.after, err = keysetArgs(t, &o)
	}
	return q, err
}

// build is q as interned SQL and its parameters.
func build(db *DB, t *tableDef, q *query) (string, []any, error) {
	if db.conn == nil {
		return "", nil, errNoDatabase
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	b, args, err := appendQuery(db, t, (*bp)[:0], q)
	*bp = b
	if err != nil {
		return "", nil, err
	}
	return db.pool.cache.intern(b), args, nil
}

func appendQuery(db *DB, t *tableDef, b []byte, q *query) ([]byte, []any, error) {
	o := &q.opts
	if o.lock != "" && !db.inTransaction() {
		return b, nil, errorf("%s outside a transaction: the lock would end with the statement", o.lock[1:])
	}
	if len(o.includes) > 0 && !q.find {
		return b, nil, errorf("an include in a query that reads no rows")
	}
	if len(o.includes) > 0 {
		b = append(b, "WITH pod_l0 AS MATERIALIZED ("...) // appendIncludes ends it
	}
	b = append(b, q.prefix...)
	// args is not taken from q: what goes into an include's interface
	// call escapes, and escape analysis does not tell q's fields apart.
	var args []any
	if q.find {
		b = append(b, t.selectSQL...)
	}
	for i, a := range q.set {
		if a.col == nil || a.col.table != t.name {
			return b, nil, errorf("update %q: an assignment of another table", t.name)
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		b, args = bind(append(append(b, a.col.quoted...), " = "...), args, a.arg)
	}
	if q.where != nil || q.after != nil {
		b = append(b, " WHERE "...)
	}
	if q.where != nil {
		b, args = q.where.appendSQL(b, args)
	}
	if q.after != nil {
		if q.where != nil {
			b = append(b, " AND "...)
		}
		b, args = appendKeyset(b, args, o.order, q.after)
	}
	b, args = o.appendSQL(b, args)
	b = append(b, q.suffix...)
	if len(o.includes) > 0 {
		return appendIncludes(b, args, t, o.includes)
	}
	return b, args, nil
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

// findByID finds the row with id (an int64, or a uuidID).
func findByID[M any](db *DB, t *table[M], id any, opts []Option[M]) (*M, error) {
	if len(opts) == 0 {
		vs, err := queryRows(db, t, t.byIDSQL, []any{id})
		if err != nil || len(vs) == 0 {
			return nil, err
		}
		return vs[0], nil
	}
	return findFirst(db, t, wrap[M](exprNode{op: opEq, col: t.idColumn, arg: id}), opts)
}

func findRows[M any](db *DB, t *table[M], where *Expr[M], opts []Option[M]) ([]*M, error) {
	q, err := readQuery(t, where, opts)
	if err != nil {
		return nil, err
	}
	q.find = true
	sql, args, err := build(db, &t.tableDef, &q)
	if err != nil {
		return nil, err
	}
	if len(q.opts.includes) > 0 {
		return queryIncluded(db, t, sql, args, q.opts.includes)
	}
	return queryRows(db, t, sql, args)
}

// queryRows runs sql, whose result has t's columns, and returns its rows.
func queryRows[M any](db *DB, t *table[M], sql string, args []any) ([]*M, error) {
	var out []*M
	sc := getScratch()
	defer putScratch(sc)
	err := db.query(sql, args, func(r pgx.Rows) error {
		v := new(M)
		out = append(out, v)
		return t.scan(r, v, sc)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryIncluded runs sql, a query of t with includes (appendIncludes),
// and returns its rows with the related ones.
func queryIncluded[M any](db *DB, t *table[M], sql string, args []any, incs []includer) ([]*M, error) {
	var out []*M
	err := queryLevels(db, &t.tableDef, sql, args, incs, func(n int) (levelScan, any) {
		rows := make([]M, n)
		out = make([]*M, n)
		for i := range rows {
			out[i] = &rows[i]
		}
		return scanInto(t, out), out
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryLevels runs a query of t with includes and reads its levels; rows
// makes the place of the query's own n rows. The part of queryIncluded
// that is compiled once, not for every table.
func queryLevels(db *DB, t *tableDef, sql string, args []any, incs []includer, rows func(n int) (levelScan, any)) error {
	sc := getScratch()
	defer putScratch(sc)
	return db.query(sql, args, func(r pgx.Rows) error {
		if err := checkBinary(r); err != nil {
			return err
		}
		lr := levelReader{cols: r.RawValues(), rows: recordRows{tm: r.TypeMap()}, sc: sc}
		a, err := lr.next(t)
		if err != nil || a.n == 0 {
			return err
		}
		scan, dst := rows(a.n)
		if err := readLevel(&lr, t, &a, scan, dst, incs); err != nil {
			return errorf("table %q: include %w", t.name, err)
		}
		return nil
	})
}

func findFirst[M any](db *DB, t *table[M], where *Expr[M], opts []Option[M]) (*M, error) {
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
	return deleteMatching(db, &t.tableDef, where.node())
}

func deleteMatching(db *DB, t *tableDef, where *exprNode) (int64, error) {
	sql, args, err := build(db, t, &query{prefix: t.wipeSQL, where: where})
	if err != nil {
		return 0, err
	}
	return db.Exec(sql, args...)
}

func countRows[M any](db *DB, t *table[M], where *Expr[M]) (int64, error) {
	return countMatching(db, &t.tableDef, where.node())
}

func countMatching(db *DB, t *tableDef, where *exprNode) (int64, error) {
	sql, args, err := build(db, t, &query{prefix: t.countSQL, where: where})
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.query(sql, args, func(r pgx.Rows) error { return r.Scan(&n) })
	return n, err
}
