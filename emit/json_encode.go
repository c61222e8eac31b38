package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// encoder says how generated encoders write: which package the model types
// and helpers come from, and which JSON of a class they write.
type encoder struct {
	models string
	// stored, when set, is the bool expression (`true`, or the variable
	// `stored` of an appendJSON) handed to appendJSON of the classes that
	// hold server-only fields: true writes the JSON the server stores (the
	// Global cache, json columns), with those fields. nil writes the wire
	// JSON, AppendJSON.
	stored jen.Code
}

// classCall appends the JSON of the class value at recv.
func (enc encoder) classCall(b *jen.Statement, recv *jen.Statement, c *schema.Class) *jen.Statement {
	if enc.stored != nil && c.HoldsServerOnly {
		return recv.Dot("appendJSON").Call(b.Clone(), enc.stored)
	}
	return recv.Dot("AppendJSON").Call(b.Clone())
}

// appendCode appends the JSON of src, of type t, to b; sc is the nesting
// level for loop variable names and wrap adds the value's path to errors.
func appendCode(b *jen.Statement, t *schema.Type, src target, enc encoder, sc scope, wrap wrapFunc) []jen.Code {
	models := enc.models
	if t.Nullable {
		inner := *t
		inner.Nullable = false
		if t.Pointer() {
			src = target{expr: src.val(), ptr: true}
		}
		null := b.Clone().Op("=").Append(b.Clone(), jen.Lit("null").Op("..."))
		return []jen.Code{jen.If(src.expr.Clone().Op("==").Nil()).Block(null).Else().Block(
			appendCode(b, &inner, src, enc, sc, wrap)...)}
	}
	switch t.Kind {
	case schema.ClassKind:
		return appendFallible(b, enc.classCall(b, src.recv(), t.Class), wrap)
	case schema.List:
		return appendList(b, t, src, enc, sc, wrap)
	case schema.Map:
		if t.EntryMap() {
			return appendEntries(b, t, src, enc, sc, wrap)
		}
		return appendMap(b, t, src, enc, sc, wrap)
	case schema.Set:
		return appendSet(b, t, src, enc, sc, wrap)
	}
	k := kindOf(t)
	call := k.appendJSON(b, src, models)
	if k.appendFails {
		return appendFallible(b, call, wrap)
	}
	return []jen.Code{b.Clone().Op("=").Add(call)}
}

// appendFallible is `if b, err = call; err != nil { return b, wrap(err) }`.
func appendFallible(b *jen.Statement, call *jen.Statement, wrap wrapFunc) []jen.Code {
	return []jen.Code{jen.If(
		jen.List(b.Clone(), jen.Err()).Op("=").Add(call), jen.Err().Op("!=").Nil(),
	).Block(jen.Return(b.Clone(), wrap(jen.Err())))}
}

// appendByte is `b = append(b, c)`.
func appendByte(b *jen.Statement, c rune) jen.Code {
	return b.Clone().Op("=").Append(b.Clone(), jen.LitRune(c))
}

// appendList writes the elements in place (x[i], not a copy per element).
func appendList(b *jen.Statement, t *schema.Type, src target, enc encoder, sc scope, wrap wrapFunc) []jen.Code {
	i := sc.name("i")
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(enc.models, "JSONIndexError").Call(err, i.Clone()))
	}
	body := []jen.Code{jen.If(i.Clone().Op(">").Lit(0)).Block(appendByte(b, ','))}
	elem := target{expr: src.val().Index(i.Clone())}
	body = append(body, appendCode(b, t.Elem, elem, enc, sc+1, elemWrap)...)
	return []jen.Code{
		appendByte(b, '['),
		jen.For(jen.List(i.Clone()).Op(":=").Range().Add(src.val())).Block(body...),
		appendByte(b, ']'),
	}
}

