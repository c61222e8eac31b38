package schema

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// loadProtocol parses and validates the protocol files, one definition per
// file, into a Protocol. Every error goes to errs; the Protocol holds what
// could be resolved, so the endpoint parser can still look up names.
func loadProtocol(files []File, errs *ErrorList) *Protocol {
	var defs []*def
	for _, f := range files {
		if d := parseDefinition(f, errs); d != nil {
			defs = append(defs, d)
		}
	}
	return resolve(defs, errs)
}

// def is one protocol file after parsing, before type names are resolved.
type def struct {
	kind        string // "class", "exception" or "enum"
	name        string
	pos         Pos    // of the name
	class       *Class // for class and exception
	enum        *Enum  // for enum
	tablePos    Pos
	fields      []*fieldSrc
	indexes     []*indexSrc
	indexesPos  Pos             // of the `indexes` key, zero when absent
	declared    map[string]bool // every field name written, even one whose type is bad
	enumDefault *pair           // an enum's `default:`, read once its values are known
}

// fieldSrc is a field whose type is not resolved yet.
type fieldSrc struct {
	field *Field
	typ   *typeExpr
	flags fieldFlags
}

// indexSrc is an index whose field names are not resolved yet.
type indexSrc struct {
	index  *Index
	fields []nameAt
}

type nameAt struct {
	name string
	pos  Pos
}

// definitionKeys lists the keys each kind of definition allows.
var definitionKeys = map[string][]string{
	"class":     {"class", "table", "fields", "indexes"},
	"exception": {"exception", "fields"},
	"enum":      {"enum", "values", "serialized", "default"},
}

var allKeys = []string{"class", "default", "enum", "exception", "fields", "indexes", "serialized", "table", "values"}

// parseDefinition reads the one definition of a protocol file.
func parseDefinition(file File, errs *ErrorList) *def {
	f := &yamlFile{path: file.Path, errs: errs}
	doc := f.parse(file.Data)
	if doc == nil {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		f.errorf(root, `a protocol file must be a mapping with "class", "exception" or "enum"`)
		return nil
	}
	ps := f.pairs(root, func(key string, line int) string {
		return fmt.Sprintf("duplicate key %q (first at line %d)", key, line)
	})
	head := f.kindPair(root, ps)
	if head == nil {
		return nil
	}
	d := f.newDef(head, firstNonEmpty(comment(head.k.HeadComment), comment(root.HeadComment), comment(doc.HeadComment)))
	for _, p := range ps {
		if _, isKind := definitionKeys[p.key]; !isKind {
			f.member(d, p) // a second kind key is reported by kindPair
		}
	}
	if d.class != nil && !hasKey(ps, "fields") {
		f.errs.Add(d.pos, "%s %q has no \"fields\" (write \"fields: {}\" for none)", d.kind, d.name)
	}
	if d.enum != nil && len(d.enum.Values) == 0 && !hasKey(ps, "values") {
		f.errs.Add(d.pos, "enum %q has no \"values\"", d.name)
	}
	if d.enumDefault != nil {
		f.enumDefault(d, d.enumDefault.v) // after the values, whatever the key order
	}
	return d
}

// kindPair finds the `class`, `exception` or `enum` entry; a second one is
// an error, since each file holds one definition.
func (f *yamlFile) kindPair(root *yaml.Node, ps []pair) *pair {
	var head *pair
	for i, p := range ps {
		if _, ok := definitionKeys[p.key]; !ok {
			continue
		}
		if head != nil {
			f.errorf(p.k, "a second definition in one file (%q at line %d): write one definition per file", head.key, head.k.Line)
			continue
		}
		head = &ps[i]
	}
	if head == nil {
		f.errorf(root, `missing "class", "exception" or "enum"`)
	}
	return head
}

