package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// requestTotals are the API's request counters summed over its routes.
type requestTotals struct {
	count   uint64
	errors  uint64                          // answered 5xx
	buckets [len(latencyBuckets) + 1]uint64 // per bucket; the last is beyond 30 s
}

// totals sums the counters of every route now.
func (m *metrics) totals() requestTotals {
	var t requestTotals
	for _, r := range m.routes {
		for i, code := range statusCodes {
			if code >= 500 {
				t.errors += r.statuses[i].Load()
			}
		}
		var inBuckets uint64
		for i := range r.buckets {
			n := r.buckets[i].Load()
			t.buckets[i] += n
			inBuckets += n
		}
		// observe adds to the bucket before the count: the count read
		// after the buckets is never smaller, and the rest is overflow.
		count := max(r.count.Load(), inBuckets)
		t.buckets[len(latencyBuckets)] += count - inBuckets
		t.count += count
	}
	return t
}

// requestWindow turns the cumulative counters into the calls of each
// health-metrics interval: next returns those since its previous call.
type requestWindow struct {
	m    *metrics
	last requestTotals
}

func (w *requestWindow) next() pod.RequestStats {
	now := w.m.totals()
	var d requestTotals
	d.count = now.count - w.last.count
	d.errors = now.errors - w.last.errors
	for i := range d.buckets {
		d.buckets[i] = now.buckets[i] - w.last.buckets[i]
	}
	w.last = now
	return pod.RequestStats{Requests: int64(d.count), Errors: int64(d.errors),
		P50: quantile(0.50, &d), P95: quantile(0.95, &d), P99: quantile(0.99, &d)}
}

// quantile estimates the q-quantile of the latencies counted in t as
// Prometheus' histogram_quantile does: linear within the bucket it falls
// in; beyond the last bound it is that bound (30 s). 0 without calls.
func quantile(q float64, t *requestTotals) time.Duration {
	if t.count == 0 {
		return 0
	}
	rank := q * float64(t.count)
	var below uint64
	for i, n := range t.buckets {
		if n == 0 || float64(below+n) < rank {
			below += n
			continue
		}
		if i == len(latencyBuckets) {
			break
		}
		lower := 0.0
		if i > 0 {
			lower = latencyBuckets[i-1]
		}
		secs := lower + (latencyBuckets[i]-lower)*(rank-float64(below))/float64(n)
		return time.Duration(secs * float64(time.Second))
	}
	return time.Duration(latencyBuckets[len(latencyBuckets)-1] * float64(time.Second))
}

// How often the background jobs of the service side run. The health
// metrics' interval is pod.HealthMetricsInterval; tests call the jobs
// directly with short ones.
const (
	retentionFirstRun = 5 * time.Minute // after start-up, so starting is not slowed by it
	retentionInterval = time.Hour
)

// startInsightsJobs starts the jobs that keep the insights tables: every
// serving server writes its health metrics each minute; monoliths also
// prune the logs past the retention (one server of the cluster at a time,
// by an advisory lock; the maintenance role prunes once, see
// pruneLogsOnce). The returned function waits for them once ctx is done.
func (s *Server) startInsightsJobs(ctx context.Context, role string) (wait func()) {
	if s.rt.DB == nil {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := &requestWindow{m: &s.router.metrics}
		pod.RunHealthMetrics(ctx, s.rt, pod.HealthMetricsInterval, w.next)
	}()
	if role == roleMonolith {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pod.RunLogRetention(ctx, s.rt.DB, s.rt.Logger, retentionFirstRun, retentionInterval, func(ctx context.Context) (int, error) { return retentionDays(ctx, s.rt) })
		}()
	}
	return wg.Wait
}

// settingsLoadTimeout bounds the load of the runtime settings that comes
// before each retention run.
const settingsLoadTimeout = 10 * time.Second

// retentionDays are the stored runtime settings' retentionDays, read now
// (their default when none are stored), or an error when they cannot be
// read: then retention skips its run rather than prune by defaults that
// may keep fewer days than the operator chose.
func retentionDays(ctx context.Context, rt *pod.Runtime) (int, error) {
	settings := rt.LogSettings
	if settings == nil { // a server without logging: a store of its own
		settings = pod.NewLogSettingsStore(rt.Config.Mode)
	}
	ctx, cancel := context.WithTimeout(ctx, settingsLoadTimeout)
	defer cancel()
	return settings.RetentionDays(ctx, rt.DB)
}

// pruneLogsOnce is the maintenance role's share of the retention: one run
// with the stored settings before it exits (skipped when another server
// is pruning, or when the settings cannot be read).
func pruneLogsOnce(ctx context.Context, rt *pod.Runtime) {
	days, err := retentionDays(ctx, rt)
	if err != nil {
		if ctx.Err() == nil {
			rt.Logger.Warn("log retention: skipped: " + err.Error())
		}
		return
	}
	if _, _, err := pod.PruneLogs(ctx, rt.DB, days, 0); err != nil && ctx.Err() == nil {
		rt.Logger.Warn("log retention: cannot delete old rows", slog.String("error", err.Error()))
	}
}
