package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/generator"
	"github.com/podgen/podgen/internal/apptest"
)

// The end-to-end test of applying migrations (issue 8): the testdata/migrate
// app in its three versions, with the migrations folder that `podgen
// create-migration` wrote for them, built into real server binaries that
// run against a real PostgreSQL.

// migrateFixture is the migrations folder of testdata/migrate (three
// versions: 20260101000000-init, 20260201000000-v2, 20260301000000-v3).
var migrateFixture = filepath.Join("testdata", "migrate", "migrations")

// badVersion is a hand-made fourth version whose second statement fails.
const badVersion = "20260401000000-bad"

const badMigrationSQL = `-- adds a column, then fails
ALTER TABLE "author" ADD COLUMN "nickname" text;
ALTER TABLE "no_such_table"
  ADD COLUMN "x" bigint;
`

// migrateServers are the server binaries of the test, built once: v1, v2
// and v3 with the versions of the migrations folder up to theirs, and
// "bad": v3 plus badVersion.
type migrateServers struct{ v1, v3, bad string }

func TestMigrationsApply(t *testing.T) {
	admin := migrateAdmin(t)
	bins := buildMigrateServers(t)

	t.Run("v1 to v3 keeps the data and matches a fresh v3", func(t *testing.T) {
		db := admin.fresh(t)
		runMigrateServerToExit(t, bins.v1, db, 0, "--role", "maintenance", "--apply-migrations")
		db.exec(t, `INSERT INTO author (name, email) VALUES ('Ann', 'ann@example.com'), ('Bob', NULL), ('Cy', NULL)`)
		db.exec(t, `INSERT INTO book (title, author_id, isbn, pages) VALUES ('A', 1, 'isbn-a', 100), ('B', 2, 'isbn-b', NULL)`)

		t.Run("a server without --apply-migrations names what is missing", func(t *testing.T) {
			p := startMigrateServer(t, bins.v3, db)
			want := "database is behind: missing migrations app/20260201000000-v2, app/20260301000000-v3; start with --apply-migrations"
			p.waitOutput(t, want)
			if resp, err := http.Get(p.url + "/livez"); err != nil || resp.StatusCode != 200 {
				t.Errorf("the behind server does not serve: %v %v", resp, err)
			}
			p.stop(t)
		})

		out := runMigrateServerToExit(t, bins.v3, db, 0, "--role", "maintenance", "--apply-migrations")
		for _, v := range []string{"app/20260201000000-v2", "app/20260301000000-v3"} {
			if !strings.Contains(out, v) {
				t.Errorf("the v3 maintenance run does not report %s:\n%s", v, out)
			}
		}
		if strings.Contains(out, "(definition)") {
			t.Errorf("a database with history was given the definition:\n%s", out)
		}
		if got, want := db.strings(t, `SELECT module || '/' || version FROM pod_migration WHERE module = 'app' ORDER BY version`),
			[]string{"app/20260101000000-init", "app/20260201000000-v2", "app/20260301000000-v3"}; !reflect.DeepEqual(got, want) {
			t.Errorf("recorded %q, want %q", got, want)
		}
		if got, want := db.strings(t, `SELECT concat_ws('|', id, name, email) FROM author ORDER BY id`),
			[]string{"1|Ann|ann@example.com", "2|Bob", "3|Cy"}; !reflect.DeepEqual(got, want) {
			t.Errorf("authors after v3: %q, want %q", got, want)
		}
		if got, want := db.strings(t, `SELECT concat_ws('|', id, title, author_id, coalesce(pages::text, 'null'), coalesce(subtitle, 'null')) FROM book ORDER BY id`),
			[]string{"1|A|1|100|null", "2|B|2|null|null"}; !reflect.DeepEqual(got, want) {
			t.Errorf("books after v3: %q, want %q", got, want)
		}
		db.exec(t, `INSERT INTO review (book_id, stars, comment) VALUES (1, 5, NULL)`)
		if _, err := db.conn.Exec(context.Background(), `INSERT INTO author (name, email) VALUES ('Dup', 'ann@example.com')`); err == nil {
			t.Error("v3's unique author_email_idx lets a duplicate email in")
		}

		fresh := admin.fresh(t)
		out = runMigrateServerToExit(t, bins.v3, fresh, 0, "--role", "maintenance", "--apply-migrations")
		if !strings.Contains(out, "app/20260301000000-v3 (definition)") {
			t.Errorf("an empty database did not get v3's definition:\n%s", out)
		}
		got, want := db.catalog(t), fresh.catalog(t)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the migrated schema differs from a fresh v3:\n%s", catalogDiff(got, want))
		}
		if len(want) < 20 {
			t.Errorf("suspiciously small catalog: %q", want)
		}
	})

	t.Run("three servers at once apply each version once", func(t *testing.T) {
		db := admin.fresh(t)
		procs := make([]*migrateProc, 3)
		for i := range procs {
			procs[i] = launchMigrateServer(t, bins.v3, db, "--apply-migrations", "--server-id", fmt.Sprint(i+1))
		}
		applied := 0
		for _, p := range procs {
			p.waitListening(t)
			if resp, err := http.Get(p.url + "/readyz"); err != nil || resp.StatusCode != 200 {
				t.Errorf("server not ready: %v %v\n%s", resp, err, p.stderr.String())
			}
			applied += strings.Count(p.stderr.String(), "app/20260301000000-v3 (definition)")
		}
		if applied != 1 {
			t.Errorf("the definition was applied by %d servers, want exactly 1", applied)
		}
		want := []string{"app/20260101000000-init", "app/20260201000000-v2", "app/20260301000000-v3"}
		for _, m := range emit.SystemMigrations {
			want = append(want, "podgen/"+m.Version)
		}
		if got := db.strings(t, `SELECT module || '/' || version FROM pod_migration ORDER BY 1`); !reflect.DeepEqual(got, want) {
			t.Errorf("pod_migration holds %q, want the 3 app versions and every podgen version once each: %q", got, want)
		}
		if dup := db.strings(t, `SELECT module || '/' || version FROM pod_migration GROUP BY 1 HAVING count(*) > 1`); len(dup) > 0 {
			t.Errorf("recorded more than once: %q", dup)
		}
	})

	t.Run("a failing migration rolls back and the server exits naming it", func(t *testing.T) {
		db := admin.fresh(t)
		runMigrateServerToExit(t, bins.v3, db, 0, "--role", "maintenance", "--apply-migrations")
		out := runMigrateServerToExit(t, bins.bad, db, 1, "--apply-migrations")
		for _, part := range []string{"app/" + badVersion, `"ALTER TABLE \"no_such_table\""`, "42P01"} {
			if !strings.Contains(out, part) {
				t.Errorf("the failure output lacks %s:\n%s", part, out)
			}
		}
		if strings.Contains(out, "listening on port") {
			t.Errorf("the server served after a failed migration:\n%s", out)
		}
		if n := db.strings(t, `SELECT column_name FROM information_schema.columns WHERE table_name = 'author' AND column_name = 'nickname'`); len(n) != 0 {
			t.Error("the first statement of the failed version was not rolled back")
		}
		if n := db.strings(t, `SELECT version FROM pod_migration WHERE version = $1`, badVersion); len(n) != 0 {
			t.Errorf("the failed version was recorded: %q", n)
		}
	})
}

