package server

import (
	"context"
	"net/http"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// metrics answers GET /metrics in the Prometheus text format (version
// 0.0.4), written by hand so the app needs no client library.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	b := s.router.metrics.appendRequestMetrics(make([]byte, 0, 16<<10))
	if s.rt.DB != nil {
		b = appendDBMetrics(b, s.rt.DB.Stats())
	}
	if c := s.rt.Caches; c != nil {
		b = appendCacheMetrics(b, []namedCache{{"local", c.Local}, {"localPrio", c.LocalPrio}, {"global", c.Global}})
	}
	b = s.appendFutureCallMetrics(r.Context(), b)
	var dropped uint64
	if s.rt.Logs != nil {
		dropped = s.rt.Logs.Dropped()
	}
	b = appendHeader(b, "podgen_log_entries_dropped_total", "counter",
		"Log rows (sessions, queries, entries) dropped because the buffer was full or the database unavailable.")
	b = appendUint(append(b, "podgen_log_entries_dropped_total "...), dropped)
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

// futureCallMetricsTimeout bounds the one query /metrics makes, so a slow
// database costs the scrape at most this much.
const futureCallMetricsTimeout = time.Second

// futureCallCountsSQL counts the cluster's future calls by state in one
// pass over pod_future_call (its rows are the calls not yet done).
const futureCallCountsSQL = `SELECT count(*) FILTER (WHERE "state" = 'scheduled' AND "due" <= now()),
	count(*) FILTER (WHERE "state" = 'scheduled'), count(*) FILTER (WHERE "state" = 'running'),
	count(*) FILTER (WHERE "state" = 'failed') FROM "pod_future_call"`

// appendFutureCallMetrics writes the cluster's future calls due now,
// scheduled (due or not), running and failed, read at scrape time. Every
// server reports the same figures (take max() across servers). When the
// query fails (database down, no table) the families are left out: the
// scrape itself never fails.
func (s *Server) appendFutureCallMetrics(ctx context.Context, b []byte) []byte {
	ctx, cancel := context.WithTimeout(ctx, futureCallMetricsTimeout)
	defer cancel()
	rows, err := pod.NewDB(ctx, s.rt.DB).Query(futureCallCountsSQL)
	if err != nil || len(rows) != 1 || len(rows[0]) != 4 {
		return b
	}
	for i, m := range [...]struct{ name, help string }{
		{"podgen_future_calls_due", "Future calls due now and not yet claimed, in the cluster."},
		{"podgen_future_calls_scheduled", "Future calls waiting to run, due or not, in the cluster."},
		{"podgen_future_calls_running", "Future calls claimed by a server and running, in the cluster."},
		{"podgen_future_calls_failed", "Future calls that spent their attempts, kept for inspection, in the cluster."},
	} {
		n, _ := rows[0][i].(int64)
		b = appendHeader(b, m.name, "gauge", m.help)
		b = appendUint(append(append(b, m.name...), ' '), uint64(max(n, 0)))
	}
	return b
}
