package emit

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// The fixed SQL of a table and the functions that move one row between the
// model and pgx, in column order:
//
//	var companyTable = &table[Company]{name: "company", selectSQL: `SELECT ...`, ...}
//	func scanCompany(r pgx.Rows, v *Company, sc *scratch) error {
//		j := sc.jsonBufs(1)
//		sc.dest = append(sc.dest[:0], &v.ID, &v.Name, jsonScan{&j[0]}, enumScan[Status]{&v.Status})
//		if err := r.Scan(sc.dest...); err != nil { return err }
//		if err := decodeCompanyTags(sc.decoder(jsonOrNull(j[0])), v); err != nil { ... }
//	}
//	func companyValues(v *Company, args []any, sc *scratch) ([]any, error)

const pgxPkg = "github.com/jackc/pgx/v5"

// QuoteIdent quotes a SQL identifier ("a""b"), as the static quoteIdent does.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// columns writes the table info: its columns and row functions, from
// which the static newTable makes the fixed SQL once. A bigserial id is
// left to the database; a UUID id is inserted last (insertID), after the
// values. A UUID id and a field with a SQL default carry the default and
// the column type, so that nil (a zero id) takes the default through
// COALESCE($n::type, default) and comes back through RETURNING.
func (t *dbTable) columns(f *jen.File) {
	var all, ins []jen.Code
	param := func(fl *schema.Field) {
		col := sqlLit(QuoteIdent(fl.Column))
		if def := insertDefault(fl); def != "" {
			ins = append(ins, jen.Line().Values(jen.Id("name").Op(":").Add(col), jen.Id("cast").Op(":").Lit(PGType(fl.Type)),
				jen.Id("def").Op(":").Add(sqlLit(def))))
			return
		}
		ins = append(ins, jen.Line().Values(jen.Id("name").Op(":").Add(col)))
	}
	for _, fl := range t.stored {
		all = append(all, sqlLit(QuoteIdent(fl.Column)))
		if !fl.IsID {
			param(fl)
		}
	}
	id := t.c.IDField()
	insertID := id.Type.Kind == schema.UUID
	if insertID {
		param(id)
	}
	if len(ins) > 0 {
		ins = append(ins, jen.Line())
	}
	m := t.model()
	f.Comment(t.info() + " is table " + strconv.Quote(t.c.Table) + ": its columns and row functions.")
	kv := func(k string, v jen.Code) jen.Code { return jen.Line().Id(k).Op(":").Add(v) }
	def := []jen.Code{
		kv("name", jen.Lit(t.c.Table)),
		kv("columns", jen.Index().String().Values(all...)),
		kv("insert", jen.Index().Id("insertColumn").Values(ins...)),
	}
	if insertID {
		def = append(def, kv("insertID", jen.True()))
	}
	entries := []jen.Code{
		kv("tableDef", jen.Id("tableDef").Values(append(def, jen.Line())...)),
		kv("scan", jen.Id(t.c.RowScanName())),
		kv("values", jen.Id(t.c.RowValuesName())),
		kv("returning", t.returningFunc()),
	}
	if fill := t.fillFunc(); fill != nil {
		entries = append(entries, kv("fill", fill))
	}
	entries = append(entries,
		kv("id", jen.Func().Params(jen.Id("v").Op("*").Add(t.model())).Any().Block(
			jen.Return(t.idArg(jen.Id("v").Dot("ID"))))),
		jen.Line())
	f.Var().Id(t.info()).Op("=").Id("newTable").Call(jen.Op("&").Id("table").Types(m).Values(entries...))
}

// insertDefault is the SQL default an insert falls back to when the field
// is nil (or a zero UUID id); "" when it has none or cannot be nil.
func insertDefault(fl *schema.Field) string {
	if !fl.Type.Nullable && !fl.IsID {
		return ""
	}
	return DefaultSQL(fl)
}

// idArg is how an id value is bound: an int64 as is, a UUID as uuidID.
func (t *dbTable) idArg(id *jen.Statement) *jen.Statement {
	if t.c.IDField().Type.Kind == schema.UUID {
		return jen.Id("uuidID").Types(jen.Id("UUID")).Values(id)
	}
	return id
}

// returningFunc appends the scan targets of insertSQL's RETURNING columns,
// in their order.
func (t *dbTable) returningFunc() *jen.Statement {
	dest := []jen.Code{jen.Id("dest")}
	n := 0
	for _, fl := range t.stored {
		if fl.IsID || insertDefault(fl) != "" {
			dest = append(dest, scanTarget(fl, &n))
		}
	}
	return jen.Func().Params(jen.Id("v").Op("*").Add(t.model()), jen.Id("dest").Index().Any()).Index().Any().Block(
		jen.Return(jen.Append(dest...)))
}