// buildMigrateServers generates and builds the binaries concurrently.
func buildMigrateServers(t *testing.T) migrateServers {
	t.Helper()
	versions, err := os.ReadDir(migrateFixture)
	if err != nil {
		t.Fatalf("%s (written by `podgen create-migration` for testdata/migrate/v1..v3): %v", migrateFixture, err)
	}
	var names []string
	for _, v := range versions {
		if v.IsDir() {
			names = append(names, v.Name())
		}
	}
	if len(names) != 3 {
		t.Fatalf("%s holds %q, want 3 versions", migrateFixture, names)
	}
	tmp := t.TempDir()
	type variant struct {
		protocol string
		versions []string
		bad      bool
		bin      *string
	}
	var bins migrateServers
	variants := []variant{
		{"v1", names[:1], false, &bins.v1},
		{"v3", names, false, &bins.v3},
		{"v3", names, true, &bins.bad},
	}
	var wg sync.WaitGroup
	errs := make([]error, len(variants))
	for i, v := range variants {
		dir := filepath.Join(tmp, fmt.Sprint(i))
		*v.bin = filepath.Join(tmp, fmt.Sprintf("server-%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = buildMigrateServer(dir, v.protocol, v.versions, v.bad, *v.bin)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return bins
}

// buildMigrateServer makes a module of testdata/migrate, a migrations
// folder with the given versions (plus badVersion), generates the app from
// protocol version `protocol` and builds its server into bin.
func buildMigrateServer(dir, protocol string, versions []string, bad bool, bin string) error {
	mod, err := apptest.Project(".", "migrate", dir)
	if err != nil {
		return err
	}
	migrations := filepath.Join(dir, "migrations")
	for _, v := range versions {
		if err := copyVersionFolder(filepath.Join(migrateFixture, v), filepath.Join(migrations, v)); err != nil {
			return err
		}
	}
	if bad {
		def, err := os.ReadFile(filepath.Join(migrateFixture, versions[len(versions)-1], "definition.sql"))
		if err != nil {
			return err
		}
		if err := writeVersionFiles(filepath.Join(migrations, badVersion), map[string]string{
			"migration.sql": badMigrationSQL, "definition.sql": string(def),
		}); err != nil {
			return err
		}
	}
	if _, err := generator.BuildWith(filepath.Join(mod, protocol, "protocol"), filepath.Join(mod, "endpoints"),
		filepath.Join(mod, "out"), generator.BuildOptions{Migrations: migrations}); err != nil {
		return fmt.Errorf("podgen build %s: %w", protocol, err)
	}
	if out, err := apptest.Go(mod, "build", "-o", bin, "./out/cmd/server"); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", protocol, err, out)
	}
	return nil
}

func copyVersionFolder(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		files[e.Name()] = string(data)
	}
	return writeVersionFiles(to, files)
}

func writeVersionFiles(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// migrateAdminDB creates and drops the test's databases.
type migrateAdminDB struct {
	url  string
	conn *pgx.Conn
	seq  atomic.Int64
}

func migrateAdmin(t *testing.T) *migrateAdminDB {
	t.Helper()
	u := os.Getenv("PODGEN_TEST_DATABASE_URL")
	if u == "" {
		u = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL unreachable (PODGEN_TEST_DATABASE_URL): %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set PODGEN_TEST_DATABASE_URL): %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &migrateAdminDB{url: u, conn: conn}
}

// migrateDB is one fresh, empty database and a connection to it.
type migrateDB struct {
	url  string
	conn *pgx.Conn
}

func (a *migrateAdminDB) fresh(t *testing.T) *migrateDB {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("podgen_apply_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, a.seq.Add(1))
	if _, err := a.conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgx.ParseConfig(a.url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close(ctx)
		a.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
	if cfg.Password != "" {
		u = fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Password, cfg.Host, cfg.Port, name)
	}
	return &migrateDB{url: u, conn: conn}
}

func (d *migrateDB) exec(t *testing.T, sql string) {
	t.Helper()
	if _, err := d.conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// strings runs a query of one text column.
func (d *migrateDB) strings(t *testing.T, sql string, args ...any) []string {
	t.Helper()
	rows, err := d.conn.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

// catalog describes the schema of the public tables: columns with their
// types, nullability and defaults (not their positions: a dropped column
// leaves a gap), indexes by definition, and constraints.
func (d *migrateDB) catalog(t *testing.T) []string {
	t.Helper()
	return d.strings(t, `
		SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable ||
			' default=' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL
		SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
		UNION ALL
		SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace
		ORDER BY 1`)
}

// catalogDiff lists the lines only one side has.
func catalogDiff(got, want []string) string {
	in := func(list []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	g, w := in(got), in(want)
	var b strings.Builder
	for _, s := range got {
		if !w[s] {
			b.WriteString("  only migrated: " + s + "\n")
		}
	}
	for _, s := range want {
		if !g[s] {
			b.WriteString("  only fresh:    " + s + "\n")
		}
	}
	return b.String()
}

// migrateProc is a server process of the test.
type migrateProc struct {
	cmd            *exec.Cmd
	url            string
	stdout, stderr *procOutput
	exited         chan struct{}
}

type procOutput struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *procOutput) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *procOutput) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// launchMigrateServer starts bin on db with the default config (no config
// folder), on free ports, without waiting for anything.
func launchMigrateServer(t *testing.T, bin string, db *migrateDB, args ...string) *migrateProc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PODGEN_DATABASE_URL="+db.url, "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0")
	p := &migrateProc{cmd: cmd, stdout: &procOutput{}, stderr: &procOutput{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.stdout.Write([]byte(sc.Text() + "\n"))
		}
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("server %s stdout:\n%s\nstderr:\n%s", args, p.stdout.String(), p.stderr.String())
		}
	})
	return p
}

var listeningOnRE = regexp.MustCompile(`listening on port (\d+)`)

func (p *migrateProc) waitListening(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningOnRE.FindStringSubmatch(p.stdout.String()); m != nil {
			p.url = "http://127.0.0.1:" + m[1]
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("the server exited before listening:\n%s", p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("the server did not listen within 30 s")
}

func startMigrateServer(t *testing.T, bin string, db *migrateDB, args ...string) *migrateProc {
	t.Helper()
	p := launchMigrateServer(t, bin, db, args...)
	p.waitListening(t)
	return p
}

// runMigrateServerToExit runs bin to its end, checks its exit code and returns its
// stdout and stderr together.
func runMigrateServerToExit(t *testing.T, bin string, db *migrateDB, code int, args ...string) string {
	t.Helper()
	p := launchMigrateServer(t, bin, db, args...)
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not exit within 60 s", args)
	}
	out := p.stdout.String() + p.stderr.String()
	if got := p.cmd.ProcessState.ExitCode(); got != code {
		t.Fatalf("server %s exited %d, want %d:\n%s", args, got, code, out)
	}
	return out
}

// waitOutput waits until the server's stderr or stdout contains want.
func (p *migrateProc) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.stderr.String()+p.stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the server never said %q:\n%s", want, p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *migrateProc) stop(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		t.Error("the server did not stop within 10 s of SIGTERM")
	}
}

