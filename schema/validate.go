package schema

import (
	"fmt"
	"strings"
)

// checkFields reports fields of c whose Go names or columns collide, or
// whose Go name is a method podgen generates on the class.
func (r *resolver) checkFields(c *Class) {
	goNames := map[string]*Field{}
	columns := map[string]*Field{}
	for _, f := range c.Fields {
		if reservedFieldGoNames[f.GoName] || c.IsException && f.GoName == "Error" {
			r.errs.Add(f.Pos, "field %q would be the Go field %q, which clashes with the generated method %s.%s", f.Name, f.GoName, c.Name, f.GoName)
			continue
		}
		if g := goNames[f.GoName]; g != nil && g.IsID {
			r.errs.Add(f.Pos, "field %q becomes the Go field \"ID\" of the implicit id of table class %q", f.Name, c.Name)
			continue
		} else if g != nil {
			r.errs.Add(f.Pos, "fields %q and %q both become the Go field %q (first at line %d)", g.Name, f.Name, f.GoName, g.Pos.Line)
			continue
		}
		goNames[f.GoName] = f
		if f.Column == "" {
			continue
		}
		if g := columns[f.Column]; g != nil {
			r.errs.Add(f.Pos, "fields %q and %q both become the column %q (first at line %d)", g.Name, f.Name, f.Column, g.Pos.Line)
			continue
		}
		columns[f.Column] = f
	}
}

// resolveIndexes resolves the field names of d's indexes.
func (r *resolver) resolveIndexes(d *def) {
	c := d.class
	if len(d.indexes) == 0 {
		return
	}
	if c.Table == "" {
		r.errs.Add(d.indexesPos, "class %q has indexes but no table: add \"table: ...\" or remove the indexes", c.Name)
		return
	}
	byName := map[string]*Field{}
	var names []string
	for _, f := range c.Fields {
		byName[f.Name] = f
		names = append(names, f.Name)
	}
	for _, ix := range d.indexes {
		if r.indexFields(ix, byName, names, d.declared) {
			r.checkIndex(ix.index)
			c.Indexes = append(c.Indexes, ix.index)
		}
	}
	sortByName(c.Indexes, func(ix *Index) string { return ix.Name })
}

func (r *resolver) indexFields(ix *indexSrc, byName map[string]*Field, names []string, declared map[string]bool) bool {
	ok := true
	seen := map[*Field]bool{}
	for _, n := range ix.fields {
		f := byName[n.name]
		switch {
		case f == nil && declared[n.name]:
			// Its type did not resolve: that error suffices.
		case f == nil:
			r.errs.Add(n.pos, "index %q: unknown field %q%s", ix.index.Name, n.name, didYouMean(n.name, names))
		case !f.Persist:
			r.errs.Add(n.pos, "index %q: field %q is not stored in the table (it is api-only)", ix.index.Name, n.name)
		case seen[f]:
			r.errs.Add(n.pos, "index %q lists field %q twice", ix.index.Name, n.name)
		default:
			seen[f] = true
			ix.index.Fields = append(ix.index.Fields, f)
			continue
		}
		ok = false
	}
	return ok
}

// validate runs the checks that span definitions.
func (r *resolver) validate() {
	r.checkRelations()
	r.checkCycles()
	r.checkGeneratedNames()
}

// checkRelations reports two classes on one table, and index names that
// clash in Postgres, where tables and indexes share one namespace per schema
// (and each table already has the index <table>_pkey).
func (r *resolver) checkRelations() {
	relations := map[string]string{} // name → what holds it, for messages
	tables := map[string]*def{}
	for _, d := range r.defs {
		if d.class == nil || d.class.Table == "" {
			continue
		}
		if first := tables[d.class.Table]; first != nil {
			r.errs.Add(d.tablePos, "table %q is already the table of class %q (at %s)", d.class.Table, first.name, first.tablePos)
			continue
		}
		tables[d.class.Table] = d
		relations[d.class.Table] = fmt.Sprintf("the table of class %q at %s", d.class.Name, d.tablePos)
		relations[d.class.Table+"_pkey"] = fmt.Sprintf("the primary key of table %q", d.class.Table)
	}
	for _, d := range r.defs {
		if d.class == nil || d.class.Table == "" {
			continue
		}
		for _, ix := range d.class.Indexes {
			if what, ok := relations[ix.Name]; ok {
				r.errs.Add(ix.Pos, "index name %q is already used by %s (Postgres index names are unique per schema)", ix.Name, what)
				continue
			}
			relations[ix.Name] = fmt.Sprintf("index %q at %s", ix.Name, ix.Pos)
		}
	}
}

