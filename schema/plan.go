package schema

import (
	"fmt"
	"strings"
)

// The generated names. Every identifier podgen derives from a name of the
// protocol or the endpoints is spelled here, once: the emitters write
// these, and checkPlan (with checkGeneratedNames for the names that exist
// before the endpoints are read) claims each one in the package it is
// declared in, so that two definitions never generate one identifier. A
// clash is reported at the YAML or Go position of the definition that
// makes it, instead of surfacing as a compile error in the output.
//
// Names that hold no user name (the static helpers, pod.DB, client.New)
// are claimed from schema/names_static.go and reservedClassNames.

// DescriptorName is the table descriptor of a table class (pod.CompanyT).
func (c *Class) DescriptorName() string { return c.Name + "T" }

// TableTypeName is the type of s.DB.<Class> (pod.CompanyTable).
func (c *Class) TableTypeName() string { return c.Name + "Table" }

// ColumnsTypeName is the type of the descriptor (pod.CompanyColumns).
func (c *Class) ColumnsTypeName() string { return c.Name + "Columns" }

// ConstructorName is the function making a class with its model defaults
// (pod.NewCompany, client.NewCompany), generated when it has some.
func (c *Class) ConstructorName() string { return "New" + c.Name }

// TableInfoName is the variable holding a table's fixed SQL and row
// functions (companyTable).
func (c *Class) TableInfoName() string { return LowerFirst(c.Name) + "Table" }

// RowValuesName is the function binding a row's stored fields
// (companyValues).
func (c *Class) RowValuesName() string { return LowerFirst(c.Name) + "Values" }

// RowScanName is the function reading a row (scanCompany).
func (c *Class) RowScanName() string { return "scan" + c.Name }

// ColumnDecoderName and ColumnEncoderName are the codecs of a json column
// (decodeCompanyEmployees, encodeCompanyEmployees).
func (c *Class) ColumnDecoderName(f *Field) string { return "decode" + c.Name + f.GoName }

// ColumnEncoderName: see ColumnDecoderName.
func (c *Class) ColumnEncoderName(f *Field) string { return "encode" + c.Name + f.GoName }

// ParserName is an enum's parser (pod.ParseStatus).
func (e *Enum) ParserName() string { return "Parse" + e.Name }

// ArgEncoderName is the function encoding a future call's argument, in
// pod (appendSendReminderArg).
func (fc *FutureCall) ArgEncoderName() string { return "append" + fc.Name + "Arg" }

// RunnerName is the server's function running a future call
// (runSendReminder).
func (fc *FutureCall) RunnerName() string { return "run" + fc.Name }

// BaseName is an endpoint's Go name without "Endpoint" ("Example"): the
// field of client.Client and the stem of the server's names. A module's
// endpoint is prefixed with its module ("AuthEmail"), so that it cannot
// clash with one of the app's.
func (e *Endpoint) BaseName() string {
	return UpperFirst(e.Module) + strings.TrimSuffix(e.GoName, "Endpoint")
}

// ClientTypeName is the endpoint's type in package client: its Go name,
// or for a module's endpoint BaseName+"Endpoint" ("AuthEmailEndpoint").
func (e *Endpoint) ClientTypeName() string { return e.BaseName() + "Endpoint" }

// HandlerName is the server's HTTP handler of a method (handleExampleHello).
func (e *Endpoint) HandlerName(m *Method) string { return "handle" + e.BaseName() + m.GoName }

// ResultEncoderName is the server's encoder of a method's result
// (encodeExampleHello).
func (e *Endpoint) ResultEncoderName(m *Method) string { return "encode" + e.BaseName() + m.GoName }

// ParamsTypeName is the struct the server decodes a method's parameters
// into (exampleHelloParams); its fields are named as the parameters, so
// no name of the user's can shadow a local of the generated handler.
func (e *Endpoint) ParamsTypeName(m *Method) string {
	return LowerFirst(e.BaseName()) + m.GoName + "Params"
}

// namespace is the identifiers taken in one generated package, each with
// what took it.
type namespace struct {
	pkg   string
	taken map[string]string
	errs  *ErrorList
}

