package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// migrateApp is the three-version app of testdata/migrate.
const migrateApp = "testdata/migrate"

func protocolOf(version string) string { return filepath.Join(migrateApp, version, "protocol") }

// createMigration runs `podgen create-migration` at a fixed time.
func createMigrationAt(t *testing.T, at string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv(migrationTimeEnv, at)
	return podgen(t, append([]string{"create-migration"}, args...)...)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCreateMigrationFirstAndNoChange(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "migrations")
	code, stdout, stderr := createMigrationAt(t, "20260101000000", protocolOf("v1"), dir, "--name", "init")
	if code != 0 || stderr != "" || stdout != "created "+filepath.Join(dir, "20260101000000-init")+" (2 changes)\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	v := filepath.Join(dir, "20260101000000-init")
	migration := readFile(t, filepath.Join(v, "migration.sql"))
	definition := readFile(t, filepath.Join(v, "definition.sql"))
	for _, want := range []string{`CREATE TABLE "author"`, `CREATE TABLE "book"`, `CREATE INDEX "book_author_idx"`} {
		if !strings.Contains(migration, want) || !strings.Contains(definition, want) {
			t.Errorf("the first migration and its definition should both hold %s:\n%s\n%s", want, migration, definition)
		}
	}
	if strings.Contains(definition, "pod_future_call") {
		t.Errorf("definition.sql holds podgen's system tables")
	}
	if !strings.Contains(readFile(t, filepath.Join(v, "snapshot.json")), `"name": "author"`) {
		t.Errorf("snapshot.json lacks the author table")
	}

	before := snapshot(t, dir)
	code, stdout, stderr = createMigrationAt(t, "20260102000000", protocolOf("v1"), dir)
	if code != 0 || stderr != "" || stdout != "no changes since 20260101000000-init\n" {
		t.Errorf("no change: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !reflect.DeepEqual(snapshot(t, dir), before) {
		t.Errorf("a run without changes touched the migrations folder")
	}
}

// TestCreateMigrationDefaultFolder: without a second argument, migrations
// go beside the protocol folder.
func TestCreateMigrationDefaultFolder(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "protocol", "a.yaml"), "class: A\ntable: a\nfields:\n  x: int\n")
	if code, _, stderr := createMigrationAt(t, "20260101000000", filepath.Join(root, "protocol")+"/"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "migrations", "20260101000000-migration", "migration.sql")); err != nil {
		t.Error(err)
	}
}

