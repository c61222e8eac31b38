package pod

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// testRedis returns the address of the Redis the tests use
// (PODGEN_TEST_REDIS_ADDR, default 127.0.0.1:6379). Without one the test
// is skipped, or fails when CI is set.
func testRedis(t testing.TB) string {
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

func redisConfig(t testing.TB, addr string) RedisConfig {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return RedisConfig{Enabled: true, Host: host, Port: n}
}

// testPrefix is a fresh key prefix, so that runs never see each other.
func testPrefix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "podgen-test-" + hex.EncodeToString(b)
}

func newTestGlobal(t testing.TB, addr string) (*GlobalCache, *redis.Client) {
	t.Helper()
	g := NewGlobalCache(redisConfig(t, addr), testPrefix())
	raw := redis.NewClient(&redis.Options{Addr: testRedis(t)})
	t.Cleanup(func() {
		keys, _ := raw.Keys(context.Background(), g.prefix+"*").Result()
		if len(keys) > 0 {
			raw.Del(context.Background(), keys...)
		}
		raw.Close()
		g.Close()
	})
	return g, raw
}

func TestGlobalCacheRoundTrip(t *testing.T) {
	g, raw := newTestGlobal(t, testRedis(t))
	if v, err := g.Get("missing"); v != nil || err != nil {
		t.Fatalf("miss: %v, %v", v, err)
	}
	if err := g.Put("x", item("x"), 0); err != nil {
		t.Fatal(err)
	}
	v, err := g.Get("x")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := v.(*cacheTestItem)
	if !ok || got.Name != "x" || got.Tags[1] != "b" || *got.Score != 1 || got.Next.Name != "x-next" {
		t.Fatalf("Get = %#v", v)
	}
	stored, err := raw.Get(context.Background(), g.prefix+"x").Result()
	if err != nil || !strings.HasPrefix(stored, `cacheTestItem {"name":"x"`) {
		t.Fatalf("stored as %q (%v), want the class name, a space and the JSON under the prefix", stored, err)
	}
	if ttl := raw.TTL(context.Background(), g.prefix+"x").Val(); ttl != -1 {
		t.Fatalf("lifetime 0 stored with TTL %s, want none", ttl)
	}
	if err := g.Invalidate("x"); err != nil {
		t.Fatal(err)
	}
	if v, err := g.Get("x"); v != nil || err != nil {
		t.Fatalf("after Invalidate: %v, %v", v, err)
	}
	if st := g.Stats(); st.Hits != 1 || st.Misses != 2 {
		t.Fatalf("Stats = %+v, want 1 hit and 2 misses", st)
	}
}

func TestGlobalCacheTTL(t *testing.T) {
	g, raw := newTestGlobal(t, testRedis(t))
	if err := g.Put("short", item("short"), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ttl := raw.PTTL(context.Background(), g.prefix+"short").Val()
	if ttl <= 0 || ttl > 300*time.Millisecond {
		t.Fatalf("Redis TTL = %s, want (0, 300ms]", ttl)
	}
	if v, _ := g.Get("short"); v == nil {
		t.Fatal("gone before its lifetime")
	}
	time.Sleep(400 * time.Millisecond)
	if v, err := g.Get("short"); v != nil || err != nil {
		t.Fatalf("after its lifetime: %v, %v", v, err)
	}
}

func TestGlobalCacheClearKeepsOtherPrefixes(t *testing.T) {
	addr := testRedis(t)
	a, _ := newTestGlobal(t, addr)
	b, _ := newTestGlobal(t, addr)
	a.Put("k", item("a"), 0)
	b.Put("k", item("b"), 0)
	if got := getName(t, a, "k"); got != "a" {
		t.Fatalf("prefixes do not separate apps: %s", got)
	}
	if err := a.Clear(); err != nil {
		t.Fatal(err)
	}
	if got := getName(t, a, "k"); got != "<miss>" {
		t.Fatalf("after Clear: %s", got)
	}
	if got := getName(t, b, "k"); got != "b" {
		t.Fatalf("Clear of one prefix removed another's key: %s", got)
	}
}

func TestGlobalCacheBadStoredValue(t *testing.T) {
	g, raw := newTestGlobal(t, testRedis(t))
	raw.Set(context.Background(), g.prefix+"old", `Gone {"a":1}`, time.Minute)
	raw.Set(context.Background(), g.prefix+"junk", `junk`, time.Minute)
	if _, err := g.Get("old"); err == nil || !strings.Contains(err.Error(), `unknown class "Gone"`) {
		t.Fatalf("unknown class: %v", err)
	}
	if _, err := g.Get("junk"); err == nil || !strings.Contains(err.Error(), "does not hold a cached value") {
		t.Fatalf("junk: %v", err)
	}
	if err := g.Put("k", "text", 0); err == nil {
		t.Fatal("Put of a string succeeded")
	}
}

// TestGlobalCacheOutage cuts the connection to Redis (a proxy of the test's
// own; the shared Redis is never stopped), checks that calls fail fast,
// then restores it and checks that the same cache works again.
func TestGlobalCacheOutage(t *testing.T) {
	p := startProxy(t, testRedis(t))
	g, _ := newTestGlobal(t, p.addr)
	if err := g.Put("k", item("k"), time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"down", "stalled"} {
		if mode == "down" {
			p.stop()
		} else {
			p.stall()
		}
		for i := range 3 {
			start := time.Now()
			_, err := g.Get("k")
			if took := time.Since(start); err == nil || took > 2*globalTimeout {
				t.Fatalf("%s, call %d: err = %v after %s, want an error within %s", mode, i, err, took, 2*globalTimeout)
			}
		}
		if err := g.Put("k2", item("k2"), 0); err == nil {
			t.Fatalf("%s: Put succeeded", mode)
		}
		p.start(t)
		deadline := time.Now().Add(5 * time.Second)
		for {
			v, err := g.Get("k")
			if err == nil && v != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no recovery within 5 s: %v, %v", mode, v, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// proxy forwards TCP connections from addr to a target; stop closes the
// listener and every connection, stall keeps accepting but forwards
// nothing (a hung Redis), start serves again on the same address.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target, addr: "127.0.0.1:0"}
	p.start(t)
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	p.stop()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go p.serve(ln, true)
}

func (p *proxy) stall() {
	p.stop()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		panic(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go p.serve(ln, false)
}

func (p *proxy) serve(ln net.Listener, forward bool) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c)
		p.mu.Unlock()
		if !forward {
			continue // hold the connection, answer nothing
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (p *proxy) stop() {
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

func TestGlobalCacheDisabledNeverDials(t *testing.T) {
	g := NewGlobalCache(RedisConfig{Enabled: false, Host: "192.0.2.1", Port: 1}, "app")
	start := time.Now()
	if _, err := g.Get("k"); !errors.Is(err, ErrRedisDisabled) || time.Since(start) > 10*time.Millisecond {
		t.Fatalf("disabled: %v after %s", err, time.Since(start))
	}
}

// TestCacheLoadWhileRedisIsDown: a failing Global does not fail the load.
func TestCacheLoadWhileRedisIsDown(t *testing.T) {
	p := startProxy(t, testRedis(t))
	g, _ := newTestGlobal(t, p.addr)
	p.stop()
	start := time.Now()
	v, err := CacheLoad(g, "k", time.Minute, func() (*cacheTestItem, error) { return item("loaded"), nil })
	if err != nil || v.Name != "loaded" || time.Since(start) > 2*globalTimeout {
		t.Fatalf("CacheLoad with Redis down: %v, %v after %s", v, err, time.Since(start))
	}
}