func newNamespace(pkg string, static ...map[string]bool) *namespace {
	ns := &namespace{pkg: pkg, taken: map[string]string{}}
	for _, set := range static {
		for name := range set {
			ns.taken[name] = "podgen's own code in package " + pkg
		}
	}
	return ns
}

// claim takes name for what (at pos), or reports the clash.
func (ns *namespace) claim(name string, pos Pos, what string) { ns.claimAll(pos, what, name) }

// claimAll takes names, which one definition makes together (a method's
// handler, result encoder and parameter struct), reporting only the first
// clash: the others share its cause.
func (ns *namespace) claimAll(pos Pos, what string, names ...string) {
	for _, name := range names {
		if other, ok := ns.taken[name]; ok {
			fix := "rename one of them"
			if strings.HasPrefix(other, "podgen's own code") {
				fix = "rename it"
			}
			ns.errs.Add(pos, "%s would be named %q in package %s, which is already used by %s: %s",
				what, name, ns.pkg, other, fix)
			return
		}
	}
	for _, name := range names {
		ns.taken[name] = fmt.Sprintf("%s at %s", what, pos)
	}
}

// checkPlan claims the generated names that need the resolved IR (fields,
// endpoints, future calls), in the packages pod, server and client. The
// definitions' own names and their exported derived names were claimed by
// checkGeneratedNames; they are claimed again here, silently, as the
// context of the rest.
func checkPlan(p *Protocol, errs *ErrorList) {
	var quiet ErrorList // repeats of checkGeneratedNames's claims
	pod := newNamespace("pod", staticNames, staticUnexported)
	client := newNamespace("client", staticNames, staticUnexported, reservedClassNames)
	server := newNamespace("server", staticServerNames)
	pod.errs, client.errs, server.errs = &quiet, &quiet, &quiet
	for _, c := range append(append([]*Class(nil), p.Classes...), p.Exceptions...) {
		pod.claim(c.Name, c.Pos, "class "+c.Name)
		client.claim(c.Name, c.Pos, "class "+c.Name)
	}
	for _, e := range p.Enums {
		pod.claim(e.Name, e.Pos, "enum "+e.Name)
		client.claim(e.Name, e.Pos, "enum "+e.Name)
	}
	pod.errs, client.errs, server.errs = errs, errs, errs
	for _, c := range p.Tables() {
		pos := c.Pos
		if id := c.IDField(); id != nil {
			pos = id.Pos // the `table:` line: where the implicit id comes from
		}
		what := fmt.Sprintf("the %%s of table class %q", c.Name)
		pod.claim(c.TableInfoName(), pos, fmt.Sprintf(what, "table info"))
		pod.claim(c.RowValuesName(), pos, fmt.Sprintf(what, "row binder"))
		pod.claim(c.RowScanName(), pos, fmt.Sprintf(what, "row scanner"))
		for _, f := range c.Fields {
			if f.Persist && f.Type != nil && IsJSONKind(f.Type.Kind) {
				pod.claimAll(f.Pos, fmt.Sprintf("the json column codec of field %q of class %q", f.Name, c.Name),
					c.ColumnDecoderName(f), c.ColumnEncoderName(f))
			}
		}
	}
	for _, fc := range p.FutureCalls {
		pod.claim(fc.ArgEncoderName(), fc.Pos, fmt.Sprintf("the argument encoder of future call %q", fc.Name))
		server.claim(fc.RunnerName(), fc.Pos, fmt.Sprintf("the runner of future call %q", fc.Name))
	}
	for _, e := range p.Endpoints {
		client.claim(e.GoName, e.Pos, "endpoint "+e.GoName)
		for _, m := range e.Methods {
			server.claimAll(m.Pos, fmt.Sprintf("the server code of method %s.%s", e.GoName, m.GoName),
				e.HandlerName(m), e.ResultEncoderName(m), e.ParamsTypeName(m))
		}
	}
}

// IsJSONKind reports whether a stored field of the kind is a json column
// with generated codecs (SPEC §2: classes, lists, maps, sets); emit's
// TestKindTable holds it to the table of kinds.
func IsJSONKind(k Kind) bool { return k == ClassKind || k == List || k == Map || k == Set }
