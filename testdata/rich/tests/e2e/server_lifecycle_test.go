package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServerGracefulShutdown: a SIGTERM during a slow call lets it finish,
// then the process exits 0.
func TestServerGracefulShutdown(t *testing.T) {
	p := startServer(t, t.TempDir(), nil)
	type answer struct {
		status int
		body   string
	}
	done := make(chan answer, 1)
	go func() {
		status, _, body := post(t, "POST", p.url+"/calls/slow", []byte(`{"millis":1500}`))
		done <- answer{status, string(body)}
	}()
	time.Sleep(500 * time.Millisecond) // the call is in flight
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-done:
		if a.status != 200 || a.body != `"done"` {
			t.Fatalf("slow call: %d %s", a.status, a.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slow call did not finish")
	}
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestServerBadConfig: a bad config file is one line naming the file,
// line, column and setting, and exit code 1.
func TestServerBadConfig(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config/development.yaml": "apiServer:\n  port: eighty\n"})
	p := runServer(t, dir, nil)
	if code := p.wait(t, 10*time.Second); code != 1 {
		t.Fatalf("exit code %d", code)
	}
	want := "config/development.yaml:2:9: apiServer.port: expected an integer\n"
	if got := p.stderr.String(); got != want {
		t.Fatalf("stderr %q, want %q", got, want)
	}
}

// TestServerBannerAndConfig: the banner shows the settings with passwords
// masked; the config's maxRequestSize and the --server-id flag apply.
func TestServerBannerAndConfig(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"conf/staging.yaml": "apiServer: {port: 1, requestTimeout: 5s}\n" +
			"database: {host: db.example, port: 5433, name: richdb, user: app}\n" +
			"redis: {enabled: true, host: cache.example}\nmaxRequestSize: 64\n",
		"conf/passwords.yaml": "staging: {database: hunter2, redis: redispw}\n",
	})
	p := startServer(t, dir, nil, "--mode", "staging", "--server-id", "3", "--config-dir", "conf")
	out := p.stdout.String()
	for _, want := range []string{"staging", "conf/staging.yaml", "app:********@db.example:5433/richdb",
		":********@cache.example:6379", "Server id 3 listening on port"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "redispw") {
		t.Errorf("banner shows a password:\n%s", out)
	}
	if status, _, body := post(t, "POST", p.url+"/calls/serverID", nil); status != 200 || string(body) != "3" {
		t.Errorf("serverID: %d %s", status, body)
	}
	if status, _, _ := post(t, "POST", p.url+"/types/string", []byte(`{"v":"`+strings.Repeat("x", 64)+`"}`)); status != 413 {
		t.Errorf("body over maxRequestSize 64: status %d", status)
	}
}

// TestServerRequestTimeout: a call that outlives apiServer.requestTimeout
// sees its session cancelled and answers a 503 "request timed out".
func TestServerRequestTimeout(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config/development.yaml": "apiServer: {requestTimeout: 200ms}\n"})
	p := startServer(t, dir, nil)
	start := time.Now()
	status, h, body := post(t, "POST", p.url+"/calls/slow", []byte(`{"millis":5000}`))
	if status != 503 || !strings.Contains(string(body), `"error":"request timed out"`) || h.Get("Retry-After") == "" ||
		time.Since(start) > 3*time.Second {
		t.Fatalf("got %d %s after %s", status, body, time.Since(start))
	}
}
