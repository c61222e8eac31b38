package schema

import (
	"fmt"
	"sort"
	"strings"
)

// maxIdentLen is Postgres' limit on identifiers, in bytes.
const maxIdentLen = 63

// Relations (SPEC §10) resolve in three steps. While a class's fields
// resolve, an object relation without `field=` gets its foreign-key field
// `<field>Id` right after it (addedForeignKey), so that indexes and the
// column checks see it. Once every class is resolved, each relation finds
// its target and foreign key (relation), the two sides of each relation
// are paired (pairRelations), and the foreign-key constraints are listed
// on the classes that hold the columns (foreignKeys).

// relSrc is one field with a relation flag while relations resolve.
type relSrc struct {
	class *Class
	field *Field
	raw   *rawRelation
	fk    *Field    // the foreign-key field added after field, nil when none was
	rel   *Relation // nil until resolved, and after an error
	// backRef marks the object side of a 1:1 pair whose other side holds
	// the foreign key (`field=` or `parent=`): it adds no column.
	backRef bool
}

// objectOrList reports whether the flag makes an object or list relation,
// whose field is not stored (an id relation, `parent=`, is a stored field).
func (rel *rawRelation) objectOrList() bool { return rel != nil && rel.parent == "" }

// collectRelationNames indexes the fields that have relation(name=...),
// before any class resolves: whether an object relation adds a foreign key
// depends on its partner.
func (r *resolver) collectRelationNames() {
	r.relNames = map[string][]*fieldSrc{}
	for _, d := range r.defs {
		if d.class == nil {
			continue
		}
		for _, fs := range d.fields {
			if rel := fs.flags.relation; rel != nil && rel.name != "" {
				r.relNames[rel.name] = append(r.relNames[rel.name], fs)
			}
		}
	}
}

// ownsKey reports whether a relation flag names its foreign key itself.
func (rel *rawRelation) ownsKey() bool { return rel.field != "" || rel.parent != "" }

// isBackRef reports whether fs is the object side of a 1:1 pair whose
// partner holds the foreign key.
func (r *resolver) isBackRef(fs *fieldSrc) bool {
	raw := fs.flags.relation
	group := r.relNames[raw.name]
	if raw.name == "" || raw.ownsKey() || len(group) != 2 {
		return false
	}
	other := group[0]
	if other == fs {
		other = group[1]
	}
	return other.typ.name != "List" && other.flags.relation.ownsKey()
}

// noteRelation records the relation field f of d's class, just appended
// to its Fields, for resolveRelations, and appends the key it adds.
func (r *resolver) noteRelation(d *def, fs *fieldSrc, f *Field) {
	c := d.class
	rs := &relSrc{class: c, field: f, raw: fs.flags.relation, backRef: f.Type.Kind == ClassKind && r.isBackRef(fs)}
	if rs.fk = r.addedForeignKey(d, fs, f); rs.fk != nil {
		c.Fields = append(c.Fields, rs.fk)
	}
	r.rels = append(r.rels, rs)
}

// addedForeignKey is the field `<name>Id` that an object relation without
// `field=` adds to a table class (Serverpod does the same): int64, or
// *int64 with `optional` (UUID for a target with a UUID id). nil when the
// relation adds none.
func (r *resolver) addedForeignKey(d *def, fs *fieldSrc, f *Field) *Field {
	raw := fs.flags.relation
	if raw.ownsKey() || f.Type.Kind != ClassKind || d.class.Table == "" || f.Type.Class.Table == "" || r.isBackRef(fs) {
		return nil
	}
	name := f.Name + "Id"
	if d.declared[name] {
		r.errs.Add(raw.pos, "relation field %q would add the foreign key field %q, which is already declared: use it with relation(field=%s)", f.Name, name, name)
		return nil
	}
	return &Field{
		Pos: raw.pos, Name: name, GoName: exportedName(name), Column: columnName(name),
		Type:    &Type{Kind: idKindOf(r.names[f.Type.Class.Name]), Nullable: raw.optional},
		Doc:     fmt.Sprintf("The foreign key of relation %q: the id of its %s.", f.Name, f.Type.Class.Name),
		Persist: true,
	}
}

