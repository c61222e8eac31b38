package schema

import (
	"fmt"
	"strings"
)

// maxTypeDepth bounds the nesting of a type such as List<List<...>>; no
// real model comes near it, and it keeps the recursive parser shallow.
const maxTypeDepth = 32

// typeExpr is a type as written in a field value, before names are
// resolved: `List<Map<String, Reminder?>>?`.
type typeExpr struct {
	name     string
	pos      Pos // of the name
	args     []*typeExpr
	argsPos  Pos // of the `<`, for "takes no type arguments"
	nullable bool
	// dims is the text of `(...)` after the name, as in `Vector(1536)`;
	// podgen supports no such type, so the resolver refuses it.
	dims string
	// module is set for a module type `module:auth:UserInfo`, which
	// podgen refuses: it ships no modules yet.
	module bool
}

// String spells the type back in canonical form, for messages.
func (e *typeExpr) String() string {
	var b strings.Builder
	b.WriteString(e.name)
	if len(e.args) > 0 {
		b.WriteByte('<')
		for i, a := range e.args {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(a.String())
		}
		b.WriteByte('>')
	}
	if e.nullable {
		b.WriteByte('?')
	}
	return b.String()
}

// fieldFlags are the comma-separated words after a field's type.
type fieldFlags struct {
	serverOnly bool   // `database` or `scope=serverOnly`
	apiOnly    bool   // `api` or `!persist`
	none       bool   // `scope=none`: never serialized
	column     string // `column=name`, "" without one
	columnPos  Pos
	// defaults holds the raw values of `default=V`, `defaultModel=V` and
	// `defaultPersist=V`, checked against the field's type in resolve.
	defaults []rawDefault
	// relation is `relation(...)` or `parent=table`, nil without one.
	relation *rawRelation
}

// rawDefault is one `key=V` default flag before its type is known.
type rawDefault struct {
	key   string // "default", "defaultModel" or "defaultPersist"
	value string // V as written, spaces around it trimmed
	pos   Pos    // of the flag
	vpos  Pos    // of V
}

// valueFlags are the flags that carry a value (`default=V`); the value
// is kept as written and checked once the field's type is resolved.
var valueFlags = []string{"default", "defaultModel", "defaultPersist", "defaultDatabase"}

// knownFlags maps each accepted flag (spaces around `=` removed) to its
// effect. `scope=all` and `persist` spell out the defaults.
var knownFlags = map[string]func(*fieldFlags){
	"database":         func(f *fieldFlags) { f.serverOnly = true },
	"scope=serverOnly": func(f *fieldFlags) { f.serverOnly = true },
	"api":              func(f *fieldFlags) { f.apiOnly = true },
	"!persist":         func(f *fieldFlags) { f.apiOnly = true },
	"scope=all":        func(*fieldFlags) {},
	"persist":          func(*fieldFlags) {},
	"scope=none":       func(f *fieldFlags) { f.none = true },
}

var flagNames = []string{"!persist", "api", "column=", "database", "default", "defaultModel", "defaultPersist", "parent=", "persist", "relation", "scope=all", "scope=none", "scope=serverOnly"}

// splitTopLevel cuts s at the commas outside <...>, (...) and quotes,
// returning each part's byte offset; `Map<String, int>, api` is two parts,
// and so are `String, default='a, b'` and the record `(int, String), api`
// (which the type parser then refuses).
func splitTopLevel(s string) (parts []string, offs []int) {
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote != 0:
			if s[i] == '\\' {
				i++
			} else if s[i] == quote {
				quote = 0
			}
			continue
		case s[i] == '\'' || s[i] == '"':
			quote = s[i]
			continue
		}
		switch s[i] {
		case '<', '(':
			depth++
		case '>', ')':
			depth--
		case ',':
			if depth == 0 {
				parts, offs = append(parts, s[start:i]), append(offs, start)
				start = i + 1
			}
		}
	}
	return append(parts, s[start:]), append(offs, start)
}

