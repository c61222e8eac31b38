package pod

import (
	"math"
	"strconv"
)

// Relations (SPEC §10): the descriptor of a table class has one field per
// relation (pod.BookT.Author, pod.AuthorT.Books) that makes includes,
// which load the related rows with the row, and filters, which test them:
//
//	b, err := s.DB.Book.FindByID(id, pod.BookT.Author.Include())
//	as, err := s.DB.Author.Find(pod.AuthorT.Books.Any(pod.BookT.Pages.GreaterThan(500)),
//		pod.AuthorT.Books.Include(nil, pod.OrderBy(pod.BookT.Title.Asc()), pod.Limit(3)))
//
// A query and all its includes, nested to any depth, are one SQL
// statement (levelWriter) that gives one row: an array per column of each
// level, the query's own rows first. Each level selects the related rows
// of the level above it at once, as one query per list would (Serverpod's
// way), with a filter on that level's keys instead of a round trip, and
// the rows are matched to their parents in Go (db_levels.go). Filters are
// EXISTS / count subqueries in WHERE.

// relation is what a relation knows of the SQL that joins its two tables:
// the related row's column childCol matches the row's parentCol.
type relation[C any] struct {
	child     *table[C]
	childCol  string // quoted: "author_id" for Author.books, "id" for Book.author
	parentCol string // quoted: "id" for Author.books, "author_id" for Book.author
	parent    string // the row's table, quoted
	key       string // the JSON key of the row's field ("books"), for nested includes
	decode    func(*C, *JSONDecoder) error
}

// ObjectRelation is a relation of a row of table P to one row of table C
// (pod.BookT.Author, a Book's Author).
type ObjectRelation[P, C any] struct {
	rel   *relation[C]
	field func(*P) **C
}

// ListRelation is the 1:n side of a relation: the rows of table C that
// point at a row of table P (pod.AuthorT.Books, an Author's Books).
type ListRelation[P, C any] struct {
	rel   *relation[C]
	field func(*P) *[]C
}

// objectRelation and listRelation are the constructors the generated
// descriptors use.
func objectRelation[P, C any](child *table[C], childCol, parentCol, parent, key string,
	decode func(*C, *JSONDecoder) error, field func(*P) **C) ObjectRelation[P, C] {
	return ObjectRelation[P, C]{&relation[C]{child, childCol, parentCol, parent, key, decode}, field}
}

func listRelation[P, C any](child *table[C], childCol, parentCol, parent, key string,
	decode func(*C, *JSONDecoder) error, field func(*P) *[]C) ListRelation[P, C] {
	return ListRelation[P, C]{&relation[C]{child, childCol, parentCol, parent, key, decode}, field}
}

// Include loads the related row into the field (nil when there is none).
// nested are includes of C's relations, loaded with it.
func (r ObjectRelation[P, C]) Include(nested ...Option[C]) Option[P] {
	return Option[P]{kind: optInclude, inc: &objectInclude[P, C]{r: r, opts: nested, incs: includesOf(nested)}}
}

// Include loads the related rows into the field: those where matches (nil:
// all), shaped by opts: OrderBy, Limit, Offset, and includes of C's
// relations.
func (r ListRelation[P, C]) Include(where *Expr[C], opts ...Option[C]) Option[P] {
	return Option[P]{kind: optInclude, inc: &listInclude[P, C]{r: r, where: where, opts: opts, incs: includesOf(opts)}}
}

// Any matches the rows that have a related row where matches (nil: any).
func (r ListRelation[P, C]) Any(where *Expr[C]) *Expr[P] { return r.filter(opAny, where) }

// None matches the rows that have no related row where matches (nil:
// none at all).
func (r ListRelation[P, C]) None(where *Expr[C]) *Expr[P] { return r.filter(opNone, where) }

// Every matches the rows whose related rows all match where (a row
// without any does); a related row where the condition is NULL does not
// match.
func (r ListRelation[P, C]) Every(where *Expr[C]) *Expr[P] { return r.filter(opEvery, where) }

// Count is the number of related rows where matches (nil: all), to
// compare: pod.AuthorT.Books.Count(nil).GreaterThan(3).
func (r ListRelation[P, C]) Count(where *Expr[C]) CountExpr[P] {
	return CountExpr[P]{sub: r.subquery(where)}
}

func (r ListRelation[P, C]) filter(op exprOp, where *Expr[C]) *Expr[P] {
	return wrap[P](exprNode{op: op, sub: r.subquery(where)})
}

