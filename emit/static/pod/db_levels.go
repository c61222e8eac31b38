package pod

import (
	"encoding/binary"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// A query with includes comes back as one row of arrays: one per column
// of each level (levelWriter), its own rows first, then the related rows
// of each include, depth first. The arrays are in PostgreSQL's binary
// format, whose elements are their type's binary values: a level's row i
// is element i of each of its arrays, and recordRows shows those to the
// table's generated scan function as a pgx.Rows whose Scan decodes them
// with the connection's type map, exactly as the columns of a row are
// decoded. The rows of a level are matched to their parents by the bytes
// of their key columns: equal values of a column have equal bytes,
// whatever the column's type.

// levelReader reads the levels of the one row of a query with includes.
// The bytes it hands out are the row's, valid while the row is read.
type levelReader struct {
	cols [][]byte // the arrays not read yet
	rows recordRows
	sc   *scratch
}

// next is the arrays of the next level, rows of t.
func (lr *levelReader) next(t *tableDef) (levelArrays, error) {
	if len(lr.cols) < len(t.columns) {
		return levelArrays{}, errMalformedLevel
	}
	a := levelArrays{cols: make([]arrayCursor, len(t.columns)), n: -1}
	for i, raw := range lr.cols[:len(t.columns)] {
		c, n, err := readArray(raw)
		if err != nil {
			return a, err
		}
		if a.n >= 0 && n != a.n {
			return a, errMalformedLevel
		}
		a.cols[i], a.n = c, n
	}
	lr.cols = lr.cols[len(t.columns):]
	return a, nil
}

// levelArrays are the columns of one level's rows.
type levelArrays struct {
	cols []arrayCursor
	n    int // rows
}

// arrayCursor is what is left of one binary array: its elements' type,
// and each element as a 4-byte length (-1: NULL) and its bytes.
type arrayCursor struct {
	oid  uint32
	rest []byte
}

// readArray reads the header of the one-dimensional binary array b (nil,
// NULL: array_agg of no rows) and returns its elements and their count.
func readArray(b []byte) (arrayCursor, int, error) {
	if b == nil {
		return arrayCursor{}, 0, nil
	}
	if len(b) < 12 {
		return arrayCursor{}, 0, errMalformedLevel
	}
	ndim, oid := int32(binary.BigEndian.Uint32(b)), binary.BigEndian.Uint32(b[8:])
	if ndim == 0 {
		return arrayCursor{oid: oid}, 0, nil
	}
	if ndim != 1 || len(b) < 20 {
		return arrayCursor{}, 0, errMalformedLevel
	}
	n := int32(binary.BigEndian.Uint32(b[12:])) // then the lower bound
	if n < 0 || int(n) > (len(b)-20)/4 {
		return arrayCursor{}, 0, errMalformedLevel
	}
	return arrayCursor{oid: oid, rest: b[20:]}, int(n), nil
}

// next is the cursor's next element (nil: NULL).
func (c *arrayCursor) next() ([]byte, error) {
	if len(c.rest) < 4 {
		return nil, errMalformedLevel
	}
	size := int32(binary.BigEndian.Uint32(c.rest))
	c.rest = c.rest[4:]
	if size < 0 {
		return nil, nil
	}
	if int(size) > len(c.rest) {
		return nil, errMalformedLevel
	}
	e := c.rest[:size:size]
	c.rest = c.rest[size:]
	return e, nil
}

// keys are the elements of column k (before its rows are read: it starts
// where column k's cursor is).
func (a *levelArrays) keys(k int) ([][]byte, error) {
	c := a.cols[k]
	out := make([][]byte, a.n)
	for i := range out {
		var err error
		if out[i], err = c.next(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readLevel reads the rows of level a, rows of table t, with scan, then
// the levels of nested, whose parents are rows (the []*C that scan fills).
// It is not generic, so that it is compiled once and not for every table.
func readLevel(lr *levelReader, t *tableDef, a *levelArrays, scan levelScan, rows any, nested []includer) error {
	keys := make([][][]byte, len(nested)) // the parentCol of each row, per nested include
	for j, in := range nested {
		k, err := columnIndex(t, in.parentCol())
		if err != nil {
			return err
		}
		if keys[j], err = a.keys(k); err != nil {
			return err
		}
	}
	r := &lr.rows
	r.plans = r.plans[:0] // the level's own: its columns' types
	for i := 0; i < a.n; i++ {
		r.fields = r.fields[:0]
		for j := range a.cols {
			e, err := a.cols[j].next()
			if err != nil {
				return err
			}
			r.fields = append(r.fields, recordField{oid: a.cols[j].oid, data: e})
		}
		if err := scan(r, i, lr.sc); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
	}
	for j, in := range nested {
		if err := in.load(lr, rows, keys[j]); err != nil {
			return fmt.Errorf("%s: %w", in.name(), err)
		}
	}
	return nil
}

// levelScan reads a row of a level into row i of its rows.
type levelScan func(r *recordRows, i int, sc *scratch) error

// scanInto reads rows of t into dst with t's scan function.
func scanInto[C any](t *table[C], dst []*C) levelScan {
	return func(r *recordRows, i int, sc *scratch) error { return t.scan(r, dst[i], sc) }
}

// owners gives each of the related rows whose keys are own the index of
// its parent: the one of parents whose key equals it.
func owners(parents, own [][]byte, table string) ([]int32, error) {
	parent := newKeyIndex(parents)
	owner := make([]int32, len(own))
	for i, k := range own {
		p, ok := parent.find(k)
		if !ok {
			return nil, errorf("a %q row of an include matches no row it is included in", table)
		}
		owner[i] = p
	}
	return owner, nil
}

// keyIndex finds a row by the bytes of its key. Keys of 8 bytes (bigint
// ids, nearly all keys) are looked up as integers, which makes no string
// per key and hashes faster: measured on the includes benchmark, the
// matching of 16,000 rows took a quarter of their decoding with strings.
type keyIndex struct {
	ints map[uint64]int32
	strs map[string]int32
}

// newKeyIndex indexes keys (nil, NULL, matches nothing).
func newKeyIndex(keys [][]byte) keyIndex {
	eight := true
	for _, k := range keys {
		eight = eight && (k == nil || len(k) == 8)
	}
	var x keyIndex
	if eight {
		x.ints = make(map[uint64]int32, len(keys))
	} else {
		x.strs = make(map[string]int32, len(keys))
	}
	for i, k := range keys {
		switch {
		case k == nil:
		case eight:
			x.ints[binary.BigEndian.Uint64(k)] = int32(i)
		default:
			x.strs[string(k)] = int32(i)
		}
	}
	return x
}

// find is the index of the row whose key is k (none for nil, NULL).
func (x *keyIndex) find(k []byte) (int32, bool) {
	if k == nil {
		return 0, false
	}
	if x.ints == nil {
		i, ok := x.strs[string(k)]
		return i, ok
	}
	if len(k) != 8 {
		return 0, false
	}
	i, ok := x.ints[binary.BigEndian.Uint64(k)]
	return i, ok
}

// checkBinary makes sure that every column of the result came in the
// binary format, the one readArray reads (pgx asks for it for the arrays
// of every type the generated tables use).
func checkBinary(r pgx.Rows) error {
	for _, f := range r.FieldDescriptions() {
		if f.Format != pgtype.BinaryFormatCode {
			return errorf("a query with includes: column of type %d came as text", f.DataTypeOID)
		}
	}
	return nil
}

var errMalformedLevel = errorf("malformed row of a query with includes")

// columnIndex is the place of col (quoted) among t's columns.
func columnIndex(t *tableDef, col string) (int, error) {
	for i, c := range t.columns {
		if c == col {
			return i, nil
		}
	}
	return 0, errorf("table %q has no column %s", t.name, col)
}

// recordField is one field of a row of a level: its type and its bytes
// (nil: NULL).
type recordField struct {
	oid  uint32
	data []byte
}

// recordRows is a row of a level as the pgx.Rows of one row, for the
// generated scan functions: only Scan does anything.
type recordRows struct {
	fields []recordField
	tm     *pgtype.Map
	plans  []fieldPlan // per field, kept from one row of a level to the next
}

// fieldPlan is how a field of a level's rows is scanned: planned once per
// level, as pgx plans a column once per query.
type fieldPlan struct {
	oid  uint32
	plan pgtype.ScanPlan
}

// Scan decodes the fields into dest (a nil dest skips its field).
func (r *recordRows) Scan(dest ...any) error {
	if len(dest) != len(r.fields) {
		return errorf("scanning a row of %d fields into %d targets", len(r.fields), len(dest))
	}
	for len(r.plans) < len(dest) {
		r.plans = append(r.plans, fieldPlan{})
	}
	for i, d := range dest {
		if d == nil {
			continue
		}
		f, p := &r.fields[i], &r.plans[i]
		if p.plan == nil || p.oid != f.oid {
			p.oid, p.plan = f.oid, r.tm.PlanScan(f.oid, pgtype.BinaryFormatCode, d)
		}
		if err := p.plan.Scan(f.data, d); err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
	}
	return nil
}

func (r *recordRows) Close()                                       {}
func (r *recordRows) Err() error                                   { return nil }
func (r *recordRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (r *recordRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (r *recordRows) Next() bool                                   { return false }
func (r *recordRows) Values() ([]any, error)                       { return nil, errorf("Values of a record") }
func (r *recordRows) Conn() *pgx.Conn                              { return nil }
func (r *recordRows) TypeMap() *pgtype.Map                         { return r.tm }

// RawValues are the fields' bytes.
func (r *recordRows) RawValues() [][]byte {
	out := make([][]byte, len(r.fields))
	for i, f := range r.fields {
		out[i] = f.data
	}
	return out
}
