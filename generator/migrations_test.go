package generator

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
)

// writeVersion makes migrations/<name>/ with the given files.
func writeVersion(t *testing.T, dir, name string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
	for f, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name, f), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadMigrations(t *testing.T) {
	dir := t.TempDir()
	writeVersion(t, dir, "20260201000000-v2", map[string]string{"migration.sql": "ALTER TABLE a ADD b int;\r\n", "definition.sql": "CREATE TABLE a (b int);\n", "snapshot.json": "{}"})
	writeVersion(t, dir, "20260101000000-init", map[string]string{"migration.sql": "CREATE TABLE a ();\n", "definition.sql": "CREATE TABLE a ();\n"})
	writeVersion(t, dir, ".hidden", nil)
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	versions, def, err := ReadMigrations(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []emit.Migration{{Version: "20260101000000-init", SQL: "CREATE TABLE a ();\n"}, {Version: "20260201000000-v2", SQL: "ALTER TABLE a ADD b int;\n"}}
	if !reflect.DeepEqual(versions, want) {
		t.Errorf("versions %q, want %q (sorted, CRLF made LF)", versions, want)
	}
	if def != "CREATE TABLE a (b int);\n" {
		t.Errorf("definition %q, want the newest", def)
	}
}

func TestReadMigrationsErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"v2", map[string]string{"migration.sql": "", "definition.sql": ""}, "v2: not a migration folder"},
		{"20261399000000-bad-month", map[string]string{"migration.sql": "", "definition.sql": ""}, `"20261399000000" is not a valid timestamp`},
		{"20260101000000-no-def", map[string]string{"migration.sql": ""}, "20260101000000-no-def: missing definition.sql"},
		{"20260101000000-no-mig", map[string]string{"definition.sql": ""}, "20260101000000-no-mig: missing migration.sql"},
	} {
		dir := filepath.Join(t.TempDir(), "migrations")
		writeVersion(t, dir, tc.name, tc.files)
		_, _, err := ReadMigrations(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Join("migrations", tc.name)) {
			t.Errorf("%s: err %v, want %q naming migrations/%s", tc.name, err, tc.want, tc.name)
		}
	}
}

// migrationProject is a module with a one-class protocol and no endpoint
// methods; the migrations folder is up to the test.
func migrationProject(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range map[string]string{
		"go.mod":                "module example.com/mig\n\ngo 1.26\n",
		"protocol/item.yaml":    "class: Item\ntable: item\nfields:\n  name: String\n",
		"endpoints/endpoint.go": "package endpoints\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestBuildEmbedsMigrations(t *testing.T) {
	root := migrationProject(t)
	j := func(p string) string { return filepath.Join(root, p) }
	// No migrations folder next to the protocol: only podgen's versions.
	if _, err := Build(j("protocol"), j("endpoints"), j("out"), false); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(j("out/server/migrations.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !IsGenerated(src) || !strings.Contains(string(src), `"0001-future-calls"`) || strings.Contains(string(src), "appDefinition") {
		t.Errorf("server/migrations.go without app migrations:\n%s", src)
	}
	// An explicitly named folder that does not exist is an error.
	if _, err := BuildWith(j("protocol"), j("endpoints"), j("out"), BuildOptions{Migrations: j("nope")}); err == nil ||
		!strings.Contains(err.Error(), "nope: migrations folder not found") {
		t.Errorf("missing --migrations folder: %v", err)
	}
	// The default folder, once it exists, is embedded verbatim.
	writeVersion(t, j("migrations"), "20260101000000-init", map[string]string{
		"migration.sql":  "CREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\n",
		"definition.sql": "-- the whole schema\nCREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\n",
	})
	writeVersion(t, j("migrations"), "20260201000000-quote", map[string]string{
		"migration.sql":  "COMMENT ON TABLE \"item\" IS 'has a ` backtick';\n",
		"definition.sql": "CREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\nCOMMENT ON TABLE \"item\" IS 'has a ` backtick';\n",
	})
	if _, err := Build(j("protocol"), j("endpoints"), j("out"), false); err != nil {
		t.Fatal(err)
	}
	src, err = os.ReadFile(j("out/server/migrations.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{
		`{Version: "20260101000000-init", SQL: appMigration1}`,
		`{Version: "20260201000000-quote", SQL: appMigration2}`,
		"appMigration1 = `CREATE TABLE \"item\"",
		`appMigration2 = "COMMENT ON TABLE \"item\" IS 'has a ` + "`" + ` backtick';\n"`,
		"Definition: appDefinition",
		"// definition.sql of 20260201000000-quote",
	} {
		if !strings.Contains(string(src), part) {
			t.Errorf("server/migrations.go lacks %s:\n%s", part, src)
		}
	}
	// A broken version folder fails the build and leaves out/ as it was.
	before, _ := os.ReadFile(j("out/server/migrations.go"))
	writeVersion(t, j("migrations"), "20260301000000-broken", map[string]string{"migration.sql": "SELECT 1;\n"})
	if _, err := Build(j("protocol"), j("endpoints"), j("out"), false); err == nil ||
		!strings.Contains(err.Error(), filepath.Join("migrations", "20260301000000-broken")+": missing definition.sql") {
		t.Errorf("broken version: %v", err)
	}
	if after, _ := os.ReadFile(j("out/server/migrations.go")); string(after) != string(before) {
		t.Error("a failed build changed out/")
	}
}

// TestBuildMigrationsWarnsOnUnreadableSnapshot: a version without a
// snapshot.json (hand-written) cannot be checked against the protocol;
// build says so on Warnings and still succeeds.
func TestBuildMigrationsWarnsOnUnreadableSnapshot(t *testing.T) {
	root := migrationProject(t)
	j := func(p string) string { return filepath.Join(root, p) }
	writeVersion(t, j("migrations"), "20260101000000-init", map[string]string{
		"migration.sql":  "CREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\n",
		"definition.sql": "CREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\n",
	})
	var warnings strings.Builder
	if _, err := BuildWith(j("protocol"), j("endpoints"), j("out"), BuildOptions{Warnings: &warnings}); err != nil {
		t.Fatal(err)
	}
	want := "podgen: warning: cannot check the protocol against the newest migration 20260101000000-init: "
	if !strings.HasPrefix(warnings.String(), want) || !strings.Contains(warnings.String(), "snapshot.json") {
		t.Errorf("warnings %q, want %q...snapshot.json...", warnings.String(), want)
	}
}

// TestReadMigrationsIrregularFiles: a migration file that is a FIFO or a
// device is an error naming it, at once.
func TestReadMigrationsIrregularFiles(t *testing.T) {
	for name, mk := range irregular {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeVersion(t, dir, "20260101000000-init", map[string]string{"definition.sql": ""})
			path := filepath.Join(dir, "20260101000000-init", "migration.sql")
			if err := mk(path); err != nil {
				t.Skip(err)
			}
			err := within(t, func() error { _, _, err := ReadMigrations(dir); return err })
			if err == nil || !strings.Contains(err.Error(), path+":1:1: not a regular file") {
				t.Errorf("err = %v, want %s:1:1: not a regular file", err, path)
			}
		})
	}
}

// irregular makes, at a path, inputs that are not regular files: a FIFO
// (opening it to read would wait for a writer) and a link to /dev/zero
// (reading it would never end).
var irregular = map[string]func(string) error{
	"fifo":   func(p string) error { return syscall.Mkfifo(p, 0o644) },
	"device": func(p string) error { return os.Symlink("/dev/zero", p) },
}

// within runs f and fails the test when it takes more than a few seconds.
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("still running after 5s")
		return nil
	}
}
