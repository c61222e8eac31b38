package pod

import (
	"hash/maphash"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// LocalCache is an in-process cache bounded by entry count. Keys are
// spread over shards, each with its own read-write lock and hash table,
// so that concurrent calls rarely wait for each other and reads never
// wait for reads. A hit only stamps the entry with the shard's access
// clock (an atomic store under the read lock, skipped while the stamp is
// recent): no list to reorder, so no write lock. A Put into a full shard
// evicts the least recently used of up to localSample entries: exact LRU
// for shards that small, Redis's sampled approximation of LRU beyond.
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

// localShard is one lock's worth of the cache: an open-addressing hash
// table (linear probing, at most 3/4 full) of entries stored inline.
type localShard struct {
	mu        sync.RWMutex
	slots     []localEntry // grows by doubling up to localSlots(max)
	count     int
	max       int
	hits      atomic.Uint64 // also the access clock, with puts
	misses    atomic.Uint64
	puts      uint64   // changed only under the write lock
	evictions uint64   // changed only under the write lock
	_         [64]byte // keeps neighbouring shards' locks off one cache line
}

// localEntry is one slot of a shard's table: everything a Get reads
// (hash, key, value, deadline, access stamp) is in the slot itself, one
// cache line, so a hit costs one memory load for the slot, then one each
// for the key's bytes and the value. A slot whose value is nil is empty
// (stored values never are).
type localEntry struct {
	hash    uint64
	key     string
	value   cacheValue
	expires int64  // cacheClock deadline; 0: never
	access  uint64 // atomic: the shard's clock (hits+puts) at the last Get or Put
	_       [8]byte
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
		// The first maxEntries%n shards take one more, so the total is exact.
		c.shards[i].max = maxEntries / n
		if i < maxEntries%n {
			c.shards[i].max++
		}
	}
	return c
}

// shard returns key's shard and hash. The low bits of the hash pick the
// shard, the high ones the slot (see home).
func (c *LocalCache) shard(key string) (*localShard, uint64) {
	h := maphash.String(c.seed, key)
	return &c.shards[h&c.mask], h
}

// home is the slot where the probe for h starts: the high 32 bits scaled
// to the table's size (a multiply, not a modulo; any size works).
func home(h uint64, size int) int { return int((h >> 32) * uint64(size) >> 32) }

// find returns the slot holding key, or -1. The table is never full, so
// the probe ends at an empty slot.
func (s *localShard) find(h uint64, key string) int {
	n := len(s.slots)
	if n == 0 {
		return -1
	}
	for i := home(h, n); ; {
		e := &s.slots[i]
		if e.value == nil {
			return -1
		}
		if e.hash == h && e.key == key {
			return i
		}
		if i++; i == n {
			i = 0
		}
	}
}

// Get returns a copy of the value under key, or nil when there is none or
// it has expired. The error is always nil; it is there to match Global.
func (c *LocalCache) Get(key string) (any, error) {
	s, h := c.shard(key)
	s.mu.RLock()
	i := s.find(h, key)
	if i < 0 {
		s.mu.RUnlock()
		s.misses.Add(1)
		return nil, nil
	}
	e := &s.slots[i]
	if e.expires != 0 && e.expires <= cacheClock() {
		s.mu.RUnlock()
		s.misses.Add(1)
		s.dropExpired(h, key)
		return nil, nil
	}
	// An entry stamped within the last max/4 ticks is recent enough and
	// is not stamped again (always stamped in shards under 4): fewer
	// writes to lines the other core may be reading.
	v := e.value
	if now := s.hits.Add(1) + s.puts; now-atomic.LoadUint64(&e.access) > uint64(s.max/4) {
		atomic.StoreUint64(&e.access, now)
	}
	s.mu.RUnlock()
	return v.cacheCopy(), nil // stored values are never changed
}

// dropExpired removes key's entry if it is still expired: a Put may have
// replaced it in the meantime.
func (s *localShard) dropExpired(h uint64, key string) {
	s.mu.Lock()
	if i := s.find(h, key); i >= 0 && s.slots[i].expires != 0 && s.slots[i].expires <= cacheClock() {
		s.remove(i)
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
	i := s.find(h, key)
	if i < 0 {
		i = s.insertSlot(h)
	}
	s.puts++
	s.slots[i] = localEntry{hash: h, key: key, value: v, expires: expires, access: s.hits.Load() + s.puts}
	s.mu.Unlock()
	return nil
}

// insertSlot makes room for a new key (evicting, growing) and returns the
// empty slot it goes in. Called with the write lock held.
func (s *localShard) insertSlot(h uint64) int {
	if s.count >= s.max {
		s.evict()
	}
	if (s.count+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	s.count++
	return s.emptySlot(h)
}

// emptySlot returns the first empty slot of h's probe.
func (s *localShard) emptySlot(h uint64) int {
	n := len(s.slots)
	i := home(h, n)
	for s.slots[i].value != nil {
		if i++; i == n {
			i = 0
		}
	}
	return i
}

// grow doubles the table, up to the size that holds max entries at 3/4
// load, so an empty cache costs little and a full one is never resized.
func (s *localShard) grow() {
	old := s.slots
	s.slots = make([]localEntry, min(max(2*len(old), 8), s.max*4/3+1))
	for i := range old {
		if old[i].value != nil {
			s.slots[s.emptySlot(old[i].hash)] = old[i]
		}
	}
}

// remove empties slot i and moves later entries of its probe run back
// (backward-shift deletion), so that no probe meets a gap before its key
// and the table needs no tombstones. Called with the write lock held.
func (s *localShard) remove(i int) {
	n := len(s.slots)
	for j := i; ; {
		if j++; j == n {
			j = 0
		}
		if s.slots[j].value == nil {
			break
		}
		// The entry at j may move to i unless its home lies in (i, j].
		if k := home(s.slots[j].hash, n); (k-i-1+n)%n < (j-i+n)%n {
			continue
		}
		s.slots[i] = s.slots[j]
		i = j
	}
	s.slots[i] = localEntry{}
	s.count--
}

// evict removes the entry with the oldest access among up to localSample
// entries read from a random slot on (keys sit at random slots), an
// expired one first. Called with the write lock held on a full shard.
func (s *localShard) evict() {
	now := cacheClock()
	n := len(s.slots)
	victim, oldest, seen := -1, ^uint64(0), 0
	for k, i := 0, rand.IntN(n); k < n && seen < localSample; k++ {
		if e := &s.slots[i]; e.value != nil {
			if e.expires != 0 && e.expires <= now {
				victim = i
				break
			}
			if e.access < oldest {
				victim, oldest = i, e.access
			}
			seen++
		}
		if i++; i == n {
			i = 0
		}
	}
	s.remove(victim)
	s.evictions++
}

// Invalidate removes key. The error is always nil.
func (c *LocalCache) Invalidate(key string) error {
	s, h := c.shard(key)
	s.mu.Lock()
	if i := s.find(h, key); i >= 0 {
		s.remove(i)
	}
	s.mu.Unlock()
	return nil
}

// Clear removes every entry and frees the tables; the counters keep
// counting. The error is always nil.
func (c *LocalCache) Clear() error {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.slots, s.count = nil, 0
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
		st.Entries += s.count
		s.mu.RUnlock()
	}
	return st
}

func (c *LocalCache) flights() *flightGroup { return &c.group }
