package pod

import (
	"strconv"

	"github.com/jackc/pgx/v5"
)

// Column is any column of table M (pod.CompanyT.Name, ...), for the
// operations that name columns rather than compare them: Upsert,
// UpdateColumns and the conflict keys of InsertMany. A column of another
// table does not compile.
type Column[M any] interface {
	sqlColumn() *column
	of(*M)
}

// Assignment is one "column = value" of UpdateWhere, made by a column's
// Set (or SetNull on a nullable column).
type Assignment[M any] struct{ a assignment }

// assignment is an Assignment without its table.
type assignment struct {
	col *column
	arg any
}

func assign[M any](c *column, arg any) Assignment[M] { return Assignment[M]{assignment{c, arg}} }

// Conflict says what InsertMany does with a row whose key (the columns of
// a unique index) is stored already: UpdateExisting overwrites the stored
// row with it, KeepExisting leaves the stored row as it is; either way
// the Go row is then filled from the stored one (its ID, its defaults and,
// with KeepExisting, every field).
type Conflict[M any] struct{ c conflict }

// conflict is a Conflict without its table.
type conflict struct {
	keys []*column
	keep bool
}

// UpdateExisting is ON CONFLICT (key...) DO UPDATE: a row whose key is
// stored already replaces that row's other columns (not its id).
func UpdateExisting[M any](key Column[M], more ...Column[M]) Conflict[M] {
	return Conflict[M]{conflict{keys: conflictKeys(key, more)}}
}

// KeepExisting is ON CONFLICT (key...): a row whose key is stored already
// is not written, and gets the stored row's values instead, so that every
// row of InsertMany comes back with the ID of the row that holds its key.
func KeepExisting[M any](key Column[M], more ...Column[M]) Conflict[M] {
	return Conflict[M]{conflict{keys: conflictKeys(key, more), keep: true}}
}

func conflictKeys[M any](key Column[M], more []Column[M]) []*column {
	keys := make([]*column, 0, 1+len(more))
	keys = append(keys, key.sqlColumn())
	for _, c := range more {
		keys = append(keys, c.sqlColumn())
	}
	return keys
}

// maxParams is PostgreSQL's limit of bind parameters in one statement.
const maxParams = 65535

// maxRowsPerInsert bounds the rows of one INSERT of InsertMany: bigger
// statements gain nothing and cost their first prepare.
const maxRowsPerInsert = 512

// chunkRows is how many rows of n go into the next statement: a power of
// two, so that a table has a handful of statement shapes (prepared once
// per connection) whatever the lengths InsertMany is called with.
func chunkRows(t *tableDef, n int) int {
	limit := maxRowsPerInsert
	for limit > 1 && limit*len(t.insert) > maxParams {
		limit /= 2
	}
	c := 1
	for c*2 <= n && c*2 <= limit {
		c *= 2
	}
	return c
}

// insertMany stores vs with multi-row INSERTs of up to maxRowsPerInsert
// rows, sent together in one round trip and one implicit transaction (all
// rows or none). RETURNING gives the rows back in the order of VALUES,
// which is the order PostgreSQL inserts them in; each row gets its id.
func insertMany[M any](db *DB, t *table[M], vs []*M, conflicts []Conflict[M]) error {
	if len(conflicts) > 1 {
		return errorf("insert into %q: more than one Conflict", t.name)
	}
	var c *conflict
	if len(conflicts) == 1 {
		c = &conflicts[0].c
		if err := checkKeys(&t.tableDef, c.keys); err != nil {
			return err
		}
	}
	if len(vs) == 0 {
		return nil
	}
	if db.conn == nil {
		return errNoDatabase
	}
	if len(t.insert) == 0 { // DEFAULT VALUES inserts one row a statement
		if c != nil {
			return errorf("insert into %q: a Conflict needs a column besides the id", t.name)
		}
		return insertEach(db, t, vs)
	}
	sc := getScratch()
	defer putScratch(sc)
	var batch pgx.Batch
	var sizes []int
	args := make([]any, 0, len(vs)*len(t.insert))
	for done := 0; done < len(vs); {
		n := chunkRows(&t.tableDef, len(vs)-done)
		start := len(args)
		for i, v := range vs[done : done+n] {
			var err error
			if args, err = t.rowValues(v, args, sc); err != nil {
				return errorf("insert into %q: row %d: %w", t.name, done+i, err)
			}
		}
		batch.Queue(insertManySQL(&t.tableDef, n, c), args[start:len(args):len(args)]...)
		sizes = append(sizes, n)
		done += n
	}
	return readInserted(db, t, &batch, sizes, vs, c != nil)
}

// rowValues appends the insert parameters of one row.
func (t *table[M]) rowValues(v *M, args []any, sc *scratch) ([]any, error) {
	if v == nil {
		return args, errorf("nil row")
	}
	if t.fill != nil {
		t.fill(v)
	}
	args, err := t.values(v, args, sc)
	if err == nil && t.insertID {
		args = append(args, t.id(v))
	}
	return args, err
}

