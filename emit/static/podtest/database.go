package podtest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/podgen/podgen/emit/static/pod"
	"github.com/podgen/podgen/emit/static/server"
)

// Test databases. Each test gets its own database, a copy of a template
// (CREATE DATABASE ... TEMPLATE, a file copy: tens of milliseconds), and
// drops it when it ends. The template holds the app's schema: tables.pgsql
// when the app has no migrations, then every migration version through
// the migration runner the server uses (--apply-migrations), so a test
// sees what a deployed server sees. It is named after a hash of that
// schema and kept on the server, so only the first test binary after a
// schema change builds it; building it is serialised across processes by
// an advisory lock, and a template of an older schema of the same app is
// dropped then. A copy rather than one transaction rolled back per test:
// the server keeps its pool, its own transactions and savepoints, future
// calls' SKIP LOCKED and NOTIFY, and calls from many goroutines, exactly
// as in production.

// templateState is the template of this binary, built once.
var templateState struct {
	once sync.Once
	name string
	err  error
}

// testDatabase creates the test's database and returns its URL; it is
// dropped when the test ends.
func testDatabase(t testing.TB) string {
	t.Helper()
	base, err := url.Parse(testDatabaseURL())
	if err != nil {
		t.Fatalf("podtest: PODGEN_TEST_DATABASE_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, base.String())
	if err != nil {
		unavailable(t, "PostgreSQL at "+base.Redacted()+" (PODGEN_TEST_DATABASE_URL)", err)
	}
	defer admin.Close(context.Background())
	templateState.once.Do(func() {
		templateState.name, templateState.err = ensureTemplate(ctx, admin, base)
		dropLeftovers(ctx, admin)
	})
	if templateState.err != nil {
		t.Fatalf("podtest: building the template database: %v", templateState.err)
	}
	name := dbPrefix() + "t" + strconv.FormatInt(time.Now().Unix(), 10) + "_" + uniqueSuffix()
	err = createFrom(ctx, admin, name, templateState.name)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "3D000" {
		// Another process dropped the template (its schema changed, or by
		// hand): build it again and retry once.
		if _, err = ensureTemplate(ctx, admin, base); err == nil {
			err = createFrom(ctx, admin, name, templateState.name)
		}
	}
	if err != nil {
		t.Fatalf("podtest: creating the test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base.String())
		if err == nil {
			_, err = c.Exec(ctx, "DROP DATABASE IF EXISTS "+quote(name)+" WITH (FORCE)")
			c.Close(ctx)
		}
		if err != nil {
			t.Errorf("podtest: dropping the test database %s: %v", name, err)
		}
	})
	return withDatabase(base, name)
}

func createFrom(ctx context.Context, admin *pgx.Conn, name, template string) error {
	_, err := admin.Exec(ctx, "CREATE DATABASE "+quote(name)+" TEMPLATE "+quote(template))
	return err
}

// ensureTemplate returns the name of the template of the app's current
// schema, building it when the server lacks it.
func ensureTemplate(ctx context.Context, admin *pgx.Conn, base *url.URL) (string, error) {
	modules := server.MigrationModules()
	sum := schemaHash(modules)
	name := dbPrefix() + "tmpl_" + sum
	lock := int64(binary.BigEndian.Uint64([]byte(sum[:16])))
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", lock); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lock)
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		return "", err
	}
	if n == 1 {
		return name, nil
	}
	building := dbPrefix() + "build_" + sum
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+quote(building)+" WITH (FORCE)"); err != nil {
		return "", err // left by a test binary that was killed while building
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+quote(building)); err != nil {
		return "", err
	}
	if err := applySchema(ctx, withDatabase(base, building), modules); err != nil {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+quote(building)+" WITH (FORCE)")
		return "", err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+quote(building)+" RENAME TO "+quote(name)); err != nil {
		return "", err
	}
	dropStaleTemplates(ctx, admin, name)
	return name, nil
}

// applySchema gives the empty database at dbURL the app's schema.
func applySchema(ctx context.Context, dbURL string, modules []pod.MigrationModule) error {
	if !hasAppMigrations(modules) {
		c, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return err
		}
		_, err = c.Exec(ctx, tablesSQL)
		c.Close(ctx)
		if err != nil {
			return fmt.Errorf("tables.pgsql: %w", err)
		}
	}
	cfg, err := pod.LoadConfig("", "test", appName, func(k string) string {
		if k == "PODGEN_DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	if err != nil {
		return err
	}
	pool, err := pod.OpenDBPool(cfg.Database)
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = pod.ApplyMigrations(ctx, pool, modules)
	return err
}

// databasesNamed lists the databases whose names start with prefix; none
// when the list cannot be read (the callers' work is best effort).
func databasesNamed(ctx context.Context, admin *pgx.Conn, prefix string) []string {
	rows, err := admin.Query(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
	if err != nil {
		return nil
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil
	}
	return names
}

// dropStaleTemplates drops the templates of the app's earlier schemas,
// best effort: one in use is left alone.
func dropStaleTemplates(ctx context.Context, admin *pgx.Conn, keep string) {
	for _, n := range databasesNamed(ctx, admin, dbPrefix()+"tmpl_") {
		if n != keep {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+quote(n))
		}
	}
}

// leftoverAge is how old a test database must be before another test
// binary drops it: one whose test binary was killed before its cleanup
// ran. No test runs that long; one that did would still hold connections,
// and DROP without FORCE leaves a database in use alone.
const leftoverAge = 24 * time.Hour

// dropLeftovers drops the app's test databases older than leftoverAge
// (their names carry their creation time: podtest_<app>_t<unix seconds>_…),
// best effort.
func dropLeftovers(ctx context.Context, admin *pgx.Conn) {
	prefix := dbPrefix() + "t"
	for _, n := range databasesNamed(ctx, admin, prefix) {
		stamp, _, ok := strings.Cut(strings.TrimPrefix(n, prefix), "_")
		sec, err := strconv.ParseInt(stamp, 10, 64)
		if ok && err == nil && time.Since(time.Unix(sec, 0)) > leftoverAge {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+quote(n))
		}
	}
}

// schemaHash identifies the schema a template is built from.
func schemaHash(modules []pod.MigrationModule) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", tablesSQL)
	for _, m := range modules {
		fmt.Fprintf(h, "module %q %q\n", m.Name, m.Definition)
		for _, v := range m.Versions {
			fmt.Fprintf(h, "version %q %q\n", v.Version, v.SQL)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func hasAppMigrations(modules []pod.MigrationModule) bool {
	for _, m := range modules {
		if m.Name != "podgen" && len(m.Versions) > 0 {
			return true
		}
	}
	return false
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// dbPrefix starts the names of the app's test databases: podtest_<app>_,
// the app's name cut so that every name stays within Postgres's 63 bytes
// (a test's: 25 + t + 10 digits + _ + pid, sequence and 6 hex digits).
func dbPrefix() string {
	app := notIdent.ReplaceAllString(strings.ToLower(appName), "_")
	if len(app) > 16 {
		app = app[:16]
	}
	return "podtest_" + app + "_"
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }
