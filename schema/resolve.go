package schema

import "sort"

// builtinKinds maps the YAML names of SPEC §2's scalar types to their kind.
var builtinKinds = map[string]Kind{
	"bool": Bool, "int": Int, "double": Double, "String": String,
	"DateTime": DateTime, "Duration": Duration, "ByteData": ByteData,
	"UuidValue": UUID, "Uri": Uri, "BigInt": BigInt,
}

// scalarNames is builtinKinds the other way round, for Type.String.
var scalarNames = func() map[Kind]string {
	m := make(map[Kind]string, len(builtinKinds))
	for name, k := range builtinKinds {
		m[k] = name
	}
	return m
}()

var builtinNames = []string{"bool", "int", "double", "String", "DateTime", "Duration", "ByteData", "UuidValue", "Uri", "BigInt", "List", "Map", "Set"}

// resolver turns parsed definitions into the IR.
type resolver struct {
	defs      []*def          // registered definitions, in file order
	names     map[string]*def // by name
	typeNames []string        // every name a field type may use, for hints
	flags     map[*Field]fieldFlags
	errs      *ErrorList

	relNames map[string][]*fieldSrc // fields with relation(name=...), by name, before resolution
	rels     []*relSrc              // the relation fields, in file and field order
}

// resolve registers every definition's name, resolves field types and
// index fields, validates across definitions and returns the sorted IR.
func resolve(defs []*def, errs *ErrorList) *Protocol {
	r := &resolver{names: map[string]*def{}, flags: map[*Field]fieldFlags{}, errs: errs}
	for _, d := range defs {
		r.register(d)
	}
	r.typeNames = r.hintNames()
	r.linkParents()
	r.collectRelationNames()

	p := &Protocol{}
	for _, d := range r.defs {
		switch {
		case d.enum != nil:
			p.Enums = append(p.Enums, d.enum)
		case d.class.IsException:
			p.Exceptions = append(p.Exceptions, r.class(d))
		default:
			p.Classes = append(p.Classes, r.class(d))
		}
	}
	r.resolveRelations()
	r.validate()
	r.checkServerOnly(p.Classes)
	r.checkServerOnly(p.Exceptions)
	markServerOnly(p.Classes)
	sortByName(p.Classes, func(c *Class) string { return c.Name })
	sortByName(p.Exceptions, func(c *Class) string { return c.Name })
	sortByName(p.Enums, func(e *Enum) string { return e.Name })
	return p
}

// hintNames lists the names a field type may use, built-ins first, for
// "did you mean" hints; sorted, so the hint never depends on file order.
func (r *resolver) hintNames() []string {
	var user []string
	for _, d := range r.defs {
		if d.kind != "exception" {
			user = append(user, d.name)
		}
	}
	sort.Strings(user)
	return append(append([]string(nil), builtinNames...), user...)
}

// register adds d under its name unless another definition has it; the
// later one is reported and left out.
func (r *resolver) register(d *def) {
	if d.name == "" {
		return
	}
	if first := r.names[d.name]; first != nil {
		if first.kind == d.kind {
			r.errs.Add(d.pos, "%s %q is defined twice (first at %s)", d.kind, d.name, first.pos)
		} else {
			r.errs.Add(d.pos, "%s %q has the same name as the %s at %s", d.kind, d.name, first.kind, first.pos)
		}
		return
	}
	r.names[d.name] = d
	r.defs = append(r.defs, d)
}

// class fills d.class's fields (the implicit id first for a table class,
// then those of the class it extends, then its own) and indexes. It runs
// the class a definition extends first, and each class once.
func (r *resolver) class(d *def) *Class {
	c := d.class
	if d.resolved {
		return c
	}
	d.resolved = true
	if c.Table != "" {
		c.Fields = append(c.Fields, &Field{
			Pos: d.tablePos, Name: "id", GoName: "ID", Column: "id",
			Type: &Type{Kind: Int}, IsID: true, Persist: true,
		})
	}
	inherited := map[string]*Field{}
	if d.parent != nil {
		c.Extends = r.class(d.parent)
		for _, pf := range c.Extends.Fields {
			f := *pf
			f.inherited = true
			r.flags[&f] = r.flags[pf]
			r.storage(c, &f)
			c.Fields = append(c.Fields, &f)
			inherited[f.Name] = pf
		}
	}
	fields := d.fields
	if d.idTypeField != nil {
		if c.Table == "" {
			r.errs.Add(d.idTypeField.field.Pos, "class %q has an \"idType\" but no table", c.Name)
		} else if d.declared["id"] {
			r.errs.Add(d.idTypeField.field.Pos, "class %q has both an \"idType\" and an \"id\" field: keep one", c.Name)
		} else {
			fields = append([]*fieldSrc{d.idTypeField}, fields...)
		}
	}
	for _, fs := range fields {
		if pf := inherited[fs.field.Name]; pf != nil {
			r.errs.Add(fs.field.Pos, "field %q is already a field of %q, which %s %q extends (at %s)", fs.field.Name, c.Extends.Name, d.kind, c.Name, pf.Pos)
			continue
		}
		t := r.typ(fs.typ)
		if t == nil {
			continue
		}
		if c.Table != "" && fs.field.Name == "id" {
			if id := r.idField(c, fs, t); id != nil {
				c.Fields[0] = id // declared: it replaces the implicit one, still first
			}
			continue
		}
		f := fs.field
		f.Type = t
		f.GoName = exportedName(f.Name)
		f.ServerOnly = fs.flags.serverOnly
		f.NotSerialized = fs.flags.none
		r.flags[f] = fs.flags
		r.storage(c, f)
		r.applyDefaults(c, f, fs.flags.defaults)
		c.Fields = append(c.Fields, f)
		if fs.flags.relation != nil {
			r.noteRelation(d, fs, f)
		}
	}
	r.checkFields(c)
	r.resolveIndexes(d)
	return c
}