// fillFunc sets the defaults podgen makes in Go at insert on nil fields
// (a zero id): random_v7, which Postgres before 18 cannot make, and the
// model default of an id without a column default (`id: UuidValue,
// defaultModel=random`), for a row not made by New<Class>. nil when the
// table has none.
func (t *dbTable) fillFunc() *jen.Statement {
	var body []jen.Code
	for _, fl := range t.stored {
		d := fl.DefaultPersist
		if d == nil && fl.IsID && fl.DefaultModel != nil {
			d = fl.DefaultModel
		}
		if d == nil || d.Func != "random_v7" && !(fl.IsID && fl.DefaultPersist == nil) {
			continue
		}
		dst := jen.Id("v").Dot(fl.GoName)
		if fl.IsID {
			body = append(body, jen.If(dst.Clone().Dot("IsZero").Call()).Block(
				dst.Clone().Op("=").Add(defaultValue(d, fl.Type, t.pod))))
			continue
		}
		body = append(body, jen.If(dst.Clone().Op("==").Nil()).Block(
			dst.Clone().Op("=").Id("defaultPtr").Call(jen.Id("NewUUIDv7").Call())))
	}
	if body == nil {
		return nil
	}
	return jen.Func().Params(jen.Id("v").Op("*").Add(t.model())).Block(body...)
}

