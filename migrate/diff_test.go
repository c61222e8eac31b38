package migrate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/podgen/podgen/schema"
)

// load builds a protocol from YAML files given as name → text; a file
// "status.yaml" with an enum Status is there for enum columns unless files
// has its own.
func load(t *testing.T, files map[string]string) *schema.Protocol {
	t.Helper()
	var in []schema.File
	if _, ok := files["status.yaml"]; !ok {
		in = append(in, schema.File{Path: "status.yaml", Data: []byte("enum: Status\nvalues: [active, archived]\n")})
	}
	for name, text := range files {
		in = append(in, schema.File{Path: name, Data: []byte(text)})
	}
	p, err := schema.LoadFiles(in, nil)
	if err != nil {
		t.Fatalf("protocol: %v", err)
	}
	return p
}

// bookYAML is a table class "book" with the given field and index lines.
func bookYAML(fields, indexes string) map[string]string {
	y := "class: Book\ntable: book\nfields:\n  title: String\n" + fields
	if indexes != "" {
		y += "indexes:\n" + indexes
	}
	return map[string]string{"book.yaml": y}
}

func TestDiffAndRender(t *testing.T) {
	cases := []struct {
		name     string
		old, new map[string]string
		sql      string   // the rendered delta
		losses   []string // Loss of each change that has one
	}{{
		name: "no change",
		old:  bookYAML("  pages: int?\n", ""), new: bookYAML("  pages: int?\n", ""),
	}, {
		name: "new table",
		old:  bookYAML("", ""),
		new: map[string]string{"book.yaml": bookYAML("", "")["book.yaml"],
			"shelf.yaml": "class: Shelf\ntable: shelf\nfields:\n  label: String\nindexes:\n  shelf_label_idx:\n    fields: label\n    type: gin\n"},
		sql: "CREATE EXTENSION IF NOT EXISTS btree_gin;\n\n" +
			"CREATE TABLE \"shelf\" (\n\t\"id\" bigserial PRIMARY KEY,\n\t\"label\" text NOT NULL\n);\n" +
			"CREATE INDEX \"shelf_label_idx\" ON \"shelf\" USING gin (\"label\");\n",
	}, {
		name: "dropped table",
		old: map[string]string{"book.yaml": bookYAML("", "")["book.yaml"],
			"shelf.yaml": "class: Shelf\ntable: shelf\nfields:\n  label: String\n"},
		new:    bookYAML("", ""),
		sql:    "\n-- podgen: drops table shelf and all its rows\nDROP TABLE \"shelf\";\n",
		losses: []string{"drops table shelf and all its rows"},
	}, {
		name: "renamed table is dropped and created",
		old:  map[string]string{"shelf.yaml": "class: Shelf\ntable: shelf\nfields:\n  label: String\n"},
		new:  map[string]string{"shelf.yaml": "class: Shelf\ntable: shelves\nfields:\n  label: String\n"},
		sql: "\n-- podgen: drops table shelf and all its rows\nDROP TABLE \"shelf\";\n" +
			"\nCREATE TABLE \"shelves\" (\n\t\"id\" bigserial PRIMARY KEY,\n\t\"label\" text NOT NULL\n);\n",
		losses: []string{"drops table shelf and all its rows"},
	}, {
		name: "new nullable column",
		old:  bookYAML("", ""), new: bookYAML("  note: String?\n  tags: List<String>?\n", ""),
		sql: "\nALTER TABLE \"book\" ADD COLUMN \"note\" text;\n" +
			"\nALTER TABLE \"book\" ADD COLUMN \"tags\" json;\n",
	}, {
		name: "new required columns get the zero value",
		old:  bookYAML("", ""), new: bookYAML("  pages: int\n  published: DateTime\n  tags: List<String>\n", ""),
		sql: "\n-- podgen: existing rows get 0\n" +
			"ALTER TABLE \"book\" ADD COLUMN \"pages\" bigint NOT NULL DEFAULT 0;\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"pages\" DROP DEFAULT;\n" +
			"\n-- podgen: existing rows get '0001-01-01 00:00:00'\n" +
			"ALTER TABLE \"book\" ADD COLUMN \"published\" timestamp NOT NULL DEFAULT '0001-01-01 00:00:00';\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"published\" DROP DEFAULT;\n" +
			"\n-- podgen: existing rows get '[]'\n" +
			"ALTER TABLE \"book\" ADD COLUMN \"tags\" json NOT NULL DEFAULT '[]';\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"tags\" DROP DEFAULT;\n",
	}, {
		name: "new required enum column has no zero value",
		old:  bookYAML("", ""), new: bookYAML("  status: Status\n", ""),
		sql: "\n-- podgen: fails unless table book is empty: the new required enum column book.status has no zero value for the existing rows\n" +
			"ALTER TABLE \"book\" ADD COLUMN \"status\" text NOT NULL;\n",
		losses: []string{"fails unless table book is empty: the new required enum column book.status has no zero value for the existing rows"},
	}, {
		name:   "dropped column",
		old:    bookYAML("  isbn: String\n", ""),
		new:    bookYAML("", ""),
		sql:    "\n-- podgen: drops column book.isbn and all its values\nALTER TABLE \"book\" DROP COLUMN \"isbn\";\n",
		losses: []string{"drops column book.isbn and all its values"},
	}, {
		name: "an api-only field is not a column",
		old:  bookYAML("", ""),
		new:  bookYAML("  draft: String?, api\n", ""),
	}, {
		name: "type change to text is safe",
		old:  bookYAML("  pages: int\n", ""), new: bookYAML("  pages: String\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"pages\" TYPE text USING \"pages\"::text;\n",
	}, {
		name: "type change from text loses data",
		old:  bookYAML("  pages: String\n", ""), new: bookYAML("  pages: int\n", ""),
		sql: "\n-- podgen: drops the values of book.pages that do not survive the cast from text to bigint " +
			"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, a value that does not convert fails the migration)\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"pages\" TYPE bigint USING \"pages\"::bigint;\n",
		losses: []string{"drops the values of book.pages that do not survive the cast from text to bigint " +
			"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, a value that does not convert fails the migration)"},
	}, {
		name: "type change without a direct cast goes through text",
		old:  bookYAML("  ref: DateTime\n", ""), new: bookYAML("  ref: UuidValue\n", ""),
		sql: "\n-- podgen: drops the values of book.ref that do not survive the cast from timestamp to uuid " +
			"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, a value that does not convert fails the migration)\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"ref\" TYPE uuid USING \"ref\"::text::uuid;\n",
		losses: []string{"drops the values of book.ref that do not survive the cast from timestamp to uuid " +
			"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, a value that does not convert fails the migration)"},
	}, {
		name: "an enum column from byName to byIndex maps names to positions",
		old: map[string]string{"book.yaml": bookYAML("  status: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nvalues: [active, archived]\n"},
		new: map[string]string{"book.yaml": bookYAML("  status: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nserialized: byIndex\nvalues: [active, archived]\n"},
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"status\" TYPE bigint USING CASE \"status\" WHEN 'active' THEN 0 WHEN 'archived' THEN 1 ELSE \"status\"::bigint END;\n",
	}, {
		name: "an enum column from byIndex to byName maps positions to names",
		old: map[string]string{"book.yaml": bookYAML("  status: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nserialized: byIndex\nvalues: [active, archived]\n"},
		new: map[string]string{"book.yaml": bookYAML("  status: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nvalues: [active, archived]\n"},
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"status\" TYPE text USING CASE \"status\" WHEN 0 THEN 'active' WHEN 1 THEN 'archived' ELSE \"status\"::text END;\n",
	}, {
		name: "reordering a byIndex enum reinterprets its column",
		old: map[string]string{"book.yaml": bookYAML("  status: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nserialized: byIndex\nvalues: [active, archived]\n"},
		new: map[string]string{"book.yaml": bookYAML("  status: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nserialized: byIndex\nvalues: [archived, active]\n"},
		sql: "\n-- podgen: reinterprets the stored values of book.status: the byIndex enum Status moved active, archived to other positions\n" +
			"-- podgen: book.status changes the values of enum Status from [active archived] to [archived active]; its Postgres type (bigint) stays, so there is nothing to run\n",
		losses: []string{"reinterprets the stored values of book.status: the byIndex enum Status moved active, archived to other positions"},
	}, {
		name: "type change to text for an enum decodes only its values",
		old:  bookYAML("  pages: int\n", ""), new: bookYAML("  pages: Status\n", ""),
		sql: "\n-- podgen: makes the stored values of book.pages undecodable where their text is not a value of enum Status (active, archived)\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"pages\" TYPE text USING \"pages\"::text;\n",
		losses: []string{"makes the stored values of book.pages undecodable where their text is not a value of enum Status (active, archived)"},
	}, {
		name: "bytea to text decodes UTF-8",
		old:  bookYAML("  blob: ByteData\n", ""), new: bookYAML("  blob: String\n", ""),
		sql: "\n-- podgen: fails the migration if a value of book.blob is not valid UTF-8 (bytea to text decodes the bytes as UTF-8)\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"blob\" TYPE text USING convert_from(\"blob\", 'UTF8');\n",
		losses: []string{"fails the migration if a value of book.blob is not valid UTF-8 (bytea to text decodes the bytes as UTF-8)"},
	}, {
		name: "text to bytea stores UTF-8",
		old:  bookYAML("  blob: String\n", ""), new: bookYAML("  blob: ByteData\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"blob\" TYPE bytea USING convert_to(\"blob\", 'UTF8');\n",
	}, {
		name: "timestamp to text is RFC 3339 whatever the DateStyle",
		old:  bookYAML("  at: DateTime\n", ""), new: bookYAML("  at: String\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"at\" TYPE text USING to_char(\"at\", 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"');\n",
	}, {
		name: "String to enum keeps the Postgres type but not every value",
		old:  bookYAML("  kind: String\n", ""), new: bookYAML("  kind: Status\n", ""),
		sql: "\n-- podgen: makes the stored values of book.kind undecodable where they are not a value of enum Status (active, archived)\n" +
			"-- podgen: book.kind changes from String to Status; its Postgres type (text) stays, so there is nothing to run\n",
		losses: []string{"makes the stored values of book.kind undecodable where they are not a value of enum Status (active, archived)"},
	}, {
		name: "enum to String is safe",
		old:  bookYAML("  kind: Status?\n", ""), new: bookYAML("  kind: String?\n", ""),
		sql: "\n-- podgen: book.kind changes from Status to String; its Postgres type (text) stays, so there is nothing to run\n",
	}, {
		name: "int to Duration reinterprets",
		old:  bookYAML("  span: int\n", ""), new: bookYAML("  span: Duration\n", ""),
		sql: "\n-- podgen: reinterprets the stored values of book.span: the same bigint read as Duration instead of int (a Duration is stored in milliseconds)\n" +
			"-- podgen: book.span changes from int to Duration; its Postgres type (bigint) stays, so there is nothing to run\n",
		losses: []string{"reinterprets the stored values of book.span: the same bigint read as Duration instead of int (a Duration is stored in milliseconds)"},
	}, {
		name: "element type change in json",
		old:  bookYAML("  tags: List<int>\n", ""), new: bookYAML("  tags: List<String>\n", ""),
		sql: "\n-- podgen: makes the stored values of book.tags undecodable where they do not read as List<String> (they were written as List<int>)\n" +
			"-- podgen: book.tags changes from List<int> to List<String>; its Postgres type (json) stays, so there is nothing to run\n",
		losses: []string{"makes the stored values of book.tags undecodable where they do not read as List<String> (they were written as List<int>)"},
	}, {
		name: "nullable elements made required",
		old:  bookYAML("  meta: Map<String,int?>\n", ""), new: bookYAML("  meta: Map<String,int>\n", ""),
		sql: "\n-- podgen: makes the stored values of book.meta undecodable where they do not read as Map<String,int> (they were written as Map<String,int?>)\n" +
			"-- podgen: book.meta changes from Map<String,int?> to Map<String,int>; its Postgres type (json) stays, so there is nothing to run\n",
		losses: []string{"makes the stored values of book.meta undecodable where they do not read as Map<String,int> (they were written as Map<String,int?>)"},
	}, {
		name: "enum value removed",
		old: map[string]string{"book.yaml": bookYAML("  tags: List<Status>\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nvalues: [active, archived, draft]\n"},
		new: bookYAML("  tags: List<Status>\n", ""),
		sql: "\n-- podgen: makes the stored values of book.tags undecodable where they hold draft, removed from enum Status\n" +
			"-- podgen: book.tags changes the values of enum Status from [active archived draft] to [active archived]; its Postgres type (json) stays, so there is nothing to run\n",
		losses: []string{"makes the stored values of book.tags undecodable where they hold draft, removed from enum Status"},
	}, {
		name: "enum value added is recorded, nothing lost",
		old:  bookYAML("  kind: Status\n", ""),
		new: map[string]string{"book.yaml": bookYAML("  kind: Status\n", "")["book.yaml"],
			"status.yaml": "enum: Status\nvalues: [active, archived, draft]\n"},
		sql: "\n-- podgen: book.kind changes the values of enum Status from [active archived] to [active archived draft]; its Postgres type (text) stays, so there is nothing to run\n",
	}, {
		name: "same protocol type is no change",
		old:  bookYAML("  pages: Duration\n  kind: Status\n  tags: List<Status?>\n", ""),
		new:  bookYAML("  pages: Duration\n  kind: Status\n  tags: List<Status?>\n", ""),
	}, {
		name: "required to nullable",
		old:  bookYAML("  pages: int\n", ""), new: bookYAML("  pages: int?\n", ""),
		sql: "\nALTER TABLE \"book\" ALTER COLUMN \"pages\" DROP NOT NULL;\n",
	}, {
		name: "nullable to required fills NULLs with the zero value",
		old:  bookYAML("  note: String?\n", ""), new: bookYAML("  note: String\n", ""),
		sql: "\n-- podgen: drops the NULLs of book.note, which becomes required: rows holding NULL get ''\n" +
			"UPDATE \"book\" SET \"note\" = '' WHERE \"note\" IS NULL;\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"note\" SET NOT NULL;\n",
		losses: []string{"drops the NULLs of book.note, which becomes required: rows holding NULL get ''"},
	}, {
		name: "nullable to required enum",
		old:  bookYAML("  status: Status?\n", ""), new: bookYAML("  status: Status\n", ""),
		sql: "\n-- podgen: fails if a row holds NULL in book.status, which becomes required: its type (enum) has no zero value to put there\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"status\" SET NOT NULL;\n",
		losses: []string{"fails if a row holds NULL in book.status, which becomes required: its type (enum) has no zero value to put there"},
	}, {
		name: "type and nullability change together",
		old:  bookYAML("  pages: int?\n", ""), new: bookYAML("  pages: double\n", ""),
		sql: "\n-- podgen: drops the values of book.pages that do not survive the cast from bigint to double precision " +
			"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, a value that does not convert fails the migration)\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"pages\" TYPE double precision USING \"pages\"::double precision;\n" +
			"\n-- podgen: drops the NULLs of book.pages, which becomes required: rows holding NULL get 0\n" +
			"UPDATE \"book\" SET \"pages\" = 0 WHERE \"pages\" IS NULL;\n" +
			"ALTER TABLE \"book\" ALTER COLUMN \"pages\" SET NOT NULL;\n",
		losses: []string{
			"drops the values of book.pages that do not survive the cast from bigint to double precision " +
				"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, a value that does not convert fails the migration)",
			"drops the NULLs of book.pages, which becomes required: rows holding NULL get 0"},
	}, {
		name: "new index",
		old:  bookYAML("", ""), new: bookYAML("", "  book_title_idx:\n    fields: title\n    type: gist\n"),
		sql: "CREATE EXTENSION IF NOT EXISTS btree_gist;\n\nCREATE INDEX \"book_title_idx\" ON \"book\" USING gist (\"title\");\n",
	}, {
		name: "dropped index",
		old:  bookYAML("", "  book_title_idx:\n    fields: title\n"), new: bookYAML("", ""),
		sql: "\nDROP INDEX \"book_title_idx\";\n",
	}, {
		name: "index made unique is dropped and created",
		old:  bookYAML("", "  book_title_idx:\n    fields: title\n"),
		new:  bookYAML("", "  book_title_idx:\n    fields: title\n    unique: true\n"),
		sql: "\nDROP INDEX \"book_title_idx\";\n" +
			"\n-- podgen: a unique index fails to build if rows already repeat a value\n" +
			"CREATE UNIQUE INDEX \"book_title_idx\" ON \"book\" USING btree (\"title\");\n",
	}, {
		name: "index on other columns is dropped and created",
		old:  bookYAML("  pages: int\n", "  book_idx:\n    fields: title\n"),
		new:  bookYAML("  pages: int\n", "  book_idx:\n    fields: title, pages\n"),
		sql: "\nDROP INDEX \"book_idx\";\n" +
			"\nCREATE INDEX \"book_idx\" ON \"book\" USING btree (\"title\", \"pages\");\n",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := FromProtocol(load(t, tc.old))
			// the old side is what the previous run wrote to disk
			old, err := Unmarshal(old.Marshal())
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
			var losses []string
			for _, c := range changes {
				if l := c.Loss(); l != "" {
					losses = append(losses, l)
				}
			}
			if !reflect.DeepEqual(losses, tc.losses) {
				t.Errorf("losses %q, want %q", losses, tc.losses)
			}
		})
	}
}

// TestDiffOrder: drops of indexes come before table drops and creates, so
// that an index name can move to another table in one migration.
func TestDiffOrder(t *testing.T) {
	old := load(t, map[string]string{
		"a.yaml": "class: A\ntable: a\nfields:\n  x: int\nindexes:\n  shared_idx:\n    fields: x\n",
		"b.yaml": "class: B\ntable: b\nfields:\n  y: int\n",
	})
	new := load(t, map[string]string{
		"a.yaml": "class: A\ntable: a\nfields:\n  x: int\n",
		"b.yaml": "class: B\ntable: b\nfields:\n  y: int\nindexes:\n  shared_idx:\n    fields: y\n",
		"c.yaml": "class: C\ntable: c\nfields:\n  z: int\n",
	})
	var kinds []ChangeKind
	for _, c := range Diff(FromProtocol(old), FromProtocol(new)) {
		kinds = append(kinds, c.Kind)
	}
	if want := []ChangeKind{DropIndex, CreateTable, CreateIndex}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
}

func TestRenderNeedsProtocolForCreates(t *testing.T) {
	s, err := Unmarshal(FromProtocol(load(t, bookYAML("", ""))).Marshal())
	if err != nil {
		t.Fatal(err)
	}
	_, err = Render(Diff(&Snapshot{Format: SnapshotFormat}, s))
	if err == nil || !strings.Contains(err.Error(), "no protocol class") {
		t.Errorf("Render of a create from a read snapshot: %v", err)
	}
}
