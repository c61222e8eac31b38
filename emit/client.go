package emit

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// clientAPI writes the typed client (SPEC §9): client/client.go with the
// Client and New, and client/client_<endpoint>.go with one type per
// endpoint. The transport (caller, options, Error) is static code from
// static/client; the models come from the client models artifact.
//
//	type Client struct{ Example *ExampleEndpoint }
//	func New(baseURL string, opts ...Option) *Client
//
//	func (ep *ExampleEndpoint) Hello(ctx context.Context, name string) (string, error) {
//		var r string
//		err := ep.c.call(ctx, "example/hello", func(b []byte) ([]byte, error) {
//			b = append(b, `{"name":`...)
//			b = AppendJSONString(b, name)
//			return append(b, '}'), nil
//		}, func(data []byte) error { ...decode data into r, then d.End()... })
//		return r, err
//	}
func clientAPI(p *schema.Protocol, o Options) ([]File, error) {
	files := []File{{Path: "client/client.go", Jen: clientRoot(p, o)}}
	for _, e := range p.Endpoints {
		files = append(files, File{
			Path: "client/" + e.File + ".go",
			Jen:  clientEndpoint(e, o),
		})
	}
	return files, nil
}

// clientRoot writes the Client type, New and the exception lookup that the
// transport uses to turn an error answer into a typed error.
func clientRoot(p *schema.Protocol, o Options) *jen.File {
	f := jen.NewFilePathName(o.Client(), "client")
	f.PackageComment("Package client calls the app's server over HTTP (POST /{endpoint}/{method}, JSON).")
	f.PackageComment("It uses only the standard library.")

	fields := make([]jen.Code, 0, len(p.Endpoints))
	inits := jen.Dict{}
	modules := map[string][]*schema.Endpoint{}
	var moduleNames []string
	for _, e := range p.Endpoints {
		if e.Module != "" {
			if modules[e.Module] == nil {
				moduleNames = append(moduleNames, e.Module)
			}
			modules[e.Module] = append(modules[e.Module], e)
			continue
		}
		fields = append(fields, jen.Commentf("%s calls the %q endpoint.", e.BaseName(), e.WireName).Line().
			Id(e.BaseName()).Op("*").Id(e.ClientTypeName()))
		inits[jen.Id(e.BaseName())] = newClientEndpoint(e)
	}
	for _, m := range moduleNames {
		field, typ := schema.UpperFirst(m), schema.UpperFirst(m)+"Module"
		fields = append(fields, jen.Commentf("%s calls the endpoints of podgen's %s module (%s.*).", field, m, m).Line().
			Id(field).Op("*").Id(typ))
		inits[jen.Id(field)] = jen.Op("&").Id(typ).Values(clientModuleInits(modules[m]))
	}
	f.Comment("Client calls the app's endpoints, one field per endpoint. It is safe for")
	f.Comment("concurrent use; create it once with New and reuse it.")
	f.Type().Id("Client").Struct(fields...)
	for _, m := range moduleNames {
		clientModule(f, m, modules[m])
	}

	f.Comment("New returns a Client for the server at baseURL (\"http://localhost:8080/\").")
	f.Func().Id("New").Params(jen.Id("baseURL").String(), jen.Id("opts").Op("...").Id("Option")).Op("*").Id("Client").BlockFunc(func(g *jen.Group) {
		if len(p.Endpoints) == 0 { // nothing to call
			g.Return(jen.Op("&").Id("Client").Values())
			return
		}
		g.Id("c").Op(":=").Id("newCaller").Call(jen.Id("baseURL"), jen.Id("newException"), jen.Id("opts"))
		g.Return(jen.Op("&").Id("Client").Values(inits))
	})

	cases := make([]jen.Code, 0, len(p.Exceptions))
	for _, x := range p.Exceptions {
		if x.ServerOnly {
			continue // the client has no copy
		}
		cases = append(cases, jen.Case(jen.Lit(x.Name)).Block(jen.Return(jen.New(jen.Id(x.Name)))))
	}
	f.Comment("newException returns a zero exception for a class name the server sent, nil")
	f.Comment("when the name is not one of this app's exceptions.")
	f.Func().Id("newException").Params(jen.Id("class").String()).Id("exception").BlockFunc(func(g *jen.Group) {
		if len(cases) > 0 {
			g.Switch(jen.Id("class")).Block(cases...)
		}
		g.Return(jen.Nil())
	})
	return f
}

// newClientEndpoint is &XEndpoint{c: c}.
func newClientEndpoint(e *schema.Endpoint) jen.Code {
	return jen.Op("&").Id(e.ClientTypeName()).Values(jen.Dict{jen.Id("c"): jen.Id("c")})
}

// moduleField is an endpoint's field in its module's client type: "Email"
// for auth.email.
func moduleField(e *schema.Endpoint) string { return strings.TrimSuffix(e.GoName, "Endpoint") }

func clientModuleInits(es []*schema.Endpoint) jen.Dict {
	d := jen.Dict{}
	for _, e := range es {
		d[jen.Id(moduleField(e))] = newClientEndpoint(e)
	}
	return d
}

