package pod

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// The local-cache benchmark of issue 5 (make bench): b.RunParallel, 90%
// Get and 10% Put over 100,000 keys, in a cache that holds them all, for
// LocalCache and two well-known Go caches. Every Get reads a field of the
// value it got, as a caller would. LocalCache copies the value on every
// Put and Get (its isolation guarantee); the others hand out the stored
// pointer, so the comparison is, if anything, unfair to LocalCache.

const benchKeys = 100_000

var benchKeyNames = func() []string {
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = "UserData-" + strconv.Itoa(i)
	}
	return keys
}()

// benchValue is the cached record: a flat class, whose copy is one
// allocation. BenchmarkLocalCacheMixNested shows the cost of a value with
// a list and a pointer (three allocations per copy).
var benchValue = &cacheTestUser{ID: 42, Name: "Ada Lovelace", Email: "ada@example.com", Score: 0.5,
	Active: true, Created: 1700000000}

// benchMix runs get 9 times in 10 and put otherwise, on keys spread by a
// per-goroutine xorshift generator; get reports a hit. settle (may be nil)
// runs after the cache is filled. It reports the hit ratio, since a cache
// that drops entries is fast for the wrong reason.
func benchMix[V any](b *testing.B, v V, settle func(), get func(string) bool, put func(string, V)) {
	for _, k := range benchKeyNames {
		put(k, v)
	}
	if settle != nil {
		settle()
	}
	var seed, gets, hits atomic.Uint64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		x := seed.Add(0x9E3779B97F4A7C15) | 1
		var g, h uint64
		defer func() { gets.Add(g); hits.Add(h) }()
		for pb.Next() {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			k := benchKeyNames[x%benchKeys]
			if x>>32%10 == 0 {
				put(k, v)
			} else if g++; get(k) {
				h++
			}
		}
	})
	b.ReportMetric(float64(hits.Load())/float64(max(gets.Load(), 1)), "hit-ratio")
}

// benchSink keeps the field reads from being optimised away.
var benchSink atomic.Int64

func use(v *cacheTestUser, ok bool) bool {
	if ok && v.ID == -1 {
		benchSink.Add(1)
	}
	return ok
}

func BenchmarkLocalCacheMix(b *testing.B) {
	c := NewLocalCache(benchKeys)
	benchMix(b, benchValue, nil, func(k string) bool {
		v, _ := c.Get(k)
		u, ok := v.(*cacheTestUser)
		return use(u, ok)
	}, func(k string, v *cacheTestUser) { c.Put(k, v, time.Hour) })
}

func BenchmarkLocalCacheMixNested(b *testing.B) {
	score := int64(42)
	v := &cacheTestItem{Name: "Ada Lovelace", Tags: []string{"math", "engines"}, Score: &score}
	c := NewLocalCache(benchKeys)
	benchMix(b, v, nil, func(k string) bool {
		v, _ := c.Get(k)
		return v != nil
	}, func(k string, v *cacheTestItem) { c.Put(k, v, time.Hour) })
}

func BenchmarkGolangLRUExpirableMix(b *testing.B) {
	c := expirable.NewLRU[string, *cacheTestUser](benchKeys, nil, time.Hour)
	benchMix(b, benchValue, nil, func(k string) bool { return use(c.Get(k)) },
		func(k string, v *cacheTestUser) { c.Add(k, v) })
}

func BenchmarkRistrettoMix(b *testing.B) {
	c, err := ristretto.NewCache(&ristretto.Config[string, *cacheTestUser]{
		NumCounters: 10 * benchKeys, MaxCost: benchKeys, BufferItems: 64, IgnoreInternalCost: true})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	benchMix(b, benchValue, c.Wait, func(k string) bool { return use(c.Get(k)) }, func(k string, v *cacheTestUser) {
		c.SetWithTTL(k, v, 1, time.Hour)
	})
}
