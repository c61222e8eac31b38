package pod

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func item(name string) *cacheTestItem {
	score := int64(len(name))
	return &cacheTestItem{Name: name, Tags: []string{"a", "b"}, Score: &score,
		Attrs: map[string]string{"k": "v"}, Next: &cacheTestItem{Name: name + "-next"}}
}

func getName(t *testing.T, c Cache, key string) string {
	t.Helper()
	v, err := c.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if v == nil {
		return "<miss>"
	}
	return v.(*cacheTestItem).Name
}

func put(t *testing.T, c Cache, key string, lifetime time.Duration) {
	t.Helper()
	if err := c.Put(key, item(key), lifetime); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func TestLocalCacheGetPutInvalidateClear(t *testing.T) {
	c := NewLocalCache(100)
	if got := getName(t, c, "a"); got != "<miss>" {
		t.Fatalf("empty cache: Get = %s", got)
	}
	put(t, c, "a", 0)
	put(t, c, "b", 0)
	if got := getName(t, c, "a"); got != "a" {
		t.Fatalf("Get(a) = %s", got)
	}
	c.Invalidate("a")
	c.Invalidate("never-there")
	if got := getName(t, c, "a"); got != "<miss>" {
		t.Fatalf("after Invalidate: Get(a) = %s", got)
	}
	c.Clear()
	if got := getName(t, c, "b"); got != "<miss>" {
		t.Fatalf("after Clear: Get(b) = %s", got)
	}
	put(t, c, "b", 0) // the cache still works after Clear
	if got := getName(t, c, "b"); got != "b" {
		t.Fatalf("after Clear and Put: Get(b) = %s", got)
	}
	st := c.Stats()
	if st.Hits != 2 || st.Misses != 3 || st.Entries != 1 || st.Evictions != 0 {
		t.Fatalf("Stats = %+v, want 2 hits, 3 misses, 1 entry, 0 evictions", st)
	}
}

func TestLocalCacheRejectsNonClasses(t *testing.T) {
	c := NewLocalCache(10)
	var nilItem *cacheTestItem
	for _, tc := range []struct {
		v    any
		life time.Duration
		want string
	}{
		{"text", 0, "a string is not a pointer to a protocol class"},
		{cacheTestItem{}, 0, "a pod.cacheTestItem is not a pointer"},
		{nil, 0, "a <nil> is not a pointer"},
		{nilItem, 0, "cannot store a nil *pod.cacheTestItem"},
		{item("x"), -time.Second, "negative lifetime -1s"},
	} {
		err := c.Put("k", tc.v, tc.life)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Put(%#v): err = %v, want it to contain %q", tc.v, err, tc.want)
		}
	}
	if st := c.Stats(); st.Entries != 0 {
		t.Fatalf("rejected values were stored: %+v", st)
	}
}

func TestLocalCacheLRUOrderAndBound(t *testing.T) {
	c := NewLocalCache(3) // small: one shard, so eviction is exact LRU
	put(t, c, "a", 0)
	put(t, c, "b", 0)
	put(t, c, "c", 0)
	getName(t, c, "a") // a is now the most recently used; b the least
	put(t, c, "d", 0)  // evicts b
	for _, kw := range [][2]string{{"a", "a"}, {"b", "<miss>"}, {"c", "c"}, {"d", "d"}} {
		if got := getName(t, c, kw[0]); got != kw[1] {
			t.Errorf("Get(%s) = %s, want %s", kw[0], got, kw[1])
		}
	} // reads in this order: a is the least recently used again
	put(t, c, "c", 0) // overwriting refreshes c; a is still the oldest
	put(t, c, "e", 0)
	if got := getName(t, c, "a"); got != "<miss>" {
		t.Errorf("Get(a) = %s, want it evicted", got)
	}
	if st := c.Stats(); st.Evictions != 2 || st.Entries != 3 {
		t.Fatalf("Stats = %+v, want 2 evictions and 3 entries", st)
	}
}

func TestLocalCacheBoundWithShards(t *testing.T) {
	const max = 10_000
	c := NewLocalCache(max)
	if len(c.shards) < 2 {
		t.Fatalf("a cache of %d has %d shard(s), want several", max, len(c.shards))
	}
	for i := range 3 * max {
		put(t, c, fmt.Sprint("k", i), 0)
	}
	st := c.Stats()
	if st.Entries != max || st.Evictions != 2*max {
		t.Fatalf("after %d puts: %+v, want exactly %d entries and %d evictions", 3*max, st, max, 2*max)
	}
	// The newest keys survive: at most a few per shard of the last max are gone.
	kept := 0
	for i := 2 * max; i < 3*max; i++ {
		if v, _ := c.Get(fmt.Sprint("k", i)); v != nil {
			kept++
		}
	}
	if kept < max*9/10 {
		t.Fatalf("only %d of the %d newest keys are cached", kept, max)
	}
}

func TestLocalCacheTTL(t *testing.T) {
	c := NewLocalCache(10)
	put(t, c, "short", 30*time.Millisecond)
	put(t, c, "forever", 0)
	if got := getName(t, c, "short"); got != "short" {
		t.Fatalf("before expiry: Get = %s", got)
	}
	time.Sleep(50 * time.Millisecond)
	if got := getName(t, c, "short"); got != "<miss>" {
		t.Fatalf("after expiry: Get = %s", got)
	}
	if got := getName(t, c, "forever"); got != "forever" {
		t.Fatalf("lifetime 0: Get = %s", got)
	}
	if st := c.Stats(); st.Entries != 1 {
		t.Fatalf("the expired entry was not dropped on Get: %+v", st)
	}
	put(t, c, "short", 0) // a new Put without lifetime clears the old expiry
	time.Sleep(40 * time.Millisecond)
	if got := getName(t, c, "short"); got != "short" {
		t.Fatalf("re-Put with lifetime 0 kept the old expiry")
	}
}

func TestLocalCacheIsolation(t *testing.T) {
	c := NewLocalCache(10)
	orig := item("x")
	c.Put("x", orig, 0)
	orig.Name, orig.Tags[0], *orig.Score, orig.Attrs["k"], orig.Next.Name = "changed", "changed", 99, "changed", "changed"

	v1, _ := c.Get("x")
	got := v1.(*cacheTestItem)
	if got.Name != "x" || got.Tags[0] != "a" || *got.Score != 1 || got.Attrs["k"] != "v" || got.Next.Name != "x-next" {
		t.Fatalf("a change to the caller's value reached the cache: %+v", got)
	}
	got.Name, got.Tags[1], *got.Score, got.Attrs["k"], got.Next.Name = "mine", "mine", 7, "mine", "mine"
	v2, _ := c.Get("x")
	again := v2.(*cacheTestItem)
	if again.Name != "x" || again.Tags[1] != "b" || *again.Score != 1 || again.Attrs["k"] != "v" || again.Next.Name != "x-next" {
		t.Fatalf("a change to one Get's value reached the next Get: %+v", again)
	}
}

// TestLocalCacheConcurrent is for -race: readers, writers, invalidations,
// clears and expiries on overlapping keys.
func TestLocalCacheConcurrent(t *testing.T) {
	c := NewLocalCache(600)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3000 {
				key := fmt.Sprint("k", (i*7+w)%1000)
				switch i % 10 {
				case 0:
					c.Put(key, item(key), time.Millisecond)
				case 1, 2:
					c.Put(key, item(key), 0)
				case 3:
					c.Invalidate(key)
				default:
					if v, _ := c.Get(key); v != nil && v.(*cacheTestItem).Name != key {
						t.Errorf("Get(%s) returned %s", key, v.(*cacheTestItem).Name)
						return
					}
				}
				if w == 0 && i%1000 == 999 {
					c.Clear()
				}
			}
		}()
	}
	wg.Wait()
	if st := c.Stats(); st.Entries > 600 {
		t.Fatalf("bound exceeded: %+v", st)
	}
}