// idKindOf is the kind of a table class's id before the class resolves:
// UUID when `idType:` or a declared `id` says UuidValue, Int otherwise.
func idKindOf(d *def) Kind {
	if d == nil {
		return Int
	}
	if d.idTypeField != nil && d.idTypeField.typ != nil && d.idTypeField.typ.name == "UuidValue" {
		return UUID
	}
	for _, fs := range d.fields {
		if fs.field.Name == "id" && fs.typ.name == "UuidValue" {
			return UUID
		}
	}
	return Int
}

// resolveRelations resolves, pairs and lists every relation; then sets
// Field.Relation on those that resolved.
func (r *resolver) resolveRelations() {
	tables := map[string]*Class{}
	var tableNames []string
	for _, d := range r.defs {
		if d.class != nil && d.class.Table != "" && tables[d.class.Table] == nil {
			tables[d.class.Table] = d.class
			tableNames = append(tableNames, d.class.Table)
		}
	}
	sort.Strings(tableNames)
	for _, rs := range r.rels {
		rs.rel = r.relation(rs, tables, tableNames)
	}
	r.pairRelations()
	for _, rs := range r.rels {
		if rs.rel != nil && rs.rel.FK == nil {
			rs.rel = nil // a side whose partner did not resolve: that error suffices
		}
	}
	r.foreignKeys()
	for _, rs := range r.rels {
		rs.field.Relation = rs.rel
	}
}

// relation resolves one relation field on its own: its target, and the
// foreign key of an object or id relation.
func (r *resolver) relation(rs *relSrc, tables map[string]*Class, tableNames []string) *Relation {
	raw, c, f := rs.raw, rs.class, rs.field
	if c.Table == "" {
		r.errs.Add(raw.pos, "relation on field %q of class %q, which has no table: relations link table classes", f.Name, c.Name)
		return nil
	}
	t := f.Type
	switch {
	case raw.parent != "":
		return r.idRelation(rs, tables, tableNames)
	case t.Kind == ClassKind:
		return r.objectRelation(rs, t.Class)
	case t.Kind == List && t.Elem.Kind == ClassKind:
		return r.listRelation(rs, t.Elem.Class)
	}
	r.errs.Add(raw.pos, "relation on field %q of type %q: want a table class (e.g. %q), a List of one, or an id field with parent=<table>", f.Name, t.String(), "Author?")
	return nil
}

// idRelation is `authorId: int, parent=author` (or relation(parent=author)):
// the field is its own foreign key. Its actions default to NoAction, as
// SPEC §10 and Serverpod 4 have it (Serverpod 2.2 defaulted onDelete to
// Cascade, 3.x did for this form only).
func (r *resolver) idRelation(rs *relSrc, tables map[string]*Class, tableNames []string) *Relation {
	raw, f := rs.raw, rs.field
	if raw.field != "" {
		r.errs.Add(raw.fieldPos, "field= names the foreign key of an object relation; the id field %q with parent= is its own foreign key", f.Name)
		return nil
	}
	target := tables[raw.parent]
	if target == nil {
		r.errs.Add(raw.parentPos, "parent=%s: no class has the table %q%s", raw.parent, raw.parent, didYouMean(raw.parent, tableNames))
		return nil
	}
	if !r.fkType(f, target, raw.parentPos) || !r.optionalKey(raw, f) {
		return nil
	}
	return r.newRelation(rs, target, f, "NO ACTION")
}

