package schema

import (
	"strings"
)

// rawRelation is a field's `relation(...)` flag (or the old `parent=table`
// flag) as written, before the classes it names are resolved (relations.go):
//
//	author: Author?, relation(name=author_books, onDelete=Cascade)
//	editor: Author?, relation(field=editorId, optional, onDelete=SetNull)
//	books: List<Book>?, relation(name=author_books)
//	authorId: int, relation(parent=author)      // or: authorId: int, parent=author
type rawRelation struct {
	pos         Pos // of the `relation` word or the `parent=` flag
	name        string
	namePos     Pos
	field       string // `field=`: the stored foreign-key field of this class
	fieldPos    Pos
	parent      string // `parent=`: the referenced table of an id field
	parentPos   Pos
	optional    bool
	optionalPos Pos
	// onDelete and onUpdate are the SQL words ("CASCADE", "SET NULL"), ""
	// when not given.
	onDelete, onUpdate       string
	onDeletePos, onUpdatePos Pos
}

// referentialActions maps Serverpod's action names to SQL.
var referentialActions = map[string]string{
	"Cascade": "CASCADE", "NoAction": "NO ACTION", "Restrict": "RESTRICT",
	"SetNull": "SET NULL", "SetDefault": "SET DEFAULT",
}

var actionNames = []string{"Cascade", "NoAction", "Restrict", "SetNull", "SetDefault"}

var relationKeys = []string{"name", "field", "parent", "optional", "onDelete", "onUpdate"}

// isRelationFlag reports whether the flag word (spaces removed) is a
// relation: `relation`, `relation(...)` or `parent=...`.
func isRelationFlag(key string) bool {
	return key == "relation" || strings.HasPrefix(key, "relation(") || strings.HasPrefix(key, "parent=")
}

// parseRelation reads one relation flag word, found at byte offset off of
// the field value; at maps offsets to positions.
func parseRelation(word string, off int, at func(int) Pos, errs *ErrorList) *rawRelation {
	rel := &rawRelation{pos: at(off)}
	if strings.HasPrefix(word, "parent") { // the old spelling, `parent=table`
		rel.arg(word, off, at, errs)
		return rel
	}
	rest := strings.TrimLeft(word[len("relation"):], " \t")
	if rest == "" {
		return rel
	}
	open := off + len(word) - len(rest) // the `(`
	if !strings.HasSuffix(rest, ")") {
		errs.Add(at(open), "missing %q at the end of %q", ")", word)
		return rel
	}
	inner := rest[1 : len(rest)-1]
	if strings.TrimSpace(inner) == "" {
		return rel
	}
	parts, offs := splitTopLevel(inner)
	for i, part := range parts {
		arg := strings.TrimSpace(part)
		aoff := open + 1 + offs[i] + strings.Index(part, arg)
		if arg == "" {
			errs.Add(at(open+1+offs[i]), "empty relation argument in %q", word)
			continue
		}
		rel.arg(arg, aoff, at, errs)
	}
	return rel
}

// arg reads one `key=value` (or `optional`) of a relation.
func (rel *rawRelation) arg(arg string, off int, at func(int) Pos, errs *ErrorList) {
	key, value, hasValue := strings.Cut(arg, "=")
	key = strings.TrimSpace(key)
	voff := off
	if hasValue {
		voff = off + len(arg) - len(strings.TrimLeft(value, " \t"))
		value = strings.TrimSpace(value)
	}
	pos, vpos := at(off), at(voff)
	if key == "optional" {
		if hasValue {
			errs.Add(pos, "relation flag %q takes no value", "optional")
		} else if rel.optional {
			errs.Add(pos, "relation argument %q is given twice", key)
		}
		rel.optional, rel.optionalPos = true, pos
		return
	}
	var dst *string
	var dstPos *Pos
	switch key {
	case "name":
		dst, dstPos = &rel.name, &rel.namePos
	case "field":
		dst, dstPos = &rel.field, &rel.fieldPos
	case "parent":
		dst, dstPos = &rel.parent, &rel.parentPos
	case "onDelete":
		dst, dstPos = &rel.onDelete, &rel.onDeletePos
	case "onUpdate":
		dst, dstPos = &rel.onUpdate, &rel.onUpdatePos
	default:
		hint := didYouMean(key, relationKeys)
		if hint == "" {
			hint = " (want name=, field=, parent=, optional, onDelete= or onUpdate=)"
		}
		errs.Add(pos, "unknown relation argument %q%s", key, hint)
		return
	}
	switch {
	case !hasValue || value == "":
		errs.Add(pos, "relation argument %q needs a value: %s=...", key, key)
		return
	case *dst != "":
		errs.Add(pos, "relation argument %q is given twice", key)
		return
	}
	if key == "onDelete" || key == "onUpdate" {
		sql, ok := referentialActions[value]
		if !ok {
			hint := didYouMean(value, actionNames)
			if hint == "" {
				hint = " (want Cascade, NoAction, Restrict, SetNull or SetDefault)"
			}
			errs.Add(vpos, "unknown %s action %q%s", key, value, hint)
			return
		}
		value = sql
	} else if !isSQLName(value) {
		errs.Add(vpos, "invalid relation %s %q: want a name (^[A-Za-z_][A-Za-z0-9_]*$)", key, value)
		return
	}
	*dst, *dstPos = value, vpos
}
