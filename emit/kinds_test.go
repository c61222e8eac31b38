package emit

import (
	"testing"

	"github.com/podgen/podgen/schema"
)

// TestKindTable fails when a kind has no row in kinds or a row lacks what
// every emitter needs, so that a new kind cannot compile into a silent
// default (a json column, a missing decoder).
func TestKindTable(t *testing.T) {
	holds := map[schema.Kind]bool{schema.List: true, schema.Map: true, schema.Set: true} // built by recursion
	selfDecoding := map[schema.Kind]bool{schema.UUID: true, schema.EnumKind: true, schema.ClassKind: true}
	noFill := map[schema.Kind]bool{schema.EnumKind: true, schema.ClassKind: true}
	type namedRow struct {
		kind schema.Kind
		name string
		row  kindInfo
	}
	var rows []namedRow
	for k := schema.Kind(1); k < schema.NumKinds; k++ {
		rows = append(rows, namedRow{k, k.String(), kinds[k]})
	}
	rows = append(rows, namedRow{schema.EnumKind, "enum (byIndex)", enumByIndex})
	for _, r := range rows {
		k, name, row := r.kind, r.name, r.row
		check := func(ok bool, what string) {
			t.Helper()
			if !ok {
				t.Errorf("%s: the row in emit/kinds.go has no %s", name, what)
			}
		}
		check(row.pgType != "", "pgType")
		check(row.column != "", "column")
		check(row.wire != "", "wire")
		check(row.ts.typ != nil && row.ts.codec != nil && row.ts.schema != nil, "ts (typ, codec and schema)")
		check(row.goType != nil || holds[k], "goType")
		check(row.fill != "" || noFill[k], "fill")
		check((row.compare != nil) == k.Keyable(), "compare exactly when the kind is schema.Keyable")
		check((row.defaultSQL != nil) == k.Defaultable(), "defaultSQL exactly when the kind is schema.Defaultable")
		check((row.defaultGo != nil) == k.Defaultable(), "defaultGo exactly when the kind is schema.Defaultable")
		check((row.column == "JSON") == schema.IsJSONKind(k), "column \"JSON\" exactly when schema.IsJSONKind")
		if holds[k] || k == schema.ClassKind {
			check(row.column == "JSON", `column "JSON"`)
			continue
		}
		check(row.appendJSON != nil, "appendJSON")
		check(row.decoder != "" || selfDecoding[k], "decoder")
		check((row.bind == "") == (row.nullBind == ""), "bind and nullBind both or neither")
		check(!(&schema.Type{Kind: k}).NilAble() || k == schema.ByteData || row.clone != nil, "clone (a nil-able kind)")
	}
}