// appendMap writes the members sorted by key, as encoding/json does; the
// key slice stays on the stack for maps of up to 8 keys.
func appendMap(b *jen.Statement, t *schema.Type, src target, enc encoder, sc scope, wrap wrapFunc) []jen.Code {
	i, k, e := sc.name("i"), sc.name("k"), sc.name("e")
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(enc.models, "JSONFieldError").Call(err, jen.Lit(""), k.Clone()))
	}
	body := []jen.Code{
		jen.If(i.Clone().Op(">").Lit(0)).Block(appendByte(b, ',')),
		b.Clone().Op("=").Qual(enc.models, "AppendJSONString").Call(b.Clone(), k.Clone()),
		appendByte(b, ':'),
		e.Clone().Op(":=").Add(src.val()).Index(k.Clone()),
	}
	body = append(body, appendCode(b, t.Elem, target{expr: e.Clone()}, enc, sc+1, elemWrap)...)
	return []jen.Code{
		appendByte(b, '{'),
		jen.For(jen.List(i.Clone(), k.Clone()).Op(":=").Range().Qual(enc.models, "SortedKeys").Call(
			jen.Make(jen.Index().String(), jen.Lit(0), jen.Lit(8)), src.val())).Block(body...),
		appendByte(b, '}'),
	}
}

// sortedKeys is the loop header over a Set's elements or an entry Map's
// keys in the order of their kind's compare; the key slice stays on the
// stack for up to 8 keys.
func sortedKeys(i, k *jen.Statement, key *schema.Type, src target, models string) *jen.Statement {
	return jen.For(jen.List(i.Clone(), k.Clone()).Op(":=").Range().Qual(models, "SortedKeysFunc").Call(
		jen.Make(jen.Index().Add(goType(key, models)), jen.Lit(0), jen.Lit(8)), src.val(),
		kindOf(key).compare(key, models)))
}

// appendSet writes a Set as an array, its elements in sorted order.
func appendSet(b *jen.Statement, t *schema.Type, src target, enc encoder, sc scope, wrap wrapFunc) []jen.Code {
	i, e := sc.name("i"), sc.name("e")
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(enc.models, "JSONIndexError").Call(err, i.Clone()))
	}
	body := []jen.Code{jen.If(i.Clone().Op(">").Lit(0)).Block(appendByte(b, ','))}
	body = append(body, appendCode(b, t.Elem, target{expr: e.Clone()}, enc, sc+1, elemWrap)...)
	return []jen.Code{
		appendByte(b, '['),
		sortedKeys(i, e, t.Elem, src, enc.models).Block(body...),
		appendByte(b, ']'),
	}
}

// appendEntries writes a Map whose keys are not String in Serverpod's
// form, [{"k":key,"v":value},...], sorted by key.
func appendEntries(b *jen.Statement, t *schema.Type, src target, enc encoder, sc scope, wrap wrapFunc) []jen.Code {
	i, k, e := sc.name("i"), sc.name("k"), sc.name("e")
	entryWrap := func(member string) wrapFunc {
		return func(err jen.Code) jen.Code {
			return wrap(jen.Qual(enc.models, "JSONIndexError").Call(
				jen.Qual(enc.models, "JSONFieldError").Call(err, jen.Lit(""), jen.Lit(member)), i.Clone()))
		}
	}
	body := []jen.Code{
		jen.If(i.Clone().Op(">").Lit(0)).Block(appendByte(b, ',')),
		b.Clone().Op("=").Append(b.Clone(), rawString(`{"k":`).Op("...")),
	}
	body = append(body, appendCode(b, t.Key, target{expr: k.Clone()}, enc, sc+1, entryWrap("k"))...)
	body = append(body,
		b.Clone().Op("=").Append(b.Clone(), rawString(`,"v":`).Op("...")),
		e.Clone().Op(":=").Add(src.val()).Index(k.Clone()))
	body = append(body, appendCode(b, t.Elem, target{expr: e.Clone()}, enc, sc+1, entryWrap("v"))...)
	body = append(body, appendByte(b, '}'))
	return []jen.Code{
		appendByte(b, '['),
		sortedKeys(i, k, t.Key, src, enc.models).Block(body...),
		appendByte(b, ']'),
	}
}