// clientModule writes the type of a module's field of Client, one field
// per endpoint of the module: c.Auth.Email.Authenticate(...).
func clientModule(f *jen.File, module string, es []*schema.Endpoint) {
	fields := make([]jen.Code, 0, len(es))
	for _, e := range es {
		fields = append(fields, jen.Commentf("%s calls the %q endpoint.", moduleField(e), e.WireName).Line().
			Id(moduleField(e)).Op("*").Id(e.ClientTypeName()))
	}
	typ := schema.UpperFirst(module) + "Module"
	f.Commentf("%s calls the endpoints of podgen's %s module; use it as Client.%s.", typ, module, schema.UpperFirst(module))
	f.Type().Id(typ).Struct(fields...)
}

// clientEndpoint writes one endpoint's type and its methods.
func clientEndpoint(e *schema.Endpoint, o Options) *jen.File {
	f := jen.NewFilePathName(o.Client(), "client")
	use := e.BaseName()
	if e.Module != "" {
		use = schema.UpperFirst(e.Module) + "." + moduleField(e)
	}
	f.Commentf("%s calls the server's %q endpoint; use it as Client.%s.", e.ClientTypeName(), e.WireName, use)
	f.Type().Id(e.ClientTypeName()).Struct(jen.Id("c").Op("*").Id("caller"))
	for _, m := range e.Methods {
		f.Line()
		clientMethod(f, e, m, o)
	}
	return f
}

// clientMethod writes one method: encode the parameters, call, decode the
// result. Locals get names that no parameter uses.
func clientMethod(f *jen.File, e *schema.Endpoint, m *schema.Method, o Options) {
	sc := newClientScope(m.Params)
	params := []jen.Code{jen.Id(sc.ctx).Qual("context", "Context")}
	for _, p := range m.Params {
		params = append(params, jen.Id(sc.param[p]).Add(goType(p.Type, o.Client())))
	}
	results := jen.Error()
	if m.Result != nil {
		results = jen.Parens(jen.List(goType(m.Result, o.Client()), jen.Error()))
	}
	path := e.WireName + "/" + m.WireName
	clientDoc(f, m.GoName, m.Doc, "calls POST /"+path+".")
	f.Func().Params(jen.Id(sc.recv).Op("*").Id(e.ClientTypeName())).Id(m.GoName).Params(params...).Add(results).BlockFunc(func(g *jen.Group) {
		call := jen.Id(sc.recv).Dot("c").Dot("call").Call(jen.Id(sc.ctx), jen.Lit(path),
			clientEncoder(m, sc, o), clientDecoder(m, sc, o))
		if m.Result == nil {
			g.Return(call)
			return
		}
		g.Var().Id(sc.result).Add(goType(m.Result, o.Client()))
		g.Id(sc.err).Op(":=").Add(call)
		g.Return(jen.Id(sc.result), jen.Id(sc.err))
	})
}

// clientEncoder is the func literal that appends the parameter object.
// Commas are placed at generation time while that is known (a required
// parameter came before); after leading optional parameters, member places
// them at run time.
func clientEncoder(m *schema.Method, sc *clientScope, o Options) jen.Code {
	b := jen.Id(sc.buf)
	appendLit := func(s string) *jen.Statement {
		return b.Clone().Op("=").Append(b.Clone(), rawString(s).Op("..."))
	}
	return jen.Func().Params(b.Clone().Index().Byte()).Parens(jen.List(jen.Index().Byte(), jen.Error())).BlockFunc(func(g *jen.Group) {
		if len(m.Params) == 0 {
			g.Return(jen.Append(b.Clone(), jen.Lit("{}").Op("...")), jen.Nil())
			return
		}
		if clientAppendFails(m.Params) {
			g.Var().Err().Error() // assigned by the generated append code
		}
		if clientNeedsMember(m.Params) {
			g.Id(sc.start).Op(":=").Len(b.Clone())
		}
		if m.Params[0].Optional() {
			g.Add(appendByte(b, '{'))
		}
		written := false // a member is surely written before this one
		for i, p := range m.Params {
			key := jsonKey(p.Name) + ":"
			var open jen.Code
			switch {
			case written:
				open = appendLit("," + key)
			case i == 0 && !p.Optional():
				open = appendLit("{" + key)
			case i == 0:
				open = appendLit(key)
			default:
				open = b.Clone().Op("=").Id("member").Call(b.Clone(), jen.Id(sc.start), rawString(key))
			}
			body := append([]jen.Code{open}, clientAppendParam(b, p, sc.param[p], o.Client())...)
			if p.Optional() {
				g.If(jen.Id(sc.param[p]).Op("!=").Nil()).Block(body...)
				continue
			}
			for _, c := range body {
				g.Add(c)
			}
			written = true
		}
		g.Return(jen.Append(b.Clone(), jen.LitRune('}')), jen.Nil())
	})
}

