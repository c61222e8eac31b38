package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// classJSON writes AppendJSON, DecodeJSON, MarshalJSON and UnmarshalJSON of
// a class, and in pod appendStoredJSON. fields are the wire fields; in pod,
// server-only fields are read too (never required) when the decoder reads
// the stored form, so that a server can read its own data, and skipped
// otherwise, so that a client cannot set them.
func classJSON(f *jen.File, c *schema.Class, fields []*schema.Field, models string, client bool) {
	if client || !c.HoldsServerOnly {
		f.Comment("AppendJSON appends the JSON object of v to b.")
		f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("AppendJSON").
			Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).
			Block(appendObject(fields, nil, encoder{models: models})...)
	}
	if !client {
		storedJSON(f, c, models)
	}

	var members []jsonMember
	for _, fl := range c.Fields {
		if fl.ServerOnly && client || !fl.Serialized() {
			continue
		}
		m := jsonMember{
			Key: fl.Name, Label: "field", Type: fl.Type,
			Dst:        jen.Id("v").Dot(fl.GoName),
			Required:   !fl.Type.Nullable && !fl.ServerOnly && !fl.IsID && fl.DefaultModel == nil,
			ServerOnly: fl.ServerOnly,
		}
		if fl.DefaultModel != nil {
			m.Default = defaultFieldValue(fl, models)
		}
		members = append(members, m)
	}
	decode := append(decodeMembers(jen.Id("d"), members, models), jen.Return(jen.Nil()))
	f.Comment("DecodeJSON reads a JSON object into v. Unknown keys are skipped; a")
	f.Comment("missing required field, a null for a non-nullable one or a wrong type")
	f.Comment("is an error naming the field.")
	f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("DecodeJSON").
		Params(jen.Id("d").Op("*").Qual(models, "JSONDecoder")).Error().Block(decode...)
	interop(f, c.Name, "v")
}

// storedJSON writes appendStoredJSON, the JSON the server stores (the
// Global cache, json columns), which DecodeJSON reads back. For a class that
// holds no server-only field it is AppendJSON. Otherwise AppendJSON and
// appendStoredJSON share one appendJSON(b, stored): the wire fields in
// order, then, when stored, the server-only ones.
func storedJSON(f *jen.File, c *schema.Class, models string) {
	method := func(name string, body ...jen.Code) {
		f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id(name).
			Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(body...)
	}
	f.Comment("appendStoredJSON appends the JSON the server stores: AppendJSON plus")
	f.Comment("the server-only fields (of v and of the classes it holds).")
	if !c.HoldsServerOnly {
		method("appendStoredJSON", jen.Return(jen.Id("v").Dot("AppendJSON").Call(jen.Id("b"))))
		return
	}
	method("appendStoredJSON", jen.Return(jen.Id("v").Dot("appendJSON").Call(jen.Id("b"), jen.True())))
	f.Comment("AppendJSON appends the JSON object of v to b, without server-only fields.")
	method("AppendJSON", jen.Return(jen.Id("v").Dot("appendJSON").Call(jen.Id("b"), jen.False())))
	var wire, hidden []*schema.Field
	for _, fl := range c.Fields {
		switch {
		case !fl.Serialized():
		case fl.ServerOnly:
			hidden = append(hidden, fl)
		default:
			wire = append(wire, fl)
		}
	}
	f.Comment("appendJSON appends the JSON object of v; stored adds the server-only")
	f.Comment("fields, after the others.")
	f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("appendJSON").
		Params(jen.Id("b").Index().Byte(), jen.Id("stored").Bool()).Params(jen.Index().Byte(), jen.Error()).
		Block(appendObject(wire, hidden, encoder{models: models, stored: jen.Id("stored")})...)
}

// appendObject is the body of an appender: one precomputed key literal per
// field, then the value; the hidden (server-only) fields follow inside
// `if stored`.
func appendObject(wire, hidden []*schema.Field, enc encoder) []jen.Code {
	b := jen.Id("b")
	if len(wire)+len(hidden) == 0 {
		return []jen.Code{jen.Return(jen.Append(b.Clone(), jen.Lit("{}").Op("...")), jen.Nil())}
	}
	var code []jen.Code
	for _, fl := range append(wire[:len(wire):len(wire)], hidden...) {
		if appendFails(fl.Type) {
			code = append(code, jen.Var().Err().Error())
			break
		}
	}
	sep := "{"
	if len(wire) == 0 {
		code, sep = append(code, appendByte(b, '{')), ""
	}
	fields := func(fs []*schema.Field) []jen.Code {
		var out []jen.Code
		for _, fl := range fs {
			out = append(out, b.Clone().Op("=").Append(b.Clone(), rawString(sep+jsonKey(fl.Name)+":").Op("...")))
			out = append(out, appendCode(b, fl.Type, target{expr: jen.Id("v").Dot(fl.GoName)}, enc, 0, fieldWrap(enc.models, fl.Name))...)
			sep = ","
		}
		return out
	}
	code = append(code, fields(wire)...)
	if len(hidden) > 0 {
		code = append(code, jen.If(jen.Id("stored")).Block(fields(hidden)...))
	}
	return append(code, jen.Return(jen.Append(b.Clone(), jen.LitRune('}')), jen.Nil()))
}

// fieldWrap adds the field's name to an encoding error.
func fieldWrap(models, key string) wrapFunc {
	return func(err jen.Code) jen.Code {
		return jen.Qual(models, "JSONFieldError").Call(err, jen.Lit("field"), jen.Lit(key))
	}
}

// interop writes MarshalJSON and UnmarshalJSON on top of the generated
// codecs, so that encoding/json (and anything built on it) uses them.
// MarshalJSON has a value receiver so that json.Marshal(c) works on
// non-pointers too.
func interop(f *jen.File, name, recv string) {
	f.Comment("MarshalJSON implements json.Marshaler with AppendJSON.")
	f.Func().Params(jen.Id(recv).Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id(recv).Dot("AppendJSON").Call(jen.Nil())))
	f.Comment("UnmarshalJSON implements json.Unmarshaler with DecodeJSON.")
	f.Func().Params(jen.Id(recv).Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Return(jen.Id("decodeJSONDocument").Call(jen.Id("data"), jen.Id(recv))))
}
