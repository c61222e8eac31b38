package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// serverRoutes writes server/routes.go: the app name, the compile-time
// guards on every served method, the routing table, the parameter decoding
// entry point and the mapping of returned errors onto answers.
func serverRoutes(p *schema.Protocol, o Options) *jen.File {
	f := jen.NewFilePathName(o.Server(), "server")
	f.PackageComment("Package server serves the app's endpoints over HTTP: POST /{endpoint}/{method}")
	f.PackageComment("with a JSON object of parameters, answering JSON (see podgen's SPEC §8).")
	f.Comment("appName names the app's defaults, such as its database.")
	f.Const().Id("appName").Op("=").Lit(o.App)
	serverGuards(f, p, o)
	serverRouteTable(f, p, o)
	serverDecodeParams(f, o)
	serverEndpointError(f, p, o)
	return f
}

// serverGuards writes one `var _ func(...) = (*endpoints.X)(nil).M` per
// served method, so that a changed signature fails to compile right here.
func serverGuards(f *jen.File, p *schema.Protocol, o Options) {
	var guards []jen.Code
	for _, e := range p.Endpoints {
		for _, m := range e.Methods {
			params := []jen.Code{jen.Op("*").Qual(o.Pod(), "Session")}
			for _, prm := range m.Params {
				params = append(params, goType(prm.Type, o.Pod()))
			}
			results := jen.Error()
			if m.Result != nil {
				results = jen.Parens(jen.List(goType(m.Result, o.Pod()), jen.Error()))
			}
			guards = append(guards, jen.Id("_").Func().Params(params...).Add(results).Op("=").
				Parens(jen.Op("*").Qual(o.endpointsImport(e), e.GoName)).Call(jen.Nil()).Dot(m.GoName))
		}
	}
	if len(guards) == 0 {
		return
	}
	f.Comment("The server was generated for these endpoint method signatures. If a line")
	f.Comment("here fails to compile, a signature changed since: re-run podgen.")
	f.Var().Defs(guards...)
}

// serverRouteTable writes routes, which serves every method of every
// endpoint from one instance of the endpoint's type.
func serverRouteTable(f *jen.File, p *schema.Protocol, o Options) {
	f.Comment("routes serves every endpoint method at POST /{endpoint}/{method}.")
	f.Func().Id("routes").Params(jen.Id("r").Op("*").Id("router")).BlockFunc(func(g *jen.Group) {
		for _, e := range p.Endpoints {
			v := schema.LowerFirst(e.ClientTypeName())
			g.Id(v).Op(":=").Op("&").Qual(o.endpointsImport(e), e.GoName).Values()
			for _, m := range e.Methods {
				g.Id("r").Dot("handle").Call(jen.Lit(e.WireName), jen.Lit(m.WireName),
					jen.Id(e.HandlerName(m)).Call(jen.Id(v)))
			}
		}
	})
}

// serverDecodeParams writes the pooled decoder that every handler reads
// its parameter object with.
func serverDecodeParams(f *jen.File, o Options) {
	dec := jen.Op("*").Qual(o.Pod(), "JSONDecoder")
	f.Comment("decoders pools parameter decoders with their scratch buffers.")
	f.Var().Id("decoders").Op("=").Qual("sync", "Pool").Values(jen.Dict{
		jen.Id("New"): jen.Func().Params().Any().Block(
			jen.Return(jen.Qual(o.Pod(), "NewJSONDecoder").Call(jen.Nil()))),
	})
	f.Comment("paramDecoder is the parameter struct of one method.")
	f.Type().Id("paramDecoder").Interface(jen.Id("decode").Params(jen.Id("d").Add(dec.Clone())).Error())
	f.Comment("emptyObject stands in for an empty body: a method without required")
	f.Comment("parameters may be called without one.")
	f.Var().Id("emptyObject").Op("=").Index().Byte().Call(jen.Lit("{}"))
	f.Comment("decodeParams reads the request body, one JSON object, into p, within")
	f.Comment("the call's memory budget (limits.go): a client can set no server-only field.")
	f.Func().Id("decodeParams").Params(jen.Id("c").Op("*").Id("call"), jen.Id("p").Id("paramDecoder")).Error().Block(
		jen.Id("body").Op(":=").Id("c").Dot("body"),
		jen.If(jen.Len(jen.Qual("bytes", "TrimSpace").Call(jen.Id("body"))).Op("==").Lit(0)).Block(
			jen.Id("body").Op("=").Id("emptyObject")),
		jen.Id("d").Op(":=").Id("decoders").Dot("Get").Call().Assert(dec.Clone()),
		jen.Defer().Id("decoders").Dot("Put").Call(jen.Id("d")),
		jen.Defer().Id("d").Dot("Reset").Call(jen.Nil()).Comment("first: a pooled decoder holds nothing of a failed decode"),
		jen.Id("d").Dot("Reset").Call(jen.Id("body")),
		jen.Id("d").Dot("SetBudget").Call(jen.Op("&").Id("c").Dot("mem")),
		jen.If(jen.Err().Op(":=").Id("p").Dot("decode").Call(jen.Id("d")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err())),
		jen.Return(jen.Id("d").Dot("End").Call()),
	)
}

// serverEndpointError writes endpointError: each generated exception is
// looked for with errors.As and sent as a 400 with its class and data. A
// server-only exception is not among them: clients have no copy of it, so
// it is an internal error like any other.
func serverEndpointError(f *jen.File, p *schema.Protocol, o Options) {
	f.Comment("endpointError answers an error an endpoint method returned: a generated")
	f.Comment("exception is a 400 with its class and data, anything else a 500.")
	f.Func().Id("endpointError").Params(jen.Id("c").Op("*").Id("call"), jen.Err().Error()).BlockFunc(func(g *jen.Group) {
		for _, x := range p.Exceptions {
			if x.ServerOnly {
				continue
			}
			v := jen.Id("x" + x.Name)
			g.Var().Add(v.Clone()).Op("*").Qual(o.Pod(), x.Name)
			g.If(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Add(v.Clone()))).Block(
				jen.Id("c").Dot("exception").Call(jen.Lit(x.Name), v.Clone(), v.Clone().Dot("AppendJSON")),
				jen.Return(),
			)
		}
		g.Id("c").Dot("internalError").Call(jen.Err())
	})
}