func (r ListRelation[P, C]) subquery(where *Expr[C]) *subquery { return newSubquery(r.rel, where) }

// Is matches the rows whose related row is there and matches where (nil:
// is there at all): pod.BookT.Author.Is(pod.AuthorT.Name.Equals("Ada")).
func (r ObjectRelation[P, C]) Is(where *Expr[C]) *Expr[P] {
	return wrap[P](exprNode{op: opAny, sub: newSubquery(r.rel, where)})
}

func newSubquery[C any](rel *relation[C], where *Expr[C]) *subquery {
	return &subquery{child: rel.child.quoted, childCol: rel.childCol, parentCol: rel.parentCol,
		parent: rel.parent, where: where.node()}
}

// CountExpr is the count of a relation's rows, made by Count.
type CountExpr[P any] struct{ sub *subquery }

// Equals is count = n.
func (c CountExpr[P]) Equals(n int64) *Expr[P] { return c.cmp(opEq, n) }

// NotEquals is count <> n.
func (c CountExpr[P]) NotEquals(n int64) *Expr[P] { return c.cmp(opNe, n) }

// GreaterThan is count > n.
func (c CountExpr[P]) GreaterThan(n int64) *Expr[P] { return c.cmp(opGt, n) }

// GreaterOrEqual is count >= n.
func (c CountExpr[P]) GreaterOrEqual(n int64) *Expr[P] { return c.cmp(opGe, n) }

// LessThan is count < n.
func (c CountExpr[P]) LessThan(n int64) *Expr[P] { return c.cmp(opLt, n) }

// LessOrEqual is count <= n.
func (c CountExpr[P]) LessOrEqual(n int64) *Expr[P] { return c.cmp(opLe, n) }

func (c CountExpr[P]) cmp(op exprOp, n int64) *Expr[P] {
	return wrap[P](exprNode{op: op, sub: c.sub, arg: n})
}

// subquery is a relation filter: the related rows of the row named self.
type subquery struct {
	child, childCol, parentCol, parent string
	where                              *exprNode // nil: every related row
	notTrue                            bool      // the rows where (where) IS NOT TRUE: false or NULL
}

// appendFrom writes FROM child AS eN WHERE eN.childCol = self.parentCol
// [AND (where)], and the alias.
func (s *subquery) appendFrom(b []byte, args []any, self string, depth int) ([]byte, []any) {
	if self == "" {
		self = s.parent
	}
	alias := "e" + strconv.Itoa(depth+1)
	b = append(append(append(b, " FROM "...), s.child...), " AS "...)
	b = appendMatch(append(b, alias...), alias, s.childCol, self, s.parentCol)
	if s.where == nil {
		return b, args
	}
	b = append(b, " AND "...)
	if s.notTrue {
		b = append(b, '(')
	}
	b, args = s.where.appendIn(b, args, alias, depth+1)
	if s.notTrue {
		b = append(b, ") IS NOT TRUE"...)
	}
	return b, args
}

// appendFilter writes Any (EXISTS), None (NOT EXISTS) or Every (no related
// row fails: NOT EXISTS ... AND (where) IS NOT TRUE).
func (s *subquery) appendFilter(b []byte, args []any, op exprOp, self string, depth int) ([]byte, []any) {
	if op == opEvery {
		if s.where == nil {
			return append(b, "TRUE"...), args
		}
		every := *s
		every.notTrue = true
		s = &every
	}
	if op != opAny {
		b = append(b, "NOT "...)
	}
	b, args = s.appendFrom(append(b, "EXISTS (SELECT 1"...), args, self, depth)
	return append(b, ')'), args
}

// appendCount writes (SELECT count(*) FROM ...).
func (s *subquery) appendCount(b []byte, args []any, self string, depth int) ([]byte, []any) {
	b, args = s.appendFrom(append(b, "(SELECT count(*)"...), args, self, depth)
	return append(b, ')'), args
}

// includer is one include of a query: a level of its statement
// (levelWriter), and the reading of that level (levelReader).
type includer interface {
	// name is the row's field, for errors.
	name() string
	// parentCol is the column of the row that the related rows match
	// (quoted).
	parentCol() string
	// appendLevel writes the level of the related rows of the rows of
	// level parent, nesting depth deep, then its nested levels.
	appendLevel(w *levelWriter, parent string, depth int) error
	// load reads the level and its nested ones from lr and sets the field
	// of each of parents (a []*P); keys are the parents' parentCol fields
	// (nil: NULL).
	load(lr *levelReader, parents any, keys [][]byte) error
}

