package endpoints

import (
	"time"

	"example.com/rich/out/pod"
)

// CacheEndpoint exposes the caches to the tests: two server processes
// share Global, each has its own Local.
type CacheEndpoint struct{}

// GlobalPut stores company in the Global cache for lifetimeMillis (0: no
// expiry).
func (e *CacheEndpoint) GlobalPut(s *pod.Session, key string, company pod.Company, lifetimeMillis int64) error {
	return s.Caches.Global.Put(key, &company, time.Duration(lifetimeMillis)*time.Millisecond)
}

// GlobalGet returns the company under key in the Global cache, null when
// there is none.
func (e *CacheEndpoint) GlobalGet(s *pod.Session, key string) (*pod.Company, error) {
	v, err := s.Caches.Global.Get(key)
	if err != nil || v == nil {
		return nil, err
	}
	return v.(*pod.Company), nil
}

// GlobalInvalidate removes key from the Global cache.
func (e *CacheEndpoint) GlobalInvalidate(s *pod.Session, key string) error {
	return s.Caches.Global.Invalidate(key)
}

// LocalName caches name in this server's Local cache under key through
// pod.CacheLoad, and returns the name cached there (the first one).
func (e *CacheEndpoint) LocalName(s *pod.Session, key, name string) (string, error) {
	a, err := pod.CacheLoad(s.Caches.Local, key, time.Minute, func() (*pod.Address, error) {
		return &pod.Address{Street: name}, nil
	})
	if err != nil {
		return "", err
	}
	return a.Street, nil
}
