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

	f.Comment(e.ParserName() + " returns the " + e.Name + " named s; other names are an error.")
	f.Func().Id(e.ParserName()).Params(jen.Id("s").String()).Params(jen.Id(e.Name), jen.Error()).Block(
		jen.If(jen.Id("e").Op(":=").Id(e.Name).Call(jen.Id("s")), jen.Id("e").Dot("Valid").Call()).Block(
			jen.Return(jen.Id("e"), jen.Nil())),
		jen.Return(jen.Lit(""), jen.Qual("fmt", "Errorf").Call(
			jen.Lit("unknown "+e.Name+" %q (valid: "+valid+")"), jen.Id("s"))))

	if e.ByIndex {
		enumIndexCodecs(f, e, models, consts)
	} else {
		enumNameCodecs(f, e, models, valid)
	}
	if e.Default != nil {
		f.Comment("fallback is the value an unknown name or index becomes (`default:` in the YAML).")
		f.Func().Params(jen.Id(e.Name)).Id("fallback").Params().Id(e.Name).Block(jen.Return(jen.Id(e.Default.GoName)))
	}
	interop(f, e.Name, "e")
}

// unknownEnum is the decoder's answer to an unknown value: the enum's
// default, or the error err.
func unknownEnum(e *schema.Enum, err jen.Code) jen.Code {
	if e.Default != nil {
		return jen.Op("*").Id("e").Op("=").Id(e.Default.GoName)
	}
	return jen.Return(err)
}

// enumNameCodecs are the codecs of a byName enum: a JSON string.
func enumNameCodecs(f *jen.File, e *schema.Enum, models, valid string) {
	f.Comment("AppendJSON appends e as a JSON string.")
	f.Func().Params(jen.Id("e").Id(e.Name)).Id("AppendJSON").Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Qual(models, "AppendJSONString").Call(jen.Id("b"), jen.String().Call(jen.Id("e"))), jen.Nil()))

	cases := make([]jen.Code, 0, len(e.Values)+1)
	for _, v := range e.Values {
		cases = append(cases, jen.Case(jen.Lit(v.Name)).Block(jen.Op("*").Id("e").Op("=").Id(v.GoName)))
	}
	cases = append(cases, jen.Default().Block(unknownEnum(e, jen.Qual(models, "JSONEnumError").Call(
		jen.Lit(e.Name), jen.Id("s"), jen.Lit(valid)))))
	f.Comment("DecodeJSON reads a " + e.Name + " string; " + unknownDoc(e))
	f.Func().Params(jen.Id("e").Op("*").Id(e.Name)).Id("DecodeJSON").
		Params(jen.Id("d").Op("*").Qual(models, "JSONDecoder")).Error().Block(
		jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("d").Dot("StringBytesAs").Call(jen.Lit(e.Name)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Switch(jen.String().Call(jen.Id("s"))).Block(cases...),
		jen.Return(jen.Nil()))
}

// enumIndexCodecs are the codecs of a byIndex enum: the value's position
// as a JSON integer.
func enumIndexCodecs(f *jen.File, e *schema.Enum, models string, consts []string) {
	var index, at []jen.Code
	for i, c := range consts {
		index = append(index, jen.Case(jen.Id(c)).Block(jen.Return(jen.Lit(int64(i)))))
		at = append(at, jen.Case(jen.Lit(int64(i))).Block(jen.Return(jen.Id(c), jen.True())))
	}
	f.Comment("Index returns the position of e among the values of " + e.Name + ", its wire")
	f.Comment("form (serialized: byIndex); -1 when e is not one of them.")
	f.Func().Params(jen.Id("e").Id(e.Name)).Id("Index").Params().Int64().Block(
		jen.Switch(jen.Id("e")).Block(index...),
		jen.Return(jen.Lit(-1)))
	f.Comment("atIndex returns the value at position i.")
	f.Func().Params(jen.Id(e.Name)).Id("atIndex").Params(jen.Id("i").Int64()).Params(jen.Id(e.Name), jen.Bool()).Block(
		jen.Switch(jen.Id("i")).Block(at...),
		jen.Return(jen.Lit(""), jen.False()))

	f.Comment("AppendJSON appends e as its position, a JSON integer.")
	f.Func().Params(jen.Id("e").Id(e.Name)).Id("AppendJSON").Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Qual("strconv", "AppendInt").Call(jen.Id("b"), jen.Id("e").Dot("Index").Call(), jen.Lit(10)), jen.Nil()))

	f.Comment("DecodeJSON reads a " + e.Name + " position; " + unknownDoc(e))
	f.Func().Params(jen.Id("e").Op("*").Id(e.Name)).Id("DecodeJSON").
		Params(jen.Id("d").Op("*").Qual(models, "JSONDecoder")).Error().Block(
		jen.Var().Id("i").Int64(),
		jen.If(jen.Err().Op(":=").Id("d").Dot("Int").Call(jen.Op("&").Id("i")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("e").Dot("atIndex").Call(jen.Id("i")), jen.Id("ok")).Block(
			jen.Op("*").Id("e").Op("=").Id("v"),
			jen.Return(jen.Nil())),
		unknownEnum(e, jen.Qual(models, "JSONEnumIndexError").Call(jen.Lit(e.Name), jen.Id("i"), jen.Lit(len(consts)))),
		jen.Do(func(s *jen.Statement) {
			if e.Default != nil {
				s.Return(jen.Nil())
			}
		}))
}

func unknownDoc(e *schema.Enum) string {
	if e.Default != nil {
		return "an unknown value becomes " + e.Default.GoName + "."
	}
	return "an unknown value is an error."
}
