package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// decodeCode reads a value of type t into dst; sc is the nesting level
// for loop variable names and wrap adds the value's path to errors.
func decodeCode(d *jen.Statement, t *schema.Type, dst target, models string, sc scope, wrap wrapFunc) []jen.Code {
	if t.Nullable {
		return decodeNullable(d, t, dst, models, sc, wrap)
	}
	switch t.Kind {
	case schema.List:
		return decodeList(d, t, dst, models, sc, wrap)
	case schema.Map:
		if t.EntryMap() {
			return decodeEntries(d, t, dst, models, sc, wrap)
		}
		return decodeMap(d, t, dst, models, sc, wrap)
	case schema.Set:
		return decodeSet(d, t, dst, models, sc, wrap)
	}
	if m := kindOf(t).decoder; m != "" {
		return []jen.Code{ifErr(d.Clone().Dot(m).Call(dst.addr()), wrap)}
	}
	return []jen.Code{ifErr(dst.recv().Dot("DecodeJSON").Call(d.Clone()), wrap)}
}

// decodeNullable turns a null into nil and otherwise decodes the value,
// allocating the pointee of a `T?` value kind first (and reusing one that
// is there, as encoding/json does).
func decodeNullable(d *jen.Statement, t *schema.Type, dst target, models string, sc scope, wrap wrapFunc) []jen.Code {
	inner := *t
	inner.Nullable = false
	loc := dst.val()
	var body []jen.Code
	if t.Pointer() {
		body = append(body, jen.If(loc.Clone().Op("==").Nil()).Block(
			loc.Clone().Op("=").Qual(models, "NewJSONValue").Types(baseType(t, models)).Call(d.Clone())))
		dst = target{expr: loc, ptr: true}
	}
	body = append(body, decodeCode(d, &inner, dst, models, sc, wrap)...)
	return []jen.Code{jen.If(d.Clone().Dot("Null").Call()).Block(
		loc.Clone().Op("=").Nil()).Else().Block(body...)}
}

// decodeList reads an array into the decoder's scratch list for it
// (JSONList), decoding each element in place, and then moves the elements
// into dst's backing array or a new one of their exact length
// (FinishJSONList); an empty array gives an empty, non-nil slice, as with
// encoding/json.
func decodeList(d *jen.Statement, t *schema.Type, dst target, models string, sc scope, wrap wrapFunc) []jen.Code {
	i, list, s := sc.name("i"), sc.name("list"), dst.val()
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(models, "JSONIndexError").Call(err, i.Clone()))
	}
	body := []jen.Code{
		jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(d.Clone()).Dot("More").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(wrap(jen.Err()))),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
		list.Clone().Dot("Elems").Op("=").Qual(models, "ExtendJSONSlice").Call(d.Clone(), list.Clone().Dot("Elems")),
	}
	elem := target{expr: list.Clone().Dot("Elems").Index(i.Clone())}
	body = append(body, decodeCode(d, t.Elem, elem, models, sc+1, elemWrap)...)
	return []jen.Code{
		ifErr(d.Clone().Dot("BeginArray").Call(), wrap),
		list.Clone().Op(":=").Qual(models, "JSONList").Call(d.Clone(), s.Clone()),
		jen.For(i.Clone().Op(":=").Lit(0), jen.Empty(), i.Clone().Op("++")).Block(body...),
		s.Clone().Op("=").Qual(models, "FinishJSONList").Call(d.Clone(), s.Clone(), list.Clone()),
	}
}

// decodeMap reads an object into dst, adding to a map that is already
// there as encoding/json does.
func decodeMap(d *jen.Statement, t *schema.Type, dst target, models string, sc scope, wrap wrapFunc) []jen.Code {
	k, e, m := sc.name("k"), sc.name("e"), dst.val()
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(models, "JSONFieldError").Call(err, jen.Lit(""), k.Clone()))
	}
	body := []jen.Code{
		jen.List(jen.Id("key"), jen.Id("ok"), jen.Err()).Op(":=").Add(d.Clone()).Dot("Key").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(wrap(jen.Err()))),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
		k.Clone().Op(":=").Add(d.Clone()).Dot("MapKey").Call(jen.Id("key")), // a copy: the key bytes are reused by the next read
		jen.Var().Add(e.Clone()).Add(goType(t.Elem, models)),
	}
	body = append(body, decodeCode(d, t.Elem, target{expr: e.Clone()}, models, sc+1, elemWrap)...)
	body = append(body, jen.Qual(models, "PutJSONMap").Call(d.Clone(), m.Clone(), k.Clone(), e.Clone()))
	return []jen.Code{
		ifErr(d.Clone().Dot("BeginObject").Call(), wrap),
		jen.If(m.Clone().Op("==").Nil()).Block(m.Clone().Op("=").Qual(models, "NewJSONMap").
			Types(jen.String(), goType(t.Elem, models)).Call(d.Clone())),
		jen.For().Block(body...),
	}
}

