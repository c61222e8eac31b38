package emit

import (
	"slices"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// The relations of a table class in its descriptor and accessor (SPEC §10,
// static/pod/db_include.go):
//
//	type BookColumns struct{ ...; Author ObjectRelation[Book, Author] }
//	BookT = BookColumns{..., Author: objectRelation[Book, Author](authorTable, `"id"`, `"author_id"`,
//		`"book"`, "author", (*Author).DecodeJSON, func(v *Book) **Author { return &v.Author })}
//	func (t BookTable) AttachAuthor(v *Book, r *Author) error   // sets v.AuthorID and stores it
//	func (t BookTable) DetachEditor(v *Book) error              // a nullable key only

// dbRelation is one object or list relation field of a table class.
type dbRelation struct {
	fl      *schema.Field
	rel     *schema.Relation
	keyHere bool // the foreign key is a field of this class (else of the target)
}

// relations are the class's object and list relation fields (an id
// relation, `parent=`, has nothing to load: it is a plain column).
func (t *dbTable) relations() []dbRelation {
	var out []dbRelation
	for _, fl := range t.c.Fields {
		r := fl.Relation
		if r == nil || fl.Persist || r.Target == nil || r.FK == nil {
			continue
		}
		out = append(out, dbRelation{fl: fl, rel: r, keyHere: !r.List && slices.Contains(t.c.Fields, r.FK)})
	}
	return out
}

// relationType is ObjectRelation[Book, Author] or ListRelation[Author, Book].
func (t *dbTable) relationType(r dbRelation) *jen.Statement {
	name := "ObjectRelation"
	if r.rel.List {
		name = "ListRelation"
	}
	return jen.Id(name).Types(t.model(), jen.Id(r.rel.Target.Name))
}

// relationValue is the descriptor's constructor call of r.
func (t *dbTable) relationValue(r dbRelation) *jen.Statement {
	target := r.rel.Target
	childCol, parentCol := QuoteIdent(r.rel.FK.Column), QuoteIdent(t.c.IDField().Column)
	if r.keyHere {
		childCol, parentCol = QuoteIdent(target.IDField().Column), QuoteIdent(r.rel.FK.Column)
	}
	ctor, field := "objectRelation", jen.Op("*").Op("*").Id(target.Name)
	if r.rel.List {
		ctor, field = "listRelation", jen.Op("*").Index().Id(target.Name)
	}
	return jen.Id(ctor).Types(t.model(), jen.Id(target.Name)).Call(
		jen.Id(target.TableInfoName()), sqlLit(childCol), sqlLit(parentCol), sqlLit(QuoteIdent(t.c.Table)),
		jen.Lit(r.fl.Name), jen.Parens(jen.Op("*").Id(target.Name)).Dot("DecodeJSON"),
		jen.Func().Params(jen.Id("v").Op("*").Add(t.model())).Add(field).Block(
			jen.Return(jen.Op("&").Id("v").Dot(r.fl.GoName))))
}

// attachMethods writes AttachX and, where the key may be NULL, DetachX of
// every relation: they set (or clear) the foreign key, in Go and in the
// database, without touching the other columns.
func (t *dbTable) attachMethods(f *jen.File) {
	for _, r := range t.relations() {
		if r.rel.List {
			t.attachList(f, r)
			continue
		}
		t.attachObject(f, r)
	}
}

// attachObject: the key is v's (Book.author) or the related row's (the
// 1:1 Author.profile, whose key is Profile.authorId).
func (t *dbTable) attachObject(f *jen.File, r dbRelation) {
	target, fk := r.rel.Target, r.rel.FK
	recv := jen.Params(jen.Id("t").Id(t.c.TableTypeName()))
	v, rv := jen.Id("v"), jen.Id("r")
	holder, holderTable, other := v, t.c, rv // the row whose key changes, and the row it points at
	if !r.keyHere {
		holder, holderTable, other = rv, target, v
	}
	set := setKey(holder, fk, other.Clone().Dot("ID"))
	store := updateKey(holderTable, holder, fk)
	name := "Attach" + r.fl.GoName
	f.Comment(name + " makes r the " + r.fl.Name + " of v: it sets " + holderName(r.keyHere) + "." + fk.GoName +
		" to the other's ID, stores that column, and sets v." + r.fl.GoName + ".")
	f.Func().Add(recv).Id(name).Params(v.Clone().Op("*").Add(t.model()), rv.Clone().Op("*").Id(target.Name)).Error().Block(
		jen.If(jen.Id("v").Op("==").Nil().Op("||").Id("r").Op("==").Nil()).Block(
			jen.Return(jen.Id("errorf").Call(jen.Lit(name+": nil row")))),
		set,
		jen.If(jen.Err().Op(":=").Add(store), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("v").Dot(r.fl.GoName).Op("=").Id("r"),
		jen.Return(jen.Nil()),
	)
	if !fk.Type.Nullable {
		return
	}
	name = "Detach" + r.fl.GoName
	if r.keyHere {
		f.Comment(name + " clears the " + r.fl.Name + " of v: it sets v." + fk.GoName + " to nil, stores that column, and sets v." + r.fl.GoName + " to nil.")
		f.Func().Add(recv).Id(name).Params(v.Clone().Op("*").Add(t.model())).Error().Block(
			jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Id("errorf").Call(jen.Lit(name+": nil row")))),
			jen.Id("v").Dot(fk.GoName).Op("=").Nil(),
			jen.If(jen.Err().Op(":=").Add(updateKey(t.c, v, fk)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("v").Dot(r.fl.GoName).Op("=").Nil(),
			jen.Return(jen.Nil()),
		)
		return
	}
	f.Comment(name + " clears the " + r.fl.Name + " of v: the " + target.Name + " rows whose " + fk.GoName + " is v.ID get NULL.")
	f.Func().Add(recv).Id(name).Params(v.Clone().Op("*").Add(t.model())).Error().Block(
		jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Id("errorf").Call(jen.Lit(name+": nil row")))),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("updateWhere").Call(jen.Id("t").Dot("db"), jen.Id(target.TableInfoName()),
			column(target, fk).Dot("Equals").Call(jen.Id("v").Dot("ID")),
			jen.Index().Id("Assignment").Types(jen.Id(target.Name)).Values(column(target, fk).Dot("SetNull").Call())),
		jen.If(jen.Err().Op("==").Nil()).Block(jen.Id("v").Dot(r.fl.GoName).Op("=").Nil()),
		jen.Return(jen.Err()),
	)
}

