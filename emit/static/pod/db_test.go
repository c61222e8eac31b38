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
		b, args := tc.e.appendSQL(nil, nil)
		if string(b) != tc.sql || len(args) != tc.args {
			t.Errorf("got %s with %d args, want %s with %d", b, len(args), tc.sql, tc.args)
		}
	}
	var many *Expr[testRow]
	for i := 0; i < 12; i++ {
		many = many.And(testN.Equals(int64(i)))
	}
	if b, _ := many.appendSQL(nil, nil); !strings.Contains(string(b), `"n" = $12`) {
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
	b, args, err := appendOptions(nil, nil, "t", []QueryOption{OrderBy(testN.Desc(), testS.Asc()), Offset(5), Limit(10)})
	if err != nil || string(b) != ` ORDER BY "n" DESC, "select" LIMIT $1 OFFSET $2` || args[0] != int64(10) {
		t.Fatalf("got %s %v %v", b, args, err)
	}
	if _, _, err := appendOptions(nil, nil, "t", []QueryOption{OrderBy(otherCol.Asc())}); err == nil ||
		!strings.Contains(err.Error(), `column "x" of table "other"`) {
		t.Fatalf("foreign order column: %v", err)
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
