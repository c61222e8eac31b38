package pod

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// CacheLoad returns the value cached under key, or calls load, caches its
// result for lifetime and returns it. Concurrent misses for one key on
// this server share a single call of load; each caller gets its own copy.
// T is a pointer to a protocol class:
//
//	u, err := pod.CacheLoad(s.Caches.Local, "UserData-42", 5*time.Minute,
//		func() (*pod.UserData, error) { return s.DB.UserData.FindByID(42) })
//
// A cache that fails (Redis down) does not fail the call: load runs and its
// result is returned. Only ErrRedisDisabled, a configuration mistake, and
// load's own error are returned. A nil result of load is returned but not
// cached.
func CacheLoad[T any](c Cache, key string, lifetime time.Duration, load func() (T, error)) (T, error) {
	var zero T
	v, err := c.Get(key)
	if errors.Is(err, ErrRedisDisabled) {
		return zero, err
	}
	if t, ok := v.(T); ok && err == nil {
		return t, nil
	}
	shared, err := c.flights().do(key, func() (any, error) {
		t, err := load()
		if err != nil {
			return nil, err
		}
		if cv, ok := any(t).(cacheValue); ok && cv.cacheClass() != "" {
			c.Put(key, cv, lifetime) // best effort, see above
			return cv, nil
		}
		return nil, nil
	})
	if err != nil || shared == nil {
		return zero, err
	}
	t, ok := shared.(cacheValue).cacheCopy().(T)
	if !ok {
		return zero, fmt.Errorf("cache: %q holds a %T, not a %T", key, shared, zero)
	}
	return t, nil
}

// flightGroup lets concurrent callers of do with one key share one call.
type flightGroup struct {
	mu    sync.Mutex
	calls map[string]*flight
}

type flight struct {
	done chan struct{}
	val  any
	err  error
}

// do runs fn once for all callers that arrive while it runs and gives all
// of them its result. A panic in fn is passed on to its own caller; the
// others get an error.
func (g *flightGroup) do(key string, fn func() (any, error)) (any, error) {
	g.mu.Lock()
	if f := g.calls[key]; f != nil {
		g.mu.Unlock()
		<-f.done
		return f.val, f.err
	}
	if g.calls == nil {
		g.calls = make(map[string]*flight)
	}
	f := &flight{done: make(chan struct{}), err: errors.New("cache: the shared load panicked")}
	g.calls[key] = f
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(f.done)
	}()
	f.val, f.err = fn()
	return f.val, f.err
}