// objectRelation is `author: Author?, relation(...)`: the foreign key is
// the `field=` named, the added `<field>Id`, or (for the back side of a
// 1:1 pair) the partner's, set when the sides pair.
func (r *resolver) objectRelation(rs *relSrc, target *Class) *Relation {
	raw, c, f := rs.raw, rs.class, rs.field
	if !r.tableTarget(rs, target) || !r.nullableRelation(rs) {
		return nil
	}
	var fk *Field
	switch {
	case raw.field != "":
		fk = fieldNamed(c, raw.field)
		if fk == nil || fk == f || !fk.Persist || fk.IsID {
			r.errs.Add(raw.fieldPos, "field=%s: class %q has no stored field %q to hold the foreign key%s", raw.field, c.Name, raw.field, didYouMean(raw.field, storedFieldNames(c)))
			return nil
		}
		if !r.fkType(fk, target, raw.fieldPos) || !r.optionalKey(raw, fk) {
			return nil
		}
	case rs.fk != nil:
		fk = rs.fk
	case rs.backRef:
		if !r.noKeyOptions(rs, "the object side that does not hold the foreign key") {
			return nil
		}
	default:
		return nil // addedForeignKey reported why it added none
	}
	return r.newRelation(rs, target, fk, "NO ACTION")
}

// listRelation is `books: List<Book>?, relation(...)`, the 1:n side: its
// foreign key is on Target, found when the sides pair.
func (r *resolver) listRelation(rs *relSrc, target *Class) *Relation {
	if !r.tableTarget(rs, target) || !r.nullableRelation(rs) || !r.noKeyOptions(rs, "a list relation") {
		return nil
	}
	rel := r.newRelation(rs, target, nil, "")
	rel.List = true
	return rel
}

func (r *resolver) newRelation(rs *relSrc, target *Class, fk *Field, onDelete string) *Relation {
	rel := &Relation{Pos: rs.raw.pos, Target: target, Name: rs.raw.name, FK: fk,
		OnDelete: firstNonEmpty(rs.raw.onDelete, onDelete), OnUpdate: firstNonEmpty(rs.raw.onUpdate, "NO ACTION")}
	if fk != nil {
		rel.Optional = fk.Type.Nullable
	}
	return rel
}

func (r *resolver) tableTarget(rs *relSrc, target *Class) bool {
	if target.Table == "" {
		r.errs.Add(rs.raw.pos, "relation to class %q, which has no table: the related class needs \"table: ...\"", target.Name)
		return false
	}
	return true
}

// nullableRelation requires `T?` on an object or list relation field:
// the related rows are there only when a query includes them.
func (r *resolver) nullableRelation(rs *relSrc) bool {
	if !rs.field.Type.Nullable {
		r.errs.Add(rs.raw.pos, "relation field %q must be nullable (%q): it is filled only when a query includes it", rs.field.Name, rs.field.Type.String()+"?")
		return false
	}
	return true
}

// noKeyOptions refuses the arguments that shape a foreign key on a side
// that holds none.
func (r *resolver) noKeyOptions(rs *relSrc, what string) bool {
	raw := rs.raw
	ok := true
	bad := func(set bool, pos Pos, arg string) {
		if set {
			r.errs.Add(pos, "%q does not apply to %s (field %q): set it on the side that holds the foreign key", arg, what, rs.field.Name)
			ok = false
		}
	}
	bad(raw.field != "", raw.fieldPos, "field=")
	bad(raw.optional, raw.optionalPos, "optional")
	bad(raw.onDelete != "", raw.onDeletePos, "onDelete=")
	bad(raw.onUpdate != "", raw.onUpdatePos, "onUpdate=")
	return ok
}

// fkType checks that a foreign-key field has the type of target's id.
func (r *resolver) fkType(fk *Field, target *Class, pos Pos) bool {
	id := target.IDField()
	if id == nil {
		return false
	}
	if fk.Type.Kind != id.Type.Kind {
		want := scalarNames[id.Type.Kind]
		r.errs.Add(pos, "foreign key field %q must be %s or %s? (the id type of %q), not %q", fk.Name, want, want, target.Name, fk.Type.String())
		return false
	}
	return true
}

// optionalKey checks that `optional` goes with a nullable foreign key.
func (r *resolver) optionalKey(raw *rawRelation, fk *Field) bool {
	if raw.optional && !fk.Type.Nullable {
		r.errs.Add(raw.optionalPos, "\"optional\" needs a nullable foreign key: make field %q %q", fk.Name, fk.Type.String()+"?")
		return false
	}
	return true
}