// TestCreateMigrationChanges walks v1 → v2 → v3 of testdata/migrate: a new
// table, column and index; then a dropped column (refused without --force)
// and an index made unique.
func TestCreateMigrationChanges(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := createMigrationAt(t, "20260101000000", protocolOf("v1"), dir); code != 0 {
		t.Fatalf("v1: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := createMigrationAt(t, "20260201000000", protocolOf("v2"), dir, "--name", "v2")
	if code != 0 || stderr != "" {
		t.Fatalf("v2: exit %d, stderr %q", code, stderr)
	}
	v2 := readFile(t, filepath.Join(dir, "20260201000000-v2", "migration.sql"))
	for _, want := range []string{
		"CREATE TABLE \"review\" (",
		"ALTER TABLE \"book\" ADD COLUMN \"subtitle\" text;\n",
		"CREATE INDEX \"author_email_idx\" ON \"author\" USING btree (\"email\");\n",
	} {
		if !strings.Contains(v2, want) {
			t.Errorf("v2 migration lacks %q:\n%s", want, v2)
		}
	}
	if strings.Contains(v2, "DROP") || strings.Contains(stdout, "--force") {
		t.Errorf("v2 drops something:\n%s\n%s", v2, stdout)
	}

	before := snapshot(t, dir)
	code, stdout, stderr = createMigrationAt(t, "20260301000000", protocolOf("v3"), dir, "--name", "v3")
	wantErr := "podgen: the migration would lose data:\n  drops column book.isbn and all its values\nre-run with --force to accept\n"
	if code != 1 || stdout != "" || stderr != wantErr {
		t.Errorf("v3 without --force: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, stdout, stderr, wantErr)
	}
	if !reflect.DeepEqual(snapshot(t, dir), before) {
		t.Errorf("a refused run touched the migrations folder")
	}

	code, stdout, stderr = createMigrationAt(t, "20260301000000", protocolOf("v3"), dir, "--name", "v3", "--force")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "accepted with --force: drops column book.isbn and all its values") {
		t.Fatalf("v3 with --force: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	v3 := readFile(t, filepath.Join(dir, "20260301000000-v3", "migration.sql"))
	for _, want := range []string{
		"-- podgen: drops column book.isbn and all its values\nALTER TABLE \"book\" DROP COLUMN \"isbn\";\n",
		"DROP INDEX \"author_email_idx\";\n",
		"CREATE UNIQUE INDEX \"author_email_idx\" ON \"author\" USING btree (\"email\");\n",
	} {
		if !strings.Contains(v3, want) {
			t.Errorf("v3 migration lacks %q:\n%s", want, v3)
		}
	}
}

// TestCreateMigrationNeverRewrites: a version already there is left as it
// is, and a new one gets a later timestamp even when the clock says
// otherwise.
func TestCreateMigrationNeverRewrites(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := createMigrationAt(t, "20260101000000", protocolOf("v1"), dir, "--name", "a"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first := filepath.Join(dir, "20260101000000-a")
	before := snapshot(t, first)
	// same second, then a clock that went back: both land after the newest
	code, stdout, stderr := createMigrationAt(t, "20260101000000", protocolOf("v2"), dir, "--name", "a")
	if code != 0 || !strings.Contains(stdout, "20260101000001-a") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = createMigrationAt(t, "20250101000000", protocolOf("v3"), dir, "--name", "a", "--force")
	if code != 0 || !strings.Contains(stdout, "20260101000002-a") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !reflect.DeepEqual(snapshot(t, first), before) {
		t.Errorf("%s was rewritten", first)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d entries in the migrations folder, want 3 (no temp folder left)", len(entries))
	}
}

// TestCreateMigrationDeterministic: the same input gives the same bytes;
// only the folder's timestamp differs.
func TestCreateMigrationDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, run := range []struct{ dir, at string }{{a, "20260101000000"}, {b, "20300606060606"}} {
		for _, v := range []string{"v1", "v3"} {
			if code, _, stderr := createMigrationAt(t, run.at, protocolOf(v), run.dir, "--force"); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
		}
	}
	files := func(dir string) []string {
		var out []string
		vs, _ := os.ReadDir(dir)
		for _, v := range vs {
			for _, f := range []string{"migration.sql", "definition.sql", "snapshot.json"} {
				out = append(out, f+"\n"+readFile(t, filepath.Join(dir, v.Name(), f)))
			}
		}
		return out
	}
	fa, fb := files(a), files(b)
	if len(fa) != 6 || !reflect.DeepEqual(fa, fb) {
		t.Errorf("two runs on the same input differ:\n%q\n%q", fa, fb)
	}
}

func TestCreateMigrationErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(t.TempDir(), "protocol")
	write(t, filepath.Join(bad, "a.yaml"), "class: A\ntable: a\nfields:\n  x: Strin\n")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "create-migration takes 1 or 2 arguments"},
		{[]string{"a", "b", "c"}, 2, "create-migration takes 1 or 2 arguments"},
		{[]string{protocolOf("v1"), dir, "--name", "Bad Name"}, 2, `--name "Bad Name"`},
		{[]string{protocolOf("v1"), dir, "--nope"}, 2, "flag provided but not defined"},
		{[]string{bad, dir}, 1, `unknown type "Strin"`},
		{[]string{filepath.Join(dir, "missing"), dir}, 1, "missing"},
	}
	for _, c := range cases {
		code, stdout, stderr := createMigrationAt(t, "20260101000000", c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, stdout, stderr, c.code, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs wrote %d entries", len(entries))
	}
	// a stray folder is not taken for a version
	write(t, filepath.Join(dir, "old", "x.sql"), "")
	if code, _, stderr := createMigrationAt(t, "20260101000000", protocolOf("v1"), dir); code != 1 || !strings.Contains(stderr, "not a migration folder") {
		t.Errorf("stray folder: exit %d, stderr %q", code, stderr)
	}
}

// TestMigrateTestdataReproduces regenerates testdata/migrate/migrations
// (the engineer of the apply side tests against it) from v1, v2 and v3 and
// compares byte for byte. To update it after a deliberate change:
//
//	rm -r testdata/migrate/migrations
//	PODGEN_MIGRATION_TIME=20260101000000 go run . create-migration testdata/migrate/v1/protocol testdata/migrate/migrations --name init
//	PODGEN_MIGRATION_TIME=20260201000000 go run . create-migration testdata/migrate/v2/protocol testdata/migrate/migrations --name v2
//	PODGEN_MIGRATION_TIME=20260301000000 go run . create-migration testdata/migrate/v3/protocol testdata/migrate/migrations --name v3 --force
func TestMigrateTestdataReproduces(t *testing.T) {
	dir := t.TempDir()
	for _, step := range [][]string{
		{"20260101000000", "v1", "init"},
		{"20260201000000", "v2", "v2"},
		{"20260301000000", "v3", "v3"},
	} {
		if code, _, stderr := createMigrationAt(t, step[0], protocolOf(step[1]), dir, "--name", step[2], "--force"); code != 0 {
			t.Fatalf("%s: exit %d: %s", step[1], code, stderr)
		}
	}
	want := treeOf(t, filepath.Join(migrateApp, "migrations"))
	got := treeOf(t, dir)
	if len(want) != 9 {
		t.Fatalf("testdata/migrate/migrations holds %d files, want 9", len(want))
	}
	if !reflect.DeepEqual(got, want) {
		for name := range want {
			if got[name] != want[name] {
				t.Errorf("%s differs from a fresh run:\n%s\nwant:\n%s", name, got[name], want[name])
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("a fresh run also writes %s", name)
			}
		}
	}
}

// treeOf maps the relative path of every file under dir to its contents.
func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = readFile(t, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