// TestBuildMigrationsFlag: --migrations names the folder (also after the
// arguments); a named folder must exist, and on an error nothing is written.
func TestBuildMigrationsFlag(t *testing.T) {
	root := tempModule(t)
	j := func(p string) string { return filepath.Join(root, p) }
	write(t, j("protocol/item.yaml"), "class: Item\ntable: item\nfields:\n  name: String\n")
	write(t, j("endpoints/e.go"), "package endpoints\n")
	code, _, stderr := podgen(t, "build", j("protocol"), j("endpoints"), "-o", j("out"), "--migrations", j("db/migrations"))
	if code != 1 || !strings.Contains(stderr, filepath.Join("db", "migrations")+": migrations folder not found") {
		t.Errorf("missing --migrations folder: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(j("out")); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote out/: %v", err)
	}
	write(t, j("db/migrations/20260101000000-init/migration.sql"), "CREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\n")
	write(t, j("db/migrations/20260101000000-init/definition.sql"), "CREATE TABLE \"item\" (\"id\" bigserial PRIMARY KEY, \"name\" text NOT NULL);\n")
	if code, _, stderr := podgen(t, "build", j("protocol"), j("endpoints"), "-o", j("out"), "--migrations", j("db/migrations")); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	src, err := os.ReadFile(j("out/server/migrations.go"))
	if err != nil || !strings.Contains(string(src), `{Version: "20260101000000-init", SQL: appMigration1}`) {
		t.Errorf("server/migrations.go (%v):\n%s", err, src)
	}
}