// pairRelations joins the two sides of each relation: by `name=`, or for
// a list without a name, the one unnamed object relation of its target
// that points back.
func (r *resolver) pairRelations() {
	byName := map[string][]*relSrc{}
	var order []string
	for _, rs := range r.rels {
		if rs.rel == nil || rs.raw.name == "" {
			continue
		}
		if byName[rs.raw.name] == nil {
			order = append(order, rs.raw.name)
		}
		byName[rs.raw.name] = append(byName[rs.raw.name], rs)
	}
	for _, name := range order {
		group := byName[name]
		switch {
		case len(group) == 1 && len(r.relNames[name]) > 1:
			group[0].rel = nil // its partner did not resolve: that error suffices
		case len(group) == 1:
			rs := group[0]
			r.errs.Add(rs.raw.namePos, "relation name %q is unpaired: no field of class %q has relation(name=%s)", name, rs.rel.Target.Name, name)
			rs.rel = nil
		case len(group) > 2:
			for _, rs := range group[2:] {
				r.errs.Add(rs.raw.namePos, "relation name %q is ambiguous: %s.%s and %s.%s already use it, and a name pairs exactly two fields",
					name, group[0].class.Name, group[0].field.Name, group[1].class.Name, group[1].field.Name)
			}
			for _, rs := range group {
				rs.rel = nil
			}
		default:
			r.pair(name, group[0], group[1])
		}
	}
	for _, rs := range r.rels {
		if rs.rel != nil && rs.rel.List && rs.raw.name == "" {
			r.pairUnnamedList(rs)
		}
	}
}

// pair joins two fields that share a relation name.
func (r *resolver) pair(name string, a, b *relSrc) {
	fail := func(format string, args ...any) {
		r.errs.Add(b.raw.namePos, "relation %q (%s.%s and %s.%s): %s", append([]any{name, a.class.Name, a.field.Name, b.class.Name, b.field.Name}, fmt.Sprintf(format, args...))...)
		a.rel, b.rel = nil, nil
	}
	switch {
	case a.rel.Target != b.class || b.rel.Target != a.class:
		fail("the two fields do not point at each other's class")
	case a.rel.List && b.rel.List:
		fail("both sides are lists; an m:n relation goes through a junction class with two object relations")
	case a.rel.List:
		link(a, b)
	case b.rel.List:
		link(b, a)
	case a.backRef == b.backRef:
		fail("both sides hold a foreign key; name it with field= on one side only")
	case a.backRef:
		r.oneToOne(name, a, b)
	default:
		r.oneToOne(name, b, a)
	}
}

// oneToOne joins the two object sides of a 1:1 relation. As in Serverpod,
// the key needs a unique index of its own: without one it is 1:n.
func (r *resolver) oneToOne(name string, b, owner *relSrc) {
	fk := owner.rel.FK
	for _, ix := range owner.class.Indexes {
		if ix.Unique && len(ix.Fields) == 1 && ix.Fields[0] == fk {
			back(b, owner)
			return
		}
	}
	r.errs.Add(owner.raw.namePos, "relation %q is 1:1 (%s.%s and %s.%s), so its foreign key %q needs a unique index on it alone (indexes: ... fields: %s, unique: true)",
		name, owner.class.Name, owner.field.Name, b.class.Name, b.field.Name, fk.Name, fk.Name)
	owner.rel, b.rel = nil, nil
}

// link joins a list side to the object (or id) side that holds the key.
func link(list, obj *relSrc) {
	list.rel.FK, list.rel.Optional = obj.rel.FK, obj.rel.Optional
	list.rel.OnDelete, list.rel.OnUpdate = obj.rel.OnDelete, obj.rel.OnUpdate
	list.rel.Other, obj.rel.Other = obj.field, list.field
}

// back joins the back side of a 1:1 pair to the side holding the key; the
// back side's object may be absent whatever the key's nullability.
func back(b, owner *relSrc) {
	b.rel.FK, b.rel.Optional = owner.rel.FK, true
	b.rel.OnDelete, b.rel.OnUpdate = owner.rel.OnDelete, owner.rel.OnUpdate
	b.rel.Other, owner.rel.Other = owner.field, b.field
}

