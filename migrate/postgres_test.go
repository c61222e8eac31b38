package migrate

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func testDatabaseURL() string {
	if u := os.Getenv("PODGEN_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var dbSeq atomic.Int64

// freshDB creates an empty database, dropped when the test ends, and
// connects to it. Without a reachable server the test is skipped, or fails
// when CI is set.
func freshDB(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, testDatabaseURL())
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL unreachable (PODGEN_TEST_DATABASE_URL): %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set PODGEN_TEST_DATABASE_URL): %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("podgen_migrate_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, dbSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(testDatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn.Close(ctx)
		if c, err := pgx.Connect(ctx, testDatabaseURL()); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	return conn
}

// execFile runs a migration file in one transaction, as the server does.
func execFile(t *testing.T, conn *pgx.Conn, path string) {
	t.Helper()
	sql, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, string(sql))
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, sql)
	}
}

// catalog describes a database's tables: columns (type, nullability,
// default), index definitions and foreign-key constraints. Column order is left out: Postgres
// appends an added column, definition.sql lists it where the protocol has it.
func catalog(t *testing.T, conn *pgx.Conn) [][]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT 'column', table_name::text, column_name::text, data_type::text, is_nullable::text, coalesce(column_default, '')
		  FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL
		SELECT 'index', tablename::text, indexname::text, indexdef, '', '' FROM pg_indexes WHERE schemaname = 'public'
		UNION ALL
		SELECT 'foreign key', conrelid::regclass::text, conname::text, pg_get_constraintdef(oid), '', ''
		  FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
		ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		r := make([]string, 6)
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// create writes the next version of protocol files into dir, with --force.
func create(t *testing.T, dir string, files map[string]string, at string) *Result {
	t.Helper()
	now, _ := time.Parse(TimeLayout, at)
	res, err := Create(Options{Protocol: load(t, files), Dir: dir, Force: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version == "" {
		t.Fatalf("no migration written at %s", at)
	}
	return res
}

// TestMigrationsOnPostgres migrates a database holding rows through every
// kind of change and checks the rows, and that the migrated schema equals
// one made from definition.sql.
func TestMigrationsOnPostgres(t *testing.T) {
	dir := t.TempDir()
	db := freshDB(t)
	ctx := context.Background()
	checkSchema := func(version string) {
		t.Helper()
		fresh := freshDB(t)
		execFile(t, fresh, filepath.Join(dir, version, DefinitionFile))
		got, want := catalog(t, db), catalog(t, fresh)
		if len(want) == 0 {
			t.Fatalf("%s: definition.sql made no tables", version)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: migrated schema\n%v\ndiffers from definition.sql's\n%v", version, got, want)
		}
	}

	v1 := create(t, dir, map[string]string{
		"book.yaml": "class: Book\ntable: book\nfields:\n  title: String\n  pages: int?\n  note: String?\n" +
			"  isbn: String\n  price: int\n  ref: String?\n  label: int\n" +
			"indexes:\n  book_title_idx:\n    fields: title\n",
		"shelf.yaml": "class: Shelf\ntable: shelf\nfields:\n  label: String\n",
	}, "20260101000000")
	execFile(t, db, filepath.Join(dir, v1.Version, MigrationFile))
	checkSchema(v1.Version)
	if _, err := db.Exec(ctx, `INSERT INTO book (title, pages, note, isbn, price, ref, label) VALUES
		('a', NULL, NULL, 'i1', 5, '17', 3), ('b', 10, 'n', 'i2', 7, NULL, 4)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO shelf (label) VALUES ('x')`); err != nil {
		t.Fatal(err)
	}

	v2 := create(t, dir, map[string]string{
		"book.yaml": "class: Book\ntable: book\nfields:\n  title: String\n  pages: int\n  note: String\n" +
			"  price: double\n  ref: int?\n  label: String\n  published: DateTime\n  tags: List<String>\n  flag: bool?\n" +
			"  blob: ByteData\n  key: UuidValue\n  meta: Map<String,int>\n  done: bool\n  span: Duration\n" +
			"indexes:\n  book_title_idx:\n    fields: title\n    unique: true\n  book_pages_idx:\n    fields: pages\n    type: gin\n",
		"shelf.yaml": "class: Shelf\ntable: shelves\nfields:\n  label: String\n",
	}, "20260201000000")
	execFile(t, db, filepath.Join(dir, v2.Version, MigrationFile))
	checkSchema(v2.Version)

	rows, err := db.Query(ctx, `SELECT title, pages, note, price, ref, label, published::text, tags::text, flag IS NULL,
		blob::text || ' ' || key::text || ' ' || meta::text || ' ' || done::text || ' ' || span::text FROM book ORDER BY title`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var title, note, label, published, tags, zeros string
		var pages int64
		var price float64
		var ref *int64
		var flagNull bool
		err := r.Scan(&title, &pages, &note, &price, &ref, &label, &published, &tags, &flagNull, &zeros)
		refs := "NULL"
		if ref != nil {
			refs = fmt.Sprint(*ref)
		}
		return fmt.Sprintf("%s|%d|%q|%g|%s|%s|%s|%s|%v|%s", title, pages, note, price, refs, label, published, tags, flagNull, zeros), err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// NULLs became zero values, text "17" became 17, new required columns hold zero values
		`a|0|""|5|17|3|0001-01-01 00:00:00|[]|true|\x 00000000-0000-0000-0000-000000000000 {} false 0`,
		`b|10|"n"|7|NULL|4|0001-01-01 00:00:00|[]|true|\x 00000000-0000-0000-0000-000000000000 {} false 0`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("book rows after v2:\n%q\nwant\n%q", got, want)
	}
	var shelves int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM shelves`).Scan(&shelves); err != nil || shelves != 0 {
		t.Errorf("renamed table: %d rows, %v (a rename is a drop and a create)", shelves, err)
	}

	v3 := create(t, dir, map[string]string{
		"book.yaml": "class: Book\ntable: book\nfields:\n  title: String\n  pages: int?\n  note: String\n" +
			"  price: double\n  ref: int?\n  label: String\n  published: DateTime\n  tags: List<String>\n  flag: bool?\n" +
			"  blob: ByteData\n  key: UuidValue\n  meta: Map<String,int>\n  done: bool\n  span: Duration\n" +
			"indexes:\n  book_title_idx:\n    fields: title, note\n",
	}, "20260301000000")
	execFile(t, db, filepath.Join(dir, v3.Version, MigrationFile))
	checkSchema(v3.Version)
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM book WHERE pages IS NOT NULL`).Scan(&n); err != nil || n != 2 {
		t.Errorf("after v3: %d books, %v", n, err)
	}
}

// TestCastsOnPostgres: the conversions whose plain cast would change the
// value. bytea to text decodes UTF-8 (not the escape form "\x6869"), text
// to bytea keeps backslashes, timestamp to text is RFC 3339 whatever the
// session's DateStyle and converts back; a kind change that keeps the
// Postgres type applies as a no-op. Invalid UTF-8 fails the migration.
func TestCastsOnPostgres(t *testing.T) {
	dir := t.TempDir()
	db := freshDB(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, "SET DateStyle = 'SQL, DMY'"); err != nil {
		t.Fatal(err)
	}
	v1 := create(t, dir, bookYAML("  blob: ByteData\n  txt: String\n  at: DateTime\n  kind: String\n", ""), "20260101000000")
	execFile(t, db, filepath.Join(dir, v1.Version, MigrationFile))
	if _, err := db.Exec(ctx, `INSERT INTO book (title, blob, txt, at, kind) VALUES
		('a', '\x6869'::bytea, 'a\b', '2026-03-04 05:06:07.123456', 'active')`); err != nil {
		t.Fatal(err)
	}
	v2 := create(t, dir, bookYAML("  blob: String\n  txt: ByteData\n  at: String\n  kind: Status\n", ""), "20260201000000")
	execFile(t, db, filepath.Join(dir, v2.Version, MigrationFile))
	var blob, at, kind string
	var txt []byte
	if err := db.QueryRow(ctx, `SELECT blob, txt, at, kind FROM book`).Scan(&blob, &txt, &at, &kind); err != nil {
		t.Fatal(err)
	}
	if blob != "hi" || string(txt) != `a\b` || at != "2026-03-04T05:06:07.123456Z" || kind != "active" {
		t.Errorf("after v2: blob %q, txt %q, at %q, kind %q; want \"hi\", `a\\b`, \"2026-03-04T05:06:07.123456Z\", \"active\"", blob, txt, at, kind)
	}
	v3 := create(t, dir, bookYAML("  blob: String\n  txt: ByteData\n  at: DateTime\n  kind: Status\n", ""), "20260301000000")
	execFile(t, db, filepath.Join(dir, v3.Version, MigrationFile))
	var back time.Time
	if err := db.QueryRow(ctx, `SELECT at FROM book`).Scan(&back); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC); !back.Equal(want) {
		t.Errorf("text back to timestamp: %v, want %v", back, want)
	}
}

