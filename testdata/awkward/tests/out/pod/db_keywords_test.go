package pod

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// freshDatabase creates an empty database with out/tables.pgsql applied,
// dropped when the test ends. Without a reachable server the test is
// skipped, or fails when CI is set.
func freshDatabase(t *testing.T) DatabaseConfig {
	t.Helper()
	base := os.Getenv("PODGEN_TEST_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL unreachable (PODGEN_TEST_DATABASE_URL): %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("podgen_awkward_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	schema, err := os.ReadFile("../tables.pgsql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, string(schema)); err != nil {
		t.Fatalf("tables.pgsql: %v", err)
	}
	var cfg DatabaseConfig
	if err := cfg.setURL(u.String()); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestKeywordColumns stores and queries columns named like SQL keywords
// ("select", "default") and Go locals of the generated code.
func TestKeywordColumns(t *testing.T) {
	pool, err := OpenDBPool(freshDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db := NewDB(context.Background(), pool)
	sel, def := int64(7), "dflt"
	rows := []*Keywords{
		{Type: "t", Select: &sel, Default: &def, Const: KeywordGo, Return: ptrKeyword(KeywordNil), Interface: time.Unix(1, 0).UTC(),
			Package: time.Second, Err: "err", S: 1, V: &def, Buf: []string{"b"}, Data: map[string]int64{"d": 1}, Key: &UUID{1}},
		{Type: "u", Const: KeywordDefault, Interface: time.Unix(2, 0).UTC()},
	}
	if err := db.Keywords.InsertMany(rows); err != nil {
		t.Fatal(err)
	}
	got, err := db.Keywords.Find(KeywordsT.Select.Equals(7).And(KeywordsT.Default.IsNotNull()),
		OrderBy(KeywordsT.Default.Desc(), KeywordsT.Type.Asc()))
	if err != nil || len(got) != 1 || got[0].ID != rows[0].ID || *got[0].Return != KeywordNil || got[0].Data["d"] != 1 {
		t.Fatalf("Find = %+v, %v", got, err)
	}
	if n, err := db.Keywords.Count(KeywordsT.Const.InSet(KeywordDefault).Or(KeywordsT.Key.IsNull())); n != 1 || err != nil {
		t.Fatalf("Count = %d, %v", n, err)
	}
	got[0].Select = nil
	if err := db.Keywords.Update(got[0]); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Keywords.Count(KeywordsT.Select.IsNull()); n != 2 {
		t.Fatalf("after Update, %d rows with NULL \"select\"", n)
	}
}

func ptrKeyword(k Keyword) *Keyword { return &k }
