package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// serverEndpoint writes server/endpoint_<name>.go: for each served method,
// its parameter struct with a decode method, its handler and the encoder of
// its result.
func serverEndpoint(e *schema.Endpoint, o Options) *jen.File {
	f := jen.NewFilePathName(o.Server(), "server")
	for i, m := range e.Methods {
		if i > 0 {
			f.Line()
		}
		serverParams(f, e, m, o)
		serverHandler(f, e, m, o)
		if m.Result != nil {
			serverEncoder(f, e, m, o)
		}
	}
	return f
}

// serverParams writes the parameter struct and its one-pass decoder.
func serverParams(f *jen.File, e *schema.Endpoint, m *schema.Method, o Options) {
	name := e.ParamsTypeName(m)
	fields := make([]jen.Code, 0, len(m.Params))
	members := make([]jsonMember, 0, len(m.Params))
	for _, p := range m.Params {
		fields = append(fields, jen.Id(p.Name).Add(goType(p.Type, o.Pod())))
		members = append(members, jsonMember{
			Key: p.Name, Label: "parameter", Type: p.Type,
			Dst:      jen.Id("p").Dot(p.Name),
			Required: !p.Type.Nullable && !p.Type.NilAble(),
		})
	}
	f.Commentf("%s holds the parameters of %s.%s.", name, e.GoName, m.GoName)
	f.Type().Id(name).Struct(fields...)
	f.Comment("decode reads the parameter object in one pass.")
	body := decodeMembers(jen.Id("d"), members, o.Pod())
	body = append(body, jen.Return(jen.Nil()))
	f.Func().Params(jen.Id("p").Op("*").Id(name)).Id("decode").
		Params(jen.Id("d").Op("*").Qual(o.Pod(), "JSONDecoder")).Error().Block(body...)
}

// serverHandler writes handle<Endpoint><Method>: decode, call, answer.
func serverHandler(f *jen.File, e *schema.Endpoint, m *schema.Method, o Options) {
	args := []jen.Code{jen.Id("c").Dot("session")}
	for _, p := range m.Params {
		args = append(args, jen.Id("p").Dot(p.Name))
	}
	call := jen.Id("e").Dot(m.GoName).Call(args...)
	fail := func(answer jen.Code) jen.Code {
		return jen.If(jen.Err().Op("!=").Nil()).Block(answer, jen.Return())
	}
	var body []jen.Code
	if m.Access.Login { // before decoding: a caller without the key gets nothing parsed
		scopes := []jen.Code{jen.Id("c")}
		for _, s := range m.Access.Scopes {
			scopes = append(scopes, jen.Lit(s))
		}
		body = append(body, jen.If(jen.Op("!").Id("authorized").Call(scopes...)).Block(jen.Return()))
	}
	body = append(body,
		jen.Var().Id("p").Id(e.ParamsTypeName(m)),
		jen.If(jen.Err().Op(":=").Id("decodeParams").Call(jen.Id("c"), jen.Op("&").Id("p")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("c").Dot("badRequest").Call(jen.Err()), jen.Return()),
	)
	if m.Result == nil {
		body = append(body,
			jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(
				jen.Id("endpointError").Call(jen.Id("c"), jen.Err()), jen.Return()),
			jen.Id("c").Dot("reply").Call(jen.Append(jen.Id("c").Dot("out").Index(jen.Op(":").Lit(0)), jen.Lit("null").Op("..."))),
		)
	} else {
		body = append(body,
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(call),
			fail(jen.Id("endpointError").Call(jen.Id("c"), jen.Err())),
			jen.List(jen.Id("b"), jen.Err()).Op(":=").Id(e.ResultEncoderName(m)).Call(
				jen.Id("c").Dot("out").Index(jen.Op(":").Lit(0)), jen.Id("res")),
			fail(jen.Id("c").Dot("internalError").Call(jen.Err())),
			jen.Id("c").Dot("reply").Call(jen.Id("b")),
		)
	}
	name := e.HandlerName(m)
	f.Commentf("%s serves POST /%s/%s with %s.%s.", name, e.WireName, m.WireName, e.GoName, m.GoName)
	f.Func().Id(name).Params(jen.Id("e").Op("*").Qual(o.endpointsImport(e), e.GoName)).Id("handler").Block(
		jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("call")).Block(body...)),
	)
}

// serverEncoder writes encode<Endpoint><Method>, which appends the result's
// JSON; it fails only on values JSON cannot carry (NaN, far-off dates).
func serverEncoder(f *jen.File, e *schema.Endpoint, m *schema.Method, o Options) {
	name := e.ResultEncoderName(m)
	var body []jen.Code
	if appendFails(m.Result) {
		body = append(body, jen.Var().Err().Error())
	}
	body = append(body, appendValue(jen.Id("b"), m.Result, jen.Id("res"), o.Pod())...)
	body = append(body, jen.Return(jen.Id("b"), jen.Nil()))
	f.Commentf("%s appends the JSON of a result of %s.%s.", name, e.GoName, m.GoName)
	f.Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("res").Add(goType(m.Result, o.Pod()))).
		Parens(jen.List(jen.Index().Byte(), jen.Error())).Block(body...)
}