// beginKeyed begins the array of a Set or an entry Map and makes the map,
// or empties the one dst holds: like a List, the array replaces what was
// there (a JSON object, a Map with String keys, is added to instead, as
// encoding/json does).
func beginKeyed(d *jen.Statement, m *jen.Statement, key, elem jen.Code, models string, wrap wrapFunc) []jen.Code {
	return []jen.Code{
		ifErr(d.Clone().Dot("BeginArray").Call(), wrap),
		jen.If(m.Clone().Op("==").Nil()).Block(m.Clone().Op("=").Qual(models, "NewJSONMap").
			Types(key, elem).Call(d.Clone())).Else().Block(jen.Clear(m.Clone())),
	}
}

// moreElements is the head of an array loop body: break at the end.
func moreElements(d *jen.Statement, wrap wrapFunc) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(d.Clone()).Dot("More").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(wrap(jen.Err()))),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
	}
}

// decodeSet reads an array into a Set; a repeated element is kept once.
func decodeSet(d *jen.Statement, t *schema.Type, dst target, models string, sc scope, wrap wrapFunc) []jen.Code {
	i, e, m := sc.name("i"), sc.name("e"), dst.val()
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(models, "JSONIndexError").Call(err, i.Clone()))
	}
	body := append(moreElements(d, wrap), jen.Var().Add(e.Clone()).Add(goType(t.Elem, models)))
	body = append(body, decodeCode(d, t.Elem, target{expr: e.Clone()}, models, sc+1, elemWrap)...)
	body = append(body, jen.Qual(models, "PutJSONMap").Call(d.Clone(), m.Clone(), e.Clone(), jen.Struct().Values()))
	return append(beginKeyed(d, m, goType(t.Elem, models), jen.Struct(), models, wrap),
		jen.For(i.Clone().Op(":=").Lit(0), jen.Empty(), i.Clone().Op("++")).Block(body...))
}

// decodeEntries reads Serverpod's [{"k":key,"v":value},...] into a Map
// whose keys are not String; a repeated key keeps the last value.
func decodeEntries(d *jen.Statement, t *schema.Type, dst target, models string, sc scope, wrap wrapFunc) []jen.Code {
	i, k, e, m := sc.name("i"), sc.name("k"), sc.name("e"), dst.val()
	elemWrap := func(err jen.Code) jen.Code {
		return wrap(jen.Qual(models, "JSONIndexError").Call(err, i.Clone()))
	}
	memberWrap := func(member string) wrapFunc {
		return func(err jen.Code) jen.Code {
			return elemWrap(jen.Qual(models, "JSONFieldError").Call(err, jen.Lit(""), jen.Lit(member)))
		}
	}
	member, seen := sc.name("member"), sc.name("seen")
	members := []jen.Code{
		jen.List(member.Clone(), jen.Err()).Op(":=").Add(d.Clone()).Dot("EntryField").Call(jen.Op("&").Add(seen.Clone())),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(elemWrap(jen.Err()))),
		jen.If(member.Clone().Op("==").Lit(0)).Block(jen.Break()),
		jen.If(member.Clone().Op("==").Qual(models, "EntryKey")).Block(
			decodeCode(d, t.Key, target{expr: k.Clone()}, models, sc+1, memberWrap("k"))...,
		).Else().Block(
			decodeCode(d, t.Elem, target{expr: e.Clone()}, models, sc+1, memberWrap("v"))...),
	}
	body := append(moreElements(d, wrap),
		jen.Var().Add(k.Clone()).Add(goType(t.Key, models)),
		jen.Var().Add(e.Clone()).Add(goType(t.Elem, models)),
		ifErr(d.Clone().Dot("BeginObject").Call(), elemWrap),
		jen.For(seen.Clone().Op(":=").Id("uint8").Call(jen.Lit(0)), jen.Empty(), jen.Empty()).Block(members...),
		jen.Qual(models, "PutJSONMap").Call(d.Clone(), m.Clone(), k.Clone(), e.Clone()))
	return append(beginKeyed(d, m, goType(t.Key, models), goType(t.Elem, models), models, wrap),
		jen.For(i.Clone().Op(":=").Lit(0), jen.Empty(), i.Clone().Op("++")).Block(body...))
}
