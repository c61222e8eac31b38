package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// podDB writes the typed database layer of every table class (SPEC §5),
// on top of the static query builder and CRUD code of static/pod/db*.go:
//
//	pod/company_table.go:
//	type CompanyColumns struct{ ID IntColumn[Company]; Name StringColumn[Company]; ... }
//	var CompanyT = CompanyColumns{...}            // the table descriptor
//	type CompanyTable struct{ db *DB }            // s.DB.Company
//	func (t CompanyTable) Insert(v *Company) error { return insertRow(t.db, companyTable, v) }
//	var companyTable = newTable(&table[Company]{name: "company", columns: []string{`"id"`, `"name"`}, ...})
//	func scanCompany(r pgx.Rows, v *Company, sc *scratch) error  // positional
//	func companyValues(v *Company, args []any, sc *scratch) ([]any, error)
//
//	pod/db_tables.go: type dbTables struct{ Company CompanyTable; ... } and its bind
func podDB(p *schema.Protocol, o Options) ([]File, error) {
	var out []File
	for _, c := range p.Tables() {
		f := jen.NewFilePathName(o.Pod(), "pod")
		f.ImportName(pgxPkg, "pgx")
		t := newDBTable(c, o.Pod())
		t.columns(f)
		t.accessor(f)
		t.attachMethods(f)
		t.descriptor(f)
		t.scanFunc(f)
		t.valuesFunc(f)
		out = append(out, File{Path: "pod/" + c.File + "_table.go", Jen: f})
	}
	return append(out, dbTablesFile(p, o)), nil
}

// dbTable is one table class with the names its generated code uses.
type dbTable struct {
	c      *schema.Class
	pod    string
	stored []*schema.Field // stored fields, id first
}

func newDBTable(c *schema.Class, pod string) *dbTable {
	t := &dbTable{c: c, pod: pod}
	for _, f := range c.Fields {
		if f.Persist && f.Column != "" {
			t.stored = append(t.stored, f)
		}
	}
	return t
}

func (t *dbTable) model() *jen.Statement { return jen.Id(t.c.Name) }
func (t *dbTable) info() string          { return t.c.TableInfoName() }

// dbTablesFile gives DB one field per table and the scratch its JSON
// decoder; it is written even without tables, since DB embeds dbTables
// (then without the decoder: the scratch is the query layer's).
func dbTablesFile(p *schema.Protocol, o Options) File {
	f := jen.NewFilePathName(o.Pod(), "pod")
	f.Comment("dbTables are the tables of DB: s.DB.Company, ...")
	f.Type().Id("dbTables").StructFunc(func(g *jen.Group) {
		for _, c := range p.Tables() {
			g.Comment(c.Name + " is table " + strconv.Quote(c.Table) + ".")
			g.Id(c.Name).Id(c.TableTypeName())
		}
	})
	f.Comment("bind points every table at db.")
	f.Func().Params(jen.Id("t").Op("*").Id("dbTables")).Id("bind").Params(jen.Id("db").Op("*").Id("DB")).BlockFunc(func(g *jen.Group) {
		for _, c := range p.Tables() {
			g.Id("t").Dot(c.Name).Dot("db").Op("=").Id("db")
		}
	})
	if len(p.Tables()) == 0 {
		return File{Path: "pod/db_tables.go", Jen: f} // no query layer (isTableFile) to decode for
	}
	f.Comment("decoder is the scratch's JSON decoder for json columns, reset to b.")
	f.Comment("Columns hold the stored form, so server-only fields are read.")
	f.Func().Params(jen.Id("sc").Op("*").Id("scratch")).Id("decoder").Params(jen.Id("b").Index().Byte()).Op("*").Id("JSONDecoder").Block(
		jen.List(jen.Id("d"), jen.Id("ok")).Op(":=").Id("sc").Dot("dec").Assert(jen.Op("*").Id("JSONDecoder")),
		jen.If(jen.Id("ok")).Block(
			jen.Id("d").Dot("Reset").Call(jen.Id("b")),
		).Else().Block(
			jen.Id("d").Op("=").Id("NewJSONDecoder").Call(jen.Id("b")),
			jen.Id("sc").Dot("dec").Op("=").Id("d"),
		),
		jen.Id("d").Dot("ReadStoredForm").Call(),
		jen.Return(jen.Id("d")),
	)
	return File{Path: "pod/db_tables.go", Jen: f}
}

