package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// enumCode writes an enum: a string type, one constant per value, String,
// Valid, ParseE and its codecs. An unknown value is a decode error.
func enumCode(f *jen.File, e *schema.Enum, models string) {
	comment(f, docComment(e.Name, e.Doc, e.Pos, "protocol enum "+e.Name))
	f.Type().Id(e.Name).String()

	var names, consts []string
	f.Comment("The values of " + e.Name + ".")
	f.Const().DefsFunc(func(g *jen.Group) {
		for _, v := range e.Values {
			g.Comment(v.GoName + " is " + e.Name + " " + jsonKey(v.Name) + ".")
			g.Id(v.GoName).Id(e.Name).Op("=").Lit(v.Name)
			names = append(names, v.Name)
			consts = append(consts, v.GoName)
		}
	})
	valid := strings.Join(names, ", ")
	recv := jen.Id("e").Id(e.Name)

	f.Comment("String returns the value's name as sent on the wire.")
	f.Func().Params(recv.Clone()).Id("String").Params().String().Block(jen.Return(jen.String().Call(jen.Id("e"))))

	f.Comment("Valid reports whether e is one of the values of " + e.Name + ".")
	f.Func().Params(recv.Clone()).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("e")).Block(jen.CaseFunc(func(g *jen.Group) {
			for _, c := range consts {
				g.Id(c)
			}
		}).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()))

	f.Comment("Parse" + e.Name + " returns the " + e.Name + " named s; other names are an error.")
	f.Func().Id("Parse"+e.Name).Params(jen.Id("s").String()).Params(jen.Id(e.Name), jen.Error()).Block(
		jen.If(jen.Id("e").Op(":=").Id(e.Name).Call(jen.Id("s")), jen.Id("e").Dot("Valid").Call()).Block(
			jen.Return(jen.Id("e"), jen.Nil())),
		jen.Return(jen.Lit(""), jen.Qual("fmt", "Errorf").Call(
			jen.Lit("unknown "+e.Name+" %q (valid: "+valid+")"), jen.Id("s"))))

	f.Comment("AppendJSON appends e as a JSON string.")
	f.Func().Params(recv.Clone()).Id("AppendJSON").Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Qual(models, "AppendJSONString").Call(jen.Id("b"), jen.String().Call(jen.Id("e"))), jen.Nil()))

	cases := make([]jen.Code, 0, len(e.Values)+1)
	for _, v := range e.Values {
		cases = append(cases, jen.Case(jen.Lit(v.Name)).Block(jen.Op("*").Id("e").Op("=").Id(v.GoName)))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Qual(models, "JSONEnumError").Call(
		jen.Lit(e.Name), jen.Id("s"), jen.Lit(valid)))))
	f.Comment("DecodeJSON reads a " + e.Name + " string; an unknown value is an error.")
	f.Func().Params(jen.Id("e").Op("*").Id(e.Name)).Id("DecodeJSON").
		Params(jen.Id("d").Op("*").Qual(models, "JSONDecoder")).Error().Block(
		jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("d").Dot("StringBytesAs").Call(jen.Lit(e.Name)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Switch(jen.String().Call(jen.Id("s"))).Block(cases...),
		jen.Return(jen.Nil()))
	interop(f, e.Name, "e")
}
