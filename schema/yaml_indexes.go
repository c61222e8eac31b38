package schema

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// indexTypes are the Postgres index methods podgen accepts; btree is the
// default.
var indexTypes = []string{"brin", "btree", "gin", "gist", "hash"}

var indexKeys = []string{"fields", "type", "unique"}

// indexes reads `indexes:`, a mapping of index names to their settings.
// Field names are resolved later, once the class's fields are known.
func (f *yamlFile) indexes(d *def, v *yaml.Node) {
	if !f.mapping(v, `"indexes"`) {
		return
	}
	ps := f.pairs(v, func(key string, line int) string {
		return fmt.Sprintf("index %q is defined twice (first at line %d)", key, line)
	})
	for _, p := range ps {
		if !isSQLName(p.key) {
			f.errorf(p.k, "invalid index name %q: want an SQL name (^[A-Za-z_][A-Za-z0-9_]*$, at most 63 bytes)", p.key)
			continue
		}
		if strings.HasPrefix(strings.ToLower(p.key), systemPrefix) && !f.isModule() {
			f.errorf(p.k, "index name %q is reserved: names starting with %q belong to podgen's system tables", p.key, systemPrefix)
			continue
		}
		if ix := f.index(p); ix != nil {
			d.indexes = append(d.indexes, ix)
		}
	}
}

// index reads one index: `fields: a, b`, `type: btree`, `unique: true`.
func (f *yamlFile) index(p pair) *indexSrc {
	ix := &indexSrc{index: &Index{Pos: f.pos(p.k), Name: p.key, Type: "btree"}}
	if !f.mapping(p.v, fmt.Sprintf("index %q", p.key)) {
		if p.v.Kind == yaml.ScalarNode {
			f.errorf(p.k, "index %q has no \"fields\"", p.key)
		}
		return nil
	}
	ps := f.pairs(p.v, func(key string, line int) string {
		return fmt.Sprintf("duplicate key %q (first at line %d)", key, line)
	})
	ok := true
	for _, q := range ps {
		ok = f.indexMember(ix, q) && ok
	}
	if !hasKey(ps, "fields") {
		f.errorf(p.k, "index %q has no \"fields\"", p.key)
		return nil
	}
	if !ok {
		return nil
	}
	return ix
}

func (f *yamlFile) indexMember(ix *indexSrc, q pair) bool {
	switch q.key {
	case "fields":
		return f.indexFields(ix, q.v)
	case "type":
		s, ok := f.scalar(q.v, "an index type")
		if ok && !contains(indexTypes, s) {
			hint := didYouMean(s, indexTypes)
			if hint == "" {
				hint = ` (want btree, hash, gin, gist or brin)`
			}
			f.errorf(q.v, "unknown index type %q%s", s, hint)
			return false
		}
		ix.index.Type = s
		return ok
	case "unique":
		s, ok := f.scalar(q.v, `"unique"`)
		if ok && q.v.Tag != "!!bool" {
			f.errorf(q.v, `"unique" must be true or false, not %q`, s)
			return false
		}
		ix.index.Unique = strings.EqualFold(s, "true")
		return ok
	}
	f.errorf(q.k, "unknown key %q in index%s", q.key, didYouMean(q.key, indexKeys))
	return false
}

// indexFields reads `fields: a, b` (or a YAML list of names).
func (f *yamlFile) indexFields(ix *indexSrc, v *yaml.Node) bool {
	if v.Kind == yaml.SequenceNode {
		for _, n := range v.Content {
			if s, ok := f.scalar(n, "an index field"); ok {
				ix.fields = append(ix.fields, nameAt{strings.TrimSpace(s), f.pos(n)})
			}
		}
	} else if s, ok := f.scalar(v, `"fields"`); ok {
		parts, offs := splitTopLevel(s)
		for i, part := range parts {
			name := strings.TrimSpace(part)
			if name != "" {
				ix.fields = append(ix.fields, nameAt{name, f.at(v, offs[i]+strings.Index(part, name))})
			}
		}
	}
	if len(ix.fields) == 0 {
		f.errorf(v, "index %q has no fields", ix.index.Name)
		return false
	}
	return true
}
