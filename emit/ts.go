package emit

import (
	"fmt"
	"strings"

	"github.com/podgen/podgen/schema"
)

// tsClient writes ts/client.ts, the TypeScript client (SPEC §12): one
// dependency-free ES2020 module that runs unchanged in browsers, Node ≥ 18,
// Deno and Bun. It holds the fixed runtime (static/ts/runtime.ts: errors,
// transport, scalar codecs), then per app:
//
//	export type Status = "active" | "archived";       // enums; numbers for byIndex
//	export interface Address { street: string; zip?: string | null }
//	export class NotFound extends ServerException { readonly id: number; … }
//	const $Address: $Codec<Address> = { enc(v) {…}, dec(j) {…} };
//	export class ExampleEndpoint { hello(name: string, opts?: CallOptions): Promise<string> }
//	export class Client { readonly example: ExampleEndpoint; setAuthKey(key) }
//
// The type of every value comes from the ts column of the kind table.
func tsClient(p *schema.Protocol, _ Options) ([]File, error) {
	p = clientView(p)
	runtime, err := static.ReadFile("static/ts/runtime.ts")
	if err != nil {
		return nil, err
	}
	w := &tsWriter{}
	w.line("// " + Header)
	w.line("")
	w.line("// The app's TypeScript client: call the server's endpoints with")
	w.line("// `new Client(baseUrl).endpoint.method(...)`. It has no dependencies, needs")
	w.line("// ES2020 and a global fetch (or ClientOptions.fetch), and works in browsers,")
	w.line("// Node 18 and later, Deno and Bun.")
	w.line("")
	w.b.WriteString(tsRuntimeBody(string(runtime)))
	for _, e := range p.Enums {
		w.enum(e)
	}
	for _, c := range p.Classes {
		w.class(c)
	}
	for _, x := range p.Exceptions {
		w.class(x)
		w.exception(x)
	}
	w.writeCodecs(p)
	for _, e := range p.Endpoints {
		w.endpoint(e)
	}
	w.client(p)
	return []File{{Path: "ts/client.ts", Raw: []byte(w.b.String())}}, nil
}

// tsRuntimeBody is runtime.ts without its leading comment, which speaks of
// podgen's sources rather than of the client.
func tsRuntimeBody(src string) string {
	_, body, _ := strings.Cut(src, "\n\n")
	return body
}

// tsWriter accumulates client.ts.
type tsWriter struct {
	b      strings.Builder
	codecs tsCodecs
}

func (w *tsWriter) line(s string) {
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

func (w *tsWriter) linef(format string, args ...any) { w.line(fmt.Sprintf(format, args...)) }

// doc writes a JSDoc comment of the user's documentation, or of fallback
// when there is none, indented by indent.
func (w *tsWriter) doc(indent, doc, fallback string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		doc = fallback
	}
	if doc == "" {
		return
	}
	doc = strings.ReplaceAll(doc, "*/", `*\/`)
	lines := strings.Split(doc, "\n")
	if len(lines) == 1 {
		w.line(indent + "/** " + lines[0] + " */")
		return
	}
	w.line(indent + "/**")
	for _, l := range lines {
		w.line(strings.TrimRight(indent+" * "+l, " "))
	}
	w.line(indent + " */")
}

// enum writes the type and a constant object naming its values:
//
//	export type Status = "active" | "archived";
//	export const Status = { active: "active", archived: "archived" } as const;
func (w *tsWriter) enum(e *schema.Enum) {
	w.line("")
	vals := make([]string, len(e.Values))
	members := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = jsonKey(v.Name)
		if e.ByIndex {
			vals[i] = fmt.Sprint(i)
		}
		members[i] = tsPropertyName(v.Name) + ": " + vals[i]
	}
	form := "its value's name"
	if e.ByIndex {
		form = "its value's position"
	}
	w.doc("", e.Doc, e.Name+" is an enum, sent as "+form+".")
	w.linef("export type %s = %s;", e.Name, strings.Join(vals, " | "))
	w.linef("/** %s names the values of %s. */", e.Name, e.Name)
	w.linef("export const %s = { %s } as const;", e.Name, strings.Join(members, ", "))
}

