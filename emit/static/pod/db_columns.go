package pod

import (
	"math/big"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// The column types of the table descriptors (pod.<Class>T). Each has the
// operators that fit its kind and nothing else:
//
//	all but JSON        Equals NotEquals Set (for UpdateWhere)
//	all but ByteData,   InSet NotInSet
//	bool and JSON
//	numbers, String,    GreaterThan GreaterOrEqual LessThan LessOrEqual
//	DateTime, Duration, Between
//	BigInt
//	String              Like ILike
//	all but ByteData    Asc Desc (ORDER BY)
//	and JSON
//	nullable (Null...)  IsNull IsNotNull SetNull
//
// M is the table's model type, so every operator returns that table's
// *Expr[M]. Values are converted to what the column stores (DateTime to
// UTC, Duration to milliseconds, an enum to its name) and always bound as
// parameters.
//
// The kinds share six generic types (OrderedColumn for the ordered ones,
// KeyColumn for UUID, enum and Uri, and one each for String, bool,
// ByteData and JSON), named per kind by aliases. Their operators have
// pointer receivers and are written on the type itself, not promoted from
// embedded parts: the compiler makes every method of every instantiation,
// once per table, so each embedded layer and each value receiver (which
// also gets a pointer wrapper) multiplied the functions of a table's
// columns. A column is a field of a package-level descriptor and so
// always addressable.

// colOps is what every column holds: the column, and the conversion of a
// Go value V to what it stores. It has no methods, which embedding would
// promote: opExpr, opSet and betweenExpr are functions, instantiated once
// per value type.
type colOps[V any] struct {
	c    *column
	conv func(V) any
}

func opExpr[V any](o *colOps[V], op exprOp, v V) exprNode {
	return exprNode{op: op, col: o.c, arg: o.conv(v)}
}

func opSet[V any](o *colOps[V], op exprOp, v []V) exprNode {
	args := make([]any, len(v))
	for i := range v {
		args[i] = o.conv(v[i])
	}
	return exprNode{op: op, col: o.c, args: args}
}

func betweenExpr[V any](o *colOps[V], a, b V) exprNode {
	return exprNode{op: opBetween, col: o.c, args: []any{o.conv(a), o.conv(b)}}
}

// OrderedColumn is a column of an ordered kind: int, double, DateTime,
// Duration, BigInt (IntColumn, DoubleColumn, ... are its aliases).
type OrderedColumn[M, V any] struct{ colOps[V] }

// Equals is column = v.
func (o *OrderedColumn[M, V]) Equals(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opEq, v)) }

// NotEquals is column <> v; on a nullable column NULL counts as not equal.
func (o *OrderedColumn[M, V]) NotEquals(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opNe, v)) }

// InSet is column IN (v...); an empty set matches no row.
func (o *OrderedColumn[M, V]) InSet(v ...V) *Expr[M] { return wrap[M](opSet(&o.colOps, opIn, v)) }

// NotInSet is column NOT IN (v...); an empty set matches every row, and on
// a nullable column NULL is not in any set.
func (o *OrderedColumn[M, V]) NotInSet(v ...V) *Expr[M] { return wrap[M](opSet(&o.colOps, opNotIn, v)) }

// GreaterThan is column > v.
func (o *OrderedColumn[M, V]) GreaterThan(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opGt, v)) }

// GreaterOrEqual is column >= v.
func (o *OrderedColumn[M, V]) GreaterOrEqual(v V) *Expr[M] {
	return wrap[M](opExpr(&o.colOps, opGe, v))
}

// LessThan is column < v.
func (o *OrderedColumn[M, V]) LessThan(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opLt, v)) }

// LessOrEqual is column <= v.
func (o *OrderedColumn[M, V]) LessOrEqual(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opLe, v)) }

// Between is column BETWEEN a AND b (both ends included).
func (o *OrderedColumn[M, V]) Between(a, b V) *Expr[M] { return wrap[M](betweenExpr(&o.colOps, a, b)) }

// Asc orders by the column, smallest first (NULLs last).
func (o *OrderedColumn[M, V]) Asc() OrderTerm { return OrderTerm{col: o.c} }