type objectInclude[P, C any] struct {
	r    ObjectRelation[P, C]
	opts []Option[C]
	incs []includer // the nested includes among opts
}

func (in *objectInclude[P, C]) name() string      { return in.r.rel.key }
func (in *objectInclude[P, C]) parentCol() string { return in.r.rel.parentCol }

func (in *objectInclude[P, C]) appendLevel(w *levelWriter, parent string, depth int) error {
	rel := in.r.rel
	o, err := readOptions(in.opts, rel.child.name)
	if err != nil {
		return err
	}
	if o.hasLimit || o.hasOffset || o.order != nil || o.after != nil || o.lock != "" {
		return errorf("an include of one %q row takes only includes", rel.child.name)
	}
	return w.level(&level{child: &rel.child.tableDef, childCol: rel.childCol, parentCol: rel.parentCol,
		o: &o, nested: in.incs}, parent, depth)
}

// load gives each parent the related row whose childCol is its key (nil
// when there is none). Parents with the same key share the row: the level
// holds each related row once.
func (in *objectInclude[P, C]) load(lr *levelReader, parents any, keys [][]byte) error {
	_, dst, own, err := readRelated(lr, in.r.rel, in.incs, nil)
	if err != nil {
		return err
	}
	byKey := newKeyIndex(own)
	for i, p := range parents.([]*P) {
		var c *C
		if j, ok := byKey.find(keys[i]); ok {
			c = dst[j]
		}
		*in.r.field(p) = c
	}
	return nil
}

type listInclude[P, C any] struct {
	r     ListRelation[P, C]
	where *Expr[C]
	opts  []Option[C]
	incs  []includer
}

func (in *listInclude[P, C]) name() string      { return in.r.rel.key }
func (in *listInclude[P, C]) parentCol() string { return in.r.rel.parentCol }

func (in *listInclude[P, C]) appendLevel(w *levelWriter, parent string, depth int) error {
	rel := in.r.rel
	o, err := readOptions(in.opts, rel.child.name)
	if err != nil {
		return err
	}
	if o.after != nil || o.lock != "" {
		return errorf("an include of %q rows takes no After or lock", rel.child.name)
	}
	if o.limit < 0 || o.offset < 0 {
		return errorf("an include of %q rows with a negative Limit or Offset", rel.child.name)
	}
	return w.level(&level{child: &rel.child.tableDef, childCol: rel.childCol, parentCol: rel.parentCol,
		where: in.where.node(), o: &o, nested: in.incs}, parent, depth)
}

// load gives each parent its related rows, in the level's order (an
// empty list, not nil, as JSON has it, for a parent without any). The rows
// of all parents are one array, each parent's together, and a parent's
// field is its part of it, capped so that an append to one does not
// overwrite the next.
func (in *listInclude[P, C]) load(lr *levelReader, parents any, keys [][]byte) error {
	ps := parents.([]*P)
	var start []int32
	rows, _, _, err := readRelated(lr, in.r.rel, in.incs, func(own [][]byte) ([]int32, error) {
		owner, err := owners(keys, own, in.r.rel.child.name)
		if err != nil {
			return nil, err
		}
		var pos []int32
		start, pos = partition(owner, len(ps))
		return pos, nil
	})
	if err != nil {
		return err
	}
	for p, v := range ps {
		*in.r.field(v) = rows[start[p]:start[p+1]:start[p+1]]
	}
	return nil
}

// readRelated reads the next level, rows of rel's child, and its nested
// levels. place, given the rows' childCol fields, says where each row goes
// among rows (nil: in their order); dst[i] is where row i went, own[i] its
// childCol field.
func readRelated[C any](lr *levelReader, rel *relation[C], nested []includer,
	place func(own [][]byte) ([]int32, error)) (rows []C, dst []*C, own [][]byte, err error) {
	t := &rel.child.tableDef
	a, err := lr.next(t)
	if err != nil {
		return nil, nil, nil, err
	}
	k, err := columnIndex(t, rel.childCol)
	if err != nil {
		return nil, nil, nil, err
	}
	if own, err = a.keys(k); err != nil {
		return nil, nil, nil, err
	}
	var pos []int32
	if place != nil {
		if pos, err = place(own); err != nil {
			return nil, nil, nil, err
		}
	}
	rows, dst = make([]C, a.n), make([]*C, a.n)
	for i := range dst {
		at := i
		if pos != nil {
			at = int(pos[i])
		}
		dst[i] = &rows[at]
	}
	return rows, dst, own, readLevel(lr, t, &a, scanInto(rel.child, dst), dst, nested)
}