// parseFieldValue parses `Type[, flag]...`; at maps a byte offset of s to a
// position. It returns a nil type after reporting a syntax error.
func parseFieldValue(s string, at func(int) Pos, errs *ErrorList) (*typeExpr, fieldFlags) {
	parts, offs := splitTopLevel(s)
	var flags fieldFlags
	for i := 1; i < len(parts); i++ {
		word := strings.TrimSpace(parts[i])
		off := offs[i] + strings.Index(parts[i], word)
		key := strings.ReplaceAll(strings.ReplaceAll(word, " ", ""), "\t", "")
		if set, ok := knownFlags[key]; ok {
			set(&flags)
			continue
		}
		if strings.HasPrefix(key, "column=") {
			rest := word[strings.Index(word, "=")+1:]
			name := strings.TrimSpace(rest)
			flags.column = name
			flags.columnPos = at(off + len(word) - len(strings.TrimLeft(rest, " \t")))
			if !isSQLName(name) {
				errs.Add(flags.columnPos, "invalid column name %q: want an SQL name (^[A-Za-z_][A-Za-z0-9_]*$, at most 63 bytes)", name)
			}
			continue
		}
		if name, value, ok := strings.Cut(word, "="); ok && contains(valueFlags, strings.TrimSpace(name)) {
			voff := off + len(name) + 1
			voff += len(value) - len(strings.TrimLeft(value, " \t"))
			flags.defaults = append(flags.defaults, rawDefault{
				key: strings.TrimSpace(name), value: strings.TrimSpace(value), pos: at(off), vpos: at(voff),
			})
			continue
		}
		if word == "" {
			errs.Add(at(offs[i]), "empty field flag after %q", ",")
			continue
		}
		if isRelationFlag(key) {
			if flags.relation != nil {
				errs.Add(at(off), "a second relation flag %q: write one relation(...) per field", word)
				continue
			}
			flags.relation = parseRelation(word, off, at, errs)
			continue
		}
		errs.Add(at(off), "unknown field flag %q%s", word, flagHint(key))
	}
	p := &typeParser{s: parts[0], at: at, errs: errs}
	e := p.parse()
	if e != nil {
		p.space()
		if p.i < len(p.s) {
			hint := ""
			if isNameByte(p.s[p.i], true) {
				hint = " (flags follow a comma)"
			}
			e = p.fail("unexpected %q after the type%s", shorten(strings.TrimSpace(p.s[p.i:])), hint)
		}
	}
	return e, flags
}

func flagHint(key string) string {
	if h := didYouMean(key, flagNames); h != "" {
		return h
	}
	return ` (known flags: "database", "api", "scope=serverOnly", "scope=none", "!persist", "column=", "relation(...)")`
}

// typeParser is a recursive-descent parser of the type grammar:
//
//	type = name [ "<" type { "," type } ">" ] [ "?" ]
type typeParser struct {
	s     string
	i     int
	depth int
	at    func(int) Pos
	errs  *ErrorList
}

func (p *typeParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// fail reports a syntax error at the current offset and returns nil.
func (p *typeParser) fail(format string, args ...any) *typeExpr {
	p.errs.Add(p.at(p.i), "invalid type %q: %s", shorten(strings.TrimSpace(p.s)), fmt.Sprintf(format, args...))
	return nil
}

func (p *typeParser) parse() *typeExpr {
	if p.depth++; p.depth > maxTypeDepth {
		return p.fail("nested deeper than %d levels", maxTypeDepth)
	}
	defer func() { p.depth-- }()
	p.space()
	start := p.i
	for p.i < len(p.s) && isNameByte(p.s[p.i], p.i == start) {
		p.i++
	}
	if p.i == start {
		if p.i == len(p.s) {
			return p.fail("missing type name")
		}
		if p.s[p.i] == '(' {
			return p.record()
		}
		return p.fail("unexpected %q, want a type name", p.s[p.i:p.i+1])
	}
	e := &typeExpr{name: p.s[start:p.i], pos: p.at(start)}
	for p.i < len(p.s) && p.s[p.i] == ':' { // module:auth:UserInfo
		p.i++
		for p.i < len(p.s) && isNameByte(p.s[p.i], false) {
			p.i++
		}
		e.name, e.module = p.s[start:p.i], true
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		open := p.i
		if end := strings.IndexByte(p.s[p.i:], ')'); end >= 0 {
			p.i += end + 1
		} else {
			p.i = len(p.s)
		}
		e.dims = p.s[open:p.i]
		p.space()
	}
	if p.i < len(p.s) && p.s[p.i] == '<' {
		e.argsPos = p.at(p.i)
		if !p.args(e) {
			return nil
		}
		p.space()
	}
	if p.i < len(p.s) && p.s[p.i] == '?' {
		e.nullable = true
		p.i++
	}
	return e
}

// record refuses a Dart record type, `(int, String)` or `(int x, {String y})`,
// at its `(`, skipping to the matching `)` so that one message names it.
func (p *typeParser) record() *typeExpr {
	start, depth := p.i, 0
	for ; p.i < len(p.s); p.i++ {
		if p.s[p.i] == '(' {
			depth++
		} else if p.s[p.i] == ')' {
			if depth--; depth == 0 {
				p.i++
				break
			}
		}
	}
	p.errs.Add(p.at(start), "Dart record type %q is not supported: use a class with these fields", shorten(p.s[start:p.i]))
	return nil
}

// args parses `<T, ...>` into e.args.
func (p *typeParser) args(e *typeExpr) bool {
	p.i++ // '<'
	for {
		a := p.parse()
		if a == nil {
			return false
		}
		e.args = append(e.args, a)
		p.space()
		switch {
		case p.i == len(p.s):
			p.fail("missing %q", ">")
			return false
		case p.s[p.i] == ',':
			p.i++
		case p.s[p.i] == '>':
			p.i++
			return true
		default:
			p.fail("unexpected %q, want %q or %q", p.s[p.i:p.i+1], ",", ">")
			return false
		}
	}
}

func isNameByte(c byte, first bool) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || !first && c >= '0' && c <= '9'
}

// shorten cuts a long type for an error message; the position already
// points into it.
func shorten(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