// readInserted reads back what each statement of batch returned into the
// rows it inserted: the RETURNING columns of insertSQL, or with a conflict
// the whole row.
func readInserted[M any](db *DB, t *table[M], batch *pgx.Batch, sizes []int, vs []*M, whole bool) error {
	start := db.pool.start()
	res := db.conn.SendBatch(db.ctx, batch)
	sc := getScratch()
	defer putScratch(sc)
	var err error
	done := 0
	for i, n := range sizes {
		got := 0
		err = readRows(res, func(r pgx.Rows) error {
			if got == n {
				return errorf("insert into %q: more rows came back than went in", t.name)
			}
			v := vs[done+got]
			got++
			if whole {
				return t.scan(r, v, sc)
			}
			sc.dest = t.returning(v, sc.dest[:0])
			return r.Scan(sc.dest...)
		})
		if err == nil && got != n {
			err = errorf("insert into %q: %d rows came back for %d", t.name, got, n)
		}
		db.pool.done(db.ctx, start, batch.QueuedQueries[i].SQL, int64(got), classify(err))
		if err != nil {
			break
		}
		done += n
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	return classify(err)
}

// readRows calls each for every row of the batch's next result.
func readRows(res pgx.BatchResults, each func(pgx.Rows) error) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	return eachRow(rows, each)
}

// insertEach inserts the rows of a table without columns to set, one
// INSERT ... DEFAULT VALUES each, in one batch.
func insertEach[M any](db *DB, t *table[M], vs []*M) error {
	var batch pgx.Batch
	sizes := make([]int, len(vs))
	for i, v := range vs {
		if v == nil {
			return errorf("insert into %q: row %d: nil row", t.name, i)
		}
		batch.Queue(t.insertSQL)
		sizes[i] = 1
	}
	return readInserted(db, t, &batch, sizes, vs, false)
}

// insertManySQL is the INSERT of n rows, with c's ON CONFLICT clause;
// built once per shape and kept by the table.
func insertManySQL(t *tableDef, n int, c *conflict) string {
	key := strconv.Itoa(n)
	if c != nil {
		key += "|" + strconv.FormatBool(c.keep)
		for _, k := range c.keys {
			key += "|" + k.quoted
		}
	}
	if sql, ok := t.many.get(key); ok {
		return sql
	}
	b := appendInsert(t, nil, n)
	if c == nil {
		b = append(b, returningSQL(t)...)
	} else {
		b = appendConflict(t, b, c)
		b = append(b, t.allSQL...)
	}
	return t.many.put(key, string(b))
}

// appendConflict writes ON CONFLICT (keys) DO UPDATE SET ...: the other
// columns from EXCLUDED, or with keep only the keys (to themselves, a
// write that changes nothing, so that RETURNING has the stored row).
func appendConflict(t *tableDef, b []byte, c *conflict) []byte {
	b = append(b, " ON CONFLICT ("...)
	for i, k := range c.keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, k.quoted...)
	}
	b = append(b, ") DO UPDATE SET "...)
	first := true
	set := func(col string) {
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = append(b, col...)
		b = append(b, " = EXCLUDED."...)
		b = append(b, col...)
	}
	if !c.keep {
		for _, ic := range t.insert {
			if ic.name != t.columns[0] && !isKey(c.keys, ic.name) {
				set(ic.name)
			}
		}
	}
	if first {
		for _, k := range c.keys {
			set(k.quoted)
		}
	}
	return b
}

func isKey(keys []*column, quoted string) bool {
	for _, k := range keys {
		if k.quoted == quoted {
			return true
		}
	}
	return false
}

// checkKeys refuses conflict keys of another table (a Column[M] made by
// hand could be one) and the id of a bigserial table (never inserted).
func checkKeys(t *tableDef, keys []*column) error {
	for _, k := range keys {
		if k == nil || k.table != t.name {
			return errorf("insert into %q: a conflict key of another table", t.name)
		}
		if k.quoted == t.columns[0] && !t.insertID {
			return errorf("insert into %q: the id is made by the database, it cannot be a conflict key", t.name)
		}
	}
	return nil
}

// upsert is InsertMany of one row, updating the row that holds its key.
func upsert[M any](db *DB, t *table[M], v *M, key Column[M], more []Column[M]) error {
	if v == nil {
		return errorf("upsert into %q: nil row", t.name)
	}
	return insertMany(db, t, []*M{v}, []Conflict[M]{UpdateExisting(key, more...)})
}

// updateColumns stores the named columns of v in the row with v.ID.
func updateColumns[M any](db *DB, t *table[M], v *M, cols []Column[M]) error {
	if v == nil {
		return errorf("update %q: nil row", t.name)
	}
	sc := getScratch()
	defer putScratch(sc)
	all, err := t.values(v, nil, sc)
	if err != nil {
		return errorf("update %q: %w", t.name, err)
	}
	named := make([]*column, len(cols))
	for i, c := range cols {
		named[i] = c.sqlColumn()
	}
	return updateNamed(db, &t.tableDef, named, all, t.id(v))
}