// Desc orders by the column, largest first (NULLs first).
func (o *OrderedColumn[M, V]) Desc() OrderTerm { return OrderTerm{col: o.c, desc: true} }

// Set is column = v, for UpdateWhere; v is converted as Equals converts it.
func (o *OrderedColumn[M, V]) Set(v V) Assignment[M] { return assign[M](o.c, o.conv(v)) }

func (o OrderedColumn[M, V]) sqlColumn() *column { return o.c }
func (OrderedColumn[M, V]) of(*M)                {}

// StringColumn is a String (text) column: ordered, with the pattern
// matches.
type StringColumn[M any] struct{ colOps[string] }

// Equals is column = v.
func (o *StringColumn[M]) Equals(v string) *Expr[M] { return wrap[M](opExpr(&o.colOps, opEq, v)) }

// NotEquals is column <> v; on a nullable column NULL counts as not equal.
func (o *StringColumn[M]) NotEquals(v string) *Expr[M] { return wrap[M](opExpr(&o.colOps, opNe, v)) }

// InSet is column IN (v...); an empty set matches no row.
func (o *StringColumn[M]) InSet(v ...string) *Expr[M] { return wrap[M](opSet(&o.colOps, opIn, v)) }

// NotInSet is column NOT IN (v...); an empty set matches every row, and on
// a nullable column NULL is not in any set.
func (o *StringColumn[M]) NotInSet(v ...string) *Expr[M] {
	return wrap[M](opSet(&o.colOps, opNotIn, v))
}

// GreaterThan is column > v.
func (o *StringColumn[M]) GreaterThan(v string) *Expr[M] { return wrap[M](opExpr(&o.colOps, opGt, v)) }

// GreaterOrEqual is column >= v.
func (o *StringColumn[M]) GreaterOrEqual(v string) *Expr[M] {
	return wrap[M](opExpr(&o.colOps, opGe, v))
}

// LessThan is column < v.
func (o *StringColumn[M]) LessThan(v string) *Expr[M] { return wrap[M](opExpr(&o.colOps, opLt, v)) }

// LessOrEqual is column <= v.
func (o *StringColumn[M]) LessOrEqual(v string) *Expr[M] { return wrap[M](opExpr(&o.colOps, opLe, v)) }

// Between is column BETWEEN a AND b (both ends included).
func (o *StringColumn[M]) Between(a, b string) *Expr[M] { return wrap[M](betweenExpr(&o.colOps, a, b)) }

// Like is column LIKE pattern: % is any run of characters, _ any one, and
// \ escapes them.
func (o *StringColumn[M]) Like(pattern string) *Expr[M] {
	return wrap[M](opExpr(&o.colOps, opLike, pattern))
}

// ILike is Like ignoring case.
func (o *StringColumn[M]) ILike(pattern string) *Expr[M] {
	return wrap[M](opExpr(&o.colOps, opILike, pattern))
}

// Asc orders by the column, smallest first (NULLs last).
func (o *StringColumn[M]) Asc() OrderTerm { return OrderTerm{col: o.c} }

// Desc orders by the column, largest first (NULLs first).
func (o *StringColumn[M]) Desc() OrderTerm { return OrderTerm{col: o.c, desc: true} }

// Set is column = v, for UpdateWhere.
func (o *StringColumn[M]) Set(v string) Assignment[M] { return assign[M](o.c, v) }

func (o StringColumn[M]) sqlColumn() *column { return o.c }
func (StringColumn[M]) of(*M)                {}

// KeyColumn is a column compared for equality and sets but not order: a
// UuidValue, an enum, a Uri (UUIDColumn, EnumColumn, URLColumn).
type KeyColumn[M, V any] struct{ colOps[V] }

// Equals is column = v.
func (o *KeyColumn[M, V]) Equals(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opEq, v)) }

// NotEquals is column <> v; on a nullable column NULL counts as not equal.
func (o *KeyColumn[M, V]) NotEquals(v V) *Expr[M] { return wrap[M](opExpr(&o.colOps, opNe, v)) }

// InSet is column IN (v...); an empty set matches no row.
func (o *KeyColumn[M, V]) InSet(v ...V) *Expr[M] { return wrap[M](opSet(&o.colOps, opIn, v)) }

