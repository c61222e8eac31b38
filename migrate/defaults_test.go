package migrate

import (
	"testing"
)

// TestDefaultMigrations: a column default that is added, changed or
// removed is a migration; a model-only default is not.
func TestDefaultMigrations(t *testing.T) {
	cases := []struct {
		name     string
		old, new map[string]string
		sql      string
	}{{
		name: "added default",
		old:  bookYAML("  pages: int?\n  note: String\n", ""),
		new:  bookYAML("  pages: int?, defaultPersist=7\n  note: String, default='it\\'s'\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"pages\" SET DEFAULT 7;\n" +
			"\nALTER TABLE \"book\" ALTER COLUMN \"note\" SET DEFAULT 'it''s';\n",
	}, {
		name: "changed and removed defaults",
		old:  bookYAML("  pages: int?, defaultPersist=7\n  at: DateTime?, default=now\n  n: int, defaultModel=1\n", ""),
		new:  bookYAML("  pages: int?, defaultPersist=8\n  at: DateTime?\n  n: int, default=1\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"pages\" SET DEFAULT 8;\n" +
			"\nALTER TABLE \"book\" ALTER COLUMN \"at\" DROP DEFAULT;\n" +
			"\nALTER TABLE \"book\" ALTER COLUMN \"n\" SET DEFAULT 1;\n",
	}, {
		name: "model-only default is no migration",
		old:  bookYAML("  n: int\n", ""), new: bookYAML("  n: int, defaultModel=5\n", ""),
	}, {
		name: "type change drops the default first and sets the new one after",
		old:  bookYAML("  v: int?, defaultPersist=7\n", ""),
		new:  bookYAML("  v: String?, defaultPersist='seven'\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"v\" DROP DEFAULT;\n" +
			"\nALTER TABLE \"book\" ALTER COLUMN \"v\" TYPE text USING \"v\"::text;\n" +
			"\nALTER TABLE \"book\" ALTER COLUMN \"v\" SET DEFAULT 'seven';\n",
	}, {
		name: "new required column with a default fills the rows itself",
		old:  bookYAML("", ""), new: bookYAML("  status: Status, default=archived\n", ""),
		sql: "\nALTER TABLE \"book\" ADD COLUMN \"status\" text NOT NULL DEFAULT 'archived';\n",
	}, {
		name: "new UUID-keyed table",
		old:  bookYAML("", ""),
		new: map[string]string{"book.yaml": bookYAML("", "")["book.yaml"],
			"tag.yaml": "class: Tag\ntable: tag\nfields:\n  id: UuidValue?, defaultPersist=random\n  label: String\n"},
		sql: "\nCREATE TABLE \"tag\" (\n\t\"id\" uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n\t\"label\" text NOT NULL\n);\n",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, err := Unmarshal(FromProtocol(load(t, tc.old)).Marshal()) // as the previous run wrote it
			if err != nil {
				t.Fatal(err)
			}
			changes := Diff(old, FromProtocol(load(t, tc.new)))
			sql, err := Render(changes)
			if err != nil {
				t.Fatal(err)
			}
			if sql != tc.sql {
				t.Errorf("SQL:\n%s\nwant:\n%s", sql, tc.sql)
			}
			for _, c := range changes {
				if l := c.Loss(); l != "" {
					t.Errorf("unexpected loss %q", l)
				}
			}
		})
	}
}
