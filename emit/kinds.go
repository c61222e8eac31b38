package emit

import (
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// kindInfo is what emit knows about one schema.Kind: everything the model,
// JSON, cache, database and migration emitters write differently per kind.
// Adding a kind is one row of kinds (and its static helpers); a row that is
// missing or incomplete fails TestKindTable, never silently falls back.
//
// Classes, lists and maps hold other types: their Go type, JSON and deep
// copy are built by recursion in types.go, json_*.go and cache.go, and
// their rows hold only what does not recurse.
type kindInfo struct {
	// goType is the Go type without the pointer of `T?`; model types come
	// from the package models. nil for List and Map.
	goType func(t *schema.Type, models string) *jen.Statement
	// appendJSON is the call that appends the JSON of the value at src to
	// b; nil for classes, lists and maps. appendFails: the call also
	// returns an error.
	appendJSON  func(b *jen.Statement, src target, models string) *jen.Statement
	appendFails bool
	// decoder is the JSONDecoder method reading the kind ("Int"); "" when
	// the value decodes itself with DecodeJSON (UUID, enums, classes) or
	// is a list or map.
	decoder string
	// clone, for a nil-able kind whose assignment shares memory, is the
	// deep copy of src (bytes.Clone); nil when assignment copies.
	clone func(src *jen.Statement) *jen.Statement

	// pgType is the Postgres column type (SPEC §2).
	pgType string
	// column is the stem of the static column types: "Int" gives
	// IntColumn, NullIntColumn and their constructors; "JSON" marks the
	// kinds stored as json with the generated codecs.
	column string
	// typeArg, when set, is the type argument that the column type and
	// the scan and bind adapters take besides the model (UUID, the enum).
	typeArg func(t *schema.Type) jen.Code
	// scan and nullScan are the adapters rows.Scan gets instead of &v.F
	// ("": &v.F itself); bind and nullBind wrap &v.F (or the pointer of a
	// `T?` value kind) as the bound value; bindCall is a function that v.F
	// of a required field passes through. With none of them, v.F is bound
	// itself.
	scan, nullScan, bind, nullBind, bindCall string

	// fill is the SQL literal of the Go zero value as podgen stores it,
	// what existing rows get when a column becomes required; "" where no
	// zero value decodes (enums: "" is not a value; classes).
	fill string
	// noun names the kind in migration messages instead of the column's
	// Postgres type ("enum"); "" for the scalar kinds.
	noun string
	// wire is the TypeScript type of the kind's JSON form.
	wire string
	// compare, for the schema.Keyable kinds, is a func(a, b T) int that
	// orders Set elements and Map keys for their stable JSON form.
	compare func(t *schema.Type, models string) jen.Code
	// defaultSQL and defaultGo render a validated default value (of the
	// schema.Kind.Defaultable kinds) as a SQL literal and as a Go value;
	// the functions of Default.Func (now, random, ...) are handled before
	// them (defaults.go).
	defaultSQL func(d *schema.Default, t *schema.Type) string
	defaultGo  func(d *schema.Default, t *schema.Type, models string) *jen.Statement
	// ts is the kind in the TypeScript client and the OpenAPI document
	// (ts_kinds.go).
	ts tsKind
}

// kinds is the table of kinds, indexed by schema.Kind.
var kinds = [schema.NumKinds]kindInfo{
	schema.Bool: {
		goType:     builtin(jen.Bool),
		appendJSON: call2("strconv", "AppendBool"),
		decoder:    "Bool",
		pgType:     "boolean", column: "Bool",
		fill: "false", wire: "boolean",
		compare:    compareWith(func(models string) jen.Code { return jen.Qual(models, "CompareBool") }),
		ts:         tsScalar("boolean", "$bool", oasObject(oasMember{"type", "boolean"})),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string { return strconv.FormatBool(d.Bool) },
		defaultGo:  func(d *schema.Default, _ *schema.Type, _ string) *jen.Statement { return jen.Lit(d.Bool) },
	},
	schema.Int: {
		goType: builtin(jen.Int64),
		appendJSON: func(b *jen.Statement, src target, _ string) *jen.Statement {
			return jen.Qual("strconv", "AppendInt").Call(b.Clone(), src.val(), jen.Lit(10))
		},
		decoder: "Int",
		pgType:  "bigint", column: "Int",
		fill: "0", wire: "number",
		compare:    compareWith(func(string) jen.Code { return jen.Qual("cmp", "Compare").Types(jen.Int64()) }),
		ts:         tsScalar("number", "$int", tsInt64Schema),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string { return strconv.FormatInt(d.Int, 10) },
		defaultGo:  func(d *schema.Default, _ *schema.Type, _ string) *jen.Statement { return jen.Lit(d.Int) }, // int64(5): typed, also for defaultPtr
	},
	schema.Double: {
		goType:     builtin(jen.Float64),
		appendJSON: helper("AppendJSONFloat"), appendFails: true,
		decoder: "Float",
		pgType:  "double precision", column: "Double",
		fill: "0", wire: "number",
		compare:    compareWith(func(string) jen.Code { return jen.Qual("cmp", "Compare").Types(jen.Float64()) }),
		ts:         tsScalar("number", "$double", oasObject(oasMember{"type", "number"}, oasMember{"format", "double"})),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string { return strconv.FormatFloat(d.Double, 'g', -1, 64) },
		defaultGo:  func(d *schema.Default, _ *schema.Type, _ string) *jen.Statement { return jen.Lit(d.Double) },
	},
	schema.String: {
		goType:     builtin(jen.String),
		appendJSON: helper("AppendJSONString"),
		decoder:    "String",
		pgType:     "text", column: "String",
		fill: "''", wire: "string",
		compare:    compareWith(func(string) jen.Code { return jen.Qual("strings", "Compare") }),
		ts:         tsScalar("string", "$string", tsStringSchema()),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string { return sqlString(d.String) },
		defaultGo:  func(d *schema.Default, _ *schema.Type, _ string) *jen.Statement { return jen.Lit(d.String) },
	},
	schema.DateTime: {
		goType:     qual("time", "Time"),
		appendJSON: helper("AppendJSONTime"), appendFails: true,
		decoder: "Time",
		pgType:  "timestamp", column: "DateTime",
		nullScan: "nullTimeScan", bind: "timeValue", nullBind: "timeValue",
		fill: "'0001-01-01 00:00:00'", wire: "string",
		compare: compareWith(func(string) jen.Code { return jen.Qual("time", "Time").Dot("Compare") }),
		ts:      tsScalar("Date", "$dateTime", tsStringSchema(oasMember{"format", "date-time"})),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string {
			return sqlString(d.Time.Format("2006-01-02 15:04:05.999999"))
		},
		defaultGo: defaultTime,
	},
	schema.Duration: {
		goType:     qual("time", "Duration"),
		appendJSON: helper("AppendJSONDuration"),
		decoder:    "Duration",
		pgType:     "bigint", column: "Duration",
		scan: "durationScan", nullScan: "nullDurationScan", bind: "durationValue", nullBind: "durationValue",
		fill: "0", wire: "number",
		compare: compareWith(func(string) jen.Code { return jen.Qual("cmp", "Compare").Types(jen.Qual("time", "Duration")) }),
		ts:      tsScalar("number", "$duration", oasObject(oasMember{"type", "integer"}, oasMember{"format", "int64"}, oasMember{"description", "A duration in milliseconds."})),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string {
			return strconv.FormatInt(d.Duration.Milliseconds(), 10) // bigint milliseconds, as stored
		},
		defaultGo: func(d *schema.Default, _ *schema.Type, _ string) *jen.Statement {
			return jen.Lit(int(d.Duration.Milliseconds())).Op("*").Qual("time", "Millisecond")
		},
	},
	schema.ByteData: {
		goType:     func(*schema.Type, string) *jen.Statement { return jen.Index().Byte() },
		appendJSON: helper("AppendJSONBytes"),
		decoder:    "Bytes",
		clone:      func(src *jen.Statement) *jen.Statement { return jen.Qual("bytes", "Clone").Call(src) },
		pgType:     "bytea", column: "Bytes",
		bindCall: "nonNilBytes",
		fill:     "''", wire: "string",
		ts: tsScalar("Uint8Array", "$bytes", tsStringSchema(oasMember{"contentEncoding", "base64"})),
	},
	schema.UUID: {
		goType:     func(_ *schema.Type, models string) *jen.Statement { return jen.Qual(models, "UUID") },
		appendJSON: helper("AppendJSONUUID"),
		pgType:     "uuid", column: "UUID",
		typeArg: func(*schema.Type) jen.Code { return jen.Id("UUID") },
		scan:    "uuidScan", nullScan: "nullUUIDScan", bind: "uuidValue", nullBind: "uuidValue",
		fill: "'00000000-0000-0000-0000-000000000000'", wire: "string",
		compare:    compareWith(func(models string) jen.Code { return jen.Qual(models, "UUID").Dot("Compare") }),
		ts:         tsScalar("string", "$uuid", tsStringSchema(oasMember{"format", "uuid"})),
		defaultSQL: func(d *schema.Default, _ *schema.Type) string { return sqlString(d.String) },
		defaultGo:  defaultUUID,
	},
	schema.Uri: {
		goType: qual("net/url", "URL"),
		appendJSON: func(b *jen.Statement, src target, models string) *jen.Statement {
			return jen.Qual(models, "AppendJSONURL").Call(b.Clone(), src.addr()) // by pointer: a copy would escape
		},
		decoder: "URL",
		pgType:  "text", column: "URL",
		scan: "urlScan", nullScan: "nullURLScan", bind: "urlValue", nullBind: "urlValue",
		fill: "''", wire: "string",
		ts: tsScalar("string", "$uri", tsStringSchema(oasMember{"format", "uri-reference"})),
	},
	schema.BigInt: {
		goType:     func(*schema.Type, string) *jen.Statement { return jen.Op("*").Qual("math/big", "Int") },
		appendJSON: helper("AppendJSONBigInt"),
		decoder:    "BigInt",
		clone:      func(src *jen.Statement) *jen.Statement { return jen.Id("cloneBigInt").Call(src) },
		pgType:     "numeric", column: "BigInt",
		scan: "bigIntScan", nullScan: "bigIntScan", bind: "bigIntValue", nullBind: "nullBigIntValue",
		fill: "0", wire: "string",
		ts: tsScalar("bigint", "$bigint", tsStringSchema(oasMember{"pattern", "^-?[0-9]+$"}, oasMember{"description", "An integer of any size in decimal."})),
	},
	schema.EnumKind: {
		goType: func(t *schema.Type, models string) *jen.Statement { return jen.Qual(models, t.Enum.Name) },
		appendJSON: func(b *jen.Statement, src target, models string) *jen.Statement {
			return jen.Qual(models, "AppendJSONString").Call(b.Clone(), jen.String().Call(src.val()))
		},
		pgType: "text", column: "Enum",
		typeArg: func(t *schema.Type) jen.Code { return jen.Id(t.Enum.Name) },
		scan:    "enumScan", nullScan: "nullEnumScan", bind: "enumValue", nullBind: "enumValue",
		noun: "enum", wire: "string",
		compare: func(t *schema.Type, models string) jen.Code {
			return jen.Qual("cmp", "Compare").Types(jen.Qual(models, t.Enum.Name))
		},
		ts:         tsEnum,
		defaultSQL: func(d *schema.Default, _ *schema.Type) string { return sqlString(d.Enum.Name) },
		defaultGo:  defaultEnum,
	},
	schema.ClassKind: {
		goType: func(t *schema.Type, models string) *jen.Statement { return jen.Qual(models, t.Class.Name) },
		pgType: "json", column: "JSON",
		noun: "class", wire: "object",
		ts: tsClass,
	},
	schema.List: {pgType: "json", column: "JSON", fill: "'[]'", wire: "array", ts: tsList},
	schema.Map:  {pgType: "json", column: "JSON", fill: "'{}'", wire: "object", ts: tsMap},
	schema.Set:  {pgType: "json", column: "JSON", fill: "'[]'", wire: "array", ts: tsSet},
}

// enumByIndex is the row of an enum with `serialized: byIndex`: its wire
// form is the value's position, a JSON integer, and its column a bigint.
var enumByIndex = kindInfo{
	goType: kinds[schema.EnumKind].goType,
	appendJSON: func(b *jen.Statement, src target, _ string) *jen.Statement {
		return jen.Qual("strconv", "AppendInt").Call(b.Clone(), src.recv().Dot("Index").Call(), jen.Lit(10))
	},
	pgType: "bigint", column: "EnumIndex",
	typeArg: kinds[schema.EnumKind].typeArg,
	scan:    "enumIndexScan", nullScan: "nullEnumIndexScan", bind: "enumIndexValue", nullBind: "enumIndexValue",
	noun: "enum", wire: "number", ts: tsEnum,
	compare: func(t *schema.Type, models string) jen.Code {
		return jen.Qual(models, "CompareEnumIndex").Types(jen.Qual(models, t.Enum.Name))
	},
	defaultSQL: func(d *schema.Default, t *schema.Type) string { // the bigint column holds the position
		return strconv.Itoa(slices.Index(t.Enum.Values, d.Enum))
	},
	defaultGo: defaultEnum,
}

// builtin is the goType of a predeclared Go type.
func builtin(typ func() *jen.Statement) func(*schema.Type, string) *jen.Statement {
	return func(*schema.Type, string) *jen.Statement { return typ() }
}

// qual is the goType of a type of another package (time.Time).
func qual(pkg, name string) func(*schema.Type, string) *jen.Statement {
	return func(*schema.Type, string) *jen.Statement { return jen.Qual(pkg, name) }
}

// helper is the appendJSON of a static models helper: name(b, v).
func helper(name string) func(*jen.Statement, target, string) *jen.Statement {
	return func(b *jen.Statement, src target, models string) *jen.Statement {
		return jen.Qual(models, name).Call(b.Clone(), src.val())
	}
}

// call2 is the appendJSON of a foreign function: pkg.name(b, v).
func call2(pkg, name string) func(*jen.Statement, target, string) *jen.Statement {
	return func(b *jen.Statement, src target, _ string) *jen.Statement {
		return jen.Qual(pkg, name).Call(b.Clone(), src.val())
	}
}

// kindOf is the row of t's kind.
func kindOf(t *schema.Type) *kindInfo {
	if t.Kind == schema.EnumKind && t.Enum.ByIndex {
		return &enumByIndex
	}
	return &kinds[t.Kind]
}

// compareWith is the compare of a kind whose order does not depend on t.
func compareWith(f func(models string) jen.Code) func(*schema.Type, string) jen.Code {
	return func(_ *schema.Type, models string) jen.Code { return f(models) }
}

// PGType is the Postgres type of a kind. Duration is bigint milliseconds
// (as on the wire), DateTime a timestamp without zone holding UTC.
func PGType(t *schema.Type) string { return kindOf(t).pgType }

// FillSQL is the SQL literal of the Go zero value of t as podgen stores
// it, "" where none decodes (enums, classes).
func FillSQL(t *schema.Type) string { return kindOf(t).fill }

// KindNoun names t's kind in messages ("enum", "class"), "" for a kind
// that its Postgres type names well enough.
func KindNoun(t *schema.Type) string { return kindOf(t).noun }

// isJSON reports whether the kind is stored as json.
func isJSON(t *schema.Type) bool { return kindOf(t).column == "JSON" }