// class writes the interface of a class, or of an exception's fields.
// Nullable fields and a table's id may be left out when sending; decoded
// values always have them (null, or 0 for an id the server did not send).
func (w *tsWriter) class(c *schema.Class) {
	w.line("")
	name := tsClassType(c)
	if c.IsException {
		w.linef("/** %s are the fields of the exception %s. */", name, c.Name)
	} else {
		w.doc("", c.Doc, c.Name+" is a class of the app.")
	}
	fields := wireFields(c)
	if len(fields) == 0 {
		w.linef("export interface %s {}", name) // nothing travels
		return
	}
	w.linef("export interface %s {", name)
	for _, f := range fields {
		w.doc("  ", f.Doc, "")
		opt := ""
		if f.Type.Nullable || f.IsID {
			opt = "?"
		}
		w.linef("  %s%s: %s;", tsPropertyName(f.Name), opt, tsTypeOf(f.Type))
	}
	w.line("}")
}

// tsErrorMembers are the properties of an exception that its fields may
// not take: those of Error and ServerException. Such fields are only in
// the exception's data.
var tsErrorMembers = map[string]bool{
	"message": true, "name": true, "stack": true, "cause": true, "status": true,
	"className": true, "data": true, "constructor": true, "toString": true,
}

// exception writes the class a call rejects with.
func (w *tsWriter) exception(x *schema.Class) {
	w.line("")
	w.doc("", x.Doc, x.Name+" is an exception of the app.")
	w.linef("export class %s extends ServerException {", x.Name)
	w.linef("  /** data holds the exception's fields. */")
	w.linef("  readonly data: %s;", tsClassType(x))
	var direct []*schema.Field
	for _, f := range wireFields(x) {
		if !tsErrorMembers[f.Name] {
			direct = append(direct, f)
			opt := ""
			if f.Type.Nullable {
				opt = "?"
			}
			w.linef("  readonly %s%s: %s;", tsPropertyName(f.Name), opt, tsTypeOf(f.Type))
		}
	}
	w.line("")
	w.linef("  constructor(message: string, data: %s, status = 400) {", tsClassType(x))
	w.linef("    super(%s, message, status);", jsonKey(x.Name))
	w.line("    this.data = data;")
	for _, f := range direct {
		w.linef("    this%s = data%s;", tsMemberAccess(f.Name), tsMemberAccess(f.Name))
	}
	w.line("  }")
	w.line("}")
}

// writeCodecs writes the codec of every enum and class, then the constants of
// the codecs that hold other types, which the class codecs, the exception
// table and the methods refer to when they run (module constants are all
// set by then, whatever their order here).
func (w *tsWriter) writeCodecs(p *schema.Protocol) {
	w.line("")
	w.line("// Codecs convert between client values and their JSON form.")
	used := tsUsed(p)
	for _, e := range p.Enums {
		if !used[e.Name] {
			continue
		}
		names := make([]string, len(e.Values))
		for i, v := range e.Values {
			names[i] = jsonKey(v.Name)
		}
		def := ""
		if e.Default != nil {
			def = ", " + jsonKey(e.Default.Name)
			if e.ByIndex {
				def = ", " + fmt.Sprint(tsEnumIndex(e, e.Default))
			}
		}
		if e.ByIndex {
			w.linef("const $%s = $byIndex<%s>(%d%s);", e.Name, e.Name, len(e.Values), def)
		} else {
			w.linef("const $%s = $byName<%s>([%s]%s);", e.Name, e.Name, strings.Join(names, ", "), def)
		}
	}
	for _, c := range p.Classes {
		if used[c.Name] {
			w.classCodec(c)
		}
	}
	for _, x := range p.Exceptions {
		w.classCodec(x)
	}
	// Methods' codecs are named now, so that every constant is written below.
	for _, e := range p.Endpoints {
		for _, m := range e.Methods {
			for _, prm := range m.Params {
				w.codecs.of(prm.Type)
			}
			if m.Result != nil {
				w.codecs.of(m.Result)
			}
		}
	}
	for i, expr := range w.codecs.exprs {
		w.linef("const $c%d = %s;", i, expr)
	}
	w.line("")
	w.line("/** $exceptions builds the app's exceptions from an error answer. */")
	if len(p.Exceptions) == 0 {
		w.line("const $exceptions: $Exceptions = {};")
		return
	}
	w.line("const $exceptions: $Exceptions = {")
	for _, x := range p.Exceptions {
		w.linef("  %s: (message, data, status) => new %s(message, $%s.dec(data ?? {}), status),",
			tsPropertyName(x.Name), x.Name, x.Name)
	}
	w.line("};")
}

