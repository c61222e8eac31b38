package pod

// Expr is a WHERE condition on the table of model M (Expr[Company] for
// table company). Columns of pod.<Class>T make them; And, Or and Not
// combine them. Because M is part of the type, a condition on one table
// cannot be used in a query on another: it does not compile. A nil *Expr
// is "no condition", so a query can be built up from nothing:
//
//	var w *pod.Expr[pod.Company]
//	w = w.And(pod.CompanyT.Name.Like("A%"))
type Expr[M any] struct {
	op    exprOp
	col   *column
	arg   any      // the value of a comparison
	args  []any    // the values of InSet, NotInSet, Between
	left  *Expr[M] // And, Or, Not
	right *Expr[M] // And, Or
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
	return &Expr[M]{op: op, left: a, right: b}
}

// Not is NOT e. NOT of no condition is no condition.
func Not[M any](e *Expr[M]) *Expr[M] {
	if e == nil {
		return nil
	}
	return &Expr[M]{op: opNot, left: e}
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
func (e *Expr[M]) appendSQL(b []byte, args []any) ([]byte, []any) {
	switch e.op {
	case opAnd, opOr:
		b = append(b, '(')
		b, args = e.left.appendSQL(b, args)
		if e.op == opAnd {
			b = append(b, " AND "...)
		} else {
			b = append(b, " OR "...)
		}
		b, args = e.right.appendSQL(b, args)
		return append(b, ')'), args
	case opNot:
		b = append(b, "(NOT "...)
		b, args = e.left.appendSQL(b, args)
		return append(b, ')'), args
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
func (e *Expr[M]) appendSet(b []byte, args []any) ([]byte, []any) {
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

// QueryOption is OrderBy, Limit or Offset, for Find and FindFirst.
type QueryOption struct {
	order  []OrderTerm
	limit  int64
	offset int64
	kind   uint8
}

const (
	optOrder uint8 = iota + 1
	optLimit
	optOffset
)

// OrderBy sorts by the columns in turn: pod.OrderBy(pod.CompanyT.Name.Asc(),
// pod.CompanyT.ID.Desc()).
func OrderBy(o ...OrderTerm) QueryOption { return QueryOption{kind: optOrder, order: o} }

// Limit returns at most n rows.
func Limit(n int) QueryOption { return QueryOption{kind: optLimit, limit: int64(n)} }

// Offset skips the first n rows.
func Offset(n int) QueryOption { return QueryOption{kind: optOffset, offset: int64(n)} }

// appendOptions writes ORDER BY, LIMIT and OFFSET; limit and offset travel
// as parameters too, so every page of a query shares one SQL text. An
// ORDER BY column of another table is an error (the types cannot catch it,
// since options are shared by all tables).
func appendOptions(b []byte, args []any, table string, opts []QueryOption) ([]byte, []any, error) {
	var limit, offset *QueryOption
	first := true
	for i := range opts {
		o := &opts[i]
		switch o.kind {
		case optLimit:
			limit = o
		case optOffset:
			offset = o
		case optOrder:
			for _, t := range o.order {
				if t.col == nil || t.col.table != table {
					return b, args, errorOrder(t, table)
				}
				if first {
					b = append(b, " ORDER BY "...)
					first = false
				} else {
					b = append(b, ", "...)
				}
				b = append(b, t.col.quoted...)
				if t.desc {
					b = append(b, " DESC"...)
				}
			}
		}
	}
	if limit != nil {
		b, args = bind(append(b, " LIMIT "...), args, limit.limit)
	}
	if offset != nil {
		b, args = bind(append(b, " OFFSET "...), args, offset.offset)
	}
	return b, args, nil
}

func errorOrder(t OrderTerm, table string) error {
	if t.col == nil {
		return errorf("OrderBy with a zero Order")
	}
	return errorf("cannot order a query on table %q by column %s of table %q", table, t.col.quoted, t.col.table)
}