// NotInSet is column NOT IN (v...); an empty set matches every row, and on
// a nullable column NULL is not in any set.
func (o *KeyColumn[M, V]) NotInSet(v ...V) *Expr[M] { return wrap[M](opSet(&o.colOps, opNotIn, v)) }

// Asc orders by the column, smallest first (NULLs last).
func (o *KeyColumn[M, V]) Asc() OrderTerm { return OrderTerm{col: o.c} }

// Desc orders by the column, largest first (NULLs first).
func (o *KeyColumn[M, V]) Desc() OrderTerm { return OrderTerm{col: o.c, desc: true} }

// Set is column = v, for UpdateWhere; v is converted as Equals converts it.
func (o *KeyColumn[M, V]) Set(v V) Assignment[M] { return assign[M](o.c, o.conv(v)) }

func (o KeyColumn[M, V]) sqlColumn() *column { return o.c }
func (KeyColumn[M, V]) of(*M)                {}

// BoolColumn is a bool column.
type BoolColumn[M any] struct{ c *column }

// Equals is column = v.
func (o *BoolColumn[M]) Equals(v bool) *Expr[M] { return wrap[M](exprNode{op: opEq, col: o.c, arg: v}) }

// NotEquals is column <> v; on a nullable column NULL counts as not equal.
func (o *BoolColumn[M]) NotEquals(v bool) *Expr[M] {
	return wrap[M](exprNode{op: opNe, col: o.c, arg: v})
}

// Asc orders by the column, false first (NULLs last).
func (o *BoolColumn[M]) Asc() OrderTerm { return OrderTerm{col: o.c} }

// Desc orders by the column, true first (NULLs first).
func (o *BoolColumn[M]) Desc() OrderTerm { return OrderTerm{col: o.c, desc: true} }

// Set is column = v, for UpdateWhere.
func (o *BoolColumn[M]) Set(v bool) Assignment[M] { return assign[M](o.c, v) }

func (o BoolColumn[M]) sqlColumn() *column { return o.c }
func (BoolColumn[M]) of(*M)                {}

// BytesColumn is a ByteData (bytea) column.
type BytesColumn[M any] struct{ c *column }

// Equals is column = v.
func (o *BytesColumn[M]) Equals(v []byte) *Expr[M] {
	return wrap[M](exprNode{op: opEq, col: o.c, arg: v})
}

// NotEquals is column <> v; on a nullable column NULL counts as not equal.
func (o *BytesColumn[M]) NotEquals(v []byte) *Expr[M] {
	return wrap[M](exprNode{op: opNe, col: o.c, arg: v})
}

// Set is column = v, for UpdateWhere.
func (o *BytesColumn[M]) Set(v []byte) Assignment[M] { return assign[M](o.c, v) }

func (o BytesColumn[M]) sqlColumn() *column { return o.c }
func (BytesColumn[M]) of(*M)                {}

// JSONColumn is a column of a class, List or Map (json): it has no
// operators; a nullable one has the NULL checks.
type JSONColumn[M any] struct{ c *column }

func (o JSONColumn[M]) sqlColumn() *column { return o.c }
func (JSONColumn[M]) of(*M)                {}

// The kinds' names of the shared types.
type (
	// IntColumn is an int (bigint) column.
	IntColumn[M any] = OrderedColumn[M, int64]
	// DoubleColumn is a double column.
	DoubleColumn[M any] = OrderedColumn[M, float64]
	// DateTimeColumn is a DateTime (timestamp, UTC) column.
	DateTimeColumn[M any] = OrderedColumn[M, time.Time]
	// DurationColumn is a Duration column (bigint milliseconds).
	DurationColumn[M any] = OrderedColumn[M, time.Duration]
	// BigIntColumn is a BigInt column (numeric); a nil value compares as 0.
	BigIntColumn[M any] = OrderedColumn[M, *big.Int]
	// UUIDColumn is a UuidValue column.
	UUIDColumn[M any, U ~[16]byte] = KeyColumn[M, U]
	// EnumColumn is an enum column (text holding the value's name).
	EnumColumn[M any, E ~string] = KeyColumn[M, E]
	// EnumIndexColumn is a column of a byIndex enum (bigint holding the
	// value's position); its operators take the enum's values.
	EnumIndexColumn[M any, E ~string] = KeyColumn[M, E]
	// URLColumn is a Uri column (text holding u.String()).
	URLColumn[M any] = KeyColumn[M, url.URL]
)

