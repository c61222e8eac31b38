package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
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

// freshDatabase creates a database with out/tables.pgsql applied (the auth
// module's tables, the app's, podgen's), dropped when the test ends.
// Without a reachable server the test is skipped, or fails when CI is set.
func freshDatabase(t testing.TB) *url.URL {
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
	name := fmt.Sprintf("podgen_auth_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, dbSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, testDatabaseURL()); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(testDatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	schema, err := os.ReadFile("../out/tables.pgsql")
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
	return u
}