// tsUsed names the enums and classes whose codecs the client needs: those
// that methods and exceptions hold, at any depth.
func tsUsed(p *schema.Protocol) map[string]bool {
	used := map[string]bool{}
	var visit func(t *schema.Type)
	visitClass := func(c *schema.Class) {
		for _, f := range wireFields(c) {
			visit(f.Type)
		}
	}
	visit = func(t *schema.Type) {
		for ; t != nil; t = t.Elem {
			if t.Key != nil {
				visit(t.Key)
			}
			switch {
			case t.Enum != nil:
				used[t.Enum.Name] = true
			case t.Class != nil && !used[t.Class.Name]:
				used[t.Class.Name] = true
				visitClass(t.Class)
			}
		}
	}
	for _, e := range p.Endpoints {
		for _, m := range e.Methods {
			for _, prm := range m.Params {
				visit(prm.Type)
			}
			visit(m.Result)
		}
	}
	for _, x := range p.Exceptions {
		visitClass(x)
	}
	return used
}

func tsEnumIndex(e *schema.Enum, v *schema.EnumValue) int {
	for i, x := range e.Values {
		if x == v {
			return i
		}
	}
	return -1
}

// classCodec writes the codec of one class: its wire fields in order, an
// absent nullable field as null, an absent id left out.
func (w *tsWriter) classCodec(c *schema.Class) {
	name := tsClassType(c)
	fields := wireFields(c)
	w.linef("const $%s: $Codec<%s> = {", c.Name, name)
	if len(fields) == 0 {
		w.line("  enc: () => ({}),")
		w.line("  dec(j) {")
		w.line("    $object(j);")
		w.line("    return {};")
		w.line("  },")
		w.line("};")
		return
	}
	w.line("  enc(v) {")
	w.line("    if (typeof v !== \"object\" || v === null) return $expected(\"an object\", v);")
	w.line("    const o: Record<string, unknown> = {};")
	for _, f := range fields {
		key, acc := jsonKey(f.Name), "v"+tsMemberAccess(f.Name)
		codec := w.codecs.of(f.Type)
		if f.IsID {
			w.linef("    if (%s !== undefined) o[%s] = $member(%s, %s, %s);", acc, key, codec, acc, key)
			continue
		}
		w.linef("    o[%s] = $member(%s, %s, %s);", key, codec, acc, key)
	}
	w.line("    return o;")
	w.line("  },")
	w.line("  dec(j) {")
	w.line("    const o = $object(j);")
	w.line("    return {")
	for _, f := range fields {
		key := jsonKey(f.Name)
		if f.IsID {
			w.linef("      %s: o[%s] === undefined ? %s : $field(%s, o, %s),", tsPropertyName(f.Name), key, tsIDZero(f.Type), w.codecs.of(f.Type), key)
			continue
		}
		w.linef("      %s: $field(%s, o, %s),", tsPropertyName(f.Name), w.codecs.of(f.Type), key)
	}
	w.line("    };")
	w.line("  },")
	w.line("};")
}

