package emit

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// This file holds the JSON code builders that the model, server and client
// emitters share. They write straight-line Go against the static helpers
// of static/models (JSONDecoder, AppendJSONString, ...), so a class codec
// is a run of appends and a switch on keys, with no reflection:
//
//	b = append(b, `{"name":`...)
//	b = AppendJSONString(b, v.Name)
//	...
//	switch string(key) {
//	case "name":
//		if err := d.String(&v.Name); err != nil {
//			return JSONFieldError(err, "field", "name")
//		}
//
// Names the generated code declares: decodeMembers declares `seen` and
// `expect`, and in its loop `key`, `ok` and `err`; list code declares `i`
// and `list`, map code `k` and `e` (suffixed 2, 3, ... when nested). The
// caller's d, b, src and dst expressions must not use these names.

// jsonMember is one key of a JSON object.
type jsonMember struct {
	Key      string         // JSON key
	Label    string         // "field" or "parameter", used in error messages
	Type     *schema.Type   // the member's type
	Dst      *jen.Statement // addressable Go location the value goes to; parenthesize a dereference: (*p)
	Required bool           // missing key is an error
	Default  jen.Code       // set when not nil: a missing key gets this value (a model default)
	// ServerOnly members are read only from the stored form; the wire form
	// skips them like unknown keys, so that a client cannot set them.
	ServerOnly bool
}

// scope hands out the names of loop variables, one set per nesting level,
// so that nested lists and maps never shadow each other.
type scope int

func (s scope) name(base string) *jen.Statement {
	if s == 0 {
		return jen.Id(base)
	}
	return jen.Id(base + strconv.Itoa(int(s)+1))
}

// wrapFunc turns an error expression into the error the code returns,
// adding the path (field, index) of the value being coded.
type wrapFunc func(err jen.Code) jen.Code

func noWrap(err jen.Code) jen.Code { return err }

// decodeMembers returns statements that read one JSON object from the
// decoder d into the members' Dst, skipping unknown keys and checking that
// required members were present. They run in a function that returns
// error; errors name the member by its Label and Key.
func decodeMembers(d *jen.Statement, members []jsonMember, models string) []jen.Code {
	code := []jen.Code{ifErr(d.Clone().Dot("BeginObject").Call(), noWrap)}
	first, after := expectedKeys(members)
	nRequired := 0
	cases := make([]jen.Code, 0, len(members)+1)
	for mi, m := range members {
		key, label := m.Key, m.Label
		wrap := func(err jen.Code) jen.Code {
			return jen.Qual(models, "JSONFieldError").Call(err, jen.Lit(label), jen.Lit(key))
		}
		body := decodeCode(d, m.Type, target{expr: m.Dst}, models, 0, wrap)
		if m.Required || m.Default != nil {
			body = append(body, jen.Id("seen").Index(jen.Lit(nRequired)).Op("=").True())
			nRequired++
		}
		if m.ServerOnly {
			body = []jen.Code{jen.If(d.Clone().Dot("StoredForm").Call()).Block(body...).
				Else().If(jen.Err().Op(":=").Add(d.Clone()).Dot("Skip").Call(), jen.Err().Op("!=").Nil()).
				Block(jen.Return(jen.Err()))}
		}
		body = append(body, jen.Id("expect").Op("=").Add(rawString(after[mi])))
		cases = append(cases, jen.Case(jen.Lit(m.Key)).Block(body...))
	}
	cases = append(cases, jen.Default().Block(ifErr(d.Clone().Dot("Skip").Call(), noWrap)))
	if nRequired > 0 {
		code = append(code, jen.Var().Id("seen").Index(jen.Lit(nRequired)).Bool())
	}
	code = append(code, jen.Id("expect").Op(":=").Add(rawString(first)))
	code = append(code, jen.For().Block(
		jen.List(jen.Id("key"), jen.Id("ok"), jen.Id("err")).Op(":=").Add(d.Clone()).Dot("KeyExpect").Call(jen.Id("expect")),
		jen.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err"))),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
		jen.Switch(jen.String().Call(jen.Id("key"))).Block(cases...),
	))
	i := 0
	for _, m := range members {
		switch {
		case m.Required:
			code = append(code, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(i))).Block(
				jen.Return(jen.Qual(models, "JSONMissingError").Call(jen.Lit(m.Label), jen.Lit(m.Key)))))
			i++
		case m.Default != nil:
			code = append(code, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(i))).Block(
				m.Dst.Clone().Op("=").Add(m.Default)))
			i++
		}
	}
	return code
}

