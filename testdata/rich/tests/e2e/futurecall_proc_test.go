package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"example.com/rich/out/pod"
)

// futureCallCluster is a fresh database with the fc_effect table that
// CountFutureCall writes to, a config folder with the given lease and a
// short poll, and a session to schedule calls with. Only the SIGKILL test
// wants a short lease: on a loaded machine a call of the others might
// outlive one and rightly run again.
type futureCallCluster struct {
	dir string
	env []string
	s   *pod.Session
}

func newFutureCallCluster(t *testing.T, lease string) *futureCallCluster {
	u := freshDatabase(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := "futureCalls:\n  lease: " + lease + "\n  pollInterval: 100ms\n  concurrency: 8\n"
	if err := os.WriteFile(filepath.Join(dir, "config", "development.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"PODGEN_DATABASE_URL=" + u.String()}
	cfg, err := pod.LoadConfig(filepath.Join(dir, "config"), "development", "rich", func(k string) string {
		if k == "PODGEN_DATABASE_URL" {
			return u.String()
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pod.OpenDBPool(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	rt := &pod.Runtime{Config: cfg, DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s := pod.NewSession(context.Background(), rt, "test", "futureCalls", "t")
	if _, err := s.DB.Exec(`CREATE TABLE fc_effect (n bigint NOT NULL, server int NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return &futureCallCluster{dir: dir, env: env, s: s}
}

func (c *futureCallCluster) count(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	rows, err := c.s.DB.Query(sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0].(int64)
}

// waitDrained waits until no call is left to run.
func (c *futureCallCluster) waitDrained(t *testing.T, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for c.count(t, `SELECT count(*) FROM pod_future_call`) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("calls left after %s: %d", limit, c.count(t, `SELECT count(*) FROM pod_future_call`))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestFutureCallSurvivesRestart(t *testing.T) {
	c := newFutureCallCluster(t, "30s")
	a := startServer(t, c.dir, c.env, "--server-id", "1")
	if err := c.s.FutureCalls.Count.After(1500*time.Millisecond, 7); err != nil {
		t.Fatal(err)
	}
	a.stop(t)
	startServer(t, c.dir, c.env, "--server-id", "2")
	c.waitDrained(t, 15*time.Second)
	time.Sleep(300 * time.Millisecond)
	if n := c.count(t, `SELECT count(*) FROM fc_effect WHERE n = 7 AND server = 2`); n != 1 {
		t.Errorf("the call ran %d times on the restarted server, want once", n)
	}
}

func TestFutureCallRunsAgainAfterSIGKILL(t *testing.T) {
	c := newFutureCallCluster(t, "1s")
	a := startServer(t, c.dir, c.env, "--server-id", "1")
	if err := c.s.FutureCalls.Count.After(0, -1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.count(t, `SELECT count(*) FROM fc_effect`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the call never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.wait(t, 5*time.Second)
	startServer(t, c.dir, c.env, "--server-id", "2")
	c.waitDrained(t, 20*time.Second)
	if n := c.count(t, `SELECT count(*) FROM fc_effect WHERE server = 2`); n != 1 {
		t.Errorf("the killed call ran %d times on the second server, want once after its lease", n)
	}
}

func TestFutureCallsThreeServersRunEachCallOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("3 servers × 3,000 calls")
	}
	c := newFutureCallCluster(t, "30s")
	for id := 1; id <= 3; id++ {
		startServer(t, c.dir, c.env, "--server-id", string(rune('0'+id)))
	}
	if _, err := c.s.DB.Exec(`INSERT INTO pod_future_call (name, due, arg)
		SELECT 'Count', now(), n::text FROM generate_series(1, 3000) n`); err != nil {
		t.Fatal(err)
	}
	c.waitDrained(t, 60*time.Second)
	if n := c.count(t, `SELECT count(*) FROM fc_effect`); n != 3000 {
		t.Errorf("%d runs, want 3000", n)
	}
	if n := c.count(t, `SELECT count(DISTINCT n) FROM fc_effect`); n != 3000 {
		t.Errorf("%d distinct calls ran, want 3000", n)
	}
	if n := c.count(t, `SELECT count(DISTINCT server) FROM fc_effect`); n < 2 {
		t.Logf("only %d server(s) took part", n)
	}
}

func TestFutureCallRoles(t *testing.T) {
	c := newFutureCallCluster(t, "30s")
	bad := runServer(t, c.dir, c.env, "--role", "cron")
	if code := bad.wait(t, 10*time.Second); code != 2 || !strings.Contains(bad.stderr.String(), `invalid --role "cron"`) {
		t.Errorf("--role cron: exit %d, stderr %q", code, bad.stderr.String())
	}
	startServer(t, c.dir, c.env, "--role", "serverless")
	for _, n := range []int64{1, 2} {
		if err := c.s.FutureCalls.Count.After(0, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.s.FutureCalls.Count.After(time.Hour, 3); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := c.count(t, `SELECT count(*) FROM fc_effect`); n != 0 {
		t.Fatalf("a serverless server ran %d calls", n)
	}
	m := runServer(t, c.dir, c.env, "--role", "maintenance")
	if code := m.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("maintenance exited %d: %s", code, m.stderr.String())
	}
	if n := c.count(t, `SELECT count(*) FROM fc_effect`); n != 2 {
		t.Errorf("maintenance ran %d calls, want the 2 due", n)
	}
	if n := c.count(t, `SELECT count(*) FROM pod_future_call`); n != 1 {
		t.Errorf("%d calls left, want the one due in an hour", n)
	}
}
