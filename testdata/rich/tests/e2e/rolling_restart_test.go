package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// nginxPath finds Debian's nginx; without it the test fails under CI
// (.ci/run installs it) and is skipped elsewhere.
func nginxPath(t *testing.T) string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("nginx is not installed (apt-get install nginx)")
	}
	t.Skip("nginx is not installed")
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// nginxConf is a load balancer as one would deploy it in front of the
// servers: kept-alive upstream connections (closed when idle for less
// than the servers' drainDelay), passive health checks, and a
// retry on another server only for errors before the request was sent
// (non-idempotent POSTs are never retried once sent, so a lost or doubled
// insert cannot hide behind a retry).
const nginxConf = `worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	upstream app {
%[2]s		keepalive 32;
		keepalive_timeout 500ms; # below drainDelay, as docs/DESIGN.md advises
	}
	server {
		listen 127.0.0.1:%[3]d;
		location / {
			proxy_pass http://app;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $host;
			proxy_next_upstream error timeout;
			proxy_connect_timeout 1s;
		}
	}
}
`

// startNginx runs nginx in the foreground in front of the ports and
// returns its URL.
func startNginx(t *testing.T, ports []int) string {
	t.Helper()
	bin := nginxPath(t)
	dir := t.TempDir()
	for _, d := range []string{"body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	var upstreams string
	for _, p := range ports {
		upstreams += fmt.Sprintf("\t\tserver 127.0.0.1:%d max_fails=1 fail_timeout=1s;\n", p)
	}
	listen := freePort(t)
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(nginxConf, dir, upstreams, listen)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-g", "daemon off;")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its workers too, for the cleanup
	var stderr lockedBuilder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the master and its workers
		cmd.Wait()
		if log, _ := os.ReadFile(filepath.Join(dir, "error.log")); t.Failed() && len(log) > 0 {
			t.Logf("nginx error.log:\n%s", log)
		}
	})
	waitDial(t, "127.0.0.1:"+strconv.Itoa(listen))
	return "http://127.0.0.1:" + strconv.Itoa(listen)
}

// waitReady polls a server's /readyz until it answers 200.
func waitReady(t *testing.T, url string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
	}
	t.Fatalf("%s never became ready", url)
}

// TestRollingRestartBehindNginx restarts three servers behind nginx one by
// one while clients insert through it: no call may fail, and every insert
// that was acknowledged must be in the database.
func TestRollingRestartBehindNginx(t *testing.T) {
	u := freshDatabase(t)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	config := "apiServer:\n  host: 127.0.0.1\n  drainDelay: 1s\n  shutdownTimeout: 10s\n"
	if err := os.WriteFile(filepath.Join(dir, "config", "staging.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	ports := []int{freePort(t), freePort(t), freePort(t)}
	start := func(port int) *serverProc {
		p := startServer(t, dir, []string{"PODGEN_DATABASE_URL=" + u.String(), "PODGEN_API_PORT=" + strconv.Itoa(port)},
			"--mode", "staging", "--role", "serverless")
		waitReady(t, p.url)
		return p
	}
	servers := make([]*serverProc, len(ports))
	for i, port := range ports {
		servers[i] = start(port)
	}
	lb := startNginx(t, ports)

	var (
		stop     atomic.Bool
		failures atomic.Int64
		mu       sync.Mutex
		acked    []int64
		firstErr atomic.Value
		wg       sync.WaitGroup
	)
	const clients = 8
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 15 * time.Second}
			for i := 0; !stop.Load() && i < 100000; i++ {
				body := companyBody("null", strconv.Quote(fmt.Sprintf("rolling %d-%d", c, i)))
				res, err := client.Post(lb+"/store/createCompany", "application/json", bytes.NewReader(body))
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				var created struct{ ID int64 }
				if res.StatusCode != 200 || json.Unmarshal(got, &created) != nil || created.ID == 0 {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %s", res.StatusCode, got))
					continue
				}
				mu.Lock()
				acked = append(acked, created.ID)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	for i, port := range ports {
		servers[i].stop(t)
		servers[i] = start(port)
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	conn, err := pgx.Connect(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var stored int64
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM company WHERE id = ANY($1)`, acked).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	t.Logf("3 restarts behind nginx, %d clients: %d inserts acknowledged, %d stored, %d failed", clients, len(acked), stored, failures.Load())
	if len(acked) < 100 {
		t.Errorf("only %d inserts acknowledged: the load did not run", len(acked))
	}
	if n := failures.Load(); n > 0 {
		t.Errorf("%d calls failed during the rolling restart, the first: %v", n, firstErr.Load())
	}
	if stored != int64(len(acked)) {
		t.Errorf("%d acknowledged inserts, %d in the database", len(acked), stored)
	}
}