// checkCycles reports each class that contains itself through
// non-nullable class fields: such a Go struct would have infinite size.
// Lists, maps and `?` break a cycle. Each cycle is reported once, at its
// first field, starting from its class first in file order.
func (r *resolver) checkCycles() {
	reported := map[*Class]bool{}
	for _, d := range r.defs {
		if d.class == nil || reported[d.class] {
			continue
		}
		path := cycleFrom(d.class)
		if path == nil {
			continue
		}
		steps := make([]string, len(path))
		for i, f := range path {
			owner := d.class
			if i > 0 {
				owner = path[i-1].Type.Class
			}
			reported[owner] = true
			steps[i] = owner.Name + "." + f.Name
		}
		last := path[len(path)-1]
		r.errs.Add(path[0].Pos, "class %q contains itself: %s → %s (make a field nullable, e.g. %q, or use a List)",
			d.class.Name, strings.Join(steps, " → "), d.class.Name, last.Type.Class.Name+"?")
	}
}

// cycleFrom returns the shortest chain of non-nullable class fields that
// leads from start back to start, or nil. Breadth-first, so the chain is
// the shortest and the search ends on any graph.
func cycleFrom(start *Class) []*Field {
	via := map[*Class]*Field{} // how each reached class was first reached
	from := map[*Class]*Class{}
	queue := []*Class{start}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, f := range c.Fields {
			t := f.Type
			if t == nil || t.Kind != ClassKind || t.Nullable {
				continue
			}
			if t.Class == start {
				return append(chain(start, c, via, from), f)
			}
			if _, ok := via[t.Class]; !ok {
				via[t.Class], from[t.Class] = f, c
				queue = append(queue, t.Class)
			}
		}
	}
	return nil
}

// chain is the list of fields that led from start to c.
func chain(start, c *Class, via map[*Class]*Field, from map[*Class]*Class) []*Field {
	var out []*Field
	for c != start {
		out = append([]*Field{via[c]}, out...)
		c = from[c]
	}
	return out
}

// checkGeneratedNames reports a definition whose name clashes with a name
// podgen derives from another one in package pod: the table descriptor
// <Class>T, the enum constants <Enum><Value> and the parser Parse<Enum>.
func (r *resolver) checkGeneratedNames() {
	taken := map[string]string{}
	for _, d := range r.defs {
		taken[d.name] = fmt.Sprintf("%s %q at %s", d.kind, d.name, d.pos)
	}
	claim := func(name string, pos Pos, what string) {
		if other, ok := taken[name]; ok {
			r.errs.Add(pos, "%s would be named %q, which is already used by %s", what, name, other)
			return
		}
		taken[name] = what + " at " + pos.String()
	}
	for _, d := range r.defs {
		if IsReservedName(d.name) {
			continue // already reported as a reserved name
		}
		r.claimFile(d.name, "", d.pos, d.kind, taken)
		if d.class != nil && d.class.Table != "" {
			r.claimFile(d.name, "_table", d.tablePos, "table class", taken)
		}
	}
	for _, d := range r.defs {
		switch {
		case d.enum != nil:
			claim(d.enum.ParserName(), d.pos, fmt.Sprintf("the parser of enum %q", d.name))
			for _, v := range d.enum.Values {
				claim(v.GoName, v.Pos, fmt.Sprintf("the constant of enum value %q", v.Name))
			}
		case d.class.HasModelDefaults() && d.class.Table == "":
			claim(d.class.ConstructorName(), d.pos, fmt.Sprintf("the constructor of class %q (it has model defaults)", d.name))
		case d.class.Table != "":
			if d.class.HasModelDefaults() {
				claim(d.class.ConstructorName(), d.pos, fmt.Sprintf("the constructor of class %q (it has model defaults)", d.name))
			}
			claim(d.class.DescriptorName(), d.tablePos, fmt.Sprintf("the table descriptor of class %q", d.name))
			claim(d.class.TableTypeName(), d.tablePos, fmt.Sprintf("the table accessor of class %q", d.name))
			claim(d.class.ColumnsTypeName(), d.tablePos, fmt.Sprintf("the column set of class %q", d.name))
		}
	}
}

// claimFile reserves the file pod/<stem><suffix>.go that the definition
// name gets, against podgen's own files and the files of other
// definitions ("HTTPServer" and "HttpServer" would both be http_server.go).
func (r *resolver) claimFile(name, suffix string, pos Pos, what string, taken map[string]string) {
	stem := fileStem(name) + suffix
	key := "file " + stem
	switch other, ok := taken[key]; {
	case IsReservedFile(stem):
		r.errs.Add(pos, "%s %q would be generated into %s.go, a file podgen uses for its own code: rename it", what, name, stem)
	case ok:
		r.errs.Add(pos, "%s %q would be generated into %s.go, which is already used by %s", what, name, stem, other)
	default:
		taken[key] = fmt.Sprintf("%s %q at %s", what, name, pos)
	}
}
