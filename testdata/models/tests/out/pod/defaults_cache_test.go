package pod

import (
	"net"
	"os"
	"strconv"
	"testing"
	"time"
)

// modelsRedis is the Redis of the cache tests (PODGEN_TEST_REDIS_ADDR):
// skipped without one, failed when CI is set.
func modelsRedis(t *testing.T) RedisConfig {
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
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return RedisConfig{Enabled: true, Host: host, Port: n}
}

// TestCachesKeepDefaultsAndUUIDIDs: a stored value that lacks a key (one
// written before the field had a default) is read with the model default;
// values with defaults and UUID ids go through the Global cache intact.
func TestCachesKeepDefaultsAndUUIDIDs(t *testing.T) {
	v, err := cacheDecode("Defaults", []byte(`{"count":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if d := v.(*Defaults); d.Count != 1 || d.Greeting != "hello, world" || d.Token.IsZero() || d.DbCount != nil {
		t.Errorf("stored form without keys: %+v", d)
	}

	g := NewGlobalCache(modelsRedis(t), "models-test-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	defer g.Close()
	defer g.Clear()
	d := NewDefaults()
	seven := int64(7)
	d.DbCount = &seven
	u := &UuidKeyed{ID: NewUUIDv7(), Name: "u"}
	for key, val := range map[string]any{"d": d, "u": u} {
		if err := g.Put(key, val, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	got, err := g.Get("d")
	if err != nil {
		t.Fatal(err)
	}
	if gd := got.(*Defaults); gd.Token != d.Token || gd.Count != 42 || gd.DbCount == nil || *gd.DbCount != 7 || !gd.Created.Equal(d.Created) {
		t.Errorf("Defaults through the Global cache: %+v, want %+v", gd, d)
	}
	got, err = g.Get("u")
	if err != nil {
		t.Fatal(err)
	}
	if gu := got.(*UuidKeyed); gu.ID != u.ID || gu.Name != "u" {
		t.Errorf("UuidKeyed through the Global cache: %+v, want %+v", gu, u)
	}
}