// sqlLit is SQL text as a raw string when it can be one (it has quotes).
func sqlLit(s string) *jen.Statement {
	if strings.Contains(s, "`") {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

// jsonFields are the stored fields kept as json, in column order.
func (t *dbTable) jsonFields() []*schema.Field {
	var out []*schema.Field
	for _, fl := range t.stored {
		if isJSON(fl.Type) {
			out = append(out, fl)
		}
	}
	return out
}

// scanFunc writes scanCompany and the decoders of its json columns.
func (t *dbTable) scanFunc(f *jen.File) {
	js := t.jsonFields()
	var dest []jen.Code
	n := 0
	for _, fl := range t.stored {
		dest = append(dest, scanTarget(fl, &n))
	}
	body := []jen.Code{}
	if len(js) > 0 {
		body = append(body, jen.Id("j").Op(":=").Id("sc").Dot("jsonBufs").Call(jen.Lit(len(js))))
	}
	body = append(body,
		jen.Id("sc").Dot("dest").Op("=").Append(append([]jen.Code{jen.Id("sc").Dot("dest").Index(jen.Empty(), jen.Lit(0))}, dest...)...),
		jen.If(jen.Err().Op(":=").Id("r").Dot("Scan").Call(jen.Id("sc").Dot("dest").Op("...")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err())),
	)
	for i, fl := range js {
		body = append(body, jen.If(
			jen.Err().Op(":=").Id(t.decodeName(fl)).Call(
				jen.Id("sc").Dot("decoder").Call(jen.Id("jsonOrNull").Call(jen.Id("j").Index(jen.Lit(i)))), jen.Id("v")),
			jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id("columnError").Call(jen.Lit(t.c.Table), jen.Lit(fl.Column), jen.Err()))))
	}
	body = append(body, jen.Return(jen.Nil()))
	f.Comment(t.c.RowScanName() + " reads the current row, in the column order of selectSQL (also a record of")
	f.Comment("an include).")
	f.Func().Id(t.c.RowScanName()).Params(jen.Id("r").Qual(pgxPkg, "Rows"), jen.Id("v").Op("*").Add(t.model()),
		jen.Id("sc").Op("*").Id("scratch")).Error().Block(body...)
	for _, fl := range js {
		f.Comment(t.decodeName(fl) + " decodes the json column " + strconv.Quote(fl.Column) + " into v." + fl.GoName + ".")
		code := decodeValue(jen.Id("d"), fl.Type, jen.Id("v").Dot(fl.GoName), t.pod)
		code = append(code, jen.Return(jen.Id("d").Dot("End").Call()))
		f.Func().Id(t.decodeName(fl)).Params(jen.Id("d").Op("*").Id("JSONDecoder"), jen.Id("v").Op("*").Add(t.model())).Error().Block(code...)
	}
}

func (t *dbTable) decodeName(fl *schema.Field) string { return t.c.ColumnDecoderName(fl) }
func (t *dbTable) encodeName(fl *schema.Field) string { return t.c.ColumnEncoderName(fl) }

// scanTarget is what rows.Scan gets for a field; n counts json columns.
func scanTarget(fl *schema.Field, n *int) jen.Code {
	field := jen.Op("&").Id("v").Dot(fl.GoName)
	ty := fl.Type
	if isJSON(ty) {
		*n++
		return jen.Id("jsonScan").Values(jen.Op("&").Id("j").Index(jen.Lit(*n - 1)))
	}
	k := kindOf(ty)
	adapter := k.scan
	if ty.Nullable {
		adapter = k.nullScan
	}
	if adapter == "" {
		return field
	}
	return adapterOf(adapter, k, ty).Values(field)
}

// adapterOf is the scan or bind adapter name, with the kind's type
// argument when it has one (uuidScan[UUID]).
func adapterOf(name string, k *kindInfo, ty *schema.Type) *jen.Statement {
	if k.typeArg != nil {
		return jen.Id(name).Types(k.typeArg(ty))
	}
	return jen.Id(name)
}

// valuesFunc writes companyValues and the encoders of its json columns.
func (t *dbTable) valuesFunc(f *jen.File) {
	js := t.jsonFields()
	var body, vals []jen.Code
	if len(js) > 0 {
		body = append(body, jen.Id("b").Op(":=").Id("sc").Dot("buf"), jen.Var().Err().Error())
	}
	for i, fl := range js {
		ji := jen.Id("j" + strconv.Itoa(i))
		enc := jen.If(jen.List(ji.Clone(), jen.Id("b"), jen.Err()).Op("=").Id("encodeColumn").Call(
			jen.Id("b"), jen.Id("v"), jen.Id(t.encodeName(fl))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Id("columnError").Call(jen.Lit(t.c.Table), jen.Lit(fl.Column), jen.Err())))
		body = append(body, jen.Var().Add(ji.Clone()).Index().Byte())
		if fl.Type.Nullable {
			body = append(body, jen.If(jen.Id("v").Dot(fl.GoName).Op("!=").Nil()).Block(enc))
		} else {
			body = append(body, enc)
		}
	}
	if len(js) > 0 {
		body = append(body, jen.Id("sc").Dot("buf").Op("=").Id("b"))
	}
	n := 0
	for _, fl := range t.stored {
		if !fl.IsID {
			vals = append(vals, bindValue(fl, &n))
		}
	}
	body = append(body, jen.Return(jen.Append(append([]jen.Code{jen.Id("args")}, vals...)...), jen.Nil()))
	f.Comment(t.c.RowValuesName() + " appends the stored fields of v but ID, in the column order of insertSQL.")
	f.Func().Id(t.c.RowValuesName()).Params(jen.Id("v").Op("*").Add(t.model()), jen.Id("args").Index().Any(),
		jen.Id("sc").Op("*").Id("scratch")).Params(jen.Index().Any(), jen.Error()).Block(body...)
	for _, fl := range js {
		f.Comment(t.encodeName(fl) + " appends v." + fl.GoName + " as JSON for its json column.")
		src := jen.Id("v").Dot(fl.GoName)
		ty := fl.Type
		if ty.Pointer() {
			// The caller checked for nil: the column holds the value.
			src = jen.Parens(jen.Op("*").Id("v").Dot(fl.GoName))
			c := *ty
			c.Nullable = false
			ty = &c
		}
		code := []jen.Code{}
		if appendFails(ty) {
			code = append(code, jen.Var().Err().Error())
		}
		code = append(code, appendStoredValue(jen.Id("b"), ty, src, t.pod)...)
		code = append(code, jen.Return(jen.Id("b"), jen.Nil()))
		f.Func().Id(t.encodeName(fl)).Params(jen.Id("b").Index().Byte(), jen.Id("v").Op("*").Add(t.model())).
			Params(jen.Index().Byte(), jen.Error()).Block(code...)
	}
}

// bindValue is the argument a field is bound as; n counts json columns.
func bindValue(fl *schema.Field, n *int) jen.Code {
	ty := fl.Type
	field := jen.Id("v").Dot(fl.GoName)
	ref := jen.Op("&").Id("v").Dot(fl.GoName)
	if ty.Pointer() {
		ref = jen.Id("v").Dot(fl.GoName)
	}
	if isJSON(ty) {
		*n++
		return jen.Id("j" + strconv.Itoa(*n-1))
	}
	k := kindOf(ty)
	bind := k.bind
	if ty.Nullable {
		bind = k.nullBind
	}
	switch {
	case bind != "":
		return adapterOf(bind, k, ty).Values(ref)
	case k.bindCall != "" && !ty.Nullable:
		return jen.Id(k.bindCall).Call(field)
	}
	return field
}
