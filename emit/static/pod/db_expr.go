package pod

// Expr is a WHERE condition on the table of model M (Expr[Company] for
// table company). Columns of pod.<Class>T make them; And, Or and Not
// combine them. Because M is part of the type, a condition on one table
// cannot be used in a query on another: it does not compile. A nil *Expr
// is "no condition", so a query can be built up from nothing:
//
//	var w *pod.Expr[pod.Company]
//	w = w.And(pod.CompanyT.Name.Like("A%"))
type Expr[M any] struct{ n exprNode }

// exprNode is an Expr without its table: the tree the SQL is written
// from. The model type lives only on Expr, in the types users see, so that
// writing SQL is compiled once and not once per table.
type exprNode struct {
	op    exprOp
	col   *column
	arg   any       // the value of a comparison
	args  []any     // the values of InSet, NotInSet, Between
	left  *exprNode // And, Or, Not
	right *exprNode // And, Or
	sub   *subquery // a relation filter: Any, None, Every, or the count of Count
}

// wrap gives n its table.
func wrap[M any](n exprNode) *Expr[M] { return &Expr[M]{n} }

// node is e's tree, nil for no condition.
func (e *Expr[M]) node() *exprNode {
	if e == nil {
		return nil
	}
	return &e.n
}

type exprOp uint8

const (
	opEq exprOp = iota + 1
	opNe
	opGt
	opGe
	opLt
	opLe
	opLike
	opILike
	opIsNull
	opIsNotNull
	opBetween
	opIn
	opNotIn
	opAnd
	opOr
	opNot
	opAny
	opNone
	opEvery
)

// compareSQL is the SQL operator of each comparison.
var compareSQL = [...]string{opEq: " = ", opNe: " <> ", opGt: " > ", opGe: " >= ",
	opLt: " < ", opLe: " <= ", opLike: " LIKE ", opILike: " ILIKE "}

// And is e AND o; a nil side is left out.
func (e *Expr[M]) And(o *Expr[M]) *Expr[M] { return combine(opAnd, e, o) }

// Or is e OR o; a nil side is left out.
func (e *Expr[M]) Or(o *Expr[M]) *Expr[M] { return combine(opOr, e, o) }

func combine[M any](op exprOp, a, b *Expr[M]) *Expr[M] {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return wrap[M](exprNode{op: op, left: &a.n, right: &b.n})
}

// Not is NOT e. NOT of no condition is no condition.
func Not[M any](e *Expr[M]) *Expr[M] {
	if e == nil {
		return nil
	}
	return wrap[M](exprNode{op: opNot, left: &e.n})
}

// column is what an expression knows about a column.
type column struct {
	table    string // table name, for the error of a foreign ORDER BY
	quoted   string // the quoted column name: "num_employees"
	nullable bool
}

// appendSQL writes e as SQL to b, binding its values as $n parameters after
// those already in args. Parentheses follow the tree, so And/Or nesting
// means exactly what the Go code says.
func (e *exprNode) appendSQL(b []byte, args []any) ([]byte, []any) {
	return e.appendIn(b, args, "", 0)
}

// appendIn is appendSQL in a statement where the row e tests is named
// self ("" at the top level: the table's own name) and relation filters
// nest depth deep. Columns are written unqualified: in SQL they resolve to
// the innermost table that has them, which is e's.
func (e *exprNode) appendIn(b []byte, args []any, self string, depth int) ([]byte, []any) {
	switch e.op {
	case opAnd, opOr:
		b = append(b, '(')
		b, args = e.left.appendIn(b, args, self, depth)
		if e.op == opAnd {
			b = append(b, " AND "...)
		} else {
			b = append(b, " OR "...)
		}
		b, args = e.right.appendIn(b, args, self, depth)
		return append(b, ')'), args
	case opNot:
		b = append(b, "(NOT "...)
		b, args = e.left.appendIn(b, args, self, depth)
		return append(b, ')'), args
	case opAny, opNone, opEvery:
		return e.sub.appendFilter(b, args, e.op, self, depth)
	case opIsNull:
		return append(append(b, e.col.quoted...), " IS NULL"...), args
	case opIsNotNull:
		return append(append(b, e.col.quoted...), " IS NOT NULL"...), args
	case opBetween:
		b = append(b, e.col.quoted...)
		b, args = bind(append(b, " BETWEEN "...), args, e.args[0])
		return bind(append(b, " AND "...), args, e.args[1])
	case opIn, opNotIn:
		return e.appendSet(b, args)
	}
	op := compareSQL[e.op]
	if e.sub != nil { // Count(...).GreaterThan(n)
		b, args = e.sub.appendCount(b, args, self, depth)
		return bind(append(b, op...), args, e.arg)
	}
	if e.op == opNe && e.col.nullable {
		op = " IS DISTINCT FROM " // as in Go, nil is not equal to a value
	}
	b = append(append(b, e.col.quoted...), op...)
	return bind(b, args, e.arg)
}

