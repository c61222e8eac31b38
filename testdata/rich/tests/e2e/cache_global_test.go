package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// cacheRedisAddr is the Redis the cache tests use (PODGEN_TEST_REDIS_ADDR,
// default 127.0.0.1:6379): skipped without one, failed when CI is set.
func cacheRedisAddr(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("PODGEN_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s is unreachable and CI is set: %v", addr, err)
		}
		t.Skipf("Redis at %s is unreachable: %v", addr, err)
	}
	conn.Close()
	return addr
}

// cacheCluster starts n servers of the app that share the Redis at
// redisAddr under a key prefix of their own.
func cacheCluster(t *testing.T, redisAddr string, n int) []*serverProc {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config/development.yaml": "caches: {global: {prefix: rich-e2e-" +
		hex.EncodeToString(b) + "}}\n"})
	env := []string{"PODGEN_REDIS_URL=redis://" + redisAddr}
	var procs []*serverProc
	for i := range n {
		procs = append(procs, startServer(t, dir, env, "--server-id", string(rune('0'+i))))
	}
	return procs
}

// call posts params to /cache/<method> and returns the status and body.
func call(t *testing.T, p *serverProc, method string, params map[string]any) (int, string) {
	t.Helper()
	body, _ := json.Marshal(params)
	status, _, out := post(t, http.MethodPost, p.url+"/cache/"+method, body)
	return status, string(out)
}

func cacheCompany(name string) map[string]any {
	return map[string]any{"id": 3, "name": name, "foundedDate": nil, "employees": []any{
		map[string]any{"id": 1, "name": "Ada", "email": "ada@example.com", "age": 36, "salary": 1.5,
			"role": "engineer", "startDate": "2024-01-02T03:04:05Z", "manager": nil, "skills": []string{"math"}}},
		"numEmployees": 1, "headquarters": map[string]any{"street": "Main", "city": "Oslo", "zip": nil, "country": "NO"},
		"offices": []any{}, "tags": []string{"x"}, "status": "active", "draftNote": "d"}
}

// TestCacheGlobalSharedByTwoServers puts through one server process and
// gets through another, and checks lifetimes and invalidation.
func TestCacheGlobalSharedByTwoServers(t *testing.T) {
	procs := cacheCluster(t, cacheRedisAddr(t), 2)
	a, b := procs[0], procs[1]
	if st, out := call(t, a, "globalPut", map[string]any{"key": "c1", "company": cacheCompany("Acme"), "lifetimeMillis": 0}); st != 200 {
		t.Fatalf("globalPut: %d %s", st, out)
	}
	st, out := call(t, b, "globalGet", map[string]any{"key": "c1"})
	if st != 200 || !strings.Contains(out, `"name":"Acme"`) || !strings.Contains(out, `"skills":["math"]`) ||
		!strings.Contains(out, `"headquarters":{"street":"Main"`) {
		t.Fatalf("globalGet through the other server: %d %s", st, out)
	}
	if st, out := call(t, b, "globalGet", map[string]any{"key": "never"}); st != 200 || out != "null" {
		t.Fatalf("miss: %d %s", st, out)
	}
	call(t, a, "globalPut", map[string]any{"key": "short", "company": cacheCompany("Brief"), "lifetimeMillis": 400})
	if _, out := call(t, b, "globalGet", map[string]any{"key": "short"}); !strings.Contains(out, "Brief") {
		t.Fatalf("gone before its lifetime: %s", out)
	}
	time.Sleep(600 * time.Millisecond)
	if _, out := call(t, b, "globalGet", map[string]any{"key": "short"}); out != "null" {
		t.Fatalf("still there after its lifetime: %s", out)
	}
	call(t, b, "globalInvalidate", map[string]any{"key": "c1"})
	if _, out := call(t, a, "globalGet", map[string]any{"key": "c1"}); out != "null" {
		t.Fatalf("invalidated through one server, still seen by the other: %s", out)
	}
	// Local caches are per process: each server keeps its first name.
	call(t, a, "localName", map[string]any{"key": "k", "name": "from-a"})
	if _, out := call(t, b, "localName", map[string]any{"key": "k", "name": "from-b"}); out != `"from-b"` {
		t.Fatalf("server b's Local cache: %s", out)
	}
	if _, out := call(t, a, "localName", map[string]any{"key": "k", "name": "other"}); out != `"from-a"` {
		t.Fatalf("server a's Local cache: %s", out)
	}
}

// TestCacheGlobalRedisOutage cuts the servers' connection to Redis (a
// proxy of the test's own: the shared Redis is never stopped). Global
// calls must fail fast, everything else must keep answering, a server
// must start while Redis is down, and all must recover without a restart.
func TestCacheGlobalRedisOutage(t *testing.T) {
	px := newCacheProxy(t, cacheRedisAddr(t))
	procs := cacheCluster(t, px.addr, 1)
	a := procs[0]
	if st, out := call(t, a, "globalPut", map[string]any{"key": "k", "company": cacheCompany("Up"), "lifetimeMillis": 60000}); st != 200 {
		t.Fatalf("globalPut: %d %s", st, out)
	}
	px.cut()
	for i := range 3 {
		start := time.Now()
		st, _ := call(t, a, "globalGet", map[string]any{"key": "k"})
		if took := time.Since(start); st != 500 || took > 2*time.Second {
			t.Fatalf("Redis down, call %d: status %d after %s, want a 500 within 2 s", i, st, took)
		}
	}
	start := time.Now()
	if st, out := call(t, a, "localName", map[string]any{"key": "k", "name": "n"}); st != 200 || time.Since(start) > time.Second {
		t.Fatalf("a Local-cache endpoint while Redis is down: %d %s after %s", st, out, time.Since(start))
	}
	if st, _, out := post(t, http.MethodPost, a.url+"/calls/serverID", nil); st != 200 {
		t.Fatalf("another endpoint while Redis is down: %d %s", st, out)
	}
	late := cacheClusterSameDir(t, a, px.addr) // starts while Redis is down
	px.restore(t)
	for _, p := range []*serverProc{a, late} {
		deadline := time.Now().Add(10 * time.Second)
		for {
			st, out := call(t, p, "globalGet", map[string]any{"key": "k"})
			if st == 200 && strings.Contains(out, `"name":"Up"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no recovery within 10 s of Redis coming back: %d %s", st, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// cacheClusterSameDir starts one more server with a's config folder.
func cacheClusterSameDir(t *testing.T, a *serverProc, redisAddr string) *serverProc {
	t.Helper()
	return startServer(t, a.cmd.Dir, []string{"PODGEN_REDIS_URL=redis://" + redisAddr}, "--server-id", "9")
}

// cacheProxy forwards connections from addr to Redis until cut, which
// closes its listener and every connection; restore listens on addr again.
type cacheProxy struct {
	target, addr string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func newCacheProxy(t *testing.T, target string) *cacheProxy {
	p := &cacheProxy{target: target, addr: "127.0.0.1:0"}
	p.restore(t)
	t.Cleanup(p.cut)
	return p
}

func (p *cacheProxy) restore(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *cacheProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