// nullOps are the NULL checks of a nullable column.
type nullOps[M any] struct{ c *column }

// IsNull is column IS NULL.
func (o *nullOps[M]) IsNull() *Expr[M] { return wrap[M](exprNode{op: opIsNull, col: o.c}) }

// IsNotNull is column IS NOT NULL.
func (o *nullOps[M]) IsNotNull() *Expr[M] { return wrap[M](exprNode{op: opIsNotNull, col: o.c}) }

// SetNull is column = NULL, for UpdateWhere.
func (o *nullOps[M]) SetNull() Assignment[M] { return assign[M](o.c, nil) }

// The nullable columns: a column's operators and the NULL checks.
type (
	// NullOrderedColumn is a nullable OrderedColumn.
	NullOrderedColumn[M, V any] struct {
		OrderedColumn[M, V]
		nullOps[M]
	}
	// NullStringColumn is a nullable String column.
	NullStringColumn[M any] struct {
		StringColumn[M]
		nullOps[M]
	}
	// NullKeyColumn is a nullable KeyColumn.
	NullKeyColumn[M, V any] struct {
		KeyColumn[M, V]
		nullOps[M]
	}
	// NullBoolColumn is a nullable bool column.
	NullBoolColumn[M any] struct {
		BoolColumn[M]
		nullOps[M]
	}
	// NullBytesColumn is a nullable ByteData column.
	NullBytesColumn[M any] struct {
		BytesColumn[M]
		nullOps[M]
	}
	// NullJSONColumn is a nullable class, List or Map column.
	NullJSONColumn[M any] struct {
		JSONColumn[M]
		nullOps[M]
	}
)

type (
	// NullIntColumn is a nullable int column.
	NullIntColumn[M any] = NullOrderedColumn[M, int64]
	// NullDoubleColumn is a nullable double column.
	NullDoubleColumn[M any] = NullOrderedColumn[M, float64]
	// NullDateTimeColumn is a nullable DateTime column.
	NullDateTimeColumn[M any] = NullOrderedColumn[M, time.Time]
	// NullDurationColumn is a nullable Duration column.
	NullDurationColumn[M any] = NullOrderedColumn[M, time.Duration]
	// NullBigIntColumn is a nullable BigInt column.
	NullBigIntColumn[M any] = NullOrderedColumn[M, *big.Int]
	// NullUUIDColumn is a nullable UuidValue column.
	NullUUIDColumn[M any, U ~[16]byte] = NullKeyColumn[M, U]
	// NullEnumColumn is a nullable enum column.
	NullEnumColumn[M any, E ~string] = NullKeyColumn[M, E]
	// NullEnumIndexColumn is a nullable byIndex enum column.
	NullEnumIndexColumn[M any, E ~string] = NullKeyColumn[M, E]
	// NullURLColumn is a nullable Uri column.
	NullURLColumn[M any] = NullKeyColumn[M, url.URL]
)

// Conversions from a Go value to what the column stores.

func asIs[V any](v V) any { return v }

func utcArg(t time.Time) any { return t.UTC() }

func durationArg(d time.Duration) any { return int64(d / time.Millisecond) }

func uuidArg[U ~[16]byte](u U) any { return pgtype.UUID{Bytes: [16]byte(u), Valid: true} }

func enumArg[E ~string](e E) any { return string(e) }

func enumIndexArg[E indexedEnum[E]](e E) any { return e.Index() }

func urlArg(u url.URL) any { return u.String() }

func bigIntArg(v *big.Int) any {
	if v == nil {
		v = new(big.Int)
	}
	return pgtype.Numeric{Int: v, Valid: true}
}

// Constructors used by the generated descriptors: newCol names the column,
// the xxxColumn functions give it its operators.

func newCol(table, name string, nullable bool) *column {
	return &column{table: table, quoted: quoteIdent(name), nullable: nullable}
}

