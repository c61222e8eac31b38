package schema

import (
	"go/ast"
	"sort"
	"strconv"
	"strings"
)

// endpoint turns an endpoint type and its methods into the IR, or returns
// nil after reporting why it cannot be served.
func (ep *endpointParser) endpoint(t goTypeDecl, d directives) *Endpoint {
	name := t.spec.Name.Name
	if !ep.plainType(t, "endpoint") {
		return nil
	}
	if _, ok := t.spec.Type.(*ast.StructType); !ok {
		ep.errorf(t.spec.Name.Pos(), "endpoint %q must be a struct type (rename it, or add //podgen:ignore)", name)
		return nil
	}
	if msg := nameTooLong("endpoint", name); msg != "" {
		ep.errorf(t.spec.Name.Pos(), "%s", msg)
		return nil
	}
	e := &Endpoint{
		Pos:      ep.pos(t.spec.Name.Pos()),
		GoName:   name,
		WireName: LowerFirst(strings.TrimSuffix(name, endpointSuffix)),
		File:     fileStem(name),
		Doc:      docText(t.doc),
		Module:   ep.module,
		Access:   Access{Login: d.login, Scopes: d.scopes},
	}
	if ep.module != "" {
		e.WireName = ep.module + "." + e.WireName
		e.File = ep.module + "_" + e.File
	}
	seen := map[string]*Method{}
	for _, m := range ep.methods[name] {
		sm := ep.method(m, d)
		if sm == nil {
			continue
		}
		if first := seen[sm.WireName]; first != nil {
			ep.errs.Add(sm.Pos, "method %q has wire name %q, already used by %q at %s",
				sm.GoName, sm.WireName, first.GoName, first.Pos)
			continue
		}
		seen[sm.WireName] = sm
		e.Methods = append(e.Methods, sm)
	}
	sort.Slice(e.Methods, func(i, j int) bool { return e.Methods[i].WireName < e.Methods[j].WireName })
	return e
}

// plainType reports an alias or generic type, which podgen cannot name in
// generated code without type-checking.
func (ep *endpointParser) plainType(t goTypeDecl, what string) bool {
	name := t.spec.Name.Name
	switch {
	case t.spec.Assign.IsValid():
		ep.errorf(t.spec.Name.Pos(), "%s %q cannot be a type alias (declare it as a new type)", what, name)
	case t.spec.TypeParams != nil:
		ep.errorf(t.spec.Name.Pos(), "%s %q cannot be generic", what, name)
	default:
		return true
	}
	return false
}

// param is one parameter or result after flattening `a, b int64`.
type param struct {
	name *ast.Ident // nil when unnamed
	typ  ast.Expr
}

func flatten(fl *ast.FieldList) []param {
	if fl == nil {
		return nil
	}
	var ps []param
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			ps = append(ps, param{typ: f.Type})
		}
		for _, n := range f.Names {
			ps = append(ps, param{name: n, typ: f.Type})
		}
	}
	return ps
}

// method returns the served method m, or nil when m is not served (not
// exported, no *pod.Session first, //podgen:ignore) or is wrong (reported).
func (ep *endpointParser) method(m goMethod, outer directives) *Method {
	d := m.decl
	params := flatten(d.Type.Params)
	if !d.Name.IsExported() || len(params) == 0 || !ep.isSession(m.file, params[0].typ) {
		if md := ep.readDirectives(d.Doc); md.at.IsValid() {
			ep.errorf(md.at, "method %q is not served (its first parameter is not *pod.Session), so it cannot require a login", d.Name.Name)
		}
		return nil
	}
	md := ep.readDirectives(d.Doc)
	if md.ignore {
		return nil
	}
	md = md.merge(outer)
	before := len(*ep.errs)
	sm := &Method{
		Pos:      ep.pos(d.Name.Pos()),
		GoName:   d.Name.Name,
		WireName: LowerFirst(d.Name.Name),
		Doc:      docText(d.Doc),
		Params:   ep.params(m.file, d, params[1:]),
		Result:   ep.result(m.file, d),
		Access:   Access{Login: md.login, Scopes: md.scopes},
	}
	if len(*ep.errs) > before || !ep.checkServedServerOnly(sm) {
		return nil
	}
	return sm
}

