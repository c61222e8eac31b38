package pod

import (
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Caches are the three caches of SPEC §6 that every session sees as
// s.Caches: two in-process LRU caches and the Redis-backed one that all
// servers of a cluster share.
type Caches struct {
	// Local is an in-process cache bounded by caches.local.maxEntries.
	Local *LocalCache
	// LocalPrio is a second in-process cache (caches.localPrio.maxEntries),
	// for entries that must not be pushed out by the bulk of Local.
	LocalPrio *LocalCache
	// Global lives in Redis under caches.global.prefix; with Redis disabled
	// every call returns ErrRedisDisabled.
	Global *GlobalCache
}

// NewCaches builds the caches that cfg describes. It never dials Redis:
// the connection is made on first use, so a Redis that is down cannot
// hold up start-up.
func NewCaches(cfg *Config) *Caches {
	return &Caches{
		Local:     NewLocalCache(cfg.Caches.Local.MaxEntries),
		LocalPrio: NewLocalCache(cfg.Caches.LocalPrio.MaxEntries),
		Global:    NewGlobalCache(cfg.Redis, cfg.Caches.Global.Prefix),
	}
}

// Close releases the Global cache's connections.
func (c *Caches) Close() error { return c.Global.Close() }

// Cache is what the three caches have in common; CacheLoad works on any.
type Cache interface {
	// Get returns a copy of the value under key, nil on a miss.
	Get(key string) (any, error)
	// Put stores a copy of value (a pointer to a protocol class) for
	// lifetime; 0 means no expiry.
	Put(key string, value any, lifetime time.Duration) error
	// Invalidate removes key; a missing key is not an error.
	Invalidate(key string) error
	// Clear removes every entry.
	Clear() error
	// Stats returns the counters since the cache was made.
	Stats() CacheStats

	flights() *flightGroup
}

// CacheStats are a cache's counters, for metrics.
type CacheStats struct {
	Hits      uint64
	Misses    uint64 // lookups that found nothing, or an expired entry
	Evictions uint64 // entries pushed out by the size bound (Local only)
	Entries   int    // entries held now (Local only; expired ones count until touched)
}

// cacheValue is a protocol class as the caches see it; cache_classes.go
// gives every generated class these methods.
type cacheValue interface {
	// cacheClass is the class name stored with the value in Redis, ""
	// when the receiver is nil.
	cacheClass() string
	// cacheCopy returns a deep copy with the same concrete type, or nil
	// (untyped) when the receiver is nil.
	cacheCopy() any
	// appendStoredJSON is AppendJSON plus the server-only fields, which
	// the generated DecodeJSON reads back.
	appendStoredJSON(b []byte) ([]byte, error)
}

// ErrRedisDisabled is what the Global cache returns when Redis is off.
var ErrRedisDisabled = errors.New("global cache: redis is disabled " +
	"(set redis.enabled: true in config/<mode>.yaml, or PODGEN_REDIS_URL)")

// copyForCache checks that v is a non-nil pointer to a protocol class and
// returns a deep copy of it, so that the caller's later changes never
// reach the cache.
func copyForCache(v any, lifetime time.Duration) (cacheValue, error) {
	if lifetime < 0 {
		return nil, fmt.Errorf("cache: negative lifetime %s", lifetime)
	}
	cv, ok := v.(cacheValue)
	if !ok {
		return nil, fmt.Errorf("cache: a %T is not a pointer to a protocol class", v)
	}
	if cv.cacheClass() == "" {
		return nil, fmt.Errorf("cache: cannot store a nil %T", v)
	}
	return cv.cacheCopy().(cacheValue), nil
}

// cloneBigInt is a copy of v that shares no memory with it; nil for nil:
// what a cached object's BigInt field is copied with.
func cloneBigInt(v *big.Int) *big.Int {
	if v == nil {
		return nil
	}
	return new(big.Int).Set(v)
}
