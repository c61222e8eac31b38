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
//	all but JSON        Equals NotEquals InSet NotInSet (ByteData: no sets)
//	numbers, String,    GreaterThan GreaterOrEqual LessThan LessOrEqual
//	DateTime, Duration, Between
//	BigInt
//	String              Like ILike
//	all but ByteData    Asc Desc (ORDER BY)
//	and JSON
//	nullable (Null...)  IsNull IsNotNull
//
// M is the table's model type, so every operator returns that table's
// *Expr[M]. Values are converted to what the column stores (DateTime to
// UTC, Duration to milliseconds, an enum to its name) and always bound as
// parameters.

// valueOps are the equality operators of a column holding Go values V.
type valueOps[M, V any] struct {
	c    *column
	conv func(V) any
}

// Equals is column = v.
func (o valueOps[M, V]) Equals(v V) *Expr[M] { return &Expr[M]{op: opEq, col: o.c, arg: o.conv(v)} }

// NotEquals is column <> v; on a nullable column NULL counts as not equal.
func (o valueOps[M, V]) NotEquals(v V) *Expr[M] {
	return &Expr[M]{op: opNe, col: o.c, arg: o.conv(v)}
}

// setOps are InSet and NotInSet.
type setOps[M, V any] valueOps[M, V]

// InSet is column IN (v...); an empty set matches no row.
func (o setOps[M, V]) InSet(v ...V) *Expr[M] { return o.set(opIn, v) }

// NotInSet is column NOT IN (v...); an empty set matches every row, and on
// a nullable column NULL is not in any set.
func (o setOps[M, V]) NotInSet(v ...V) *Expr[M] { return o.set(opNotIn, v) }

func (o setOps[M, V]) set(op exprOp, v []V) *Expr[M] {
	args := make([]any, len(v))
	for i := range v {
		args[i] = o.conv(v[i])
	}
	return &Expr[M]{op: op, col: o.c, args: args}
}

// orderOps are the comparisons of an ordered kind.
type orderOps[M, V any] valueOps[M, V]

// GreaterThan is column > v.
func (o orderOps[M, V]) GreaterThan(v V) *Expr[M] { return o.cmp(opGt, v) }

// GreaterOrEqual is column >= v.
func (o orderOps[M, V]) GreaterOrEqual(v V) *Expr[M] { return o.cmp(opGe, v) }

// LessThan is column < v.
func (o orderOps[M, V]) LessThan(v V) *Expr[M] { return o.cmp(opLt, v) }

// LessOrEqual is column <= v.
func (o orderOps[M, V]) LessOrEqual(v V) *Expr[M] { return o.cmp(opLe, v) }

// Between is column BETWEEN a AND b (both ends included).
func (o orderOps[M, V]) Between(a, b V) *Expr[M] {
	return &Expr[M]{op: opBetween, col: o.c, args: []any{o.conv(a), o.conv(b)}}
}

func (o orderOps[M, V]) cmp(op exprOp, v V) *Expr[M] {
	return &Expr[M]{op: op, col: o.c, arg: o.conv(v)}
}

// textOps are the pattern matches of a String column.
type textOps[M any] struct{ c *column }

// Like is column LIKE pattern: % is any run of characters, _ any one, and
// \ escapes them.
func (o textOps[M]) Like(pattern string) *Expr[M] {
	return &Expr[M]{op: opLike, col: o.c, arg: pattern}
}

// ILike is Like ignoring case.
func (o textOps[M]) ILike(pattern string) *Expr[M] {
	return &Expr[M]{op: opILike, col: o.c, arg: pattern}
}

// sortOps make ORDER BY terms.
type sortOps struct{ c *column }

// Asc orders by the column, smallest first (NULLs last).
func (o sortOps) Asc() OrderTerm { return OrderTerm{col: o.c} }

// Desc orders by the column, largest first (NULLs first).
func (o sortOps) Desc() OrderTerm { return OrderTerm{col: o.c, desc: true} }

// nullOps are the NULL checks of a nullable column.
type nullOps[M any] struct{ c *column }

// IsNull is column IS NULL.
func (o nullOps[M]) IsNull() *Expr[M] { return &Expr[M]{op: opIsNull, col: o.c} }

// IsNotNull is column IS NOT NULL.
func (o nullOps[M]) IsNotNull() *Expr[M] { return &Expr[M]{op: opIsNotNull, col: o.c} }

// BoolColumn is a bool column.
type BoolColumn[M any] struct {
	valueOps[M, bool]
	sortOps
}

// IntColumn is an int (bigint) column.
type IntColumn[M any] struct {
	valueOps[M, int64]
	setOps[M, int64]
	orderOps[M, int64]
	sortOps
}

// DoubleColumn is a double column.
type DoubleColumn[M any] struct {
	valueOps[M, float64]
	setOps[M, float64]
	orderOps[M, float64]
	sortOps
}

// StringColumn is a String (text) column.
type StringColumn[M any] struct {
	valueOps[M, string]
	setOps[M, string]
	orderOps[M, string]
	textOps[M]
	sortOps
}