// appendSet writes InSet/NotInSet. An empty InSet matches nothing and an
// empty NotInSet everything. As with NotEquals, a NULL is not in any set,
// so NotInSet on a nullable column also matches its NULL rows (plain SQL
// NOT IN would drop them).
func (e *exprNode) appendSet(b []byte, args []any) ([]byte, []any) {
	if len(e.args) == 0 {
		if e.op == opIn {
			return append(b, "FALSE"...), args
		}
		return append(b, "TRUE"...), args
	}
	if e.op == opNotIn && e.col.nullable {
		b = append(append(append(b, '('), e.col.quoted...), " IS NULL OR "...)
	}
	b = append(b, e.col.quoted...)
	if e.op == opIn {
		b = append(b, " IN ("...)
	} else {
		b = append(b, " NOT IN ("...)
	}
	for i, v := range e.args {
		if i > 0 {
			b = append(b, ", "...)
		}
		b, args = bind(b, args, v)
	}
	b = append(b, ')')
	if e.op == opNotIn && e.col.nullable {
		b = append(b, ')')
	}
	return b, args
}

// bind appends v as the next parameter and writes its $n.
func bind(b []byte, args []any, v any) ([]byte, []any) {
	args = append(args, v)
	return appendParam(b, len(args)), args
}

// appendParam writes $n.
func appendParam(b []byte, n int) []byte {
	b = append(b, '$')
	if n >= 10 {
		var d [20]byte
		i := len(d)
		for ; n > 0; n /= 10 {
			i--
			d[i] = byte('0' + n%10)
		}
		return append(b, d[i:]...)
	}
	return append(b, byte('0'+n))
}

// OrderTerm is one ORDER BY term, made by a column's Asc or Desc.
type OrderTerm struct {
	col  *column
	desc bool
}

// QueryOption shapes a query on any table: OrderBy, Limit, Offset, the
// keyset of After, and the row locks ForUpdate, ForNoKeyUpdate, ForShare
// and ForKeyShare with their SkipLocked and NoWait. It is an unnamed
// struct type, so that it is an Option of every table.
type QueryOption = struct {
	order []OrderTerm
	n     int64    // Limit, Offset
	after any      // After's row, a *M
	lock  string   // FOR UPDATE, ..., SKIP LOCKED, NOWAIT
	inc   includer // an include
	kind  uint8
}

// Option is what the queries of table M (Find, FindFirst, FindByID) take
// besides the condition: a QueryOption, or an include of one of M's
// relations (pod.AuthorT.Books.Include(nil)), which only M's queries take:
// an include of another table's relation does not compile.
type Option[M any] QueryOption

const (
	optOrder uint8 = iota + 1
	optLimit
	optOffset
	optAfter
	optLock
	optWait
	optInclude
)

// OrderBy sorts by the columns in turn: pod.OrderBy(pod.CompanyT.Name.Asc(),
// pod.CompanyT.ID.Desc()).
func OrderBy(o ...OrderTerm) QueryOption { return QueryOption{kind: optOrder, order: o} }

// Limit returns at most n rows.
func Limit(n int) QueryOption { return QueryOption{kind: optLimit, n: int64(n)} }

// Offset skips the first n rows.
func Offset(n int) QueryOption { return QueryOption{kind: optOffset, n: int64(n)} }

