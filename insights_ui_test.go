package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/podgen/podgen/internal/apptest"
)

// chromiumPath is Debian's Chromium; the test never downloads a browser.
const chromiumPath = "/usr/bin/chromium"

// insightsE2E is the node project that drives the page (playwright-core,
// pinned by its package-lock.json, installed with npm ci).
var insightsE2E = filepath.Join("testdata", "insights-e2e")

// TestInsightsUI builds the rich app's server, runs it in development
// against a fresh database, makes calls and stores future calls and
// health rows, then drives the insights page in headless Chromium
// (testdata/insights-e2e/ui.mjs): sign-in (a wrong secret first),
// sessions and the errors filter, a session's queries, cancelling a
// future call, changing a log setting and seeing it take effect, charts
// with real points, no console error, no request to another host. The
// screenshots of every view go to the folder the test logs. It fails,
// not skips, under CI when chromium or node is missing.
func TestInsightsUI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the rich app and runs Chromium; skipped with -short")
	}
	for _, tool := range []string{chromiumPath, "node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing (.ci/run installs chromium; node and npm come with it): %v", tool, err)
			}
			t.Skipf("%s is missing: %v", tool, err)
		}
	}
	npm := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	npm.Dir = insightsE2E
	npm.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	if out, err := npm.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", insightsE2E, err, out)
	}
	dbURL := insightsDatabase(t)

	mod := apptest.Setup(t, ".", "rich")
	bin := filepath.Join(t.TempDir(), "server")
	apptest.Run(t, mod, "build", "-o", bin, "./out/cmd/server")
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	schema, err := os.ReadFile(filepath.Join(mod, "out", "tables.pgsql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), string(schema)); err != nil {
		t.Fatalf("tables.pgsql: %v", err)
	}

	const secret = "ui-e2e-secret"
	srv := exec.Command(bin, "--mode", "development", "--apply-migrations")
	srv.Dir = t.TempDir()
	srv.Env = append(os.Environ(), "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0",
		"PODGEN_DATABASE_URL="+dbURL, "PODGEN_SERVICE_SECRET="+secret)
	var stdout, stderr lockedBuffer
	srv.Stdout, srv.Stderr = &stdout, &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			srv.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server stdout:\n%s\nserver stderr:\n%s", stdout.String(), stderr.String())
		}
	}()
	var apiURL, insightsURL string
	for deadline := time.Now().Add(30 * time.Second); apiURL == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		out := stdout.String()
		api := regexp.MustCompile(`listening on port (\d+)`).FindStringSubmatch(out)
		ins := regexp.MustCompile(`Service port (\d+) open`).FindStringSubmatch(out)
		if api != nil && ins != nil {
			apiURL, insightsURL = "http://127.0.0.1:"+api[1], "http://127.0.0.1:"+ins[1]
		}
	}
	if apiURL == "" {
		t.Fatalf("the server did not listen within 30 s:\n%s\n%s", stdout.String(), stderr.String())
	}

	// More calls than a page of 20 holds, for the paging.
	for range 20 {
		res, err := http.Post(apiURL+"/calls/nothing", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	// Calls the page must show: successes, two failures, calls with queries
	// (made last, so the newest page holds them).
	for _, c := range []struct {
		path string
		code int
	}{{"/calls/nothing", 200}, {"/calls/internal", 500}, {"/store/countCompanies", 200}, {"/calls/nothing", 200}, {"/calls/internal", 500}} {
		res, err := http.Post(apiURL+c.path, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.code {
			t.Fatalf("POST %s = %d, want %d", c.path, res.StatusCode, c.code)
		}
	}
	ctx := context.Background()
	// Future calls: two scheduled in an hour, one failed for good.
	var cancelID, keepID, failedID int64
	for _, c := range []struct {
		id                           *int64
		name, identifier, state, err string
		attempts                     int
	}{{&cancelID, "sendReminder", "rem-1", "scheduled", "", 0}, {&keepID, "sendReminder", "rem-2", "scheduled", "", 0},
		{&failedID, "count", "", "failed", "fc_effect: relation does not exist", 5}} {
		if err := conn.QueryRow(ctx, `INSERT INTO "pod_future_call" ("name", "due", "arg", "identifier", "state", "attempts", "last_error")
			VALUES ($1, now() + interval '1 hour', '{"id":null,"text":"hi"}', NULLIF($2, ''), $3, $4, NULLIF($5, '')) RETURNING "id"`,
			c.name, c.identifier, c.state, c.attempts, c.err).Scan(c.id); err != nil {
			t.Fatal(err)
		}
	}
	// Health rows of the last half hour for this server and another one.
	if _, err := conn.Exec(ctx, `INSERT INTO "pod_health_metric" ("server_id", "time", "requests", "errors", "latency_p50_ms",
		"latency_p95_ms", "latency_p99_ms", "memory_bytes", "goroutines", "db_connections", "db_idle")
		SELECT s, now() - make_interval(mins => m), 600 + 30 * m + 100 * s, m % 3, 2 + m % 5, 8, 20 + m, 30000000 + 100000 * m, 40 + m, 4, 2
		FROM generate_series(0, 1) s, generate_series(1, 30) m`); err != nil {
		t.Fatal(err)
	}

	shots, err := os.MkdirTemp("", "podgen-insights-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots of every view: %s", shots)
	nctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	node := exec.CommandContext(nctx, "node", "ui.mjs")
	node.Dir = insightsE2E
	node.Env = append(os.Environ(), "INSIGHTS_URL="+insightsURL, "API_URL="+apiURL, "SECRET="+secret,
		"SHOTS="+shots, "CHROMIUM="+chromiumPath, fmt.Sprintf("CANCEL_ID=%d", cancelID), fmt.Sprintf("FAILED_ID=%d", failedID))
	out, err := node.CombinedOutput()
	t.Logf("ui.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("ui.mjs failed: %v", err)
	}

	// What the page did is in the database.
	var left []int64
	rows, err := conn.Query(ctx, `SELECT "id" FROM "pod_future_call" ORDER BY "id"`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		left = append(left, id)
	}
	if rows.Err() != nil || fmt.Sprint(left) != fmt.Sprint([]int64{keepID, failedID}) {
		t.Errorf("future calls after cancelling %d in the page: %v, want [%d %d]", cancelID, left, keepID, failedID)
	}
	var stored []byte
	if err := conn.QueryRow(ctx, `SELECT "settings"::text FROM "pod_runtime_settings"`).Scan(&stored); err != nil ||
		!bytes.Contains(stored, []byte(`"logAllQueries": true`)) {
		t.Errorf("stored settings after the page saved logAllQueries: %s %v", stored, err)
	}
	entries, _ := os.ReadDir(shots)
	if len(entries) < 6 {
		t.Errorf("screenshots in %s: %d, want one per view", shots, len(entries))
	}
}

// insightsDatabase creates a fresh database, dropped when the test ends.
func insightsDatabase(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("PODGEN_TEST_DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, admin)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL unreachable (PODGEN_TEST_DATABASE_URL): %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	defer c.Close(ctx)
	name := fmt.Sprintf("podgen_ui_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, admin); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