// updateNamed is UPDATE t SET col = value, ... WHERE id = $n for the
// named columns, taking each value from all, a row's insert values.
func updateNamed(db *DB, t *tableDef, cols []*column, all []any, id any) error {
	b := append(make([]byte, 0, 128), "UPDATE "...)
	b = append(append(b, t.quoted...), " SET "...)
	args := make([]any, 0, len(cols)+1)
	for i, c := range cols {
		k := insertIndex(t, c)
		if k < 0 || k >= len(all) {
			if c == nil {
				return errorf("update %q: a zero Column", t.name)
			}
			return errorf("update %q: cannot update column %s", t.name, c.quoted)
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, t.insert[k].name...)
		b, args = bind(append(b, " = "...), args, all[k])
	}
	if len(cols) == 0 {
		return nil
	}
	b = append(append(append(b, " WHERE "...), t.columns[0]...), " = "...)
	b, args = bind(b, args, id)
	n, err := db.Exec(db.pool.cache.intern(b), args...)
	if err == nil && n == 0 {
		err = errorf("update %q: no row with id %v", t.name, id)
	}
	return err
}

// insertIndex is the position of c among the insert columns, -1 when it
// is not one of them (another table's, or a bigserial id).
func insertIndex(t *tableDef, c *column) int {
	if c == nil || c.table != t.name {
		return -1
	}
	for i, ic := range t.insert {
		if ic.name == c.quoted {
			return i
		}
	}
	return -1
}

// updateWhere sets columns on the rows where matches (nil: every row).
func updateWhere[M any](db *DB, t *table[M], where *Expr[M], set []Assignment[M]) (int64, error) {
	sets := make([]assignment, len(set))
	for i := range set {
		sets[i] = set[i].a
	}
	return updateMatching(db, &t.tableDef, where.node(), sets)
}

func updateMatching(db *DB, t *tableDef, where *exprNode, set []assignment) (int64, error) {
	sql, args, err := build(db, t, &query{prefix: t.setSQL, set: set, where: where})
	if err != nil {
		return 0, err
	}
	return db.Exec(sql, args...)
}

// deleteReturning deletes the rows where matches (nil: every row) and
// returns them as they were.
func deleteReturning[M any](db *DB, t *table[M], where *Expr[M]) ([]*M, error) {
	sql, args, err := build(db, &t.tableDef, &query{prefix: t.wipeSQL, where: where.node(), suffix: t.allSQL})
	if err != nil {
		return nil, err
	}
	return queryRows(db, t, sql, args)
}

// keysetArgs are After's values: the row's value of each ORDER BY column.
func keysetArgs[M any](t *table[M], o *options) ([]any, error) {
	row, ok := o.after.(*M)
	if !ok || row == nil {
		return nil, errorf("After: a row of another table, or nil, in a query on %q", t.name)
	}
	if len(o.order) == 0 {
		return nil, errorf("After without OrderBy in a query on %q", t.name)
	}
	sc := getScratch()
	defer putScratch(sc)
	vals, err := t.values(row, nil, sc)
	if err != nil {
		return nil, errorf("After: %w", err)
	}
	after := make([]any, len(o.order))
	for i, term := range o.order {
		if term.col.nullable {
			return nil, errorf("After: column %s is nullable; order by columns that are not", term.col.quoted)
		}
		if after[i], err = t.columnValue(row, vals, term.col); err != nil {
			return nil, err
		}
	}
	return after, nil
}

// appendKeyset writes After's condition: the rows past the row's values
// in the query's order, (a > $1) OR (a = $1 AND b > $2) ..., with < for a
// descending column.
func appendKeyset(b []byte, args []any, order []OrderTerm, after []any) ([]byte, []any) {
	first := len(args) + 1 // the parameter of after[0]
	args = append(args, after...)
	b = append(b, '(')
	for i, term := range order {
		if i > 0 {
			b = append(b, " OR "...)
		}
		b = append(b, '(')
		for j := 0; j < i; j++ {
			b = append(append(b, order[j].col.quoted...), " = "...)
			b = append(appendParam(b, first+j), " AND "...)
		}
		b = append(b, term.col.quoted...)
		if term.desc {
			b = append(b, " < "...)
		} else {
			b = append(b, " > "...)
		}
		b = append(appendParam(b, first+i), ')')
	}
	return append(b, ')'), args
}

// columnValue is the parameter of row's column c: its id, or its value
// among the row's insert values.
func (t *table[M]) columnValue(row *M, vals []any, c *column) (any, error) {
	if c.quoted == t.columns[0] {
		return t.id(row), nil
	}
	if k := insertIndex(&t.tableDef, c); k >= 0 && k < len(vals) {
		return vals[k], nil
	}
	return nil, errorf("After: no column %s in table %q", c.quoted, t.name)
}
