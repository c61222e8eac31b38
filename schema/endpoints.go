package schema

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// The endpoint files are read with go/parser alone: podgen never type-checks
// them (the pod package they import does not exist until podgen has run), so
// every type is recognised by its spelling, with the local names under which
// the file imports pod and time.

const (
	endpointSuffix   = "Endpoint"
	futureCallSuffix = "FutureCall"
)

// goFile is one parsed endpoint file.
type goFile struct {
	path string
	ast  *ast.File
	pod  string // local name of the import whose path ends in "/pod"; "" when none
	// std maps the local names of the standard packages whose types an
	// endpoint may use (time, net/url, math/big) to their import paths.
	std map[string]string
}

// goTypeDecl is an exported type whose name ends in Endpoint or FutureCall.
type goTypeDecl struct {
	file *goFile
	spec *ast.TypeSpec
	doc  *ast.CommentGroup
}

// goMethod is a method declaration with the file it is declared in: its
// types are read with that file's imports.
type goMethod struct {
	file *goFile
	decl *ast.FuncDecl
}

// endpointParser holds the state of one parseEndpoints run.
type endpointParser struct {
	fset    *token.FileSet
	p       *Protocol
	errs    *ErrorList
	files   []*goFile
	types   []goTypeDecl          // in source order
	methods map[string][]goMethod // by receiver type name, in source order
	used    map[*ast.Comment]bool // directives read from a doc comment that they apply to
	known   []*ast.Comment        // every known directive, to report those that apply to nothing
	// wellFormed holds the comments of known, for lookups.
	wellFormed map[*ast.Comment]bool
	// module is the podgen module whose endpoints these files are ("auth"),
	// "" for the app's endpoints package.
	module string
	pkg    string        // the package name of the files read so far
	mailer *ast.TypeSpec // the app's AuthMailer type, if any

	classes    map[string]*Class
	exceptions map[string]*Class
	enums      map[string]*Enum
}

// parseEndpoints reads the endpoint files into p.Endpoints, p.FutureCalls and
// p.EndpointsPkg, resolving their types against p's classes and enums.
func parseEndpoints(files []File, module string, p *Protocol, errs *ErrorList) {
	ep := &endpointParser{
		module:  module,
		fset:    token.NewFileSet(),
		p:       p,
		errs:    errs,
		methods: map[string][]goMethod{},
		used:    map[*ast.Comment]bool{},

		wellFormed: map[*ast.Comment]bool{},
	}
	ep.indexProtocol()
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, f := range sorted {
		ep.parseFile(f)
	}
	for _, f := range ep.files {
		ep.collect(f)
	}
	ep.build()
	ep.checkAuthMailer()
	ep.reportMisplaced()
}

// indexProtocol maps the protocol's type names for lookups by spelling.
func (ep *endpointParser) indexProtocol() {
	ep.classes = map[string]*Class{}
	ep.exceptions = map[string]*Class{}
	ep.enums = map[string]*Enum{}
	for _, c := range ep.p.Classes {
		ep.classes[c.Name] = c
	}
	for _, c := range ep.p.Exceptions {
		ep.exceptions[c.Name] = c
	}
	for _, e := range ep.p.Enums {
		ep.enums[e.Name] = e
	}
}

// parseFile parses one file, reports its syntax errors and, when it parsed,
// checks its package clause and remembers it.
func (ep *endpointParser) parseFile(f File) {
	af, err := parser.ParseFile(ep.fset, f.Path, f.Data, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		ep.syntaxErrors(f.Path, err)
		return
	}
	gf := &goFile{path: f.Path, ast: af}
	pkg := af.Name.Name
	switch {
	case len(ep.files) > 0 && pkg != ep.pkg:
		first := ep.files[0]
		ep.errorf(af.Name.Pos(), "package %q differs from package %q of %s (one folder holds one package)",
			pkg, ep.pkg, first.path)
		return
	case pkg == "main":
		ep.errorf(af.Name.Pos(), "the endpoints package cannot be %q (the generated server imports it)", pkg)
	}
	ep.pkg = pkg
	if ep.module == "" {
		ep.p.EndpointsPkg = pkg
	}
	ep.readImports(gf)
	ep.checkDirectives(gf)
	ep.files = append(ep.files, gf)
}

// syntaxErrors reports every error the parser found, as it worded them.
func (ep *endpointParser) syntaxErrors(path string, err error) {
	list, ok := err.(scanner.ErrorList)
	if !ok {
		ep.errs.Add(Pos{File: path}, "%s", err.Error())
		return
	}
	for _, e := range list {
		ep.errs.Add(Pos{File: path, Line: e.Pos.Line, Col: e.Pos.Column}, "%s", e.Msg)
	}
}

// readImports finds the local names of the pod and time imports.
func (ep *endpointParser) readImports(f *goFile) {
	for _, imp := range f.ast.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue // the parser already rejects malformed import paths
		}
		isPod := path == "pod" || strings.HasSuffix(path, "/pod")
		if !isPod && !stdPackages[path] {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "." {
			ep.errorf(imp.Name.Pos(), "dot-import of %q is not supported (import it by name)", path)
			continue
		}
		switch {
		case name == "_":
		case isPod && f.pod == "":
			f.pod = name
		case !isPod:
			if f.std == nil {
				f.std = map[string]string{}
			}
			f.std[name] = path
		}
	}
}

