package pod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestSplitSQL(t *testing.T) {
	cases := []struct {
		sql  string
		want []string
	}{
		{"", nil},
		{"-- only a comment\n", nil},
		{"CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n", []string{"CREATE TABLE a (x int)", "CREATE TABLE b (y int)"}},
		{"-- leading\n/* block */ SELECT 1; -- trailing\n", []string{"SELECT 1"}},
		{"SELECT 'a;b', 'it''s;'; SELECT 2", []string{"SELECT 'a;b', 'it''s;'", "SELECT 2"}},
		{`SELECT E'x\';y'; SELECT 3`, []string{`SELECT E'x\';y'`, "SELECT 3"}},
		{`SELECT 'x\'; SELECT 4`, []string{`SELECT 'x\'`, "SELECT 4"}}, // no E: the backslash is a character
		{`CREATE TABLE "a;b" ("c""; d" int); SELECT 5`, []string{`CREATE TABLE "a;b" ("c""; d" int)`, "SELECT 5"}},
		{"SELECT 1 -- a; b\n; SELECT 6", []string{"SELECT 1 -- a; b", "SELECT 6"}},
		{"SELECT /* a /* nested; */ still; */ 7; SELECT 8", []string{"SELECT /* a /* nested; */ still; */ 7", "SELECT 8"}},
		{"DO $$ BEGIN PERFORM 1; END $$; SELECT 9", []string{"DO $$ BEGIN PERFORM 1; END $$", "SELECT 9"}},
		{"DO $fn$ BEGIN RAISE NOTICE '$$;'; END $fn$; SELECT 10", []string{"DO $fn$ BEGIN RAISE NOTICE '$$;'; END $fn$", "SELECT 10"}},
		{"PREPARE p AS SELECT $1; SELECT a$b FROM t;", []string{"PREPARE p AS SELECT $1", "SELECT a$b FROM t"}},
		{"SELECT 'never closed; SELECT 11", []string{"SELECT 'never closed; SELECT 11"}},
		{";;\n;", nil},
	}
	for _, tc := range cases {
		if got := splitSQL(tc.sql); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitSQL(%q)\n got %q\nwant %q", tc.sql, got, tc.want)
		}
	}
}

func TestStatementSummary(t *testing.T) {
	if got := statementSummary("ALTER TABLE a\n  ADD COLUMN b int"); got != "ALTER TABLE a" {
		t.Errorf("first line: %q", got)
	}
	long := "SELECT '" + strings.Repeat("é", 150) + "'"
	got := statementSummary(long)
	if len(got) > 203 || !strings.HasSuffix(got, "...") || !strings.HasPrefix(long, strings.TrimSuffix(got, "...")) {
		t.Errorf("long statement cut to %q (%d bytes)", got, len(got))
	}
}

var migrateDBSeq atomic.Int64

// migrationTestDB is a fresh empty database, dropped when the test ends.
func migrationTestDB(t *testing.T) DatabaseConfig {
	admin := NewDB(context.Background(), realPool(t))
	name := fmt.Sprintf("podgen_migrate_%d_%d", os.Getpid(), migrateDBSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	cfg := testDatabaseConfig(t)
	cfg.Name = name
	return cfg
}

func openTestPool(t *testing.T, cfg DatabaseConfig) *DBPool {
	p, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// testModules are a system module and an app in two versions whose
// statements fail when run twice (no IF NOT EXISTS), so a version applied
// twice shows as an error.
func testModules() []MigrationModule {
	return []MigrationModule{
		{Name: "podgen", Versions: []MigrationVersion{{Version: "0001-sys", SQL: `CREATE TABLE "pod_sys" ("id" bigserial PRIMARY KEY);`}}},
		{Name: "app", Versions: []MigrationVersion{
			{Version: "20260101000000-init", SQL: "-- v1\nCREATE TABLE item (id bigserial PRIMARY KEY, name text NOT NULL);\n"},
			{Version: "20260201000000-v2", SQL: "ALTER TABLE item ADD COLUMN note text;\nCREATE INDEX item_name_idx ON item (name);\n"},
		}, Definition: "CREATE TABLE item (id bigserial PRIMARY KEY, name text NOT NULL, note text);\nCREATE INDEX item_name_idx ON item (name);\n"},
	}
}

func recorded(t *testing.T, p *DBPool) []string {
	t.Helper()
	rows, err := NewDB(context.Background(), p).Query(`SELECT module || '/' || version FROM pod_migration ORDER BY module, version`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r[0].(string))
	}
	return out
}

func TestApplyMigrationsEmptyDatabaseUsesDefinition(t *testing.T) {
	p := openTestPool(t, migrationTestDB(t))
	ctx := context.Background()
	applied, err := ApplyMigrations(ctx, p, testModules())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"podgen/0001-sys", "app/20260201000000-v2 (definition)"}
	if !reflect.DeepEqual(applied, want) {
		t.Errorf("applied %q, want %q", applied, want)
	}
	if got, want := recorded(t, p), []string{"app/20260101000000-init", "app/20260201000000-v2", "podgen/0001-sys"}; !reflect.DeepEqual(got, want) {
		t.Errorf("recorded %q, want %q", got, want)
	}
	if _, err := NewDB(ctx, p).Exec(`INSERT INTO item (name, note) VALUES ('a', 'b')`); err != nil {
		t.Errorf("the definition's schema: %v", err)
	}
	again, err := ApplyMigrations(ctx, p, testModules())
	if err != nil || len(again) != 0 {
		t.Errorf("second run applied %q, %v; want nothing", again, err)
	}
	missing, tracked, err := MissingMigrations(ctx, p, testModules())
	if err != nil || !tracked || len(missing) != 0 {
		t.Errorf("missing after applying: %q tracked=%v err=%v", missing, tracked, err)
	}
}

