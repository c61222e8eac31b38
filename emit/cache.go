package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// podCaches writes pod/cache_classes.go: what the static caches
// (static/pod/cache*.go) need to know about the app's classes. Per class:
//
//	func (v *Company) cacheClass() string { ... return "Company" }
//	func (v *Company) cacheCopy() any { ... v.deepCopy(c); return c }
//	func (v *Company) deepCopy(dst *Company) {
//		*dst = *v
//		dst.Employees = slices.Clone(v.Employees)
//		for i := range dst.Employees {
//			dst.Employees[i].deepCopy(&dst.Employees[i])
//		}
//		...
//	}
//
// and one cacheDecode(class, data) that turns what the Global cache stored
// (a class's appendStoredJSON, from models_json.go) back into the right
// type. Exceptions are not cached.
func podCaches(p *schema.Protocol, o Options) ([]File, error) {
	f := jen.NewFilePathName(o.Pod(), "pod")
	cc := &cacheCopier{models: o.Pod(), refs: map[*schema.Class]bool{}}
	for _, c := range p.Classes {
		cc.methods(f, c)
	}
	cacheDecodeFunc(f, p.Classes)
	return []File{{Path: "pod/cache_classes.go", Jen: f}}, nil
}

// cacheCopier writes the deep copies; refs remembers hasRefs of classes.
type cacheCopier struct {
	models string
	refs   map[*schema.Class]bool
}

func (cc *cacheCopier) methods(f *jen.File, c *schema.Class) {
	recv := jen.Id("v").Op("*").Id(c.Name)
	nilCheck := func(ret jen.Code) jen.Code { return jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(ret)) }
	f.Comment("cacheClass is the class name the Global cache stores with the value, \"\" for nil.")
	f.Func().Params(recv.Clone()).Id("cacheClass").Params().String().Block(
		nilCheck(jen.Lit("")), jen.Return(jen.Lit(c.Name)))
	f.Comment("cacheCopy is a deep copy of v for the local caches, nil for nil.")
	f.Func().Params(recv.Clone()).Id("cacheCopy").Params().Any().Block(
		nilCheck(jen.Nil()),
		jen.Id("c").Op(":=").New(jen.Id(c.Name)),
		jen.Id("v").Dot("deepCopy").Call(jen.Id("c")),
		jen.Return(jen.Id("c")))
	body := []jen.Code{jen.Op("*").Id("dst").Op("=").Op("*").Id("v")}
	for _, fl := range c.Fields {
		if cc.hasRefs(fl.Type) {
			body = append(body, cc.copyCode(jen.Id("dst").Dot(fl.GoName), jen.Id("v").Dot(fl.GoName), fl.Type, 0)...)
		}
	}
	f.Comment("deepCopy sets *dst to a copy of v that shares no memory with it.")
	f.Func().Params(recv.Clone()).Id("deepCopy").Params(jen.Id("dst").Op("*").Id(c.Name)).Block(body...)
}

// copyCode makes dst, which holds a shallow copy of src (or is src), a
// deep copy of src. Every statement reads src before it writes dst, so
// dst and src may be the same location.
func (cc *cacheCopier) copyCode(dst, src *jen.Statement, t *schema.Type, sc scope) []jen.Code {
	if t.Pointer() {
		p := sc.name("p")
		if t.Kind == schema.ClassKind {
			return []jen.Code{jen.If(src.Clone().Op("!=").Nil()).Block(
				p.Clone().Op(":=").New(jen.Id(t.Class.Name)),
				src.Clone().Dot("deepCopy").Call(p.Clone()),
				dst.Clone().Op("=").Add(p.Clone()))}
		}
		return []jen.Code{jen.If(src.Clone().Op("!=").Nil()).Block(
			p.Clone().Op(":=").Op("*").Add(src.Clone()),
			dst.Clone().Op("=").Op("&").Add(p.Clone()))}
	}
	switch t.Kind {
	case schema.ClassKind:
		return []jen.Code{src.Clone().Dot("deepCopy").Call(jen.Op("&").Add(dst.Clone()))}
	case schema.List:
		code := []jen.Code{dst.Clone().Op("=").Qual("slices", "Clone").Call(src.Clone())}
		if !cc.hasRefs(t.Elem) {
			return code
		}
		i := sc.name("i")
		return append(code, jen.For(i.Clone().Op(":=").Range().Add(dst.Clone())).Block(
			cc.copyCode(dst.Clone().Index(i.Clone()), dst.Clone().Index(i.Clone()), t.Elem, sc+1)...))
	case schema.Set: // elements are Keyable values: no references
		return []jen.Code{dst.Clone().Op("=").Qual("maps", "Clone").Call(src.Clone())}
	case schema.Map:
		if !cc.hasRefs(t.Elem) {
			return []jen.Code{dst.Clone().Op("=").Qual("maps", "Clone").Call(src.Clone())}
		}
		m, k, e := sc.name("m"), sc.name("k"), sc.name("e")
		loop := append(cc.copyCode(e, e, t.Elem, sc+1), m.Clone().Index(k.Clone()).Op("=").Add(e.Clone()))
		return []jen.Code{jen.If(src.Clone().Op("!=").Nil()).Block(
			m.Clone().Op(":=").Make(goType(t, cc.models), jen.Len(src.Clone())),
			jen.For(jen.List(k.Clone(), e.Clone()).Op(":=").Range().Add(src.Clone())).Block(loop...),
			dst.Clone().Op("=").Add(m.Clone()))}
	}
	if clone := kindOf(t).clone; clone != nil {
		return []jen.Code{dst.Clone().Op("=").Add(clone(src.Clone()))}
	}
	return nil // a value without references: the shallow copy is the copy
}

// hasRefs reports whether a value of t can share memory with a copy
// of it made by assignment (pointers, slices, maps, classes holding them).
// A class can contain itself only through one of those, so the recursion
// ends.
func (cc *cacheCopier) hasRefs(t *schema.Type) bool {
	if t.Pointer() || t.NilAble() {
		return true
	}
	if t.Kind != schema.ClassKind {
		return false
	}
	has, ok := cc.refs[t.Class]
	if !ok {
		for _, fl := range t.Class.Fields {
			if cc.hasRefs(fl.Type) {
				has = true
				break
			}
		}
		cc.refs[t.Class] = has
	}
	return has
}

// cacheDecodeFunc writes cacheDecode, the Global cache's way back from a
// class name and JSON to a value. The JSON is the stored form, which the
// server wrote itself: server-only fields are read.
func cacheDecodeFunc(f *jen.File, classes []*schema.Class) {
	var cases []jen.Code
	for _, c := range classes {
		cases = append(cases, jen.Case(jen.Lit(c.Name)).Block(
			jen.Id("v").Op(":=").New(jen.Id(c.Name)),
			jen.If(jen.Err().Op(":=").Id("decodeStoredJSONDocument").Call(jen.Id("data"), jen.Id("v")), jen.Err().Op("!=").Nil()).
				Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(jen.Id("v"), jen.Nil())))
	}
	f.Comment("cacheDecode decodes a value the Global cache stored as class and JSON.")
	f.Func().Id("cacheDecode").Params(jen.Id("class").String(), jen.Id("data").Index().Byte()).Params(jen.Any(), jen.Error()).Block(
		jen.Switch(jen.Id("class")).Block(cases...),
		jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(
			jen.Lit("unknown class %q (stored by another version of the app?)"), jen.Id("class"))))
}