// partition places the related rows so that each parent's are together,
// in their order: row i goes to pos[i], and parent p's rows are at
// start[p]:start[p+1]. owner[i] is row i's parent, of parents.
func partition(owner []int32, parents int) (start, pos []int32) {
	start = make([]int32, parents+1)
	for _, p := range owner {
		start[p+1]++
	}
	for p := 1; p < len(start); p++ {
		start[p] += start[p-1]
	}
	next := append([]int32(nil), start[:parents]...)
	pos = make([]int32, len(owner))
	for i, p := range owner {
		pos[i] = next[p]
		next[p]++
	}
	return start, pos
}

// includesOf are the includes among opts, in their order (the order of
// their levels).
func includesOf[C any](opts []Option[C]) []includer {
	var incs []includer
	for _, o := range opts {
		if o.kind == optInclude {
			incs = append(incs, o.inc)
		}
	}
	return incs
}

// appendMatch writes " WHERE alias.childCol = parent.parentCol": the join
// of a related row to its row, for filters.
func appendMatch(b []byte, alias, childCol, parent, parentCol string) []byte {
	b = append(append(append(append(b, " WHERE "...), alias...), '.'), childCol...)
	return append(append(append(append(b, " = "...), parent...), '.'), parentCol...)
}

// appendOrder writes " ORDER BY a, b DESC" (nothing without terms).
func appendOrder(b []byte, order []OrderTerm) []byte {
	for i, t := range order {
		if i == 0 {
			b = append(b, " ORDER BY "...)
		} else {
			b = append(b, ", "...)
		}
		b = append(b, t.col.quoted...)
		if t.desc {
			b = append(b, " DESC"...)
		}
	}
	return b
}

// levelWriter writes the statement of a query with includes: each level
// is a WITH query, and the result is one row with an array per column of
// each level, the query's own rows first, then the levels depth first:
//
//	WITH pod_l0 AS MATERIALIZED (SELECT "id", "name" FROM "writer" WHERE ... ORDER BY ...),
//	pod_l1 AS MATERIALIZED (SELECT i1."id", ..., i1."writer_id" FROM "novel" AS i1
//		WHERE i1."writer_id" = ANY(ARRAY(SELECT "id" FROM pod_l0)) ORDER BY ...)
//	SELECT * FROM (SELECT array_agg("id"), array_agg("name") FROM pod_l0) AS pod_a0,
//		(SELECT array_agg("id"), ..., array_agg("writer_id") FROM pod_l1) AS pod_a1,
//		(SELECT array_agg("id"), array_agg("name"), array_agg("novel_id") FROM
//			(SELECT i2."id", i2."name", i2."novel_id" FROM "tag" AS i2
//			WHERE i2."novel_id" = ANY(ARRAY(SELECT "id" FROM pod_l1)) ORDER BY ...) AS pod_l2) AS pod_a2
//
// The names start with pod_, which no table of the app may (a WITH query
// would hide a table of its name), and the row numbers of Limit and Offset
// are "pod row", which no column can be.
//
// A level is computed once, whatever the number of parents, as one query
// per list would compute it (Serverpod's way), without the round trips;
// the way before, a correlated subquery per parent row, ran 4,200 times
// for 200 writers. The keys go to the next level as an array
// (= ANY(ARRAY(...)), an index scan) rather than IN (SELECT ...): the
// planner cannot estimate a WITH query's rows, and hash-joined the whole
// child table for a single parent. Arrays of columns rather than rows:
// measured at 200 writers (16,200 rows), PostgreSQL sends them faster
// than the rows of one query per list, where an array of records (ROW())
// took four times as long as the records as rows. A materialized WITH
// query gives its rows in the order it made them, and array_agg takes
// them in that order, so each array is in its level's ORDER BY; a level
// without nested ones is a subquery rather than a WITH query, which saves
// storing its rows (measured: 6-7.6 against 9.4-11 ms of server time at
// 200 writers), and array_agg reads a subquery's rows in its order too.
type levelWriter struct {
	with, from []byte // the WITH list; the FROM list of the SELECT
	args       []any
	n          int // levels so far (0 is the query's own rows)
}

