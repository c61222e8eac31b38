package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// classJSON writes AppendJSON, DecodeJSON, MarshalJSON and UnmarshalJSON of
// a class. fields are the wire fields; in pod, server-only fields are also
// accepted on input (never required) so that a server can read its own data.
func classJSON(f *jen.File, c *schema.Class, fields []*schema.Field, models string, client bool) {
	f.Comment("AppendJSON appends the JSON object of v to b.")
	f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("AppendJSON").
		Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).
		Block(appendObject(fields, encoder{models: models})...)
	if !client {
		storedJSON(f, c, models)
	}

	var members []jsonMember
	for _, fl := range c.Fields {
		if fl.ServerOnly && client {
			continue
		}
		members = append(members, jsonMember{
			Key: fl.Name, Label: "field", Type: fl.Type,
			Dst:      jen.Id("v").Dot(fl.GoName),
			Required: !fl.Type.Nullable && !fl.ServerOnly && !fl.IsID,
		})
	}
	decode := append(decodeMembers(jen.Id("d"), members, models), jen.Return(jen.Nil()))
	f.Comment("DecodeJSON reads a JSON object into v. Unknown keys are skipped; a")
	f.Comment("missing required field, a null for a non-nullable one or a wrong type")
	f.Comment("is an error naming the field.")
	f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("DecodeJSON").
		Params(jen.Id("d").Op("*").Qual(models, "JSONDecoder")).Error().Block(decode...)
	interop(f, c.Name, "v")
}

// storedJSON writes appendStoredJSON, the JSON that the server stores (the
// Global cache, json columns): every field, server-only ones included, which
// DecodeJSON reads back. For a class that holds no server-only field it is
// AppendJSON.
func storedJSON(f *jen.File, c *schema.Class, models string) {
	f.Comment("appendStoredJSON appends the JSON the server stores: AppendJSON plus")
	f.Comment("the server-only fields (of v and of the classes it holds).")
	body := []jen.Code{jen.Return(jen.Id("v").Dot("AppendJSON").Call(jen.Id("b")))}
	if c.HoldsServerOnly {
		body = appendObject(c.Fields, encoder{models: models, stored: true})
	}
	f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("appendStoredJSON").
		Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(body...)
}

// appendObject is the body of a class's AppendJSON: one precomputed key
// literal per field, then the value.
func appendObject(fields []*schema.Field, enc encoder) []jen.Code {
	models := enc.models
	b := jen.Id("b")
	if len(fields) == 0 {
		return []jen.Code{jen.Return(jen.Append(b.Clone(), jen.Lit("{}").Op("...")), jen.Nil())}
	}
	var code []jen.Code
	for _, fl := range fields {
		if appendFails(fl.Type) {
			code = append(code, jen.Var().Err().Error())
			break
		}
	}
	sep := "{"
	for _, fl := range fields {
		key := fl.Name
		wrap := func(err jen.Code) jen.Code {
			return jen.Qual(models, "JSONFieldError").Call(err, jen.Lit("field"), jen.Lit(key))
		}
		code = append(code, b.Clone().Op("=").Append(b.Clone(), rawString(sep+jsonKey(key)+":").Op("...")))
		code = append(code, appendCode(b, fl.Type, target{expr: jen.Id("v").Dot(fl.GoName)}, enc, 0, wrap)...)
		sep = ","
	}
	return append(code, jen.Return(jen.Append(b.Clone(), jen.LitRune('}')), jen.Nil()))
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
