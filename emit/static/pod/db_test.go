package pod

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// These tests cover the fixed database code on its own; the generated
// tables are tested in the golden apps (testdata/rich/tests/out/pod).

type testRow struct{ ID int64 }

var (
	testN    = intColumn[testRow](newCol("t", "n", false))
	testS    = nullStringColumn[testRow](newCol("t", "select", true))
	otherCol = stringColumn[struct{}](newCol("other", "x", false))
)

func TestExprSQL(t *testing.T) {
	cases := []struct {
		e    *Expr[testRow]
		sql  string
		args int
	}{
		{testN.Equals(1), `"n" = $1`, 1},
		{testN.NotEquals(1), `"n" <> $1`, 1},
		{testS.NotEquals("a"), `"select" IS DISTINCT FROM $1`, 1},
		{testS.IsNull(), `"select" IS NULL`, 0},
		{testN.Between(1, 2), `"n" BETWEEN $1 AND $2`, 2},
		{testN.InSet(), `FALSE`, 0},
		{testN.NotInSet(), `TRUE`, 0},
		{testS.NotInSet("a", "b"), `("select" IS NULL OR "select" NOT IN ($1, $2))`, 2},
		{testN.GreaterThan(1).And(testS.Like("x%").Or(Not(testN.LessOrEqual(3)))),
			`("n" > $1 AND ("select" LIKE $2 OR (NOT "n" <= $3)))`, 3},
	}
	for _, tc := range cases {
		b, args := tc.e.node().appendSQL(nil, nil)
		if string(b) != tc.sql || len(args) != tc.args {
			t.Errorf("got %s with %d args, want %s with %d", b, len(args), tc.sql, tc.args)
		}
	}
	var many *Expr[testRow]
	for i := 0; i < 12; i++ {
		many = many.And(testN.Equals(int64(i)))
	}
	if b, _ := many.node().appendSQL(nil, nil); !strings.Contains(string(b), `"n" = $12`) {
		t.Errorf("twelfth parameter: %s", b)
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{"select": `"select"`, `a"b`: `"a""b"`} {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestOptions(t *testing.T) {
	opts := func(q ...Option[testRow]) (string, []any, error) {
		o, err := readOptions(q, "t")
		if err != nil {
			return "", nil, err
		}
		b, args := o.appendSQL(nil, nil)
		return string(b), args, nil
	}
	b, args, err := opts(OrderBy(testN.Desc(), testS.Asc()), Offset(5), Limit(10))
	if err != nil || b != ` ORDER BY "n" DESC, "select" LIMIT $1 OFFSET $2` || args[0] != int64(10) {
		t.Fatalf("got %s %v %v", b, args, err)
	}
	if _, _, err := opts(OrderBy(otherCol.Asc())); err == nil ||
		!strings.Contains(err.Error(), `column "x" of table "other"`) {
		t.Fatalf("foreign order column: %v", err)
	}
	if b, _, err := opts(ForUpdate(), SkipLocked(), Limit(1)); err != nil || b != ` LIMIT $1 FOR UPDATE SKIP LOCKED` {
		t.Fatalf("lock: %s %v", b, err)
	}
	if b, _, err := opts(ForShare(), NoWait()); err != nil || b != ` FOR SHARE NOWAIT` {
		t.Fatalf("share: %s %v", b, err)
	}
	if _, _, err := opts(NoWait()); err == nil || !strings.Contains(err.Error(), "NOWAIT without a lock") {
		t.Fatalf("NoWait alone: %v", err)
	}
}

func TestSQLCacheInterns(t *testing.T) {
	var c sqlCache
	a := c.intern([]byte("SELECT 1"))
	b := c.intern([]byte("SELECT 1"))
	if unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatal("same SQL got two strings")
	}
	buf := []byte("SELECT 1")
	if n := testing.AllocsPerRun(100, func() { c.intern(buf) }); n != 0 {
		t.Fatalf("a cache hit allocates %.0f times", n)
	}
}

func TestNoDatabase(t *testing.T) {
	db := NewDB(context.Background(), nil)
	var du *DatabaseUnavailableError
	if _, err := db.Exec("SELECT 1"); !errors.As(err, &du) {
		t.Fatalf("Exec without a pool: %v", err)
	}
	if err := db.Transaction(func(*DB) error { return nil }); !errors.As(err, &du) {
		t.Fatalf("Transaction without a pool: %v", err)
	}
}

// TestUnreachable: a closed port gives a *DatabaseUnavailableError at
// once, not a hang.
func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	pool, err := OpenDBPool(DatabaseConfig{Host: "127.0.0.1", Port: port, Name: "x", User: "u", MaxConnections: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	start := time.Now()
	_, err = NewDB(context.Background(), pool).Query("SELECT 1")
	var du *DatabaseUnavailableError
	if !errors.As(err, &du) || time.Since(start) > 2*time.Second {
		t.Fatalf("after %s: %v, want a quick *DatabaseUnavailableError", time.Since(start), err)
	}
}

// testDatabaseConfig is PODGEN_TEST_DATABASE_URL (default: the local server).
func testDatabaseConfig(t *testing.T) DatabaseConfig {
	raw := os.Getenv("PODGEN_TEST_DATABASE_URL")
	if raw == "" {
		raw = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	var cfg DatabaseConfig
	if _, err := url.Parse(raw); err != nil || cfg.setURL(raw) != nil {
		t.Fatalf("bad PODGEN_TEST_DATABASE_URL %q", raw)
	}
	return cfg
}

func realPool(t *testing.T) *DBPool {
	cfg := testDatabaseConfig(t)
	pool, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(context.Background()); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL unreachable: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	return pool
}

// TestRawAndTransaction runs against the real Postgres, in a temporary
// table of one session (a one-connection transaction).
func TestRawAndTransaction(t *testing.T) {
	db := NewDB(context.Background(), realPool(t))
	err := db.Transaction(func(tx *DB) error {
		if _, err := tx.Exec(`CREATE TEMP TABLE t (n bigint) ON COMMIT DROP`); err != nil {
			return err
		}
		n, err := tx.Exec(`INSERT INTO t VALUES ($1), ($2)`, 1, 2)
		if err != nil || n != 2 {
			t.Errorf("Exec = %d, %v", n, err)
		}
		inner := errors.New("inner")
		if err := tx.Transaction(func(sp *DB) error {
			sp.Exec(`INSERT INTO t VALUES (3)`)
			return inner
		}); err != inner {
			t.Errorf("savepoint error = %v", err)
		}
		rows, err := tx.Query(`SELECT sum(n)::bigint FROM t`)
		if err != nil || len(rows) != 1 || rows[0][0] != int64(3) {
			t.Errorf("Query = %v, %v", rows, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMissingDatabase: a server that answers but has no database of the
// configured name (SQLSTATE 3D000, e.g. before `createdb`) is unavailable
// too: a 503 that resolves itself once the database exists, not a 500.
func TestMissingDatabase(t *testing.T) {
	realPool(t) // fails or skips when the server itself is unreachable
	cfg := testDatabaseConfig(t)
	cfg.Name = "podgen_no_such_database"
	pool, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = NewDB(context.Background(), pool).Query("SELECT 1")
	var du *DatabaseUnavailableError
	if !errors.As(err, &du) {
		t.Fatalf("query on a missing database: %v, want a *DatabaseUnavailableError", err)
	}
}

// TestTableSQL: the statements newTable and InsertMany derive from a
// table's columns, for a bigserial and a UUID id.
func TestTableSQL(t *testing.T) {
	serial := newTable(&table[testRow]{tableDef: tableDef{name: "t", columns: []string{`"id"`, `"n"`, `"at"`},
		insert: []insertColumn{{name: `"n"`}, {name: `"at"`, cast: "timestamp", def: "now()"}}}})
	uuid := newTable(&table[testRow]{tableDef: tableDef{name: "u", columns: []string{`"id"`, `"n"`},
		insert: []insertColumn{{name: `"n"`}, {name: `"id"`, cast: "uuid", def: "gen_random_uuid()"}}, insertID: true}})
	bare := newTable(&table[testRow]{tableDef: tableDef{name: "b", columns: []string{`"id"`}}})
	for _, tc := range []struct{ got, want string }{
		{serial.selectSQL, `SELECT "id", "n", "at" FROM "t"`},
		{serial.byIDSQL, `SELECT "id", "n", "at" FROM "t" WHERE "id" = $1`},
		{serial.insertSQL, `INSERT INTO "t" ("n", "at") VALUES ($1, COALESCE($2::timestamp, now())) RETURNING "id", "at"`},
		{serial.updateSQL, `UPDATE "t" SET "n" = $1, "at" = $2 WHERE "id" = $3`},
		{serial.deleteSQL, `DELETE FROM "t" WHERE "id" = $1`},
		{uuid.insertSQL, `INSERT INTO "u" ("n", "id") VALUES ($1, COALESCE($2::uuid, gen_random_uuid())) RETURNING "id"`},
		{uuid.updateSQL, `UPDATE "u" SET "n" = $1 WHERE "id" = $2`},
		{bare.insertSQL, `INSERT INTO "b" DEFAULT VALUES RETURNING "id"`},
		{bare.updateSQL, `UPDATE "b" SET "id" = "id" WHERE "id" = $1`},
		{insertManySQL(&serial.tableDef, 2, nil),
			`INSERT INTO "t" ("n", "at") VALUES ($1, COALESCE($2::timestamp, now())), ($3, COALESCE($4::timestamp, now())) RETURNING "id", "at"`},
		{insertManySQL(&serial.tableDef, 1, &conflict{keys: []*column{testN.sqlColumn()}}),
			`INSERT INTO "t" ("n", "at") VALUES ($1, COALESCE($2::timestamp, now())) ON CONFLICT ("n") DO UPDATE SET "at" = EXCLUDED."at" RETURNING "id", "n", "at"`},
		{insertManySQL(&serial.tableDef, 1, &conflict{keys: []*column{testN.sqlColumn()}, keep: true}),
			`INSERT INTO "t" ("n", "at") VALUES ($1, COALESCE($2::timestamp, now())) ON CONFLICT ("n") DO UPDATE SET "n" = EXCLUDED."n" RETURNING "id", "n", "at"`},
		{insertManySQL(&uuid.tableDef, 1, &conflict{keys: []*column{{table: "u", quoted: `"n"`}}}),
			`INSERT INTO "u" ("n", "id") VALUES ($1, COALESCE($2::uuid, gen_random_uuid())) ON CONFLICT ("n") DO UPDATE SET "n" = EXCLUDED."n" RETURNING "id", "n"`},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
	if a, b := insertManySQL(&serial.tableDef, 4, nil), insertManySQL(&serial.tableDef, 4, nil); unsafe.StringData(a) != unsafe.StringData(b) {
		t.Error("InsertMany's statement of one shape is built twice")
	}
	for n, want := range map[int]int{1: 1, 3: 2, 512: 512, 1000: 512, 100000: 512} {
		if got := chunkRows(&serial.tableDef, n); got != want {
			t.Errorf("chunkRows(%d) = %d, want %d", n, got, want)
		}
	}
	wide := &tableDef{insert: make([]insertColumn, 300)}
	if got := chunkRows(wide, 1000); got != 128 || got*300 > maxParams {
		t.Errorf("300 columns: chunks of %d rows", got)
	}
}

// TestKeysetSQL: After's condition for an ascending then a descending
// column reuses each value's parameter.
func TestKeysetSQL(t *testing.T) {
	tb := newTable(&table[testRow]{tableDef: tableDef{name: "t", columns: []string{`"id"`, `"n"`}, insert: []insertColumn{{name: `"n"`}}},
		values: func(v *testRow, args []any, _ *scratch) ([]any, error) { return append(args, int64(7)), nil },
		id:     func(v *testRow) any { return v.ID }})
	id := intColumn[testRow](newCol("t", "id", false))
	o, err := readOptions([]Option[testRow]{OrderBy(testN.Asc(), id.Desc()), After(&testRow{ID: 3})}, "t")
	if err != nil {
		t.Fatal(err)
	}
	after, err := keysetArgs(tb, &o)
	if err != nil {
		t.Fatal(err)
	}
	b, args := appendKeyset(nil, []any{"x"}, o.order, after)
	if string(b) != `(("n" > $2) OR ("n" = $2 AND "id" < $3))` || len(args) != 3 || args[1] != int64(7) || args[2] != int64(3) {
		t.Fatalf("got %s %v %v", b, args, err)
	}
	o.order = []OrderTerm{testS.Asc()}
	if _, err := keysetArgs(tb, &o); err == nil || !strings.Contains(err.Error(), "nullable") {
		t.Fatalf("nullable sort column: %v", err)
	}
}