// accessor writes CompanyTable and its methods, which delegate to the
// generic CRUD code with the table's info.
func (t *dbTable) accessor(f *jen.File) {
	name, m := t.c.TableTypeName(), t.model()
	q := strconv.Quote(t.c.Table)
	f.Comment(name + " is s.DB." + t.c.Name + ": the queries on table " + q + ".")
	f.Type().Id(name).Struct(jen.Id("db").Op("*").Id("DB"))
	recv := func() *jen.Statement { return jen.Params(jen.Id("t").Id(name)) }
	db, info := jen.Id("t").Dot("db"), jen.Id(t.info())
	where := jen.Id("where").Op("*").Id("Expr").Types(m.Clone())
	opts := jen.Id("opts").Op("...").Id("Option").Types(m.Clone())
	ptr := jen.Op("*").Add(m.Clone())
	column := jen.Id("Column").Types(m.Clone())
	set := jen.Id("Assignment").Types(m.Clone())
	methods := []struct {
		doc     string
		name    string
		params  []jen.Code
		results []jen.Code
		call    jen.Code
	}{
		{"Insert stores v as a new row and sets v.ID.", "Insert",
			[]jen.Code{jen.Id("v").Add(ptr.Clone())}, []jen.Code{jen.Error()},
			jen.Id("insertRow").Call(db.Clone(), info.Clone(), jen.Id("v"))},
		{"InsertMany stores vs with multi-row INSERTs in one round trip (all or none) and sets their IDs; a Conflict (pod.UpdateExisting, pod.KeepExisting) says what to do with a row whose key is stored already.", "InsertMany",
			[]jen.Code{jen.Id("vs").Index().Add(ptr.Clone()), jen.Id("conflict").Op("...").Id("Conflict").Types(m.Clone())}, []jen.Code{jen.Error()},
			jen.Id("insertMany").Call(db.Clone(), info.Clone(), jen.Id("vs"), jen.Id("conflict"))},
		{"Upsert inserts v, or updates the row that holds its key (the columns of a unique index), and sets v from the stored row.", "Upsert",
			[]jen.Code{jen.Id("v").Add(ptr.Clone()), jen.Id("key").Add(column.Clone()), jen.Id("more").Op("...").Add(column.Clone())}, []jen.Code{jen.Error()},
			jen.Id("upsert").Call(db.Clone(), info.Clone(), jen.Id("v"), jen.Id("key"), jen.Id("more"))},
		{"FindByID returns the row with id, or nil and no error when there is none; opts may lock it (pod.ForUpdate).", "FindByID",
			[]jen.Code{jen.Id("id").Add(goType(t.c.IDField().Type, t.pod)), opts.Clone()}, []jen.Code{ptr.Clone(), jen.Error()},
			jen.Id("findByID").Call(db.Clone(), info.Clone(), t.idArg(jen.Id("id")), jen.Id("opts"))},
		{"FindFirst returns the first row where matches (nil: any row), or nil when none does.", "FindFirst",
			[]jen.Code{where.Clone(), opts.Clone()}, []jen.Code{ptr.Clone(), jen.Error()},
			jen.Id("findFirst").Call(db.Clone(), info.Clone(), jen.Id("where"), jen.Id("opts"))},
		{"Find returns the rows where matches (nil: every row), shaped by OrderBy, Limit and Offset.", "Find",
			[]jen.Code{where.Clone(), opts.Clone()}, []jen.Code{jen.Index().Add(ptr.Clone()), jen.Error()},
			jen.Id("findRows").Call(db.Clone(), info.Clone(), jen.Id("where"), jen.Id("opts"))},
		{"Update stores every field of v in the row with v.ID; no such row is an error.", "Update",
			[]jen.Code{jen.Id("v").Add(ptr.Clone())}, []jen.Code{jen.Error()},
			jen.Id("updateRow").Call(db.Clone(), info.Clone(), jen.Id("v"))},
		{"UpdateColumns stores the named columns of v in the row with v.ID; no such row is an error.", "UpdateColumns",
			[]jen.Code{jen.Id("v").Add(ptr.Clone()), jen.Id("col").Add(column.Clone()), jen.Id("more").Op("...").Add(column.Clone())}, []jen.Code{jen.Error()},
			jen.Id("updateColumns").Call(db.Clone(), info.Clone(), jen.Id("v"), jen.Append(jen.Index().Add(column.Clone()).Values(jen.Id("col")), jen.Id("more").Op("...")))},
		{"UpdateWhere sets columns (a column's Set or SetNull) on the rows where matches (nil: every row) and returns how many.", "UpdateWhere",
			[]jen.Code{where.Clone(), jen.Id("set").Add(set.Clone()), jen.Id("more").Op("...").Add(set.Clone())}, []jen.Code{jen.Int64(), jen.Error()},
			jen.Id("updateWhere").Call(db.Clone(), info.Clone(), jen.Id("where"), jen.Append(jen.Index().Add(set.Clone()).Values(jen.Id("set")), jen.Id("more").Op("...")))},
		{"DeleteRow deletes the row with v.ID; no such row is an error.", "DeleteRow",
			[]jen.Code{jen.Id("v").Add(ptr.Clone())}, []jen.Code{jen.Error()},
			jen.Id("deleteRow").Call(db.Clone(), info.Clone(), jen.Id("v"))},
		{"Delete deletes the rows where matches (nil: every row) and returns how many.", "Delete",
			[]jen.Code{where.Clone()}, []jen.Code{jen.Int64(), jen.Error()},
			jen.Id("deleteWhere").Call(db.Clone(), info.Clone(), jen.Id("where"))},
		{"DeleteReturning deletes the rows where matches (nil: every row) and returns them.", "DeleteReturning",
			[]jen.Code{where.Clone()}, []jen.Code{jen.Index().Add(ptr.Clone()), jen.Error()},
			jen.Id("deleteReturning").Call(db.Clone(), info.Clone(), jen.Id("where"))},
		{"Count counts the rows where matches (nil: every row).", "Count",
			[]jen.Code{where.Clone()}, []jen.Code{jen.Int64(), jen.Error()},
			jen.Id("countRows").Call(db.Clone(), info.Clone(), jen.Id("where"))},
	}
	for _, md := range methods {
		f.Comment(md.doc)
		f.Func().Add(recv()).Id(md.name).Params(md.params...).Params(md.results...).Block(jen.Return(md.call))
	}
}