// attachList: AttachBooks(v, rs...) points every r at v (one UPDATE),
// DetachBooks(v, rs...) clears those of them that point at v.
func (t *dbTable) attachList(f *jen.File, r dbRelation) {
	target, fk := r.rel.Target, r.rel.FK
	recv := jen.Params(jen.Id("t").Id(t.c.TableTypeName()))
	params := []jen.Code{jen.Id("v").Op("*").Add(t.model()), jen.Id("rs").Op("...").Op("*").Id(target.Name)}
	ids := func(body ...jen.Code) []jen.Code {
		return append([]jen.Code{
			jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Id("errorf").Call(jen.Lit("nil row")))),
			jen.Id("ids").Op(":=").Make(jen.Index().Add(goType(target.IDField().Type, t.pod)), jen.Lit(0), jen.Len(jen.Id("rs"))),
			jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("rs")).Block(
				jen.If(jen.Id("r").Op("==").Nil()).Block(jen.Return(jen.Id("errorf").Call(jen.Lit("nil row")))),
				jen.Id("ids").Op("=").Append(jen.Id("ids"), jen.Id("r").Dot("ID"))),
		}, body...)
	}
	idCol := column(target, target.IDField())
	update := func(where *jen.Statement, set *jen.Statement) jen.Code {
		return jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("updateWhere").Call(jen.Id("t").Dot("db"), jen.Id(target.TableInfoName()),
			where, jen.Index().Id("Assignment").Types(jen.Id(target.Name)).Values(set)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	}
	name := "Attach" + r.fl.GoName
	f.Comment(name + " makes rs " + r.fl.Name + " of v: it sets their " + fk.GoName + " to v.ID, in Go and in one UPDATE.")
	f.Func().Add(recv).Id(name).Params(params...).Error().Block(ids(
		update(idCol.Clone().Dot("InSet").Call(jen.Id("ids").Op("...")), column(target, fk).Dot("Set").Call(jen.Id("v").Dot("ID"))),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("rs")).Block(setKey(jen.Id("r"), fk, jen.Id("v").Dot("ID"))),
		jen.Return(jen.Nil()),
	)...)
	if !fk.Type.Nullable {
		return
	}
	name = "Detach" + r.fl.GoName
	f.Comment(name + " takes rs out of the " + r.fl.Name + " of v: those of them whose " + fk.GoName + " is v.ID get nil, in Go and in one UPDATE.")
	f.Func().Add(recv).Id(name).Params(params...).Error().Block(ids(
		update(idCol.Clone().Dot("InSet").Call(jen.Id("ids").Op("...")).Dot("And").Call(column(target, fk).Dot("Equals").Call(jen.Id("v").Dot("ID"))),
			column(target, fk).Dot("SetNull").Call()),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("rs")).Block(
			jen.If(jen.Id("r").Dot(fk.GoName).Op("!=").Nil().Op("&&").Op("*").Id("r").Dot(fk.GoName).Op("==").Id("v").Dot("ID")).Block(
				jen.Id("r").Dot(fk.GoName).Op("=").Nil())),
		jen.Return(jen.Nil()),
	)...)
}

func holderName(keyHere bool) string {
	if keyHere {
		return "v"
	}
	return "r"
}

// setKey is holder.FK = id (through a new pointer for a nullable key).
func setKey(holder *jen.Statement, fk *schema.Field, id *jen.Statement) jen.Code {
	if fk.Type.Nullable {
		return holder.Clone().Dot(fk.GoName).Op("=").Id("defaultPtr").Call(id)
	}
	return holder.Clone().Dot(fk.GoName).Op("=").Add(id)
}

// updateKey stores the key column of holder (a row of class c).
func updateKey(c *schema.Class, holder *jen.Statement, fk *schema.Field) *jen.Statement {
	return jen.Id("updateColumns").Call(jen.Id("t").Dot("db"), jen.Id(c.TableInfoName()), holder,
		jen.Index().Id("Column").Types(jen.Id(c.Name)).Values(column(c, fk)))
}

// column is pod.<Class>T.<Field>.
func column(c *schema.Class, fl *schema.Field) *jen.Statement {
	return jen.Id(c.DescriptorName()).Dot(fl.GoName)
}