// pairUnnamedList pairs `books: List<Book>?, relation` with the one
// unnamed relation of Book that points back at the list's class.
func (r *resolver) pairUnnamedList(list *relSrc) {
	var cands []*relSrc
	for _, rs := range r.rels {
		if rs.rel != nil && !rs.rel.List && rs.raw.name == "" && !rs.backRef &&
			rs.class == list.rel.Target && rs.rel.Target == list.class && rs.rel.Other == nil {
			cands = append(cands, rs)
		}
	}
	target := list.rel.Target
	switch len(cands) {
	case 0:
		r.errs.Add(list.raw.pos, "list relation %q has no object side: class %q has no unnamed relation to %q (add e.g. %q to %q, or pair both sides by name=)",
			list.field.Name, target.Name, list.class.Name, lowerFirst(list.class.Name)+": "+list.class.Name+"?, relation", target.Name)
		list.rel = nil
	case 1:
		link(list, cands[0])
	default:
		var names []string
		for _, c := range cands {
			names = append(names, fmt.Sprintf("%q", c.field.Name))
		}
		r.errs.Add(list.raw.pos, "list relation %q is ambiguous: class %q has %d relations to %q (%s); pair it with one by name=",
			list.field.Name, target.Name, len(cands), list.class.Name, strings.Join(names, ", "))
		list.rel = nil
	}
}

// foreignKeys lists the constraint of every relation that holds its key
// on its own class, and checks what the key's column must allow.
func (r *resolver) foreignKeys() {
	owner := map[*Field]*relSrc{}
	for _, rs := range r.rels {
		rel := rs.rel
		if rel == nil || rel.List || rs.backRef {
			continue
		}
		if first := owner[rel.FK]; first != nil {
			r.errs.Add(rs.raw.fieldPos, "field %q is already the foreign key of relation field %q (at %s)", rel.FK.Name, first.field.Name, first.raw.pos)
			continue
		}
		owner[rel.FK] = rs
		name := rs.class.Table + "_" + rel.FK.Column + "_fkey"
		if len(name) > maxIdentLen {
			r.errs.Add(rs.raw.pos, "foreign key constraint name %q is longer than %d bytes: shorten the table or the column name (column=)", name, maxIdentLen)
			continue
		}
		if !r.actionAllowed(rs, rel.OnDelete, "onDelete", rs.raw.onDeletePos) || !r.actionAllowed(rs, rel.OnUpdate, "onUpdate", rs.raw.onUpdatePos) {
			continue
		}
		rs.class.ForeignKeys = append(rs.class.ForeignKeys, &ForeignKey{
			Name: name, Field: rel.FK, Target: rel.Target, OnDelete: rel.OnDelete, OnUpdate: rel.OnUpdate, Relation: rs.field,
		})
	}
	for _, d := range r.defs {
		if d.class != nil {
			sortByName(d.class.ForeignKeys, func(fk *ForeignKey) string { return fk.Name })
		}
	}
}

// actionAllowed refuses SetNull on a required key, and SetDefault on a
// required key without a column default (Postgres would write NULL).
func (r *resolver) actionAllowed(rs *relSrc, action, key string, pos Pos) bool {
	fk := rs.rel.FK
	if pos == (Pos{}) {
		pos = rs.raw.pos
	}
	switch {
	case fk.Type.Nullable:
	case action == "SET NULL":
		r.errs.Add(pos, "%s=SetNull needs a nullable foreign key, but field %q is %q (add \"optional\", or make it %q)", key, fk.Name, fk.Type.String(), fk.Type.String()+"?")
		return false
	case action == "SET DEFAULT" && fk.DefaultPersist == nil:
		r.errs.Add(pos, "%s=SetDefault needs a column default on the required foreign key %q (defaultPersist=...), or a nullable key", key, fk.Name)
		return false
	}
	return true
}

func fieldNamed(c *Class, name string) *Field {
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func storedFieldNames(c *Class) []string {
	var out []string
	for _, f := range c.Fields {
		if f.Persist && !f.IsID {
			out = append(out, f.Name)
		}
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
