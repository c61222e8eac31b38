package emit

import (
	"path"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// The models artifact writes one file per class, exception and enum into
// pod/ and, without server-only fields, into client/:
//
//	// Company is the protocol class Company (company.yaml).
//	type Company struct {
//		ID   int64
//		Name string
//	}
//
//	func (v *Company) AppendJSON(b []byte) ([]byte, error) { ... } // models_json.go
//	func (v *Company) DecodeJSON(d *JSONDecoder) error     { ... }
//
// Exceptions also implement error; enums are string types with constants,
// String, Valid, ParseE and codecs (models_enum.go).

func podModels(p *schema.Protocol, o Options) ([]File, error) {
	return modelFiles(p, "pod", o.Pod(), false), nil
}

func clientModels(p *schema.Protocol, o Options) ([]File, error) {
	return modelFiles(p, "client", o.Client(), true), nil
}

// modelFiles renders every class, exception and enum into package pkg at
// import path models. The client has no copy of a server-only definition,
// and its copies lack the fields that never reach it: server-only ones and
// those never serialized (scope=none).
func modelFiles(p *schema.Protocol, pkg, models string, client bool) []File {
	var out []File
	for _, cs := range [][]*schema.Class{p.Classes, p.Exceptions} {
		for _, c := range cs {
			if c.ServerOnly && client {
				continue
			}
			f := jen.NewFilePathName(models, pkg)
			classCode(f, c, models, client)
			out = append(out, File{Path: pkg + "/" + c.File + ".go", Jen: f})
		}
	}
	for _, e := range p.Enums {
		if e.ServerOnly && client {
			continue
		}
		f := jen.NewFilePathName(models, pkg)
		enumCode(f, e, models)
		out = append(out, File{Path: pkg + "/" + e.File + ".go", Jen: f})
	}
	return out
}

// classCode writes the struct of c and its codecs.
func classCode(f *jen.File, c *schema.Class, models string, client bool) {
	fields := wireFields(c)
	comment(f, docComment(c.Name, c.Doc, c.Pos, "protocol "+kindWord(c)+" "+c.Name))
	if c.Extends != nil {
		f.Comment("")
		f.Comment("It extends " + c.Extends.Name + ": " + c.Extends.Name + "'s fields come first, copied, not embedded.")
	}
	f.Type().Id(c.Name).StructFunc(func(g *jen.Group) {
		for _, fl := range c.Fields {
			if (fl.ServerOnly || fl.NotSerialized) && client {
				continue
			}
			switch {
			case fl.Doc != "":
				comment(g, strings.TrimSpace(fl.Doc))
			case fl.ServerOnly:
				g.Comment("Server-only: stored, never sent to clients.")
			case fl.NotSerialized && fl.Persist:
				g.Comment("Never serialized (scope=none): stored in its column, never in JSON.")
			case fl.NotSerialized:
				g.Comment("Never serialized (scope=none): not in the JSON of the class.")
			}
			g.Id(fl.GoName).Add(goType(fl.Type, models))
		}
	})
	newFunc(f, c, models, client)
	classJSON(f, c, fields, models, client)
	if c.IsException {
		exceptionError(f, c)
	}
}

// wireFields are the fields that travel as JSON, in YAML order: all but the
// server-only ones, which never leave the server, and those never
// serialized (scope=none).
func wireFields(c *schema.Class) []*schema.Field {
	var out []*schema.Field
	for _, fl := range c.Fields {
		if !fl.ServerOnly && fl.Serialized() {
			out = append(out, fl)
		}
	}
	return out
}

func kindWord(c *schema.Class) string {
	if c.IsException {
		return "exception"
	}
	return "class"
}

// docComment is the doc comment of a generated type: the YAML doc when
// there is one, else where the type comes from (file name only, so that
// output does not depend on where podgen runs). A doc that starts with an
// article becomes a sentence about the name: "A company" → "Company is a
// company".
func docComment(name, doc string, pos schema.Pos, what string) string {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return name + " is the " + what + " (" + path.Base(pos.File) + ")."
	}
	if strings.HasPrefix(doc, name+" ") {
		return doc
	}
	for _, article := range []string{"A ", "An ", "The "} {
		if strings.HasPrefix(doc, article) {
			return name + " is " + strings.ToLower(article) + doc[len(article):]
		}
	}
	return name + ": " + doc
}

// comment adds text as // lines (jennifer would make a multi-line
// Comment a /* */ block).
func comment(g interface{ Comment(string) *jen.Statement }, text string) {
	for _, line := range strings.Split(text, "\n") {
		g.Comment(line)
	}
}

// exceptionError makes an exception an error: `NotFound {"id":7}`.
func exceptionError(f *jen.File, c *schema.Class) {
	f.Comment("Error returns the exception's name and its data as JSON.")
	f.Func().Params(jen.Id("v").Op("*").Id(c.Name)).Id("Error").Params().String().Block(
		jen.List(jen.Id("b"), jen.Err()).Op(":=").Id("v").Dot("AppendJSON").Call(
			jen.Index().Byte().Call(jen.Lit(c.Name+" "))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(c.Name))),
		jen.Return(jen.String().Call(jen.Id("b"))),
	)
}

// clientView is p as clients see it: without the server-only classes,
// exceptions and enums (serverOnly: true), which have no client copy. The
// served methods never use them (schema checks it), nor do the fields of
// the classes that remain, but for server-only and scope=none ones, which
// wireFields leaves out.
func clientView(p *schema.Protocol) *schema.Protocol {
	v := *p
	v.Classes = slices.DeleteFunc(slices.Clone(p.Classes), func(c *schema.Class) bool { return c.ServerOnly })
	v.Exceptions = slices.DeleteFunc(slices.Clone(p.Exceptions), func(c *schema.Class) bool { return c.ServerOnly })
	v.Enums = slices.DeleteFunc(slices.Clone(p.Enums), func(e *schema.Enum) bool { return e.ServerOnly })
	return &v
}