// DateTimeColumn is a DateTime (timestamp, UTC) column.
type DateTimeColumn[M any] struct {
	valueOps[M, time.Time]
	setOps[M, time.Time]
	orderOps[M, time.Time]
	sortOps
}

// DurationColumn is a Duration column (bigint milliseconds).
type DurationColumn[M any] struct {
	valueOps[M, time.Duration]
	setOps[M, time.Duration]
	orderOps[M, time.Duration]
	sortOps
}

// BytesColumn is a ByteData (bytea) column.
type BytesColumn[M any] struct {
	valueOps[M, []byte]
}

// UUIDColumn is a UuidValue column.
type UUIDColumn[M any, U ~[16]byte] struct {
	valueOps[M, U]
	setOps[M, U]
	sortOps
}

// EnumColumn is an enum column (text holding the value's name).
type EnumColumn[M any, E ~string] struct {
	valueOps[M, E]
	setOps[M, E]
	sortOps
}

// EnumIndexColumn is a column of a byIndex enum (bigint holding the
// value's position); its operators take the enum's values.
type EnumIndexColumn[M any, E ~string] = EnumColumn[M, E]

// JSONColumn is a column of a class, List or Map (json): it has no
// operators; a nullable one has the NULL checks.
type JSONColumn[M any] struct{ c *column }

// NullBoolColumn is a nullable bool column.
type NullBoolColumn[M any] struct {
	BoolColumn[M]
	nullOps[M]
}

// NullIntColumn is a nullable int column.
type NullIntColumn[M any] struct {
	IntColumn[M]
	nullOps[M]
}

// NullDoubleColumn is a nullable double column.
type NullDoubleColumn[M any] struct {
	DoubleColumn[M]
	nullOps[M]
}

// NullStringColumn is a nullable String column.
type NullStringColumn[M any] struct {
	StringColumn[M]
	nullOps[M]
}

// NullDateTimeColumn is a nullable DateTime column.
type NullDateTimeColumn[M any] struct {
	DateTimeColumn[M]
	nullOps[M]
}

// NullDurationColumn is a nullable Duration column.
type NullDurationColumn[M any] struct {
	DurationColumn[M]
	nullOps[M]
}

// NullBytesColumn is a nullable ByteData column.
type NullBytesColumn[M any] struct {
	BytesColumn[M]
	nullOps[M]
}

// NullUUIDColumn is a nullable UuidValue column.
type NullUUIDColumn[M any, U ~[16]byte] struct {
	UUIDColumn[M, U]
	nullOps[M]
}

// NullEnumColumn is a nullable enum column.
type NullEnumColumn[M any, E ~string] struct {
	EnumColumn[M, E]
	nullOps[M]
}

// NullEnumIndexColumn is a nullable byIndex enum column.
type NullEnumIndexColumn[M any, E ~string] = NullEnumColumn[M, E]

// NullJSONColumn is a nullable class, List or Map column.
type NullJSONColumn[M any] struct {
	JSONColumn[M]
	nullOps[M]
}

// Conversions from a Go value to what the column stores.

func asIs[V any](v V) any { return v }

func utcArg(t time.Time) any { return t.UTC() }

func durationArg(d time.Duration) any { return int64(d / time.Millisecond) }

func uuidArg[U ~[16]byte](u U) any { return pgtype.UUID{Bytes: [16]byte(u), Valid: true} }

func enumArg[E ~string](e E) any { return string(e) }

func enumIndexArg[E indexedEnum[E]](e E) any { return e.Index() }

func ops[M, V any](c *column, conv func(V) any) valueOps[M, V] {
	return valueOps[M, V]{c: c, conv: conv}
}

// Constructors used by the generated descriptors: newCol names the column,
// the xxxColumn functions give it its operators.

func newCol(table, name string, nullable bool) *column {
	return &column{table: table, quoted: quoteIdent(name), nullable: nullable}
}

func boolColumn[M any](c *column) BoolColumn[M] {
	return BoolColumn[M]{ops[M](c, asIs[bool]), sortOps{c}}
}

func intColumn[M any](c *column) IntColumn[M] {
	o := ops[M](c, asIs[int64])
	return IntColumn[M]{o, setOps[M, int64](o), orderOps[M, int64](o), sortOps{c}}
}

func doubleColumn[M any](c *column) DoubleColumn[M] {
	o := ops[M](c, asIs[float64])
	return DoubleColumn[M]{o, setOps[M, float64](o), orderOps[M, float64](o), sortOps{c}}
}

func stringColumn[M any](c *column) StringColumn[M] {
	o := ops[M](c, asIs[string])
	return StringColumn[M]{o, setOps[M, string](o), orderOps[M, string](o), textOps[M]{c}, sortOps{c}}
}

func dateTimeColumn[M any](c *column) DateTimeColumn[M] {
	o := ops[M](c, utcArg)
	return DateTimeColumn[M]{o, setOps[M, time.Time](o), orderOps[M, time.Time](o), sortOps{c}}
}