// endpoint writes one endpoint's class, a method per served method.
func (w *tsWriter) endpoint(e *schema.Endpoint) {
	w.line("")
	use := fmt.Sprintf("Use it as client%s.", tsEndpointAccess(e))
	if doc := strings.TrimSpace(e.Doc); doc != "" {
		w.doc("", doc+"\n\n"+use, "")
	} else {
		w.doc("", fmt.Sprintf("%s calls the server's %q endpoint. %s", e.ClientTypeName(), e.WireName, use), "")
	}
	w.linef("export class %s {", e.ClientTypeName())
	w.line("  private readonly $t: $Transport;")
	w.line("")
	w.line("  /** Use client" + tsEndpointAccess(e) + " rather than constructing it. */")
	w.line("  constructor(t: $Transport) {")
	w.line("    this.$t = t;")
	w.line("  }")
	for _, m := range e.Methods {
		w.line("")
		w.method(e, m)
	}
	w.line("}")
}

// method writes one method. Parameters keep the Go order; optional ones
// are `?` when only optional ones follow, and `T | null | undefined`
// before a required one (undefined and null are both left out/sent as
// null as the server takes them). The last parameter is the CallOptions.
func (w *tsWriter) method(e *schema.Endpoint, m *schema.Method) {
	path := e.WireName + "/" + m.WireName
	doc := strings.TrimSpace(m.Doc)
	if doc != "" {
		doc += "\n\n"
	}
	w.doc("  ", doc+"It calls POST /"+path+".", "")
	names := tsParamNames(m.Params)
	var params, wire []string
	for i, p := range m.Params {
		typ := tsTypeOf(p.Type)
		switch {
		case !p.Optional():
			params = append(params, names[i]+": "+typ)
		case tsOnlyOptionalFrom(m.Params, i):
			params = append(params, names[i]+"?: "+typ)
		default:
			params = append(params, names[i]+": "+typ+" | undefined")
		}
		wire = append(wire, jsonKey(p.Name)+", "+w.codecs.of(p.Type)+", "+names[i])
	}
	opts := names[len(names)-1]
	params = append(params, opts+"?: CallOptions")
	result, codec := "void", "$void"
	if m.Result != nil {
		result, codec = tsTypeOf(m.Result), w.codecs.of(m.Result)
	}
	w.linef("  %s(%s): Promise<%s> {", tsPropertyName(m.WireName), strings.Join(params, ", "), result)
	w.linef("    return this.$t.call(%s, [%s], %s, %s);", jsonKey(path), strings.Join(wire, ", "), codec, opts)
	w.line("  }")
}

// tsOnlyOptionalFrom reports whether ps[i:] are all optional.
func tsOnlyOptionalFrom(ps []*schema.Param, i int) bool {
	for _, p := range ps[i:] {
		if !p.Optional() {
			return false
		}
	}
	return true
}

// tsParamNames are the TypeScript names of the parameters, then that of
// the CallOptions parameter: Go names that JavaScript reserves get a "_"
// ("new" → "new_"), and the options take "opts" unless a parameter has it.
func tsParamNames(ps []*schema.Param) []string {
	taken := map[string]bool{}
	names := make([]string, 0, len(ps)+1)
	for _, p := range ps {
		n := p.Name
		for tsReserved[n] || taken[n] {
			n += "_"
		}
		taken[n] = true
		names = append(names, n)
	}
	opts := "opts"
	for taken[opts] {
		opts += "_"
	}
	return append(names, opts)
}

