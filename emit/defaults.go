package emit

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// Defaults (SPEC §2.1): schema has checked every value against its field's
// type, and these render it, never the user's text, as Go (New<Class>,
// decoding an absent key) and as a SQL literal (the column's DEFAULT, the
// COALESCE of insertSQL):
//
//	count: int, default=5            → Count: 5                   DEFAULT 5
//	created: DateTime?, default=now  → defaultPtr(time.Now().UTC()) DEFAULT (now() AT TIME ZONE 'UTC')
//	id: UuidValue?, defaultPersist=random                         DEFAULT gen_random_uuid()

// DefaultSQL is the SQL of a stored field's DefaultPersist ("5",
// "'hello'", "gen_random_uuid()"); "" without one, and for random_v7,
// which podgen makes in Go at insert (Postgres before 18 has no uuidv7).
func DefaultSQL(f *schema.Field) string {
	d := f.DefaultPersist
	if d == nil {
		return ""
	}
	switch d.Func {
	case "now":
		return "(now() AT TIME ZONE 'UTC')" // timestamp columns hold UTC
	case "random":
		return "gen_random_uuid()"
	case "random_v7", "serial":
		return ""
	}
	return kindOf(f.Type).defaultSQL(d, f.Type)
}

// sqlString is s as a SQL string literal (standard_conforming_strings:
// only the quote is doubled).
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// defaultValue is the Go value of d for a field of type t, without the
// pointer of `T?`.
func defaultValue(d *schema.Default, t *schema.Type, models string) *jen.Statement {
	switch d.Func {
	case "now":
		return jen.Qual("time", "Now").Call().Dot("UTC").Call()
	case "random":
		return jen.Qual(models, "NewRandomUUID").Call()
	case "random_v7":
		return jen.Qual(models, "NewUUIDv7").Call()
	}
	return kindOf(t).defaultGo(d, t, models)
}

// defaultTime, defaultUUID and defaultEnum are the defaultGo of their
// kinds' rows (kinds.go).
func defaultTime(d *schema.Default, _ *schema.Type, _ string) *jen.Statement {
	tm := d.Time
	return jen.Qual("time", "Date").Call(jen.Lit(tm.Year()), jen.Qual("time", tm.Month().String()),
		jen.Lit(tm.Day()), jen.Lit(tm.Hour()), jen.Lit(tm.Minute()), jen.Lit(tm.Second()),
		jen.Lit(tm.Nanosecond()), jen.Qual("time", "UTC"))
}

func defaultUUID(d *schema.Default, _ *schema.Type, models string) *jen.Statement {
	bytes := make([]jen.Code, len(d.UUID))
	for i, b := range d.UUID {
		bytes[i] = jen.Op("0x" + strconv.FormatUint(uint64(b)|0x100, 16)[1:])
	}
	return jen.Qual(models, "UUID").Values(bytes...) // the bytes of d.String
}

func defaultEnum(d *schema.Default, _ *schema.Type, models string) *jen.Statement {
	return jen.Qual(models, d.Enum.GoName)
}

// defaultFieldValue is what a field with DefaultModel is set to: the
// value, or a pointer to it for `T?`.
func defaultFieldValue(fl *schema.Field, models string) *jen.Statement {
	d := fl.DefaultModel
	if fl.Type.Pointer() {
		return jen.Qual(models, "defaultPtr").Call(defaultValue(d, fl.Type, models))
	}
	if fl.Type.Kind == schema.Int && d.Func == "" {
		return jen.Op(strconv.FormatInt(d.Int, 10)) // untyped: the field is int64
	}
	return defaultValue(d, fl.Type, models)
}

// newFunc writes New<Class>, the class with its model defaults, when it
// has any: `func NewCompany() *Company { return &Company{Count: 5, ...} }`.
// The client's copy leaves out server-only fields.
func newFunc(f *jen.File, c *schema.Class, models string, client bool) {
	var vals []jen.Code
	for _, fl := range c.Fields {
		if fl.DefaultModel == nil || fl.ServerOnly && client {
			continue
		}
		vals = append(vals, jen.Line().Id(fl.GoName).Op(":").Add(defaultFieldValue(fl, models)))
	}
	if len(vals) == 0 {
		return
	}
	vals = append(vals, jen.Line())
	f.Comment(c.ConstructorName() + " returns a new " + c.Name + " with the model defaults of its fields (default=, defaultModel=).")
	f.Func().Id(c.ConstructorName()).Params().Op("*").Id(c.Name).Block(
		jen.Return(jen.Op("&").Id(c.Name).Values(vals...)))
}