func TestApplyMigrationsReplaysPendingVersions(t *testing.T) {
	p := openTestPool(t, migrationTestDB(t))
	ctx := context.Background()
	mods := testModules()
	v1 := []MigrationModule{mods[0], {Name: "app", Versions: mods[1].Versions[:1]}}
	if _, err := ApplyMigrations(ctx, p, v1); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDB(ctx, p).Exec(`INSERT INTO item (name) VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	missing, tracked, err := MissingMigrations(ctx, p, mods)
	if err != nil || !tracked || !reflect.DeepEqual(missing, []string{"app/20260201000000-v2"}) {
		t.Errorf("missing %q tracked=%v err=%v, want app/20260201000000-v2", missing, tracked, err)
	}
	applied, err := ApplyMigrations(ctx, p, mods)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(applied, []string{"app/20260201000000-v2"}) {
		t.Errorf("applied %q, want only v2 (not the definition)", applied)
	}
	rows, err := NewDB(ctx, p).Query(`SELECT name, note FROM item`)
	if err != nil || len(rows) != 1 || rows[0][0] != "kept" || rows[0][1] != nil {
		t.Errorf("data after v2: %v, %v", rows, err)
	}
}

func TestApplyMigrationsFailureRollsBackTheVersion(t *testing.T) {
	p := openTestPool(t, migrationTestDB(t))
	ctx := context.Background()
	mods := testModules()
	mods[1].Definition = ""
	mods[1].Versions = append(mods[1].Versions, MigrationVersion{Version: "20260301000000-bad",
		SQL: "CREATE TABLE half (x int);\nALTER TABLE missing_table\n  ADD COLUMN y int;\nCREATE TABLE never (x int);"})
	applied, err := ApplyMigrations(ctx, p, mods)
	var me *MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T), want a *MigrationError", err, err)
	}
	if me.Module != "app" || me.Version != "20260301000000-bad" || me.Statement != "ALTER TABLE missing_table" {
		t.Errorf("error names %s/%s statement %q", me.Module, me.Version, me.Statement)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Errorf("want Postgres's undefined_table, got %v", err)
	}
	for _, part := range []string{"app/20260301000000-bad", `"ALTER TABLE missing_table"`, "missing_table", "42P01"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q lacks %q", err, part)
		}
	}
	if want := []string{"podgen/0001-sys", "app/20260101000000-init", "app/20260201000000-v2"}; !reflect.DeepEqual(applied, want) {
		t.Errorf("applied before the failure %q, want %q", applied, want)
	}
	rows, err := NewDB(ctx, p).Query(`SELECT to_regclass('half') IS NULL, to_regclass('never') IS NULL,
		(SELECT count(*) FROM pod_migration WHERE version = '20260301000000-bad')`)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != true || rows[0][1] != true || rows[0][2] != int64(0) {
		t.Errorf("after the failed version: half gone %v, never gone %v, rows %v", rows[0][0], rows[0][1], rows[0][2])
	}
}

// TestApplyMigrationsConcurrently starts runners on separate pools at once:
// the advisory lock lets one apply and the others find nothing to do.
func TestApplyMigrationsConcurrently(t *testing.T) {
	cfg := migrationTestDB(t)
	mods := testModules()
	mods[1].Definition = "" // replay: more statements that fail if run twice
	const runners = 5
	var wg sync.WaitGroup
	results := make([][]string, runners)
	errs := make([]error, runners)
	for i := range runners {
		p := openTestPool(t, cfg)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = ApplyMigrations(context.Background(), p, mods)
		}()
	}
	wg.Wait()
	total := 0
	for i := range runners {
		if errs[i] != nil {
			t.Errorf("runner %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	if total != 3 {
		t.Errorf("versions applied over all runners: %d (%q), want 3", total, results)
	}
	if got := recorded(t, openTestPool(t, cfg)); len(got) != 3 {
		t.Errorf("recorded %q, want 3 rows", got)
	}
}

func TestMissingMigrationsUntracked(t *testing.T) {
	p := openTestPool(t, migrationTestDB(t))
	missing, tracked, err := MissingMigrations(context.Background(), p, testModules())
	want := []string{"podgen/0001-sys", "app/20260101000000-init", "app/20260201000000-v2"}
	if err != nil || tracked || !reflect.DeepEqual(missing, want) {
		t.Errorf("got %q tracked=%v err=%v, want %q untracked", missing, tracked, err, want)
	}
	if _, _, err := MissingMigrations(context.Background(), nil, testModules()); err == nil {
		t.Error("no pool: want an error")
	}
}
