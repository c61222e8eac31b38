package emit

import (
	"strconv"

	"github.com/podgen/podgen/schema"
)

// tsKind is how the TypeScript client (ts.go) and the OpenAPI document
// (openapi.go) see one kind: the ts column of kinds. Each function
// describes a non-null value; `T?` adds `| null` around it in one place.
// Kinds that hold other types get the spelling of those from inner.
type tsKind struct {
	// typ is the TypeScript type of the value in the client ("number", "Date").
	typ func(t *schema.Type, inner func(*schema.Type) string) string
	// codec is the runtime codec (static/ts/runtime.ts) of the value: a
	// name ("$int") or, for kinds that hold others, an expression over the
	// codecs of those ("$list($int)").
	codec func(t *schema.Type, inner func(*schema.Type) string) string
	// schema is the JSON Schema of the value's wire form.
	schema func(t *schema.Type, inner func(*schema.Type) oasValue) oasValue
}

// tsScalar is the ts column of a kind that holds nothing.
func tsScalar(typ, codec string, sch oasValue) tsKind {
	return tsKind{
		typ:    func(*schema.Type, func(*schema.Type) string) string { return typ },
		codec:  func(*schema.Type, func(*schema.Type) string) string { return codec },
		schema: func(*schema.Type, func(*schema.Type) oasValue) oasValue { return sch },
	}
}

// tsStringSchema is {"type": "string"} with more members.
func tsStringSchema(more ...oasMember) oasValue {
	return oasObject(append([]oasMember{{"type", "string"}}, more...)...)
}

var (
	tsInt64Schema = oasObject(oasMember{"type", "integer"}, oasMember{"format", "int64"},
		oasMember{"description", "A whole number; the TypeScript client refuses values beyond ±(2^53-1)."})

	// tsEnum spells an enum by its name and reads it with its generated codec.
	tsEnum = tsKind{
		typ:    func(t *schema.Type, _ func(*schema.Type) string) string { return t.Enum.Name },
		codec:  func(t *schema.Type, _ func(*schema.Type) string) string { return "$" + t.Enum.Name },
		schema: func(t *schema.Type, _ func(*schema.Type) oasValue) oasValue { return oasRef(t.Enum.Name) },
	}
	tsClass = tsKind{
		typ:    func(t *schema.Type, _ func(*schema.Type) string) string { return tsClassType(t.Class) },
		codec:  func(t *schema.Type, _ func(*schema.Type) string) string { return "$" + t.Class.Name },
		schema: func(t *schema.Type, _ func(*schema.Type) oasValue) oasValue { return oasRef(t.Class.Name) },
	}
	tsList = tsKind{
		typ: func(t *schema.Type, inner func(*schema.Type) string) string {
			if t.Elem.Nullable {
				return "(" + inner(t.Elem) + ")[]"
			}
			return inner(t.Elem) + "[]"
		},
		codec: func(t *schema.Type, inner func(*schema.Type) string) string { return "$list(" + inner(t.Elem) + ")" },
		schema: func(t *schema.Type, inner func(*schema.Type) oasValue) oasValue {
			return oasObject(oasMember{"type", "array"}, oasMember{"items", inner(t.Elem)})
		},
	}
	tsSet = tsKind{
		typ:   func(t *schema.Type, inner func(*schema.Type) string) string { return "Set<" + inner(t.Elem) + ">" },
		codec: func(t *schema.Type, inner func(*schema.Type) string) string { return "$set(" + inner(t.Elem) + ")" },
		schema: func(t *schema.Type, inner func(*schema.Type) oasValue) oasValue {
			return oasObject(oasMember{"type", "array"}, oasMember{"items", inner(t.Elem)}, oasMember{"uniqueItems", true})
		},
	}
	// tsMap is a Record for String keys (a JSON object) and a Map for
	// others (Serverpod's [{"k": key, "v": value}]).
	tsMap = tsKind{
		typ: func(t *schema.Type, inner func(*schema.Type) string) string {
			if t.EntryMap() {
				return "Map<" + inner(t.Key) + ", " + inner(t.Elem) + ">"
			}
			return "Record<string, " + inner(t.Elem) + ">"
		},
		codec: func(t *schema.Type, inner func(*schema.Type) string) string {
			if t.EntryMap() {
				return "$entries(" + inner(t.Key) + ", " + inner(t.Elem) + ")"
			}
			return "$record(" + inner(t.Elem) + ")"
		},
		schema: func(t *schema.Type, inner func(*schema.Type) oasValue) oasValue {
			if t.EntryMap() {
				entry := oasObject(oasMember{"type", "object"},
					oasMember{"properties", oasObject(oasMember{"k", inner(t.Key)}, oasMember{"v", inner(t.Elem)})},
					oasMember{"required", []string{"k", "v"}})
				return oasObject(oasMember{"type", "array"}, oasMember{"items", entry})
			}
			return oasObject(oasMember{"type", "object"}, oasMember{"additionalProperties", inner(t.Elem)})
		},
	}
)

// tsClassType is the TypeScript type of a class value: its interface, or
// for an exception the interface of its fields (the exception class itself
// is what a failed call rejects with).
func tsClassType(c *schema.Class) string {
	if c.IsException {
		return c.Name + "Data"
	}
	return c.Name
}

// tsTypeOf is the TypeScript type of t, `| null` for `T?`.
func tsTypeOf(t *schema.Type) string {
	s := kindOf(t).ts.typ(t, tsTypeOf)
	if t.Nullable {
		s += " | null"
	}
	return s
}

// jsonSchemaOf is the JSON Schema of t's wire form; `T?` also admits null.
func jsonSchemaOf(t *schema.Type) oasValue {
	s := kindOf(t).ts.schema(t, jsonSchemaOf)
	if t.Nullable {
		return oasObject(oasMember{"anyOf", []oasValue{s, oasObject(oasMember{"type", "null"})}})
	}
	return s
}

// tsCodecs names the codecs a client file uses. Codecs of kinds that
// hold others are built once, as module constants ($c0, $c1, ...) that
// the class codecs and methods refer to.
type tsCodecs struct {
	names map[string]string // codec expression → constant name
	exprs []string          // in the order the constants were made
}

// of is the codec of t: a runtime or generated name, or a constant.
func (c *tsCodecs) of(t *schema.Type) string {
	expr := kindOf(t).ts.codec(t, c.of)
	if t.Nullable {
		expr = "$nullable(" + expr + ")"
	}
	if !containsByte(expr, '(') {
		return expr
	}
	if name, ok := c.names[expr]; ok {
		return name
	}
	if c.names == nil {
		c.names = map[string]string{}
	}
	name := "$c" + strconv.Itoa(len(c.exprs))
	c.names[expr] = name
	c.exprs = append(c.exprs, expr)
	return name
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}