// params resolves a served method's parameters after the session. A
// parameter's name is its JSON key, so every one must have a usable name.
func (ep *endpointParser) params(f *goFile, d *ast.FuncDecl, ps []param) []*Param {
	var out []*Param
	seen := map[string]bool{}
	for i, p := range ps {
		switch {
		case p.name == nil:
			ep.errorf(p.typ.Pos(), "parameter %d of method %q has no name (the name is its JSON key)", i+2, d.Name.Name)
			continue
		case p.name.Name == "_":
			ep.errorf(p.name.Pos(), "parameter %d of method %q is named \"_\" (the name is its JSON key)", i+2, d.Name.Name)
			continue
		case seen[p.name.Name]:
			ep.errorf(p.name.Pos(), "duplicate parameter %q", p.name.Name)
			continue
		}
		seen[p.name.Name] = true
		t := ep.typeOf(f, p.typ, "parameter")
		if t == nil {
			continue
		}
		if t.NilAble() {
			t.Nullable = true // nil slices and maps are how Go says "absent"
		}
		out = append(out, &Param{Pos: ep.pos(p.name.Pos()), Name: p.name.Name, Type: t})
	}
	return out
}

// result resolves the results of a served method: `error` or `(T, error)`.
func (ep *endpointParser) result(f *goFile, d *ast.FuncDecl) *Type {
	rs := flatten(d.Type.Results)
	const want = "(want error or (T, error))"
	switch {
	case len(rs) == 0:
		ep.errorf(d.Name.Pos(), "method %q takes *pod.Session but returns nothing %s", d.Name.Name, want)
	case len(rs) > 2:
		ep.errorf(d.Type.Results.Pos(), "method %q returns %d results %s", d.Name.Name, len(rs), want)
	case !isIdent(rs[len(rs)-1].typ, "error"):
		ep.errorf(rs[len(rs)-1].typ.Pos(), "the last result of method %q must be error %s", d.Name.Name, want)
	case len(rs) == 2:
		return ep.typeOf(f, rs[0].typ, "result")
	}
	return nil
}

// futureCall turns a future-call type and its Invoke method into the IR, or
// returns nil after reporting what is wrong.
func (ep *endpointParser) futureCall(t goTypeDecl) *FutureCall {
	name := t.spec.Name.Name
	if !ep.plainType(t, "future call") {
		return nil
	}
	c := &FutureCall{
		Pos:    ep.pos(t.spec.Name.Pos()),
		GoName: name,
		Name:   strings.TrimSuffix(name, futureCallSuffix),
		Doc:    docText(t.doc),
	}
	if c.Name == "Cancel" {
		ep.errorf(t.spec.Name.Pos(), "future call name %q is taken by s.FutureCalls.Cancel (rename %q)", c.Name, name)
		return nil
	}
	for _, m := range ep.methods[name] {
		if m.decl.Name.Name == "Invoke" {
			c.Arg = ep.invokeArg(m, name)
			if c.Arg == nil {
				return nil
			}
			return c
		}
	}
	ep.errorf(t.spec.Name.Pos(), "future call %q has no method \"Invoke\" (want Invoke(s *pod.Session, arg T) error)", name)
	return nil
}

// invokeArg checks `Invoke(s *pod.Session, arg T) error` and returns T.
func (ep *endpointParser) invokeArg(m goMethod, typeName string) *Type {
	d := m.decl
	ps, rs := flatten(d.Type.Params), flatten(d.Type.Results)
	bad := func(at ast.Node, why string) *Type {
		ep.errorf(at.Pos(), "%s.Invoke must be Invoke(s *pod.Session, arg T) error (%s)", typeName, why)
		return nil
	}
	switch {
	case len(ps) != 2:
		return bad(d.Type.Params, plural(len(ps), "parameter"))
	case !ep.isSession(m.file, ps[0].typ):
		return bad(ps[0].typ, "its first parameter is not *pod.Session")
	case len(rs) != 1 || !isIdent(rs[0].typ, "error"):
		if len(rs) == 0 {
			return bad(d.Name, "it returns nothing")
		}
		return bad(rs[0].typ, "it must return only error")
	}
	return ep.typeOf(m.file, ps[1].typ, "future call argument")
}

// plural says how many parameters there are: "it has 1 parameter".
func plural(n int, noun string) string {
	if n == 1 {
		return "it has 1 " + noun
	}
	return "it has " + strconv.Itoa(n) + " " + noun + "s"
}

// isSession reports whether x is `*pod.Session` in file f. A value
// `pod.Session` is reported: the method is clearly meant to be served.
func (ep *endpointParser) isSession(f *goFile, x ast.Expr) bool {
	if star, ok := x.(*ast.StarExpr); ok {
		return ep.isPod(f, star.X, "Session")
	}
	if ep.isPod(f, x, "Session") {
		ep.errorf(x.Pos(), "the session must be a pointer: \"*%s.Session\"", f.pod)
	}
	return false
}

// isPod reports whether x is the selector pod.<name> in file f.
func (ep *endpointParser) isPod(f *goFile, x ast.Expr, name string) bool {
	sel, ok := x.(*ast.SelectorExpr)
	return ok && f.pod != "" && isIdent(sel.X, f.pod) && sel.Sel.Name == name
}

func isIdent(x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == name
}