func (f *yamlFile) newDef(head *pair, doc string) *def {
	name, _ := f.scalar(head.v, head.key+" name")
	d := &def{kind: head.key, name: name, pos: f.pos(head.v)}
	if d.kind == "enum" {
		d.enum = &Enum{Pos: d.pos, Name: name, File: fileStem(name), Doc: doc}
	} else {
		d.class = &Class{Pos: d.pos, Name: name, File: fileStem(name), Doc: doc, IsException: d.kind == "exception"}
	}
	switch {
	case name == "":
		f.errorf(head.v, "missing %s name", d.kind)
	case !isClassName(name):
		f.errorf(head.v, "invalid %s name %q: want UpperCamelCase (^[A-Z][A-Za-z0-9]*$)", d.kind, name)
	case nameTooLong(d.kind, name) != "":
		f.errorf(head.v, "%s", nameTooLong(d.kind, name))
	case IsReservedName(name):
		f.errorf(head.v, "%s name %q is reserved: podgen generates pod.%s", d.kind, name, name)
	case builtinKinds[name] != 0 || name == "List" || name == "Map" || name == "Set":
		f.errorf(head.v, "%s name %q is a built-in type", d.kind, name)
	case tsReservedNames[name]:
		f.errorf(head.v, "%s name %q is reserved: the TypeScript client uses %s", d.kind, name, name)
	}
	return d
}

// member reads one key of a definition other than its kind key.
func (f *yamlFile) member(d *def, p pair) {
	if !allowed(d.kind, p.key) {
		if contains(allKeys, p.key) {
			f.errorf(p.k, "%q is not allowed in %s %s definition", p.key, article(d.kind), d.kind)
			return
		}
		hint := didYouMean(p.key, definitionKeys[d.kind])
		if hint == "" {
			hint = fmt.Sprintf(" (want %s)", strings.Join(definitionKeys[d.kind], ", "))
		}
		f.errorf(p.k, "unknown key %q in %s %s definition%s", p.key, article(d.kind), d.kind, hint)
		return
	}
	switch p.key {
	case "table":
		f.table(d, p.v)
	case "fields":
		f.fields(d, p.v)
	case "indexes":
		d.indexesPos = f.pos(p.k)
		f.indexes(d, p.v)
	case "values":
		f.values(d, p.v)
	case "serialized":
		f.serialized(d, p.v)
	case "default":
		d.enumDefault = &p
	}
}

func (f *yamlFile) table(d *def, v *yaml.Node) {
	name, ok := f.scalar(v, "a table name")
	if !ok {
		return
	}
	d.tablePos = f.pos(v)
	if !isTableName(name) {
		f.errorf(v, "invalid table name %q: want a lower-case SQL name (^[a-z_][a-z0-9_]*$, at most 63 bytes)", name)
		return
	}
	if strings.HasPrefix(name, systemPrefix) {
		f.errorf(v, "table name %q is reserved: names starting with %q belong to podgen's system tables", name, systemPrefix)
		return
	}
	d.class.Table = name
}

func (f *yamlFile) fields(d *def, v *yaml.Node) {
	if !f.mapping(v, `"fields"`) {
		return
	}
	ps := f.pairs(v, func(key string, line int) string {
		return fmt.Sprintf("field %q is defined twice (first at line %d)", key, line)
	})
	d.declared = map[string]bool{}
	for _, p := range ps {
		d.declared[p.key] = true
		if fs := f.field(p); fs != nil {
			d.fields = append(d.fields, fs)
		}
	}
}

// field reads `name: Type[, flag]...`.
func (f *yamlFile) field(p pair) *fieldSrc {
	if !isFieldName(p.key) {
		f.errorf(p.k, "invalid field name %q: want lowerCamelCase (^[a-z][A-Za-z0-9]*$)", p.key)
		return nil
	}
	s, ok := f.scalar(p.v, fmt.Sprintf("the type of field %q", p.key))
	if !ok {
		return nil
	}
	if strings.TrimSpace(s) == "" {
		f.errorf(p.v, "field %q has no type", p.key)
		return nil
	}
	typ, flags := parseFieldValue(s, func(off int) Pos { return f.at(p.v, off) }, f.errs)
	if flags.serverOnly && flags.apiOnly {
		f.errorf(p.v, "field %q is both server-only and api-only: it would be neither stored nor sent", p.key)
	}
	if typ == nil {
		return nil
	}
	return &fieldSrc{
		field: &Field{Pos: f.pos(p.k), Name: p.key, Doc: comment(p.k.HeadComment)},
		typ:   typ,
		flags: flags,
	}
}

// article is "a" or "an" for a definition kind.
func article(kind string) string {
	if kind == "class" {
		return "a"
	}
	return "an"
}

func allowed(kind, key string) bool { return contains(definitionKeys[kind], key) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasKey(ps []pair, key string) bool {
	for _, p := range ps {
		if p.key == key {
			return true
		}
	}
	return false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
