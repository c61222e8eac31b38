package migrate

import (
	"strings"
	"testing"
)

// TestUnmanagedTableLeftOut: a table class with managedMigration: false is
// in no snapshot, so no migration creates, changes or drops it.
func TestUnmanagedTableLeftOut(t *testing.T) {
	legacy := "class: Legacy\ntable: legacy\nmanagedMigration: false\nfields:\n  code: String\n"
	old := load(t, bookYAML("", ""))
	files := bookYAML("", "")
	files["legacy.yaml"] = legacy
	p := load(t, files)
	s := FromProtocol(p)
	for _, tbl := range s.Tables {
		if tbl.Name == "legacy" {
			t.Fatalf("the snapshot holds the unmanaged table: %+v", tbl)
		}
	}
	if changes := Diff(FromProtocol(old), s); len(changes) != 0 {
		t.Errorf("adding an unmanaged table changes %v", changes)
	}
	// Taking the flag away hands the table to migrations.
	files["legacy.yaml"] = strings.Replace(legacy, "managedMigration: false\n", "", 1)
	sql, err := Render(Diff(s, FromProtocol(load(t, files))))
	if err != nil || !strings.Contains(sql, `CREATE TABLE "legacy"`) {
		t.Errorf("managed again: %q, %v", sql, err)
	}
}

// TestMixedCaseIndexNames: index names keep their case, quoted, when
// migrations create and drop them.
func TestMixedCaseIndexNames(t *testing.T) {
	old := load(t, bookYAML("", ""))
	idx := load(t, bookYAML("", "  Book_Title_IDX:\n    fields: title\n"))
	sql, err := Render(Diff(FromProtocol(old), FromProtocol(idx)))
	if want := "\nCREATE INDEX \"Book_Title_IDX\" ON \"book\" USING btree (\"title\");\n"; err != nil || sql != want {
		t.Errorf("create: %q, %v; want %q", sql, err, want)
	}
	sql, err = Render(Diff(FromProtocol(idx), FromProtocol(old)))
	if want := "\nDROP INDEX \"Book_Title_IDX\";\n"; err != nil || sql != want {
		t.Errorf("drop: %q, %v; want %q", sql, err, want)
	}
}