func ordered[M, V any](c *column, conv func(V) any) OrderedColumn[M, V] {
	return OrderedColumn[M, V]{colOps[V]{c, conv}}
}

func key[M, V any](c *column, conv func(V) any) KeyColumn[M, V] {
	return KeyColumn[M, V]{colOps[V]{c, conv}}
}

func boolColumn[M any](c *column) BoolColumn[M]     { return BoolColumn[M]{c} }
func intColumn[M any](c *column) IntColumn[M]       { return ordered[M](c, asIs[int64]) }
func doubleColumn[M any](c *column) DoubleColumn[M] { return ordered[M](c, asIs[float64]) }
func stringColumn[M any](c *column) StringColumn[M] {
	return StringColumn[M]{colOps[string]{c, asIs[string]}}
}
func dateTimeColumn[M any](c *column) DateTimeColumn[M] { return ordered[M](c, utcArg) }
func durationColumn[M any](c *column) DurationColumn[M] { return ordered[M](c, durationArg) }
func bytesColumn[M any](c *column) BytesColumn[M]       { return BytesColumn[M]{c} }
func bigIntColumn[M any](c *column) BigIntColumn[M]     { return ordered[M](c, bigIntArg) }
func urlColumn[M any](c *column) URLColumn[M]           { return key[M](c, urlArg) }
func jsonColumn[M any](c *column) JSONColumn[M]         { return JSONColumn[M]{c} }

func uuidColumn[M any, U ~[16]byte](c *column) UUIDColumn[M, U] { return key[M](c, uuidArg[U]) }
func enumColumn[M any, E ~string](c *column) EnumColumn[M, E]   { return key[M](c, enumArg[E]) }

func enumIndexColumn[M any, E indexedEnum[E]](c *column) EnumColumn[M, E] {
	return key[M](c, enumIndexArg[E])
}

func nullBoolColumn[M any](c *column) NullBoolColumn[M] {
	return NullBoolColumn[M]{boolColumn[M](c), nullOps[M]{c}}
}

func nullStringColumn[M any](c *column) NullStringColumn[M] {
	return NullStringColumn[M]{stringColumn[M](c), nullOps[M]{c}}
}

func nullBytesColumn[M any](c *column) NullBytesColumn[M] {
	return NullBytesColumn[M]{bytesColumn[M](c), nullOps[M]{c}}
}

func nullJSONColumn[M any](c *column) NullJSONColumn[M] {
	return NullJSONColumn[M]{jsonColumn[M](c), nullOps[M]{c}}
}

func nullOrdered[M, V any](c *column, conv func(V) any) NullOrderedColumn[M, V] {
	return NullOrderedColumn[M, V]{ordered[M](c, conv), nullOps[M]{c}}
}

func nullKey[M, V any](c *column, conv func(V) any) NullKeyColumn[M, V] {
	return NullKeyColumn[M, V]{key[M](c, conv), nullOps[M]{c}}
}

func nullIntColumn[M any](c *column) NullIntColumn[M]           { return nullOrdered[M](c, asIs[int64]) }
func nullDoubleColumn[M any](c *column) NullDoubleColumn[M]     { return nullOrdered[M](c, asIs[float64]) }
func nullDateTimeColumn[M any](c *column) NullDateTimeColumn[M] { return nullOrdered[M](c, utcArg) }
func nullDurationColumn[M any](c *column) NullDurationColumn[M] {
	return nullOrdered[M](c, durationArg)
}
func nullBigIntColumn[M any](c *column) NullBigIntColumn[M] { return nullOrdered[M](c, bigIntArg) }
func nullURLColumn[M any](c *column) NullURLColumn[M]       { return nullKey[M](c, urlArg) }

func nullUUIDColumn[M any, U ~[16]byte](c *column) NullUUIDColumn[M, U] {
	return nullKey[M](c, uuidArg[U])
}

func nullEnumColumn[M any, E ~string](c *column) NullEnumColumn[M, E] {
	return nullKey[M](c, enumArg[E])
}

func nullEnumIndexColumn[M any, E indexedEnum[E]](c *column) NullEnumColumn[M, E] {
	return nullKey[M](c, enumIndexArg[E])
}
