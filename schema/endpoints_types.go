package schema

import (
	"fmt"
	"go/ast"
	"go/types"
)

// goBasic maps the predeclared Go types that SPEC §2 allows.
var goBasic = map[string]Kind{"bool": Bool, "int64": Int, "float64": Double, "string": String}

// basicHints say what to write instead of a predeclared type SPEC §2 lacks.
var basicHints = map[string]string{
	"int": "use int64", "int8": "use int64", "int16": "use int64", "int32": "use int64",
	"uint": "use int64", "uint8": "use int64", "uint16": "use int64", "uint32": "use int64",
	"uint64": "use int64", "uintptr": "use int64", "rune": "use int64", "byte": "use int64",
	"float32": "use float64", "any": "use a protocol class", "error": "return errors as the last result",
}

// typeOf resolves a parameter, result or future-call argument type, as it
// is spelled in file f. role names the place in error messages. It returns
// nil after reporting an unsupported type at its position.
func (ep *endpointParser) typeOf(f *goFile, x ast.Expr, role string) *Type {
	switch t := x.(type) {
	case *ast.ParenExpr:
		return ep.typeOf(f, t.X, role)
	case *ast.Ident:
		return ep.basicType(f, t)
	case *ast.StarExpr:
		return ep.pointerType(f, t, role)
	case *ast.ArrayType:
		return ep.sliceType(f, t, role)
	case *ast.MapType:
		return ep.mapType(f, t, role)
	case *ast.SelectorExpr:
		return ep.namedType(f, t, role)
	case *ast.Ellipsis:
		return ep.unsupported(x, "use a slice")
	case *ast.InterfaceType:
		return ep.unsupported(x, "use a protocol class")
	case *ast.StructType:
		return ep.unsupported(x, "declare it as a protocol class")
	}
	return ep.unsupported(x, "")
}

func (ep *endpointParser) basicType(f *goFile, id *ast.Ident) *Type {
	if k, ok := goBasic[id.Name]; ok {
		return &Type{Kind: k}
	}
	if hint, ok := basicHints[id.Name]; ok {
		return ep.unsupported(id, hint)
	}
	if ep.classes[id.Name] != nil || ep.enums[id.Name] != nil {
		pod := f.pod
		if pod == "" {
			pod = "pod"
		}
		return ep.unsupported(id, fmt.Sprintf("did you mean %q?", pod+"."+id.Name))
	}
	if s := suggest(id.Name, []string{"bool", "int64", "float64", "string"}); s != "" {
		return ep.unsupported(id, fmt.Sprintf("did you mean %q?", s))
	}
	return ep.unsupported(id, "")
}

// pointerType is *T: T made nullable. Nil-able kinds have no pointer form.
func (ep *endpointParser) pointerType(f *goFile, star *ast.StarExpr, role string) *Type {
	if ep.isPod(f, star.X, "Session") {
		return ep.unsupported(star, "the session is the first parameter")
	}
	switch inner := star.X.(type) {
	case *ast.StarExpr:
		return ep.unsupported(star, "use a single pointer")
	case *ast.ArrayType:
		if inner.Len == nil {
			return ep.unsupported(star, "slices are already optional")
		}
	case *ast.MapType:
		return ep.unsupported(star, "maps are already optional")
	}
	if isBigInt(f, star.X) {
		return &Type{Kind: BigInt} // nil-able: *big.Int is the kind itself
	}
	t := ep.typeOf(f, star.X, role)
	if t == nil {
		return nil
	}
	t.Nullable = true
	return t
}

// sliceType is []byte (ByteData) or []T (List).
func (ep *endpointParser) sliceType(f *goFile, a *ast.ArrayType, role string) *Type {
	if a.Len != nil {
		return ep.unsupported(a, "use a slice")
	}
	if isIdent(a.Elt, "byte") || isIdent(a.Elt, "uint8") {
		return &Type{Kind: ByteData}
	}
	elem := ep.typeOf(f, a.Elt, role)
	if elem == nil {
		return nil
	}
	return &Type{Kind: List, Elem: elem}
}