func TestCacheLoadSharesOneLoad(t *testing.T) {
	c := NewLocalCache(10)
	var calls atomic.Int32
	release := make(chan struct{})
	load := func() (*cacheTestItem, error) {
		calls.Add(1)
		<-release
		return item("loaded"), nil
	}
	const n = 20
	results := make(chan *cacheTestItem, n)
	var started sync.WaitGroup
	for range n {
		started.Add(1)
		go func() {
			started.Done()
			v, err := CacheLoad(c, "k", time.Minute, load)
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let all of them reach the shared load
	close(release)
	seen := map[*cacheTestItem]bool{}
	for range n {
		v := <-results
		if v == nil || v.Name != "loaded" {
			t.Fatalf("CacheLoad returned %+v", v)
		}
		if seen[v] {
			t.Fatal("two callers got the same pointer: they would share mutable state")
		}
		seen[v] = true
	}
	if got := calls.Load(); got != 1 {
		t.Fatalf("load ran %d times for concurrent misses of one key, want 1", got)
	}
	if got := getName(t, c, "k"); got != "loaded" {
		t.Fatalf("the loaded value was not cached: %s", got)
	}
	v, err := CacheLoad(c, "k", time.Minute, func() (*cacheTestItem, error) {
		t.Fatal("load called on a hit")
		return nil, nil
	})
	if err != nil || v.Name != "loaded" {
		t.Fatalf("hit: %v, %v", v, err)
	}
}

func TestCacheLoadErrorsAndNil(t *testing.T) {
	c := NewLocalCache(10)
	boom := errors.New("boom")
	if _, err := CacheLoad(c, "k", 0, func() (*cacheTestItem, error) { return nil, boom }); err != boom {
		t.Fatalf("err = %v, want the loader's", err)
	}
	v, err := CacheLoad(c, "k", 0, func() (*cacheTestItem, error) { return nil, nil })
	if err != nil || v != nil {
		t.Fatalf("nil load: %v, %v", v, err)
	}
	if st := c.Stats(); st.Entries != 0 {
		t.Fatalf("an error or nil was cached: %+v", st)
	}
	g := NewGlobalCache(RedisConfig{}, "app")
	if _, err := CacheLoad(g, "k", 0, func() (*cacheTestItem, error) { return item("x"), nil }); !errors.Is(err, ErrRedisDisabled) {
		t.Fatalf("disabled Global: err = %v, want ErrRedisDisabled", err)
	}
}

func TestCacheLoadPanicReleasesWaiters(t *testing.T) {
	c := NewLocalCache(10)
	func() {
		defer func() { recover() }()
		CacheLoad(c, "k", 0, func() (*cacheTestItem, error) { panic("load failed") })
	}()
	v, err := CacheLoad(c, "k", 0, func() (*cacheTestItem, error) { return item("after"), nil })
	if err != nil || v.Name != "after" {
		t.Fatalf("after a panicking load: %v, %v", v, err)
	}
}

func TestNewCachesFromConfig(t *testing.T) {
	cfg := DefaultConfig("test", "myapp")
	cfg.Caches.Local.MaxEntries = 2
	cs := NewCaches(cfg)
	defer cs.Close()
	put(t, cs.Local, "a", 0)
	put(t, cs.Local, "b", 0)
	put(t, cs.Local, "c", 0)
	if st := cs.Local.Stats(); st.Entries != 2 || st.Evictions != 1 {
		t.Fatalf("Local ignores caches.local.maxEntries: %+v", st)
	}
	put(t, cs.LocalPrio, "a", 0)
	if got := getName(t, cs.LocalPrio, "a"); got != "a" {
		t.Fatalf("LocalPrio: %s", got)
	}
	if _, err := cs.Global.Get("a"); !errors.Is(err, ErrRedisDisabled) {
		t.Fatalf("Global with Redis disabled: %v", err)
	}
	for _, err := range []error{cs.Global.Put("a", item("a"), 0), cs.Global.Invalidate("a"), cs.Global.Clear()} {
		if !errors.Is(err, ErrRedisDisabled) {
			t.Fatalf("Global with Redis disabled: %v", err)
		}
	}
	if !strings.Contains(ErrRedisDisabled.Error(), "redis.enabled") {
		t.Fatalf("the error does not say how to enable Redis: %v", ErrRedisDisabled)
	}
}

func TestCachesConfig(t *testing.T) {
	c, err := LoadConfig(t.TempDir()+"/missing", "development", "mypod", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	want := CachesConfig{Local: LocalCacheConfig{MaxEntries: 10000},
		LocalPrio: LocalCacheConfig{MaxEntries: 10000}, Global: GlobalCacheConfig{Prefix: "mypod"}}
	if c.Caches != want {
		t.Fatalf("defaults: %+v, want %+v", c.Caches, want)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"caches: {local: {maxEntries: 5}, localPrio: {maxEntries: 7}, global: {prefix: other}}", ""},
		{"caches:\n  local: {maxEntries: 0}", "2:23: caches.local.maxEntries: expected a positive integer"},
		{"caches:\n  global: {prefx: x}", `2:12: caches.global.prefx: unknown key (known keys: "prefix")`},
		{"caches: {remote: {}}", "caches.remote: unknown key"},
	} {
		dir := t.TempDir()
		os.WriteFile(dir+"/development.yaml", []byte(tc.yaml), 0o644)
		c, err := LoadConfig(dir, "development", "mypod", func(string) string { return "" })
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%q: err = %v, want %q", tc.yaml, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Caches.Local.MaxEntries != 5 || c.Caches.LocalPrio.MaxEntries != 7 || c.Caches.Global.Prefix != "other" {
			t.Errorf("%q: read %+v", tc.yaml, c.Caches)
		}
	}
}

// TestLocalCacheKeepsRecentlyUsed checks the sampled LRU of large shards:
// entries read recently survive a wave of new ones, old unread ones go.
func TestLocalCacheKeepsRecentlyUsed(t *testing.T) {
	const max = 4000
	c := NewLocalCache(max)
	for i := range max {
		put(t, c, fmt.Sprint("old", i), 0)
	}
	var read, unread []string // the first quarter is in use (if still there)
	for i := range max {
		key := fmt.Sprint("old", i)
		if i >= max/4 {
			unread = append(unread, key)
		} else if v, _ := c.Get(key); v != nil {
			read = append(read, key)
		}
	}
	var fresh []string
	for i := range max / 2 {
		fresh = append(fresh, fmt.Sprint("new", i))
		put(t, c, fresh[i], 0)
	}
	count := func(keys []string) (n int) {
		for _, k := range keys {
			if v, _ := c.Get(k); v != nil {
				n++
			}
		}
		return n
	}
	hot, cold, newest := count(read), count(unread), count(fresh)
	if hot < len(read)*98/100 || cold > len(unread)/2 || newest != len(fresh) {
		t.Fatalf("survivors: %d of %d read, %d of %d unread, %d of %d new",
			hot, len(read), cold, len(unread), newest, len(fresh))
	}
	t.Logf("survivors: %d of %d read, %d of %d unread, all new", hot, len(read), cold, len(unread))
}

// TestLocalCacheTableAgainstMap drives one shard's open-addressing table
// through random puts, invalidations and gets, with and without evictions,
// and checks every answer against a plain map: a Get returns the latest
// Put of its key or (only when entries were evicted) nothing, and the
// entry count and bound hold. Backward-shift deletion is what this tests.
func TestLocalCacheTableAgainstMap(t *testing.T) {
	for _, max := range []int{1, 5, 64, 300} {
		c := NewLocalCache(max)
		latest := map[string]string{}
		rng := uint64(max)*0x9E3779B97F4A7C15 | 1
		for i := range 20_000 {
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			key := fmt.Sprint("k", rng%200)
			switch rng >> 40 % 4 {
			case 0:
				name := fmt.Sprint(key, "@", i)
				c.Put(key, &cacheTestItem{Name: name}, 0)
				latest[key] = name
			case 1:
				c.Invalidate(key)
				delete(latest, key)
			default:
				v, _ := c.Get(key)
				want, ok := latest[key]
				if !ok {
					want = "<miss>"
				}
				got := "<miss>"
				if v != nil {
					got = v.(*cacheTestItem).Name
				}
				if got != want && (got != "<miss>" || c.Stats().Evictions == 0) {
					t.Fatalf("max %d, op %d: Get(%s) = %s, want %s", max, i, key, got, want)
				}
			}
		}
		st := c.Stats()
		if st.Entries > max || (max >= 200 && st.Entries != len(latest)) {
			t.Fatalf("max %d: %d entries, %d keys put and not invalidated", max, st.Entries, len(latest))
		}
	}
}
