package server

import (
	"net/http"

	"github.com/podgen/podgen/emit/static/pod"
)

// metrics answers GET /metrics in the Prometheus text format (version
// 0.0.4), written by hand so the app needs no client library.
func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	b := s.router.metrics.appendRequestMetrics(make([]byte, 0, 16<<10))
	if s.rt.DB != nil {
		b = appendDBMetrics(b, s.rt.DB.Stats())
	}
	if c := s.rt.Caches; c != nil {
		b = appendCacheMetrics(b, []namedCache{{"local", c.Local}, {"localPrio", c.LocalPrio}, {"global", c.Global}})
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write(b) //nolint:errcheck // the scraper went away
}

func appendDBMetrics(b []byte, st pod.DBPoolStats) []byte {
	b = appendHeader(b, "podgen_db_connections", "gauge", "Open database connections, idle or in use by a call.")
	b = appendUint(append(b, `podgen_db_connections{state="idle"} `...), uint64(max(st.IdleConns, 0)))
	b = appendUint(append(b, `podgen_db_connections{state="in_use"} `...), uint64(max(st.InUseConns, 0)))
	b = appendHeader(b, "podgen_db_connections_max", "gauge", "The pool's bound (database.maxConnections).")
	b = appendUint(append(b, "podgen_db_connections_max "...), uint64(max(st.MaxConns, 0)))
	b = appendHeader(b, "podgen_db_acquires_total", "counter", "Connections handed to calls.")
	b = appendUint(append(b, "podgen_db_acquires_total "...), uint64(max(st.Acquires, 0)))
	b = appendHeader(b, "podgen_db_empty_acquires_total", "counter", "Acquires that found no idle connection and waited.")
	b = appendUint(append(b, "podgen_db_empty_acquires_total "...), uint64(max(st.EmptyAcquires, 0)))
	b = appendHeader(b, "podgen_db_acquire_wait_seconds_total", "counter", "Time calls spent waiting for a connection.")
	return appendFloat(append(b, "podgen_db_acquire_wait_seconds_total "...), st.AcquireWait.Seconds())
}

type namedCache struct {
	name  string
	cache pod.Cache
}

func appendCacheMetrics(b []byte, caches []namedCache) []byte {
	counters := []struct {
		name, help string
		get        func(pod.CacheStats) uint64
	}{
		{"podgen_cache_hits_total", "Cache lookups that found a value.", func(s pod.CacheStats) uint64 { return s.Hits }},
		{"podgen_cache_misses_total", "Cache lookups that found nothing or an expired value.", func(s pod.CacheStats) uint64 { return s.Misses }},
		{"podgen_cache_evictions_total", "Entries pushed out by the size bound.", func(s pod.CacheStats) uint64 { return s.Evictions }},
		{"podgen_cache_entries", "Entries held now (local caches).", func(s pod.CacheStats) uint64 { return uint64(max(s.Entries, 0)) }},
	}
	stats := make([]pod.CacheStats, len(caches))
	for i, c := range caches {
		stats[i] = c.cache.Stats()
	}
	for _, m := range counters {
		typ := "counter"
		if m.name == "podgen_cache_entries" {
			typ = "gauge"
		}
		b = appendHeader(b, m.name, typ, m.help)
		for i, c := range caches {
			b = append(append(append(b, m.name...), `{cache="`...), c.name...)
			b = appendUint(append(b, `"} `...), m.get(stats[i]))
		}
	}
	return b
}