// expectedKeys returns the key KeyExpect should try first in an object of
// members, and after each member the one to try next: `"a":`, then
// `,"b":`, ... in the order AppendJSON writes them (server-only members,
// which only the stored form holds, last), "" after the last one. A key
// that JSON would escape is never expected: KeyExpect would hand it out
// escaped.
func expectedKeys(members []jsonMember) (first string, after []string) {
	order := make([]int, 0, len(members))
	for _, hidden := range []bool{false, true} {
		for i, m := range members {
			if m.ServerOnly == hidden {
				order = append(order, i)
			}
		}
	}
	expect := func(k int, sep string) string {
		if k == len(order) || jsonKey(members[order[k]].Key) != `"`+members[order[k]].Key+`"` {
			return ""
		}
		return sep + `"` + members[order[k]].Key + `":`
	}
	after = make([]string, len(members))
	for k, i := range order {
		after[i] = expect(k+1, ",")
	}
	return expect(0, ""), after
}

// decodeValue returns statements that read one value of type t from the
// decoder d into the addressable location dst. They run in a function that
// returns error and return the decoder's error as is.
func decodeValue(d *jen.Statement, t *schema.Type, dst *jen.Statement, models string) []jen.Code {
	return decodeCode(d, t, target{expr: dst}, models, 0, noWrap)
}

// appendValue returns statements that append the JSON of src (an
// addressable value of type t) to the buffer b. They run in a function
// whose results are ([]byte, error); when appendFails(t), they assign to a
// variable `err error` that the caller declares and return `b, err` on
// failure.
func appendValue(b *jen.Statement, t *schema.Type, src *jen.Statement, models string) []jen.Code {
	return appendCode(b, t, target{expr: src}, encoder{models: models}, 0, noWrap)
}

// appendStoredValue is appendValue for what the server stores (json
// columns): classes keep their server-only fields (see encoder.stored).
func appendStoredValue(b *jen.Statement, t *schema.Type, src *jen.Statement, models string) []jen.Code {
	return appendCode(b, t, target{expr: src}, encoder{models: models, stored: jen.True()}, 0, noWrap)
}

// appendFails reports whether encoding a value of type t can fail: only a
// non-finite double or a date outside years 0001-9999 can, wherever nested.
func appendFails(t *schema.Type) bool {
	switch t.Kind {
	case schema.ClassKind:
		return true
	case schema.List, schema.Set:
		return appendFails(t.Elem)
	case schema.Map:
		return appendFails(t.Elem) || (t.Key != nil && appendFails(t.Key))
	}
	return kindOf(t).appendFails
}

// target is a Go location: expr itself, or *expr when ptr is set.
type target struct {
	expr *jen.Statement
	ptr  bool
}

// addr is a pointer to the location.
func (t target) addr() *jen.Statement {
	if t.ptr {
		return t.expr.Clone()
	}
	return jen.Op("&").Add(t.expr.Clone())
}

// val is the value at the location.
func (t target) val() *jen.Statement {
	if t.ptr {
		return jen.Op("*").Add(t.expr.Clone())
	}
	return t.expr.Clone()
}

// recv is the location as a method receiver (Go takes the address itself).
func (t target) recv() *jen.Statement { return t.expr.Clone() }

// ifErr is `if err := call; err != nil { return wrap(err) }`.
func ifErr(call *jen.Statement, wrap wrapFunc) jen.Code {
	return jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(
		jen.Return(wrap(jen.Err())))
}

// jsonKey is the JSON text of an object key.
func jsonKey(key string) string {
	out, _ := json.Marshal(key) // a string always marshals
	return string(out)
}

// rawString is s as a Go raw string literal when it can be one, since
// `,"name":` reads better than ",\"name\":".
func rawString(s string) *jen.Statement {
	if strings.ContainsAny(s, "`\r") {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}