func durationColumn[M any](c *column) DurationColumn[M] {
	o := ops[M](c, durationArg)
	return DurationColumn[M]{o, setOps[M, time.Duration](o), orderOps[M, time.Duration](o), sortOps{c}}
}

func bytesColumn[M any](c *column) BytesColumn[M] {
	return BytesColumn[M]{ops[M](c, asIs[[]byte])}
}

func uuidColumn[M any, U ~[16]byte](c *column) UUIDColumn[M, U] {
	o := ops[M](c, uuidArg[U])
	return UUIDColumn[M, U]{o, setOps[M, U](o), sortOps{c}}
}

func enumColumn[M any, E ~string](c *column) EnumColumn[M, E] {
	o := ops[M](c, enumArg[E])
	return EnumColumn[M, E]{o, setOps[M, E](o), sortOps{c}}
}

func enumIndexColumn[M any, E indexedEnum[E]](c *column) EnumColumn[M, E] {
	o := ops[M](c, enumIndexArg[E])
	return EnumColumn[M, E]{o, setOps[M, E](o), sortOps{c}}
}

func jsonColumn[M any](c *column) JSONColumn[M] { return JSONColumn[M]{c} }

func nullBoolColumn[M any](c *column) NullBoolColumn[M] {
	return NullBoolColumn[M]{boolColumn[M](c), nullOps[M]{c}}
}

func nullIntColumn[M any](c *column) NullIntColumn[M] {
	return NullIntColumn[M]{intColumn[M](c), nullOps[M]{c}}
}

func nullDoubleColumn[M any](c *column) NullDoubleColumn[M] {
	return NullDoubleColumn[M]{doubleColumn[M](c), nullOps[M]{c}}
}

func nullStringColumn[M any](c *column) NullStringColumn[M] {
	return NullStringColumn[M]{stringColumn[M](c), nullOps[M]{c}}
}

func nullDateTimeColumn[M any](c *column) NullDateTimeColumn[M] {
	return NullDateTimeColumn[M]{dateTimeColumn[M](c), nullOps[M]{c}}
}

func nullDurationColumn[M any](c *column) NullDurationColumn[M] {
	return NullDurationColumn[M]{durationColumn[M](c), nullOps[M]{c}}
}

func nullBytesColumn[M any](c *column) NullBytesColumn[M] {
	return NullBytesColumn[M]{bytesColumn[M](c), nullOps[M]{c}}
}

func nullUUIDColumn[M any, U ~[16]byte](c *column) NullUUIDColumn[M, U] {
	return NullUUIDColumn[M, U]{uuidColumn[M, U](c), nullOps[M]{c}}
}

func nullEnumColumn[M any, E ~string](c *column) NullEnumColumn[M, E] {
	return NullEnumColumn[M, E]{enumColumn[M, E](c), nullOps[M]{c}}
}

func nullEnumIndexColumn[M any, E indexedEnum[E]](c *column) NullEnumColumn[M, E] {
	return NullEnumColumn[M, E]{enumIndexColumn[M, E](c), nullOps[M]{c}}
}

func nullJSONColumn[M any](c *column) NullJSONColumn[M] {
	return NullJSONColumn[M]{jsonColumn[M](c), nullOps[M]{c}}
}

// URLColumn is a Uri column (text holding u.String()).
type URLColumn[M any] struct {
	valueOps[M, url.URL]
	setOps[M, url.URL]
	sortOps
}

// NullURLColumn is a nullable Uri column.
type NullURLColumn[M any] struct {
	URLColumn[M]
	nullOps[M]
}

// BigIntColumn is a BigInt column (numeric); a nil value compares as 0.
type BigIntColumn[M any] struct {
	valueOps[M, *big.Int]
	setOps[M, *big.Int]
	orderOps[M, *big.Int]
	sortOps
}

// NullBigIntColumn is a nullable BigInt column.
type NullBigIntColumn[M any] struct {
	BigIntColumn[M]
	nullOps[M]
}

func urlArg(u url.URL) any { return u.String() }

func bigIntArg(v *big.Int) any {
	if v == nil {
		v = new(big.Int)
	}
	return pgtype.Numeric{Int: v, Valid: true}
}

func urlColumn[M any](c *column) URLColumn[M] {
	o := ops[M](c, urlArg)
	return URLColumn[M]{o, setOps[M, url.URL](o), sortOps{c}}
}

func nullURLColumn[M any](c *column) NullURLColumn[M] {
	return NullURLColumn[M]{urlColumn[M](c), nullOps[M]{c}}
}

func bigIntColumn[M any](c *column) BigIntColumn[M] {
	o := ops[M](c, bigIntArg)
	return BigIntColumn[M]{o, setOps[M, *big.Int](o), orderOps[M, *big.Int](o), sortOps{c}}
}

func nullBigIntColumn[M any](c *column) NullBigIntColumn[M] {
	return NullBigIntColumn[M]{bigIntColumn[M](c), nullOps[M]{c}}
}
