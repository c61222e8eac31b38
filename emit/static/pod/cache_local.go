package pod

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// LocalCache is an in-process cache bounded by entry count. Keys are
// spread over shards, each with its own read-write lock and map, so that
// concurrent calls rarely wait for each other and reads never wait for
// reads. A hit only stamps the entry with the shard's access clock (an
// atomic store under the read lock, skipped while the stamp is recent):
// no list to reorder, so no write lock. A Put into a full shard evicts
// the least recently used of up to localSample entries: exact LRU for
// shards that small, Redis's sampled approximation of LRU beyond.
//
// Values are copied on Put and on Get (the generated cacheCopy, no
// reflection): a caller can change what it stored or got without
// touching the cache or another request's copy. Expired entries are
// dropped when a Get finds them or eviction samples them; there is no
// sweeper goroutine.
type LocalCache struct {
	seed   maphash.Seed
	mask   uint64
	shards []localShard
	group  flightGroup
}

// localShard is one lock's worth of the cache.
type localShard struct {
	mu        sync.RWMutex
	entries   map[uint64]localEntry // by the key's hash; see shard
	max       int
	hits      atomic.Uint64 // also the access clock, with puts
	misses    atomic.Uint64
	puts      uint64   // changed only under the write lock
	evictions uint64   // changed only under the write lock
	_         [64]byte // keeps neighbouring shards' locks off one cache line
}

// localEntry is stored in the map by value, so a Get reads key, value and
// deadline from the map's own memory; only the access stamp, which a Get
// writes under the read lock, lives apart (a store, which does not stall
// the reader the way a load from another cache line would).
type localEntry struct {
	key     string
	value   cacheValue
	expires int64          // cacheClock deadline; 0: never
	access  *atomic.Uint64 // the shard's clock (hits+puts) at the last Get or Put
}

const (
	// localShardSize is the number of entries per shard a cache aims for;
	// a cache has at most maxLocalShards shards.
	localShardSize = 256
	maxLocalShards = 64
	// localSample is how many entries eviction compares.
	localSample = 32
)

// cacheEpoch is when the process's caches started counting.
var cacheEpoch = time.Now()

// cacheClock is monotonic nanoseconds since cacheEpoch: it ignores changes
// to the wall clock, and time.Since reads only the monotonic clock, half
// the cost of time.Now.
func cacheClock() int64 { return int64(time.Since(cacheEpoch)) }

// NewLocalCache returns a cache that holds at most maxEntries entries
// (at least 1).
func NewLocalCache(maxEntries int) *LocalCache {
	maxEntries = max(maxEntries, 1)
	n := 1
	for n < maxLocalShards && n*2*localShardSize <= maxEntries {
		n *= 2
	}
	c := &LocalCache{seed: maphash.MakeSeed(), mask: uint64(n - 1), shards: make([]localShard, n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.entries = make(map[uint64]localEntry)
		// The first maxEntries%n shards take one more, so the total is exact.
		s.max = maxEntries / n
		if i < maxEntries%n {
			s.max++
		}
	}
	return c
}

// shard returns key's shard and hash. Shards map the 64-bit hash, not
// the key, to entries: one hash per call instead of two, and no string
// hashing inside the map. Two keys with one hash (about 1 in 2^64) share
// a slot: storing one drops the other, which a cache may always do, and
// Get compares the key, so it never returns the other's value.
func (c *LocalCache) shard(key string) (*localShard, uint64) {
	h := maphash.String(c.seed, key)
	return &c.shards[h&c.mask], h
}

// Get returns a copy of the value under key, or nil when there is none or
// it has expired. The error is always nil; it is there to match Global.
func (c *LocalCache) Get(key string) (any, error) {
	s, h := c.shard(key)
	s.mu.RLock()
	e, ok := s.entries[h]
	if !ok || e.key != key {
		s.mu.RUnlock()
		s.misses.Add(1)
		return nil, nil
	}
	if e.expires != 0 && e.expires <= cacheClock() {
		s.mu.RUnlock()
		s.misses.Add(1)
		s.dropExpired(h, e.access)
		return nil, nil
	}
	// Read the stamp before copying, so that the two cache misses (stamp
	// and value) overlap; only then the atomic writes, which would wait
	// for them. An entry stamped within the last max/4 ticks is recent
	// enough and is not stamped again (always stamped in shards under 4).
	last := e.access.Load()
	v := e.value.cacheCopy() // stored values are never changed
	if now := s.hits.Add(1) + s.puts; now-last > uint64(s.max/4) {
		e.access.Store(now)
	}
	s.mu.RUnlock()
	return v, nil
}

// dropExpired removes the entry whose stamp is access, unless a Put
// replaced it in the meantime (a Put of a new key makes a new stamp).
func (s *localShard) dropExpired(h uint64, access *atomic.Uint64) {
	s.mu.Lock()
	if e, ok := s.entries[h]; ok && e.access == access && e.expires <= cacheClock() {
		delete(s.entries, h)
	}
	s.mu.Unlock()
}

// Put stores a copy of value (a pointer to a protocol class) under key for
// lifetime (0: no expiry), evicting a least recently used entry of its
// shard when the shard is full.
func (c *LocalCache) Put(key string, value any, lifetime time.Duration) error {
	v, err := copyForCache(value, lifetime)
	if err != nil {
		return err
	}
	var expires int64
	if lifetime > 0 {
		expires = cacheClock() + int64(lifetime)
	}
	s, h := c.shard(key)
	s.mu.Lock()
	e, ok := s.entries[h]
	if !ok {
		if len(s.entries) >= s.max {
			s.evict()
		}
		e.access = new(atomic.Uint64)
	}
	e.key, e.value, e.expires = key, v, expires
	s.puts++
	e.access.Store(s.hits.Load() + s.puts)
	s.entries[h] = e
	s.mu.Unlock()
	return nil
}

// evict removes the entry with the oldest access among up to localSample
// entries (Go starts every map iteration at a random place), an expired
// one first. Called with the write lock held.
func (s *localShard) evict() {
	now := cacheClock()
	var victim uint64
	oldest := ^uint64(0)
	n := 0
	for h, e := range s.entries {
		if e.expires != 0 && e.expires <= now {
			victim = h
			break
		}
		if a := e.access.Load(); a < oldest {
			victim, oldest = h, a
		}
		if n++; n == localSample {
			break
		}
	}
	delete(s.entries, victim)
	s.evictions++
}

// Invalidate removes key. The error is always nil.
func (c *LocalCache) Invalidate(key string) error {
	s, h := c.shard(key)
	s.mu.Lock()
	if e, ok := s.entries[h]; ok && e.key == key {
		delete(s.entries, h)
	}
	s.mu.Unlock()
	return nil
}

// Clear removes every entry; the counters keep counting. The error is
// always nil.
func (c *LocalCache) Clear() error {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.entries)
		s.mu.Unlock()
	}
	return nil
}

// Stats adds up the shards' counters.
func (c *LocalCache) Stats() CacheStats {
	var st CacheStats
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		st.Hits += s.hits.Load()
		st.Misses += s.misses.Load()
		st.Evictions += s.evictions
		st.Entries += len(s.entries)
		s.mu.RUnlock()
	}
	return st
}

func (c *LocalCache) flights() *flightGroup { return &c.group }