// TestInvalidUTF8FailsByteaToText: bytea that is not UTF-8 fails the
// conversion to text (the Loss says so) instead of becoming escape text.
func TestInvalidUTF8FailsByteaToText(t *testing.T) {
	dir := t.TempDir()
	db := freshDB(t)
	ctx := context.Background()
	v1 := create(t, dir, bookYAML("  blob: ByteData\n", ""), "20260101000000")
	execFile(t, db, filepath.Join(dir, v1.Version, MigrationFile))
	if _, err := db.Exec(ctx, `INSERT INTO book (title, blob) VALUES ('a', '\xff'::bytea)`); err != nil {
		t.Fatal(err)
	}
	v2 := create(t, dir, bookYAML("  blob: String\n", ""), "20260201000000")
	sql, err := os.ReadFile(filepath.Join(dir, v2.Version, MigrationFile))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(ctx, string(sql))
	if err == nil || !strings.Contains(err.Error(), "invalid byte sequence") {
		t.Errorf("bytea 0xff to text: %v, want invalid byte sequence", err)
	}
}

// TestEnumFormOnPostgres: an enum column switching between byName and
// byIndex keeps every row's value, name for position and back.
func TestEnumFormOnPostgres(t *testing.T) {
	dir := t.TempDir()
	db := freshDB(t)
	ctx := context.Background()
	withStatus := func(status string) map[string]string {
		files := bookYAML("  status: Status\n", "")
		files["status.yaml"] = status
		return files
	}
	byName := "enum: Status\nvalues: [active, archived, suspended]\n"
	byIndex := "enum: Status\nserialized: byIndex\nvalues: [active, archived, suspended]\n"
	v1 := create(t, dir, withStatus(byName), "20260101000000")
	execFile(t, db, filepath.Join(dir, v1.Version, MigrationFile))
	if _, err := db.Exec(ctx, `INSERT INTO book (title, status) VALUES ('a', 'suspended'), ('b', 'active')`); err != nil {
		t.Fatal(err)
	}
	read := func() (out []string) {
		rows, err := db.Query(ctx, `SELECT status::text FROM book ORDER BY title`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	v2 := create(t, dir, withStatus(byIndex), "20260201000000")
	execFile(t, db, filepath.Join(dir, v2.Version, MigrationFile))
	if got := read(); !slices.Equal(got, []string{"2", "0"}) {
		t.Errorf("byIndex: %v, want [2 0]", got)
	}
	v3 := create(t, dir, withStatus(byName), "20260301000000")
	execFile(t, db, filepath.Join(dir, v3.Version, MigrationFile))
	if got := read(); !slices.Equal(got, []string{"suspended", "active"}) {
		t.Errorf("back to byName: %v, want [suspended active]", got)
	}
}