// collect remembers the file's endpoint and future-call types and all its
// methods.
func (ep *endpointParser) collect(f *goFile) {
	for _, d := range f.ast.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.TYPE {
				ep.collectTypes(f, d)
			}
		case *ast.FuncDecl:
			if name := receiverName(d); name != "" {
				ep.methods[name] = append(ep.methods[name], goMethod{file: f, decl: d})
			}
		}
	}
}

func (ep *endpointParser) collectTypes(f *goFile, d *ast.GenDecl) {
	for _, s := range d.Specs {
		spec, ok := s.(*ast.TypeSpec)
		if ok && spec.Name.Name == authMailerType && ep.module == "" {
			ep.authMailer(spec)
		}
		if !ok || !isServedTypeName(spec.Name.Name) {
			continue
		}
		doc := spec.Doc
		if doc == nil && !d.Lparen.IsValid() {
			doc = d.Doc // `type X struct{}` keeps its comment on the declaration
		}
		ep.types = append(ep.types, goTypeDecl{file: f, spec: spec, doc: doc})
	}
}

// isServedTypeName reports whether name is an exported type name that
// declares an endpoint or a future call: "ExampleEndpoint", not "Endpoint".
func isServedTypeName(name string) bool {
	if !ast.IsExported(name) {
		return false
	}
	for _, suffix := range []string{endpointSuffix, futureCallSuffix} {
		if len(name) > len(suffix) && strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// receiverName is the name of a method's receiver type ("ExampleEndpoint"
// for `func (e *ExampleEndpoint) Hello`), "" for a function.
func receiverName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) != 1 {
		return ""
	}
	x := d.Recv.List[0].Type
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// build turns the collected types into the IR's endpoints and future calls.
func (ep *endpointParser) build() {
	endpoints := map[string]*Endpoint{} // by wire name
	calls := map[string]*FutureCall{}   // by name
	for _, t := range ep.types {
		d := ep.readDirectives(t.doc)
		isEndpoint := strings.HasSuffix(t.spec.Name.Name, endpointSuffix)
		for _, m := range ep.methods[t.spec.Name.Name] {
			md := ep.readDirectives(m.decl.Doc) // marks a method's directives as placed
			if !isEndpoint && md.at.IsValid() {
				ep.errorf(md.at, "a future call runs without a request: //podgen:login and //podgen:scope apply to endpoints only")
			}
		}
		switch {
		case d.ignore:
		case isEndpoint:
			ep.addEndpoint(endpoints, ep.endpoint(t, d))
		case d.at.IsValid():
			ep.errorf(d.at, "a future call runs without a request: //podgen:login and //podgen:scope apply to endpoints only")
		default:
			ep.addFutureCall(calls, ep.futureCall(t))
		}
	}
	sort.Slice(ep.p.Endpoints, func(i, j int) bool {
		return ep.p.Endpoints[i].WireName < ep.p.Endpoints[j].WireName
	})
	sort.Slice(ep.p.FutureCalls, func(i, j int) bool {
		return ep.p.FutureCalls[i].Name < ep.p.FutureCalls[j].Name
	})
}

func (ep *endpointParser) addEndpoint(seen map[string]*Endpoint, e *Endpoint) {
	if e == nil {
		return
	}
	if first := seen[e.WireName]; first != nil {
		ep.errs.Add(e.Pos, "endpoint %q has wire name %q, already used by %q at %s",
			e.GoName, e.WireName, first.GoName, first.Pos)
		return
	}
	if what, pos, ok := ep.protocolType(e.GoName); ok {
		// The client declares a type per endpoint next to its model copies.
		ep.errs.Add(e.Pos, "endpoint %q has the name of the %s at %s; both would be types of package client: rename one",
			e.GoName, what, pos)
		return
	}
	seen[e.WireName] = e
	ep.p.Endpoints = append(ep.p.Endpoints, e)
}

// protocolType finds the class, exception or enum called name.
func (ep *endpointParser) protocolType(name string) (what string, pos Pos, ok bool) {
	if c := ep.classes[name]; c != nil {
		return fmt.Sprintf("class %q", name), c.Pos, true
	}
	if c := ep.exceptions[name]; c != nil {
		return fmt.Sprintf("exception %q", name), c.Pos, true
	}
	if e := ep.enums[name]; e != nil {
		return fmt.Sprintf("enum %q", name), e.Pos, true
	}
	return "", Pos{}, false
}

func (ep *endpointParser) addFutureCall(seen map[string]*FutureCall, c *FutureCall) {
	if c == nil {
		return
	}
	if first := seen[c.Name]; first != nil {
		ep.errs.Add(c.Pos, "future call %q is declared twice (first at %s)", c.GoName, first.Pos)
		return
	}
	seen[c.Name] = c
	ep.p.FutureCalls = append(ep.p.FutureCalls, c)
}

// pos converts a token position to a Pos in the file as the user named it.
func (ep *endpointParser) pos(p token.Pos) Pos {
	position := ep.fset.Position(p)
	return Pos{File: position.Filename, Line: position.Line, Col: position.Column}
}

func (ep *endpointParser) errorf(p token.Pos, format string, args ...any) {
	ep.errs.Add(ep.pos(p), format, args...)
}

// docText is a doc comment without its directives ("" for none).
func docText(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	return strings.TrimSpace(cg.Text())
}