// storage sets whether field f of class c is stored and in which column:
// every field of a table class that is not api-only, in its `column=` or
// its snake_case name. An id inherited from a table class is a plain field.
func (r *resolver) storage(c *Class, f *Field) {
	flags := r.flags[f]
	f.Persist = c.Table != "" && !flags.apiOnly && !f.IsID && !flags.relation.objectOrList()
	f.Column = ""
	switch {
	case f.IsID && c.Table != "":
		f.Persist, f.Column = true, "id"
	case !f.Persist:
	case flags.column != "":
		f.Column = flags.column
	default:
		f.Column = columnName(f.Name)
	}
}

// pgvectorTypes are Serverpod's vector types, which need the pgvector
// extension; podgen does not support them.
var pgvectorTypes = map[string]bool{"Vector": true, "HalfVector": true, "SparseVector": true, "Bit": true}

// typ resolves a parsed type, or reports why it cannot and returns nil.
func (r *resolver) typ(e *typeExpr) *Type {
	switch {
	case e.module:
		r.errs.Add(e.pos, "module type %q is not supported: podgen ships no modules yet", e.name)
		return nil
	case pgvectorTypes[e.name] && (e.dims != "" || r.names[e.name] == nil):
		r.errs.Add(e.pos, "pgvector type %q is not supported: podgen does not use the pgvector extension", e.name+e.dims)
		return nil
	case e.dims != "":
		r.errs.Add(e.pos, "type %q takes no %q arguments", e.name, e.dims)
		return nil
	}
	if kind, ok := builtinKinds[e.name]; ok {
		return r.noArgs(e, &Type{Kind: kind, Nullable: e.nullable})
	}
	switch e.name {
	case "List":
		return r.list(e)
	case "Map":
		return r.mapType(e)
	case "Set":
		return r.set(e)
	}
	d := r.names[e.name]
	switch {
	case d == nil:
		r.errs.Add(e.pos, "unknown type %q%s", e.name, didYouMean(e.name, r.typeNames))
		return nil
	case d.enum != nil:
		return r.noArgs(e, &Type{Kind: EnumKind, Enum: d.enum, Nullable: e.nullable})
	case d.class.IsException:
		r.errs.Add(e.pos, "exception %q cannot be used as a field type: endpoints return exceptions as errors", e.name)
		return nil
	}
	return r.noArgs(e, &Type{Kind: ClassKind, Class: d.class, Nullable: e.nullable})
}

func (r *resolver) noArgs(e *typeExpr, t *Type) *Type {
	if e.args != nil {
		r.errs.Add(e.argsPos, "type %q takes no type arguments", e.name)
		return nil
	}
	return t
}

func (r *resolver) list(e *typeExpr) *Type {
	if len(e.args) != 1 {
		r.errs.Add(e.pos, "%q takes one type argument: List<T>", "List")
		return nil
	}
	elem := r.typ(e.args[0])
	if elem == nil {
		return nil
	}
	return &Type{Kind: List, Elem: elem, Nullable: e.nullable}
}

func (r *resolver) mapType(e *typeExpr) *Type {
	if len(e.args) != 2 {
		r.errs.Add(e.pos, "%q takes two type arguments: Map<K, V>", "Map")
		return nil
	}
	key := r.keyType(e.args[0], "map keys")
	elem := r.typ(e.args[1])
	if key == nil || elem == nil {
		return nil
	}
	return &Type{Kind: Map, Key: key, Elem: elem, Nullable: e.nullable}
}

func (r *resolver) set(e *typeExpr) *Type {
	if len(e.args) != 1 {
		r.errs.Add(e.pos, "%q takes one type argument: Set<T>", "Set")
		return nil
	}
	elem := r.keyType(e.args[0], "set elements")
	if elem == nil {
		return nil
	}
	return &Type{Kind: Set, Elem: elem, Nullable: e.nullable}
}

// keyType resolves a map key or set element: a Keyable kind, not `?`.
func (r *resolver) keyType(e *typeExpr, what string) *Type {
	t := r.typ(e)
	switch {
	case t == nil:
		return nil
	case t.Nullable:
		r.errs.Add(e.pos, "%s cannot be nullable: %q", what, e.String())
		return nil
	case !t.Kind.Keyable():
		r.errs.Add(e.pos, "%s must be bool, int, double, String, DateTime, Duration, UuidValue or an enum, not %q", what, e.String())
		return nil
	}
	return t
}

func sortByName[T any](s []T, name func(T) string) {
	sort.SliceStable(s, func(i, j int) bool { return name(s[i]) < name(s[j]) })
}

// markServerOnly sets HoldsServerOnly. Classes may hold each other in
// cycles (through ?, List or Map), hence the fixpoint.
func markServerOnly(classes []*Class) {
	for changed := true; changed; {
		changed = false
		for _, c := range classes {
			if !c.HoldsServerOnly && holdsServerOnly(c) {
				c.HoldsServerOnly, changed = true, true
			}
		}
	}
}

func holdsServerOnly(c *Class) bool {
	for _, f := range c.Fields {
		if f.NotSerialized {
			continue
		}
		if f.ServerOnly {
			return true
		}
		for t := f.Type; t != nil; t = t.Elem {
			if t.Kind == ClassKind && t.Class.HoldsServerOnly {
				return true
			}
		}
	}
	return false
}
