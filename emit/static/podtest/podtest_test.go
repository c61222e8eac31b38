package podtest

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// dbExists reports whether the test server holds a database called name.
func dbExists(t *testing.T, name string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, testDatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestEnvDatabase: each Env has its own database holding the schema (the
// zz_app.go stand-in's note table and podgen's system tables), dropped
// when its test ends; the template stays for the next run.
func TestEnvDatabase(t *testing.T) {
	var names [2]string
	for i := range names {
		t.Run("env", func(t *testing.T) {
			env := New(t)
			if _, err := env.DB.Exec(`INSERT INTO "note" ("text") VALUES ($1)`, "hello"); err != nil {
				t.Fatal(err)
			}
			rows, err := env.DB.Query(`SELECT count(*), current_database() FROM "note"`)
			if err != nil {
				t.Fatal(err)
			}
			if n := rows[0][0].(int64); n != 1 {
				t.Fatalf("%d notes, want this test's 1", n)
			}
			names[i] = rows[0][1].(string)
			if !strings.HasPrefix(names[i], "podtest_podtest_static_") {
				t.Errorf("database %q lacks the app's prefix", names[i])
			}
			if _, err := env.DB.Query(`SELECT count(*) FROM "pod_future_call"`); err != nil {
				t.Errorf("no system tables: %v", err)
			}
		})
	}
	if names[0] == names[1] {
		t.Fatalf("both tests used database %q", names[0])
	}
	for _, n := range names {
		if dbExists(t, n) {
			t.Errorf("database %q was not dropped", n)
		}
	}
	if templateState.name == "" || !dbExists(t, templateState.name) {
		t.Errorf("template %q is missing", templateState.name)
	}
}

// TestEnvServer: the Env serves the generated router (here with no
// routes: its JSON 404) and the client stand-in gets the URL.
func TestEnvServer(t *testing.T) {
	env := New(t)
	if !strings.HasSuffix(env.URL, "/") || env.Client.baseURL != env.URL {
		t.Fatalf("URL %q, client %q", env.URL, env.Client.baseURL)
	}
	res, err := http.Post(env.URL+"nothing/here", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 || !strings.Contains(string(body), `unknown endpoint \"nothing\"`) {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	env.RunFutureCalls(time.Hour) // no future calls: nothing to run, no error
}

// TestEnvCaches: the Global cache of each Env has a prefix of its own,
// emptied when its test ends, and Local starts empty.
func TestEnvCaches(t *testing.T) {
	if os.Getenv("PODGEN_TEST_REDIS_ADDR") == "" {
		t.Skip("PODGEN_TEST_REDIS_ADDR is not set")
	}
	var prefixes [2]string
	for i := range prefixes {
		t.Run("env", func(t *testing.T) {
			env := New(t)
			c := env.Runtime.Caches
			if v, err := c.Local.Get("k"); v != nil || err != nil {
				t.Fatalf("Local holds %v, %v at the start", v, err)
			}
			if !env.Runtime.Config.Redis.Enabled {
				t.Fatal("Redis is set but not enabled")
			}
			prefixes[i] = env.Runtime.Config.Caches.Global.Prefix
		})
	}
	if prefixes[0] == prefixes[1] || !strings.HasPrefix(prefixes[0], "podtest_static:podtest:") {
		t.Fatalf("Global prefixes %q", prefixes)
	}
}

// TestDropLeftovers: a test database older than leftoverAge (its test
// binary was killed) is dropped; a recent one, of a test that may still
// run, stays.
func TestDropLeftovers(t *testing.T) {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, testDatabaseURL())
	if err != nil {
		unavailable(t, "PostgreSQL", err)
	}
	t.Cleanup(func() { admin.Close(ctx) }) // after the drops below: cleanups run last first
	old := dbPrefix() + "t" + strconv.FormatInt(time.Now().Add(-48*time.Hour).Unix(), 10) + "_" + uniqueSuffix()
	recent := dbPrefix() + "t" + strconv.FormatInt(time.Now().Unix(), 10) + "_" + uniqueSuffix()
	for _, n := range []string{old, recent} {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+quote(n)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec(ctx, "DROP DATABASE IF EXISTS "+quote(n)) })
	}
	dropLeftovers(ctx, admin)
	if dbExists(t, old) {
		t.Errorf("the leftover %s is still there", old)
	}
	if !dbExists(t, recent) {
		t.Errorf("the recent %s was dropped", recent)
	}
}

// TestUnavailableSkips: without CI, a PostgreSQL that does not answer
// skips the test rather than failing it.
func TestUnavailableSkips(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("PODGEN_TEST_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	skipped, returned := false, false
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		New(t)
		returned = true
	})
	if !skipped || returned {
		t.Fatalf("skipped %v, New returned %v; want a skip", skipped, returned)
	}
}
