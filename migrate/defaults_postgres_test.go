package migrate

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// richFiles reads testdata/rich/protocol as name → text.
func richFiles(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob("../testdata/rich/protocol/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("rich protocol: %v", err)
	}
	files := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = string(b)
	}
	return files
}

// TestDefaultsMigrationOnPostgres migrates the rich app's schema, holding a
// row, to the same app with column defaults on company (added to existing
// columns, and a new required column with one) and a new UUID-keyed
// table; then back to no defaults. Each step matches definition.sql, and
// the defaults work on the migrated database.
func TestDefaultsMigrationOnPostgres(t *testing.T) {
	dir := t.TempDir()
	db := freshDB(t)
	ctx := context.Background()
	checkSchema := func(version string) {
		t.Helper()
		fresh := freshDB(t)
		execFile(t, fresh, filepath.Join(dir, version, DefinitionFile))
		if got, want := catalog(t, db), catalog(t, fresh); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: migrated schema\n%v\ndiffers from definition.sql's\n%v", version, got, want)
		}
	}
	rich := richFiles(t)
	v1 := create(t, dir, rich, "20260101000000")
	execFile(t, db, filepath.Join(dir, v1.Version, MigrationFile))
	if _, err := db.Exec(ctx, `INSERT INTO company (name, num_employees, headquarters, offices, tags, status, password)
		VALUES ('old', 3, '{}', '[]', '[]', 'active', 'pw')`); err != nil {
		t.Fatal(err)
	}

	withDefaults := map[string]string{}
	for k, v := range rich {
		withDefaults[k] = v
	}
	company := rich["company.yaml"]
	for _, r := range [][2]string{
		{"  numEmployees: int\n", "  numEmployees: int, default=10\n"},
		{"  foundedDate: DateTime?\n", "  foundedDate: DateTime?, defaultPersist=now\n"},
		{"  status: Status\n", "  status: Status, default=archived\n  rating: double, default=2.5\n"},
	} {
		if !strings.Contains(company, r[0]) {
			t.Fatalf("company.yaml has no %q", r[0])
		}
		company = strings.Replace(company, r[0], r[1], 1)
	}
	withDefaults["company.yaml"] = company
	withDefaults["ticket.yaml"] = "class: Ticket\ntable: ticket\nfields:\n  id: UuidValue?, defaultPersist=random\n  title: String\n"
	v2 := create(t, dir, withDefaults, "20260201000000")
	sql, _ := os.ReadFile(filepath.Join(dir, v2.Version, MigrationFile))
	for _, want := range []string{
		`ALTER TABLE "company" ALTER COLUMN "num_employees" SET DEFAULT 10;`,
		`ALTER TABLE "company" ALTER COLUMN "founded_date" SET DEFAULT (now() AT TIME ZONE 'UTC');`,
		`ALTER TABLE "company" ALTER COLUMN "status" SET DEFAULT 'archived';`,
		`ALTER TABLE "company" ADD COLUMN "rating" double precision NOT NULL DEFAULT 2.5;`,
		`"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),`,
	} {
		if !strings.Contains(string(sql), want) {
			t.Errorf("v2 migration.sql lacks %s:\n%s", want, sql)
		}
	}
	execFile(t, db, filepath.Join(dir, v2.Version, MigrationFile))
	checkSchema(v2.Version)
	var rating float64
	if err := db.QueryRow(ctx, `SELECT rating FROM company WHERE name = 'old'`).Scan(&rating); err != nil || rating != 2.5 {
		t.Errorf("existing row's new column: %v, %v; want its default 2.5", rating, err)
	}
	var n int64
	var status string
	var founded bool
	err := db.QueryRow(ctx, `INSERT INTO company (name, headquarters, offices, tags, password)
		VALUES ('new', '{}', '[]', '[]', 'pw') RETURNING num_employees, status, founded_date IS NOT NULL`).Scan(&n, &status, &founded)
	if err != nil || n != 10 || status != "archived" || !founded {
		t.Errorf("insert on the migrated table: %d %q %v, %v; want the defaults", n, status, founded, err)
	}
	var id string
	if err := db.QueryRow(ctx, `INSERT INTO ticket (title) VALUES ('t') RETURNING id::text`).Scan(&id); err != nil || len(id) != 36 {
		t.Errorf("ticket id %q, %v; want gen_random_uuid()", id, err)
	}

	v3 := create(t, dir, rich, "20260301000000") // defaults gone again (and rating, ticket)
	sql, _ = os.ReadFile(filepath.Join(dir, v3.Version, MigrationFile))
	if !strings.Contains(string(sql), `ALTER TABLE "company" ALTER COLUMN "num_employees" DROP DEFAULT;`) {
		t.Errorf("v3 migration.sql does not drop the default:\n%s", sql)
	}
	execFile(t, db, filepath.Join(dir, v3.Version, MigrationFile))
	checkSchema(v3.Version)
}