// client writes the Client: one property per endpoint.
func (w *tsWriter) client(p *schema.Protocol) {
	w.line("")
	w.line("/**")
	w.line(" * Client calls the app's server: `new Client(\"http://localhost:8080/\")`, then")
	w.line(" * one property per endpoint. A call rejects with the app's exception classes")
	w.line(" * (subclasses of ServerException) or a ClientError.")
	w.line(" */")
	w.line("export class Client {")
	var modules []*schema.Endpoint // in wire name order, so grouped by module
	for _, e := range p.Endpoints {
		if e.Module != "" {
			modules = append(modules, e)
			continue
		}
		w.linef("  /** %s calls the %q endpoint. */", tsPropertyName(e.WireName), e.WireName)
		w.linef("  readonly %s: %s;", tsPropertyName(e.WireName), e.ClientTypeName())
	}
	w.moduleMembers(modules, false)
	w.line("  private readonly $t: $Transport;")
	w.line("")
	w.line("  constructor(baseUrl: string, options: ClientOptions = {}) {")
	w.line("    this.$t = new $Transport(baseUrl, options, $exceptions);")
	for _, e := range p.Endpoints {
		if e.Module == "" {
			w.linef("    this%s = new %s(this.$t);", tsMemberAccess(e.WireName), e.ClientTypeName())
		}
	}
	w.moduleMembers(modules, true)
	w.line("  }")
	w.line("")
	w.line("  /** setAuthKey sets the key later calls send as \"Authorization: Bearer <key>\"; null sends none. */")
	w.line("  setAuthKey(key: string | null): void {")
	w.line("    this.$t.authKey = key;")
	w.line("  }")
	w.line("}")
}

// moduleMembers writes, for each module of podgen's whose endpoints are in
// es (grouped by module), the Client member with one property per
// endpoint: its declaration, or with init its value in the constructor.
//
//	readonly auth: { readonly email: AuthEmailEndpoint; ... };
//	this.auth = { email: new AuthEmailEndpoint(this.$t), ... };
func (w *tsWriter) moduleMembers(es []*schema.Endpoint, init bool) {
	for i := 0; i < len(es); {
		module := es[i].Module
		if init {
			w.linef("    this.%s = {", module)
		} else {
			w.linef("  /** %s calls the endpoints of podgen's %s module. */", module, module)
			w.linef("  readonly %s: {", module)
		}
		for ; i < len(es) && es[i].Module == module; i++ {
			name, typ := schema.LowerFirst(moduleField(es[i])), es[i].ClientTypeName()
			if init {
				w.linef("      %s: new %s(this.$t),", name, typ)
			} else {
				w.linef("    readonly %s: %s;", name, typ)
			}
		}
		if init {
			w.line("    };")
		} else {
			w.line("  };")
		}
	}
}

// tsEndpointAccess is how a client reaches an endpoint: ".example", or
// ".auth.email" for a module's.
func tsEndpointAccess(e *schema.Endpoint) string {
	if e.Module != "" {
		return "." + e.Module + "." + schema.LowerFirst(moduleField(e))
	}
	return tsMemberAccess(e.WireName)
}

// tsPropertyName is name as an object key or member: as is when it is an
// identifier (reserved words are fine there), else quoted.
func tsPropertyName(name string) string {
	if tsIdentifier(name) {
		return name
	}
	return jsonKey(name)
}

// tsMemberAccess is ".name", or `["name"]` when name is no identifier.
func tsMemberAccess(name string) string {
	if tsIdentifier(name) {
		return "." + name
	}
	return "[" + jsonKey(name) + "]"
}

func tsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// tsReserved are the words JavaScript and TypeScript reserve as binding
// names, and the globals generated code must see; Go allows them as
// parameter names.
var tsReserved = map[string]bool{
	"arguments": true, "await": true, "break": true, "case": true, "catch": true, "class": true,
	"const": true, "continue": true, "debugger": true, "default": true, "delete": true, "do": true,
	"else": true, "enum": true, "eval": true, "export": true, "extends": true, "false": true,
	"finally": true, "for": true, "function": true, "if": true, "implements": true, "import": true,
	"in": true, "instanceof": true, "interface": true, "let": true, "new": true, "null": true,
	"package": true, "private": true, "protected": true, "public": true, "return": true,
	"static": true, "super": true, "switch": true, "this": true, "throw": true, "true": true,
	"try": true, "typeof": true, "var": true, "void": true, "while": true, "with": true,
	"yield": true, "undefined": true, "NaN": true, "Infinity": true,
}

// tsIDZero is what a decoded object without its id gets: the Go zero value
// of the id's kind, int or UuidValue (the only id kinds, schema/defaults.go).
func tsIDZero(t *schema.Type) string {
	if t.Kind == schema.UUID {
		return `"00000000-0000-0000-0000-000000000000"`
	}
	return "0"
}
