package emit

import (
	"testing"

	"github.com/podgen/podgen/schema"
)

// TestKindTable fails when a kind has no row in kinds or a row lacks what
// every emitter needs, so that a new kind cannot compile into a silent
// default (a json column, a missing decoder).
func TestKindTable(t *testing.T) {
	holds := map[schema.Kind]bool{schema.List: true, schema.Map: true} // built by recursion
	selfDecoding := map[schema.Kind]bool{schema.UUID: true, schema.EnumKind: true, schema.ClassKind: true}
	noFill := map[schema.Kind]bool{schema.EnumKind: true, schema.ClassKind: true}
	for k := schema.Kind(1); k < schema.NumKinds; k++ {
		row := kinds[k]
		name := k.String()
		check := func(ok bool, what string) {
			t.Helper()
			if !ok {
				t.Errorf("%s: the row in emit/kinds.go has no %s", name, what)
			}
		}
		check(row.pgType != "", "pgType")
		check(row.column != "", "column")
		check(row.wire != "", "wire")
		check(row.goType != nil || holds[k], "goType")
		check(row.fill != "" || noFill[k], "fill")
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