// descriptor writes CompanyColumns and var CompanyT.
func (t *dbTable) descriptor(f *jen.File) {
	name := t.c.ColumnsTypeName()
	f.Comment(name + " are the columns of table " + strconv.Quote(t.c.Table) + ", for queries on it (pod." + t.c.DescriptorName() + ").")
	f.Type().Id(name).StructFunc(func(g *jen.Group) {
		for _, fl := range t.stored {
			g.Id(fl.GoName).Add(t.columnType(fl.Type))
		}
		for _, r := range t.relations() {
			g.Comment("The relation " + strconv.Quote(r.fl.Name) + ": includes and filters.")
			g.Id(r.fl.GoName).Add(t.relationType(r))
		}
	})
	f.Comment(t.c.DescriptorName() + " is the table descriptor of " + t.c.Name + ": its columns make the conditions and orders of s.DB." + t.c.Name + " queries.")
	f.Var().Id(t.c.DescriptorName()).Op("=").Id(name).ValuesFunc(func(g *jen.Group) {
		for _, fl := range t.stored { // in field order (a jen.Dict would sort)
			col := jen.Id("newCol").Call(jen.Lit(t.c.Table), jen.Lit(fl.Column), jen.Lit(fl.Type.Nullable))
			g.Line().Id(fl.GoName).Op(":").Add(t.columnCtor(fl.Type).Call(col))
		}
		for _, r := range t.relations() {
			g.Line().Id(r.fl.GoName).Op(":").Add(t.relationValue(r))
		}
		g.Line()
	})
}

// typeArgs are the column type's type arguments: the model, and the UUID
// or enum type where the column has one.
func (t *dbTable) typeArgs(ty *schema.Type) []jen.Code {
	args := []jen.Code{t.model()}
	if arg := kindOf(ty).typeArg; arg != nil {
		args = append(args, arg(ty))
	}
	return args
}

func (t *dbTable) columnType(ty *schema.Type) *jen.Statement {
	name := kindOf(ty).column + "Column"
	if ty.Nullable {
		name = "Null" + name
	}
	return jen.Id(name).Types(t.typeArgs(ty)...)
}

// columnCtor is the static constructor of the column type:
// intColumn[Company], nullEnumColumn[Company, Role], uuidColumn[Company, UUID].
func (t *dbTable) columnCtor(ty *schema.Type) *jen.Statement {
	name := kindOf(ty).column + "Column"
	if ty.Nullable {
		name = "null" + name
	} else {
		name = schema.LowerFirst(name)
	}
	return jen.Id(name).Types(t.typeArgs(ty)...)
}