// clientAppendParam is appendValue with errors that name the parameter. An
// optional parameter is only appended when it is not nil, so its value is
// appended as the non-null type.
func clientAppendParam(b *jen.Statement, p *schema.Param, name, models string) []jen.Code {
	wrap := func(err jen.Code) jen.Code {
		return jen.Qual(models, "JSONFieldError").Call(err, jen.Lit("parameter"), jen.Lit(p.Name))
	}
	t, src := p.Type, target{expr: jen.Id(name)}
	if p.Optional() {
		inner := *t
		inner.Nullable = false
		t, src.ptr = &inner, p.Type.Pointer()
	}
	return appendCode(b, t, src, encoder{models: models}, 0, wrap)
}

// clientAppendFails reports whether encoding some parameter can fail, so that
// the encoder needs its err variable.
func clientAppendFails(ps []*schema.Param) bool {
	for _, p := range ps {
		if appendFails(p.Type) {
			return true
		}
	}
	return false
}

// clientNeedsMember reports whether a parameter follows leading optional ones,
// so that whether a comma goes before it is only known at run time.
func clientNeedsMember(ps []*schema.Param) bool {
	for i, p := range ps {
		if !p.Optional() {
			return i > 0
		}
	}
	return len(ps) > 1
}

// clientDecoder is the func literal that decodes a 200 answer into the
// result variable; for an error-only method it accepts anything (the
// server sends null).
func clientDecoder(m *schema.Method, sc *clientScope, o Options) jen.Code {
	data := jen.Id(sc.data)
	if m.Result == nil {
		return jen.Func().Params(jen.Index().Byte()).Error().Block(jen.Return(jen.Nil()))
	}
	d := jen.Id(sc.dec)
	return jen.Func().Params(data.Clone().Index().Byte()).Error().BlockFunc(func(g *jen.Group) {
		g.Id(sc.dec).Op(":=").Id("NewJSONDecoder").Call(data.Clone())
		for _, c := range decodeValue(d.Clone(), m.Result, jen.Id(sc.result), o.Client()) {
			g.Add(c)
		}
		g.Return(d.Clone().Dot("End").Call())
	})
}

// clientDoc writes a method's doc comment: the user's own, then what the
// client does, or only the latter when the user wrote none.
func clientDoc(f *jen.File, name, doc, does string) {
	if doc == "" {
		f.Comment(name + " " + does)
		return
	}
	for _, line := range strings.Split(strings.TrimRight(doc, "\n"), "\n") {
		f.Comment(line)
	}
	f.Comment("")
	f.Comment("It " + does)
}

// clientScope names a method's locals so that none is a parameter's name
// nor a package the body uses: a parameter called "b" or "ctx" keeps its
// name and the locals move aside (b2, ctx2, ...); a parameter that would
// hide a package ("time") or clash with the names the shared JSON code
// declares ("err", "e", "k2", ...) is renamed (time2, errArg).
type clientScope struct {
	recv, ctx, buf, start, data, dec, result, err string
	param                                         map[*schema.Param]string
}

// clientPackages are the package names a generated client method may use.
var clientPackages = []string{"context", "time", "strconv", "base64", "math", "utf8", "bytes", "errors", "fmt", "json", "sort", "slices", "strings", "unicode"}

// clientJSONLocals are the names the shared JSON code declares (see json.go);
// nested levels add a digit.
var clientJSONLocals = []string{"err", "seen", "key", "ok", "i", "e", "k", "ks"}

func newClientScope(ps []*schema.Param) *clientScope {
	taken := map[string]bool{}
	for _, p := range clientPackages {
		taken[p] = true
	}
	for _, n := range clientJSONLocals {
		taken[n] = true
	}
	sc := &clientScope{param: map[*schema.Param]string{}}
	for _, p := range ps {
		name := p.Name
		if isClientJSONLocal(name) {
			name += "Arg"
		}
		sc.param[p] = clientFresh(taken, name)
	}
	delete(taken, "err") // the method's own err is outside the JSON code
	sc.recv, sc.ctx = clientFresh(taken, "ep"), clientFresh(taken, "ctx")
	sc.buf, sc.start = clientFresh(taken, "b"), clientFresh(taken, "start")
	sc.data, sc.dec = clientFresh(taken, "data"), clientFresh(taken, "d")
	sc.result, sc.err = clientFresh(taken, "r"), clientFresh(taken, "err")
	return sc
}

// isClientJSONLocal reports whether name is one of clientJSONLocals, the loop names
// with or without a nesting digit ("e", "e2", "ks3").
func isClientJSONLocal(name string) bool {
	base := strings.TrimRight(name, "0123456789")
	switch {
	case base == "i" || base == "e" || base == "k" || base == "ks":
		return true
	case base != name:
		return false
	}
	return slices.Contains(clientJSONLocals, name)
}

// clientFresh returns want, or want2, want3, ... the first that is not taken,
// and marks it taken.
func clientFresh(taken map[string]bool, want string) string {
	name := want
	for i := 2; taken[name]; i++ {
		name = want + strconv.Itoa(i)
	}
	taken[name] = true
	return name
}
