package pod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// GlobalCache is the cache in Redis that every server of a cluster shares.
// A value is stored as its class name, a space and its JSON, "Company
// {...}", so that Get can decode it into the right type; the JSON is the
// generated appendStoredJSON (AppendJSON plus server-only fields). Keys are "<prefix>:<key>" so that apps can share one Redis. A lifetime
// is the key's Redis TTL.
//
// Calls never wait long for Redis: dial, read and write time out after
// globalTimeout, a failed dial is not retried within the call, and while
// Redis is down each call fails with an error on its own; go-redis dials
// again on the next call, so the cache recovers without a restart.
type GlobalCache struct {
	// rdb is the *redis.Client, nil when Redis is disabled. It is held as
	// an any, and only redisClient names its type: a package that imports
	// pod compiles the generic types of every type it can reach through
	// pod's, and through a *redis.Client field that was about 1,700
	// functions of go-redis's in each of them (endpoints, server, podtest,
	// every test package): the init app's one-endpoint package took 2.5
	// CPU seconds to compile, 0.2 without them.
	rdb    any
	prefix string
	group  flightGroup
	hits   atomic.Uint64
	misses atomic.Uint64
	bufs   sync.Pool // *[]byte for encoding
}

// redisClient is c's Redis client, nil when Redis is disabled. It is a
// function, not a method: a method's result type is part of GlobalCache's
// type as much as a field's (see rdb).
func redisClient(c *GlobalCache) *redis.Client {
	rdb, _ := c.rdb.(*redis.Client)
	return rdb
}

// globalTimeout bounds every Redis round trip of the Global cache.
const globalTimeout = 500 * time.Millisecond

// NewGlobalCache returns the Global cache on the Redis of r, or one that
// returns ErrRedisDisabled when r is not enabled. It does not dial.
func NewGlobalCache(r RedisConfig, prefix string) *GlobalCache {
	c := &GlobalCache{prefix: prefix + ":"}
	if r.Enabled {
		c.rdb = redis.NewClient(&redis.Options{
			Addr: r.Addr(), Username: r.User, Password: r.Password, DB: r.DB,
			DialTimeout: globalTimeout, ReadTimeout: globalTimeout, WriteTimeout: globalTimeout,
			PoolTimeout: globalTimeout, MaxRetries: -1, DialerRetries: 1,
			DisableIdentity:          true,
			MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
		})
	}
	return c
}

// Close closes the connections to Redis.
func (c *GlobalCache) Close() error {
	rdb := redisClient(c)
	if rdb == nil {
		return nil
	}
	return rdb.Close()
}

// Ping checks that Redis answers; ErrRedisDisabled when it is not enabled.
func (c *GlobalCache) Ping(ctx context.Context) error {
	rdb := redisClient(c)
	if rdb == nil {
		return ErrRedisDisabled
	}
	return rdb.Ping(ctx).Err()
}

// Get returns the value under key decoded into its class, nil on a miss.
func (c *GlobalCache) Get(key string) (any, error) {
	rdb := redisClient(c)
	if rdb == nil {
		return nil, ErrRedisDisabled
	}
	data, err := rdb.Get(context.Background(), c.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		c.misses.Add(1)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("global cache: get %q: %w", key, err)
	}
	class, body, ok := bytes.Cut(data, []byte{' '})
	if !ok {
		return nil, fmt.Errorf("global cache: %q does not hold a cached value", key)
	}
	v, err := cacheDecode(string(class), body)
	if err != nil {
		return nil, fmt.Errorf("global cache: %q: %w", key, err)
	}
	c.hits.Add(1)
	return v, nil
}

// Put stores value (a pointer to a protocol class) under key for lifetime
// (0: no expiry).
func (c *GlobalCache) Put(key string, value any, lifetime time.Duration) error {
	rdb := redisClient(c)
	if rdb == nil {
		return ErrRedisDisabled
	}
	if lifetime < 0 {
		return fmt.Errorf("cache: negative lifetime %s", lifetime)
	}
	v, ok := value.(cacheValue)
	if !ok || v.cacheClass() == "" {
		return fmt.Errorf("cache: a %T is not a non-nil pointer to a protocol class", value)
	}
	bp, _ := c.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer c.bufs.Put(bp)
	b := append(append((*bp)[:0], v.cacheClass()...), ' ')
	b, err := v.appendStoredJSON(b)
	*bp = b
	if err != nil {
		return fmt.Errorf("global cache: put %q: %w", key, err)
	}
	if err := rdb.Set(context.Background(), c.prefix+key, b, lifetime).Err(); err != nil {
		return fmt.Errorf("global cache: put %q: %w", key, err)
	}
	return nil
}

// Invalidate removes key; a missing key is not an error.
func (c *GlobalCache) Invalidate(key string) error {
	rdb := redisClient(c)
	if rdb == nil {
		return ErrRedisDisabled
	}
	if err := rdb.Del(context.Background(), c.prefix+key).Err(); err != nil {
		return fmt.Errorf("global cache: invalidate %q: %w", key, err)
	}
	return nil
}

// Clear removes every key under the prefix (and only those: other apps on
// the same Redis keep theirs).
func (c *GlobalCache) Clear() error {
	rdb := redisClient(c)
	if rdb == nil {
		return ErrRedisDisabled
	}
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, escapeGlob(c.prefix)+"*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			if err := rdb.Unlink(ctx, batch...).Err(); err != nil {
				return fmt.Errorf("global cache: clear: %w", err)
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("global cache: clear: %w", err)
	}
	if len(batch) > 0 {
		if err := rdb.Unlink(ctx, batch...).Err(); err != nil {
			return fmt.Errorf("global cache: clear: %w", err)
		}
	}
	return nil
}

// Stats returns the hits and misses seen by this server; Redis does the
// evicting, so Evictions and Entries stay 0.
func (c *GlobalCache) Stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load()}
}

func (c *GlobalCache) flights() *flightGroup { return &c.group }

// escapeGlob escapes the characters that SCAN MATCH treats specially.
func escapeGlob(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}