// After pages by keyset: it returns the rows that come after row in the
// query's OrderBy, so the next page starts where the last one ended
// however many rows came before it (Offset reads and skips them all):
//
//	page, err := s.DB.Company.Find(nil, pod.OrderBy(pod.CompanyT.Name.Asc(),
//		pod.CompanyT.ID.Asc()), pod.After(last), pod.Limit(50))
//
// row is a row of the queried table (the last of the previous page). The
// order must end with a unique column (the id) and have no nullable
// column, or rows would be skipped or repeated; After refuses nullable
// ones.
func After[M any](row *M) Option[M] { return Option[M]{kind: optAfter, after: row} }

// ForUpdate locks the rows found against updates, deletes and other
// locks until the transaction ends (SELECT ... FOR UPDATE). Row locks are
// for transactions: outside one a query with a lock is an error.
func ForUpdate() QueryOption { return QueryOption{kind: optLock, lock: " FOR UPDATE"} }

// ForNoKeyUpdate is FOR NO KEY UPDATE: as ForUpdate, but it lets other
// transactions insert rows that reference the locked ones.
func ForNoKeyUpdate() QueryOption { return QueryOption{kind: optLock, lock: " FOR NO KEY UPDATE"} }

// ForShare is FOR SHARE: other transactions may read and share-lock the
// rows, but not change them, until the transaction ends.
func ForShare() QueryOption { return QueryOption{kind: optLock, lock: " FOR SHARE"} }

// ForKeyShare is FOR KEY SHARE: only deletes and key changes wait.
func ForKeyShare() QueryOption { return QueryOption{kind: optLock, lock: " FOR KEY SHARE"} }

// SkipLocked, with a lock, leaves out the rows another transaction holds
// locked instead of waiting for them (work queues).
func SkipLocked() QueryOption { return QueryOption{kind: optWait, lock: " SKIP LOCKED"} }

// NoWait, with a lock, fails at once when a row is locked by another
// transaction instead of waiting.
func NoWait() QueryOption { return QueryOption{kind: optWait, lock: " NOWAIT"} }

// options are a query's QueryOptions, read and checked.
type options struct {
	order               []OrderTerm
	limit, offset       int64
	hasLimit, hasOffset bool
	after               any
	lock, wait          string
	includes            []includer
}

// readOptions collects opts; an ORDER BY column of another table is an
// error (the types cannot catch it, since options are shared by all
// tables), and so is SkipLocked or NoWait without a lock.
func readOptions[M any](opts []Option[M], table string) (options, error) {
	var o options
	for i := range opts {
		if err := o.read((*QueryOption)(&opts[i]), table); err != nil {
			return o, err
		}
	}
	if o.wait != "" && o.lock == "" {
		return o, errorf("%s without a lock (ForUpdate, ForShare, ...)", o.wait[1:])
	}
	return o, nil
}

// read adds one option of a query on table.
func (o *options) read(q *QueryOption, table string) error {
	switch q.kind {
	case optLimit:
		o.limit, o.hasLimit = q.n, true
	case optOffset:
		o.offset, o.hasOffset = q.n, true
	case optAfter:
		o.after = q.after
	case optLock:
		o.lock = q.lock
	case optWait:
		o.wait = q.lock
	case optInclude:
		o.includes = append(o.includes, q.inc)
	case optOrder:
		for _, t := range q.order {
			if t.col == nil || t.col.table != table {
				return errorOrder(t, table)
			}
		}
		if o.order == nil {
			o.order = q.order
		} else {
			o.order = append(o.order[:len(o.order):len(o.order)], q.order...)
		}
	}
	return nil
}

// appendSQL writes ORDER BY, LIMIT, OFFSET and the lock; limit and
// offset travel as parameters, so every page of a query shares one SQL
// text.
func (o *options) appendSQL(b []byte, args []any) ([]byte, []any) {
	b = appendOrder(b, o.order)
	if o.hasLimit {
		b, args = bind(append(b, " LIMIT "...), args, o.limit)
	}
	if o.hasOffset {
		b, args = bind(append(b, " OFFSET "...), args, o.offset)
	}
	return append(append(b, o.lock...), o.wait...), args
}

func errorOrder(t OrderTerm, table string) error {
	if t.col == nil {
		return errorf("OrderBy with a zero Order")
	}
	return errorf("cannot order a query on table %q by column %s of table %q", table, t.col.quoted, t.col.table)
}
