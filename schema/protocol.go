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
	extends     nameAt          // `extends: Parent`, empty name when absent
	managedPos  Pos             // of `managedMigration: false`, zero when absent
	serverOnly  bool            // `serverOnly: true`
	parent      *def            // the definition extends names, once resolved
	resolved    bool            // class has run: its Fields are final
	all         []*fieldSrc     // inherited and own fields whose types resolved
	enumDefault *pair           // an enum's `default:`, read once its values are known
	idTypeField *fieldSrc       // the id an `idType:` declares, nil without one
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
	"class":     {"class", "table", "fields", "indexes", "extends", "serverOnly", "managedMigration", "idType", "immutable", "sealed"},
	"exception": {"exception", "fields", "extends", "serverOnly", "immutable", "sealed"},
	"enum":      {"enum", "values", "serialized", "default", "serverOnly"},
}

var allKeys = []string{"class", "default", "enum", "exception", "extends", "fields", "idType", "immutable", "indexes", "managedMigration", "sealed", "serialized", "serverOnly", "table", "values"}

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
	if d.managedPos != (Pos{}) && d.class.Table == "" {
		f.errs.Add(d.managedPos, "\"managedMigration\" applies only to a class with a table")
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
	case "extends":
		if name, ok := f.scalar(p.v, "the name of the class to extend"); ok {
			d.extends = nameAt{strings.TrimSpace(name), f.pos(p.v)}
			if d.extends.name == "" {
				f.errorf(p.v, "missing the name of the %s to extend", d.kind)
			}
		}
	case "serverOnly":
		d.serverOnly = f.boolean(p.v, p.key)
		if d.enum != nil {
			d.enum.ServerOnly = d.serverOnly
		} else {
			d.class.ServerOnly = d.serverOnly
		}
	case "managedMigration":
		if !f.boolean(p.v, p.key) {
			d.managedPos = f.pos(p.k)
			d.class.Unmanaged = true
		}
	case "immutable":
		// Serverpod makes the Dart fields final; a Go struct is a value
		// either way, so the flag changes nothing here (docs/DESIGN.md).
		f.boolean(p.v, p.key)
	case "sealed":
		if f.boolean(p.v, p.key) {
			f.errorf(p.k, "sealed classes (Serverpod's polymorphic JSON with a \"__className__\" key) are not supported: remove \"sealed\"")
		}
	case "idType":
		f.idType(d, p.v)
	}
}

// idTypes are Serverpod's `idType:` values, as the declared id they mean.
var idTypes = map[string]string{
	"int":    "int?",
	"serial": "int?",
	"uuid":   "UuidValue?, defaultPersist=random", // Serverpod's earlier spelling
	"uuidV4": "UuidValue?, defaultPersist=random",
	"uuidV7": "UuidValue?, defaultPersist=random_v7",
}

// idType reads a table class's `idType:` (Serverpod's shorthand for a
// declared id), kept as the field it stands for.
func (f *yamlFile) idType(d *def, v *yaml.Node) {
	s, ok := f.scalar(v, `"idType"`)
	if !ok {
		return
	}
	decl, known := idTypes[s]
	if !known {
		f.errorf(v, `"idType" must be int, uuidV4 or uuidV7 (or uuid), not %q`, s)
		return
	}
	typ, flags := parseFieldValue(decl, func(int) Pos { return f.pos(v) }, f.errs)
	d.idTypeField = &fieldSrc{field: &Field{Pos: f.pos(v), Name: "id"}, typ: typ, flags: flags}
}

// boolean reads a YAML true or false; anything else is reported (and
// counts as false).
func (f *yamlFile) boolean(v *yaml.Node, key string) bool {
	s, ok := f.scalar(v, fmt.Sprintf("%q", key))
	if ok && v.Tag != "!!bool" {
		f.errorf(v, "%q must be true or false, not %q", key, s)
		return false
	}
	return ok && strings.EqualFold(s, "true")
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
	if strings.HasPrefix(name, systemPrefix) && !f.isModule() {
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
	if flags.serverOnly && flags.none {
		f.errorf(p.v, "field %q has two scopes: %q and %q", p.key, "scope=serverOnly", "scope=none")
	}
	if flags.column != "" && flags.apiOnly {
		f.errs.Add(flags.columnPos, "field %q is api-only (not stored), so it has no column to name", p.key)
	} else if flags.column != "" && flags.relation.objectOrList() {
		f.errs.Add(flags.columnPos, "field %q is a relation (not stored), so it has no column to name: declare its key field with column= and name it with relation(field=...)", p.key)
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
