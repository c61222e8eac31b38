package schema

// checkIndex reports the indexes Postgres would refuse when tables.pgsql
// runs, so that the user hears it from podgen, at the index:
//
//   - a class, List or Map field is a json column, and json has no
//     operator class for any index method;
//   - only btree indexes can be unique;
//   - hash indexes take a single column;
//   - brin has no operator class for bool.
//
// gin and gist on scalar columns are fine: tables.pgsql creates the
// btree_gin and btree_gist extensions that give them operator classes.
func (r *resolver) checkIndex(ix *Index) {
	for _, f := range ix.Fields {
		switch {
		case f.Type.Kind == ClassKind || f.Type.Kind == List || f.Type.Kind == Map || f.Type.Kind == Set:
			r.errs.Add(ix.Pos, "index %q: field %q is stored as json, which postgres cannot index", ix.Name, f.Name)
		case ix.Type == "brin" && f.Type.Kind == Bool:
			r.errs.Add(ix.Pos, "index %q: brin cannot index the bool field %q (use btree)", ix.Name, f.Name)
		}
	}
	if ix.Unique && ix.Type != "btree" {
		r.errs.Add(ix.Pos, "index %q: only btree indexes can be unique, not %s", ix.Name, ix.Type)
	}
	if ix.Type == "hash" && len(ix.Fields) > 1 {
		r.errs.Add(ix.Pos, "index %q: a hash index takes one field, not %d", ix.Name, len(ix.Fields))
	}
}