// mapType is map[K]V (a Map) or map[T]struct{} (a Set); keys other than
// string must be Keyable.
func (ep *endpointParser) mapType(f *goFile, m *ast.MapType, role string) *Type {
	key := ep.typeOf(f, m.Key, role)
	if key == nil {
		return nil
	}
	if key.Nullable || !key.Kind.Keyable() {
		ep.errorf(m.Key.Pos(), "unsupported map key type %q (keys must be bool, int64, float64, string, time.Time, time.Duration, pod.UUID or an enum)", types.ExprString(m.Key))
		return nil
	}
	if st, ok := m.Value.(*ast.StructType); ok && st.Fields.NumFields() == 0 {
		return &Type{Kind: Set, Elem: key}
	}
	elem := ep.typeOf(f, m.Value, role)
	if elem == nil {
		return nil
	}
	return &Type{Kind: Map, Key: key, Elem: elem}
}

// namedType is a qualified name: pod.UUID, a pod class or enum, time.Time
// or time.Duration.
func (ep *endpointParser) namedType(f *goFile, sel *ast.SelectorExpr, role string) *Type {
	pkg, ok := sel.X.(*ast.Ident)
	switch {
	case !ok:
		return ep.unsupported(sel, "")
	case f.std[pkg.Name] != "":
		return ep.stdType(f.std[pkg.Name], sel)
	case f.pod == "" || pkg.Name != f.pod:
		return ep.unsupported(sel, "only the types of pod, time, net/url and math/big are supported")
	}
	name := sel.Sel.Name
	if name == "UUID" {
		return &Type{Kind: UUID}
	}
	if c := ep.classes[name]; c != nil {
		return &Type{Kind: ClassKind, Class: c}
	}
	if e := ep.enums[name]; e != nil {
		return &Type{Kind: EnumKind, Enum: e}
	}
	if ep.exceptions[name] != nil {
		ep.errorf(sel.Pos(), "exception %q cannot be a %s (exceptions travel only as errors)", types.ExprString(sel), role)
		return nil
	}
	if name == "Session" {
		return ep.unsupported(sel, "the session is the first parameter")
	}
	hint := ""
	if s := suggest(name, ep.podNames()); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", pkg.Name+"."+s)
	}
	ep.errorf(sel.Pos(), "unknown type %q%s", types.ExprString(sel), hint)
	return nil
}

// stdPackages are the standard packages whose types an endpoint may use.
var stdPackages = map[string]bool{"time": true, "net/url": true, "math/big": true}

// stdType is a type of one of stdPackages, written without a pointer:
// time.Time, time.Duration, url.URL. big.Int is a BigInt only as *big.Int
// (pointerType).
func (ep *endpointParser) stdType(path string, sel *ast.SelectorExpr) *Type {
	switch path + "." + sel.Sel.Name {
	case "time.Time":
		return &Type{Kind: DateTime}
	case "time.Duration":
		return &Type{Kind: Duration}
	case "net/url.URL":
		return &Type{Kind: Uri}
	case "math/big.Int":
		return ep.unsupported(sel, "use *big.Int")
	}
	return ep.unsupported(sel, map[string]string{
		"time": "use time.Time or time.Duration", "net/url": "use url.URL", "math/big": "use *big.Int",
	}[path])
}

// isBigInt reports whether x is big.Int, spelled with f's name of math/big.
func isBigInt(f *goFile, x ast.Expr) bool {
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && f.std[pkg.Name] == "math/big" && sel.Sel.Name == "Int"
}

// podNames are the type names a user may write after "pod.".
func (ep *endpointParser) podNames() []string {
	names := []string{"UUID"}
	for _, c := range ep.p.Classes {
		names = append(names, c.Name)
	}
	for _, e := range ep.p.Enums {
		names = append(names, e.Name)
	}
	return names
}

// unsupported reports x as an unsupported type, with a hint when one helps.
func (ep *endpointParser) unsupported(x ast.Expr, hint string) *Type {
	if hint != "" {
		hint = " (" + hint + ")"
	}
	ep.errorf(x.Pos(), "unsupported type %q%s", types.ExprString(x), hint)
	return nil
}
