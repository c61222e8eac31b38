package schema

import "strings"

// linkParents resolves every `extends:` to its definition (def.parent) and
// reports what Serverpod refuses too: an unknown parent, a class extending
// an exception or an enum (and the other way round), a client-visible
// class extending a server-only one, a cycle, and a table below a class
// that already has one (one table per hierarchy, at any level).
func (r *resolver) linkParents() {
	var classNames []string
	for _, d := range r.defs {
		if d.class != nil {
			classNames = append(classNames, d.name)
		}
	}
	for _, d := range r.defs {
		if d.class == nil || d.extends.name == "" {
			continue
		}
		at, name := d.extends.pos, d.extends.name
		p := r.names[name]
		switch {
		case p == nil:
			r.errs.Add(at, "%s %q extends the unknown class %q%s", d.kind, d.name, name, didYouMean(name, classNames))
		case p.kind != d.kind:
			r.errs.Add(at, "%s %q cannot extend the %s %q: %s %s can only extend %s %s", d.kind, d.name, p.kind, name, article(d.kind), d.kind, article(d.kind), d.kind)
		case p.serverOnly && !d.serverOnly:
			r.errs.Add(at, "%s %q extends the server-only %s %q, so it must be \"serverOnly: true\" too", d.kind, d.name, p.kind, name)
		default:
			d.parent = p
		}
	}
	r.breakParentCycles()
	for _, d := range r.defs {
		if d.class == nil || d.class.Table == "" {
			continue
		}
		for p := d.parent; p != nil; p = p.parent {
			if p.class.Table != "" {
				r.errs.Add(d.tablePos, "class %q cannot have a table: it extends %q, which has the table %q (one table per class hierarchy)", d.name, p.name, p.class.Table)
				d.class.Table = ""
				break
			}
		}
	}
}

// breakParentCycles reports each chain of `extends` that comes back to
// where it started, once, at the first of its classes in file order, and
// cuts it there.
func (r *resolver) breakParentCycles() {
	for _, d := range r.defs {
		seen := map[*def]bool{}
		for p := d.parent; p != nil && !seen[p]; p = p.parent {
			seen[p] = true
			if p != d {
				continue
			}
			steps := []string{d.name}
			for q := d.parent; q != d; q = q.parent {
				steps = append(steps, q.name)
			}
			r.errs.Add(d.extends.pos, "%s %q extends itself: %s → %s", d.kind, d.name, strings.Join(steps, " → "), d.name)
			d.parent = nil
			break
		}
	}
}

// checkServerOnly reports a client-visible class or exception whose JSON
// would carry a server-only class or enum: the client has no copy of it.
// A field that does not travel (server-only, `scope=none`) may hold one.
// Inherited fields were checked in the class that declares them.
func (r *resolver) checkServerOnly(cs []*Class) {
	for _, c := range cs {
		if c.ServerOnly {
			continue
		}
		for _, f := range c.Fields {
			if f.ServerOnly || f.NotSerialized || f.inherited {
				continue
			}
			if name := serverOnlyIn(f.Type); name != "" {
				r.errs.Add(f.Pos, "field %q of %s %q has the server-only type %q, which clients do not have: mark the field \"scope=serverOnly\" or \"scope=none\", or the %s \"serverOnly: true\"",
					f.Name, kindWord(c), c.Name, name, kindWord(c))
			}
		}
	}
}

// serverOnlyIn names the server-only class or enum that t is or holds
// (through List, Set and Map, keys included), "" when there is none.
func serverOnlyIn(t *Type) string {
	switch {
	case t == nil:
		return ""
	case t.Kind == ClassKind && t.Class.ServerOnly:
		return t.Class.Name
	case t.Kind == EnumKind && t.Enum.ServerOnly:
		return t.Enum.Name
	}
	if name := serverOnlyIn(t.Key); name != "" {
		return name
	}
	return serverOnlyIn(t.Elem)
}

// checkServedServerOnly reports a served method whose parameters or
// result use a server-only type: clients could neither send nor read it.
// Future calls run on the server and may take one.
func (ep *endpointParser) checkServedServerOnly(m *Method) bool {
	ok := true
	for _, p := range m.Params {
		if name := serverOnlyIn(p.Type); name != "" {
			ep.errs.Add(m.Pos, "method %q cannot be served: its parameter %q has the server-only type %q, which clients do not have", m.GoName, p.Name, name)
			ok = false
		}
	}
	if m.Result != nil {
		if name := serverOnlyIn(m.Result); name != "" {
			ep.errs.Add(m.Pos, "method %q cannot be served: its result has the server-only type %q, which clients do not have", m.GoName, name)
			ok = false
		}
	}
	return ok
}

func kindWord(c *Class) string {
	if c.IsException {
		return "exception"
	}
	return "class"
}