// appendIncludes ends the statement of a query of t with includes: b
// holds "WITH pod_l0 AS MATERIALIZED (" and the query of its own rows.
func appendIncludes(b []byte, args []any, t *tableDef, incs []includer) ([]byte, []any, error) {
	w := levelWriter{with: append(b, ')'), args: args, n: 1}
	w.from = appendArrays(append(make([]byte, 0, 256), " SELECT * FROM "...), t.columns, []byte("pod_l0"), "0")
	for _, in := range incs {
		if err := in.appendLevel(&w, "pod_l0", 0); err != nil {
			return b, args, err
		}
	}
	return append(w.with, w.from...), w.args, nil
}

// appendArrays writes (SELECT array_agg(column), ... FROM from) AS pod_aN.
func appendArrays(b []byte, columns []string, from []byte, n string) []byte {
	for i, c := range columns {
		if i == 0 {
			b = append(b, "(SELECT "...)
		} else {
			b = append(b, ", "...)
		}
		b = append(append(append(b, "array_agg("...), c...), ')')
	}
	return append(append(append(append(b, " FROM "...), from...), ") AS pod_a"...), n...)
}

// level is what the SQL of one include's level is made of: the rows of
// child whose childCol is the parentCol of a parent row.
type level struct {
	child               *tableDef
	childCol, parentCol string
	where               *exprNode
	o                   *options
	nested              []includer
}

// level writes l and its nested levels: a WITH query that they select
// from, or for a level without any a subquery of its arrays (which
// array_agg reads in the subquery's order).
func (w *levelWriter) level(l *level, parent string, depth int) error {
	n := strconv.Itoa(w.n)
	name := "pod_l" + n
	w.n++
	alias := "i" + strconv.Itoa(depth+1)
	if len(l.nested) == 0 {
		var rows []byte
		rows, w.args = appendLevelRows(append(make([]byte, 0, 256), "(SELECT "...), w.args, l, parent, alias, depth)
		w.from = appendArrays(append(w.from, ", "...), l.child.columns, append(append(rows, ") AS "...), name...), n)
		return nil
	}
	w.with = append(append(append(w.with, ", "...), name...), " AS MATERIALIZED (SELECT "...)
	w.with, w.args = appendLevelRows(w.with, w.args, l, parent, alias, depth)
	w.with = append(w.with, ')')
	w.from = appendArrays(append(w.from, ", "...), l.child.columns, []byte(name), n)
	for _, in := range l.nested {
		if err := in.appendLevel(w, name, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// appendLevelRows writes, after a SELECT, a level's rows: child's columns
// FROM child AS alias, those matching a row of level parent and where, in
// the level's order. Limit and Offset count the rows of each parent:
// row_number() numbers them in a subquery.
func appendLevelRows(b []byte, args []any, l *level, parent, alias string, depth int) ([]byte, []any) {
	for i, c := range l.child.columns {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(append(append(b, alias...), '.'), c...)
	}
	b = append(b, " FROM "...)
	paged := l.o.hasLimit || l.o.hasOffset
	if paged {
		b = append(append(append(b, "(SELECT "...), alias...), ".*, row_number() OVER (PARTITION BY "...)
		b = append(append(append(b, alias...), '.'), l.childCol...)
		b = append(appendOrder(b, l.o.order), ") AS \"pod row\" FROM "...)
	}
	b = append(append(append(b, l.child.quoted...), " AS "...), alias...)
	b = append(append(append(append(b, " WHERE "...), alias...), '.'), l.childCol...)
	b = append(append(append(append(append(b, " = ANY(ARRAY(SELECT "...), l.parentCol...), " FROM "...), parent...), "))"...)
	if l.where != nil {
		b, args = l.where.appendIn(append(b, " AND "...), args, alias, depth+1)
	}
	if paged {
		b, args = bind(append(append(append(b, ") AS "...), alias...), " WHERE \"pod row\" > "...), args, l.o.offset)
		if l.o.hasLimit {
			last := l.o.offset + l.o.limit
			if last < l.o.offset { // overflow: no limit
				last = math.MaxInt64
			}
			b, args = bind(append(b, " AND \"pod row\" <= "...), args, last)
		}
	}
	return appendOrder(b, l.o.order), args
}
