package migrate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	authorYAML = "class: Author\ntable: author\nfields:\n  name: String\n"
	shelfYAML  = "class: Shelf\ntable: shelf\nfields:\n  label: String\n"
)

// withAuthor is book.yaml with the given fields next to author.yaml.
func withAuthor(fields string) map[string]string {
	return map[string]string{"author.yaml": authorYAML, "book.yaml": bookYAML(fields, "")["book.yaml"]}
}

func TestForeignKeyDiffs(t *testing.T) {
	fk := func(action string) string {
		return "ALTER TABLE \"book\" ADD CONSTRAINT \"book_author_id_fkey\" FOREIGN KEY (\"author_id\")\n" +
			"\tREFERENCES \"author\" (\"id\") ON DELETE " + action + " ON UPDATE NO ACTION;\n"
	}
	cases := []struct {
		name     string
		old, new map[string]string
		sql      string
		losses   []string
	}{{
		name: "new tables: the constraint after both",
		old:  map[string]string{},
		new:  withAuthor("  author: Author?, relation\n"),
		sql: "\nCREATE TABLE \"author\" (\n\t\"id\" bigserial PRIMARY KEY,\n\t\"name\" text NOT NULL\n);\n" +
			"\nCREATE TABLE \"book\" (\n\t\"id\" bigserial PRIMARY KEY,\n\t\"title\" text NOT NULL,\n\t\"author_id\" bigint NOT NULL\n);\n" +
			"\n" + fk("NO ACTION"),
	}, {
		name: "optional relation on an existing table",
		old:  withAuthor(""),
		new:  withAuthor("  author: Author?, relation(optional, onDelete=SetNull)\n"),
		sql:  "\nALTER TABLE \"book\" ADD COLUMN \"author_id\" bigint;\n\n" + fk("SET NULL"),
	}, {
		name: "required relation on an existing table: no zero value, refused without --force",
		old:  withAuthor(""),
		new:  withAuthor("  author: Author?, relation\n"),
		sql: "\n-- podgen: fails unless table book is empty: the new required foreign key column book.author_id has no row of author to point to for the existing rows\n" +
			"ALTER TABLE \"book\" ADD COLUMN \"author_id\" bigint NOT NULL;\n\n" + fk("NO ACTION"),
		losses: []string{"fails unless table book is empty: the new required foreign key column book.author_id has no row of author to point to for the existing rows"},
	}, {
		name: "an existing column becomes a foreign key",
		old:  withAuthor("  authorId: int\n"),
		new:  withAuthor("  authorId: int, parent=author\n"),
		sql:  "\n-- podgen: fails if a value of book.author_id names no row of author\n" + fk("NO ACTION"),
	}, {
		name: "changed action: dropped and added",
		old:  withAuthor("  author: Author?, relation\n"),
		new:  withAuthor("  author: Author?, relation(onDelete=Cascade)\n"),
		sql: "\nALTER TABLE \"book\" DROP CONSTRAINT \"book_author_id_fkey\";\n" +
			"\n-- podgen: fails if a value of book.author_id names no row of author\n" + fk("CASCADE"),
	}, {
		name: "dropped relation: the constraint before the column",
		old:  withAuthor("  author: Author?, relation(optional)\n"),
		new:  withAuthor(""),
		sql: "\nALTER TABLE \"book\" DROP CONSTRAINT \"book_author_id_fkey\";\n" +
			"\n-- podgen: drops column book.author_id and all its values\nALTER TABLE \"book\" DROP COLUMN \"author_id\";\n",
		losses: []string{"drops column book.author_id and all its values"},
	}, {
		name: "tables that reference each other are dropped after their constraints",
		old: map[string]string{"shelf.yaml": shelfYAML,
			"a.yaml": "class: A\ntable: a\nfields:\n  b: B?, relation(optional)\n",
			"b.yaml": "class: B\ntable: b\nfields:\n  a: A?, relation(optional)\n"},
		new: map[string]string{"shelf.yaml": shelfYAML},
		sql: "\nALTER TABLE \"a\" DROP CONSTRAINT \"a_b_id_fkey\";\n" +
			"\nALTER TABLE \"b\" DROP CONSTRAINT \"b_a_id_fkey\";\n" +
			"\n-- podgen: drops table a and all its rows\nDROP TABLE \"a\";\n" +
			"\n-- podgen: drops table b and all its rows\nDROP TABLE \"b\";\n",
		losses: []string{"drops table a and all its rows", "drops table b and all its rows"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := &Snapshot{Format: SnapshotFormat}
			if len(tc.old) > 0 {
				// Through snapshot.json, as create-migration reads it.
				var err error
				if old, err = Unmarshal(FromProtocol(load(t, tc.old)).Marshal()); err != nil {
					t.Fatal(err)
				}
			}
			changes := Diff(old, FromProtocol(load(t, tc.new)))
			sql, err := Render(changes)
			if err != nil {
				t.Fatal(err)
			}
			if sql != tc.sql {
				t.Errorf("sql:\n%s\nwant:\n%s", sql, tc.sql)
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

// TestSnapshotRecordsForeignKeys: the constraints survive snapshot.json,
// so that an unchanged protocol has no changes.
func TestSnapshotRecordsForeignKeys(t *testing.T) {
	p := load(t, withAuthor("  editorId: int?\n  editor: Author?, relation(field=editorId, onDelete=SetNull, onUpdate=Cascade)\n"))
	data := FromProtocol(p).Marshal()
	for _, want := range []string{`"format": 3`, `"foreignKeys": [`, `"name": "book_editor_id_fkey"`, `"column": "editor_id"`,
		`"refTable": "author"`, `"refColumn": "id"`, `"onDelete": "SET NULL"`, `"onUpdate": "CASCADE"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("snapshot.json lacks %s:\n%s", want, data)
		}
	}
	s, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if ch := Diff(s, FromProtocol(p)); len(ch) != 0 {
		t.Errorf("changes against its own snapshot: %+v", ch)
	}
}

// TestForeignKeysOnPostgres migrates a database through adding, changing
// and dropping a relation. A new required key on a table with rows is
// refused without --force and, forced, fails to apply while the table
// has rows; on an empty table it applies.
func TestForeignKeysOnPostgres(t *testing.T) {
	dir := t.TempDir()
	db, empty := freshDB(t), freshDB(t)
	ctx := context.Background()
	at := func(ts string) time.Time { v, _ := time.Parse(TimeLayout, ts); return v }
	apply := func(version string) error {
		sql, err := os.ReadFile(filepath.Join(dir, version, MigrationFile))
		if err != nil {
			return err
		}
		tx, err := db.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, string(sql)); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	checkSchema := func(version string) {
		t.Helper()
		fresh := freshDB(t)
		execFile(t, fresh, filepath.Join(dir, version, DefinitionFile))
		if got, want := catalog(t, db), catalog(t, fresh); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: migrated schema\n%v\ndiffers from definition.sql's\n%v", version, got, want)
		}
	}

	v1 := create(t, dir, withAuthor(""), "20260101000000")
	execFile(t, db, filepath.Join(dir, v1.Version, MigrationFile))
	execFile(t, empty, filepath.Join(dir, v1.Version, MigrationFile))
	if _, err := db.Exec(ctx, `INSERT INTO author (name) VALUES ('Ada'); INSERT INTO book (title) VALUES ('Notes')`); err != nil {
		t.Fatal(err)
	}

	required := withAuthor("  author: Author?, relation\n")
	_, err := Create(Options{Protocol: load(t, required), Dir: dir, Now: at("20260201000000")})
	var refused *RefusedError
	if !errors.As(err, &refused) || len(refused.Losses) != 1 || !strings.Contains(refused.Losses[0], "book.author_id") {
		t.Fatalf("a new required foreign key without --force: %v", err)
	}
	v2 := create(t, dir, required, "20260201000000")
	if err := apply(v2.Version); err == nil || !strings.Contains(err.Error(), "author_id") {
		t.Fatalf("the forced migration on a table with rows: %v, want a failure on author_id", err)
	}
	execFile(t, empty, filepath.Join(dir, v2.Version, MigrationFile)) // no rows: it applies
	if _, err := db.Exec(ctx, `DELETE FROM book`); err != nil {
		t.Fatal(err)
	}
	if err := apply(v2.Version); err != nil {
		t.Fatalf("v2 on the emptied table: %v", err)
	}
	checkSchema(v2.Version)
	if _, err := db.Exec(ctx, `INSERT INTO book (title, author_id) VALUES ('Notes', 999)`); err == nil {
		t.Error("a book with an author_id naming no author was inserted")
	}
	if _, err := db.Exec(ctx, `INSERT INTO book (title, author_id) SELECT 'Notes', id FROM author`); err != nil {
		t.Fatal(err)
	}

	v3 := create(t, dir, withAuthor("  author: Author?, relation(onDelete=Cascade)\n"), "20260301000000")
	if err := apply(v3.Version); err != nil {
		t.Fatal(err)
	}
	checkSchema(v3.Version)
	if _, err := db.Exec(ctx, `DELETE FROM author`); err != nil {
		t.Fatalf("deleting an author after onDelete=Cascade: %v", err)
	}
	var books int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM book`).Scan(&books); err != nil || books != 0 {
		t.Errorf("books after deleting their author: %d, %v; want 0 (cascade)", books, err)
	}

	v4 := create(t, dir, withAuthor(""), "20260401000000")
	if err := apply(v4.Version); err != nil {
		t.Fatal(err)
	}
	checkSchema(v4.Version)
}

// TestCyclicTablesOnPostgres: two tables that reference each other, and
// one that references itself, are created by the first migration and by
// definition.sql alike (the constraints follow every CREATE TABLE).
func TestCyclicTablesOnPostgres(t *testing.T) {
	dir := t.TempDir()
	v1 := create(t, dir, map[string]string{
		"a.yaml": "class: A\ntable: a\nfields:\n  b: B?, relation(optional, onDelete=SetNull)\n  parent: A?, relation(optional)\n",
		"b.yaml": "class: B\ntable: b\nfields:\n  a: A?, relation(optional, onDelete=Cascade)\n",
	}, "20260101000000")
	migrated, defined := freshDB(t), freshDB(t)
	execFile(t, migrated, filepath.Join(dir, v1.Version, MigrationFile))
	execFile(t, defined, filepath.Join(dir, v1.Version, DefinitionFile))
	got, want := catalog(t, migrated), catalog(t, defined)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("migrated schema\n%v\ndiffers from definition.sql's\n%v", got, want)
	}
	var fks []string
	for _, row := range got {
		if row[0] == "foreign key" {
			fks = append(fks, row[1]+"."+row[2]+" "+row[3])
		}
	}
	wantFKs := []string{
		"a.a_b_id_fkey FOREIGN KEY (b_id) REFERENCES b(id) ON DELETE SET NULL",
		"a.a_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES a(id)",
		"b.b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a(id) ON DELETE CASCADE",
	}
	if !reflect.DeepEqual(fks, wantFKs) {
		t.Errorf("foreign keys %q, want %q", fks, wantFKs)
	}
}
