package pod

import (
	"context"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"time"
)

// HealthMetricsInterval is how often every serving server writes its row of
// pod_health_metric: one row per server and minute, as in Serverpod.
const HealthMetricsInterval = time.Minute

// RequestStats are the calls a server answered during one interval of the
// health metrics; the server computes them from its request counters.
type RequestStats struct {
	Requests int64
	Errors   int64 // answered 5xx
	// P50, P95 and P99 are latency percentiles, 0 without requests.
	P50, P95, P99 time.Duration
}

// RunHealthMetrics writes one pod_health_metric row every interval until
// ctx is done. requests returns the calls answered since its previous call
// (it is only ever called from this goroutine). The rest of the row is read
// here: memory from runtime/metrics (no stop-the-world), goroutines, and the
// database pool. With the database down the row of that interval is lost:
// one warning when writing starts to fail, one line when it works again.
func RunHealthMetrics(ctx context.Context, rt *Runtime, interval time.Duration, requests func() RequestStats) {
	write := func(ctx context.Context) error { return insertHealthMetric(ctx, rt, requests()) }
	runPeriodically(ctx, interval, interval, write, func(err error) {
		rt.Logger.Warn("health metrics: cannot write pod_health_metric; retrying every interval",
			slog.String("error", err.Error()))
	}, func() { rt.Logger.Info("health metrics: writing pod_health_metric again") })
}

const insertHealthMetricSQL = `INSERT INTO "pod_health_metric" ("server_id", "time", "requests", "errors",
	"latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "memory_bytes", "goroutines", "db_connections", "db_idle")
VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9, $10)`

// healthWriteTimeout keeps a hung database from stacking up writes.
const healthWriteTimeout = 10 * time.Second

func insertHealthMetric(ctx context.Context, rt *Runtime, r RequestStats) error {
	if rt.DB == nil {
		return errNoDatabase
	}
	ctx, cancel := context.WithTimeout(ctx, healthWriteTimeout)
	defer cancel()
	st := rt.DB.Stats()
	_, err := NewDB(ctx, rt.DB).Exec(insertHealthMetricSQL, rt.ServerID, r.Requests, r.Errors,
		millis(r.P50), millis(r.P95), millis(r.P99), memoryBytes(), runtime.NumGoroutine(),
		st.TotalConns, st.IdleConns)
	return err
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// memorySamples are what the Go runtime has mapped from the system, and
// the part of it handed back (still mapped, but not resident).
var memorySamples = []metrics.Sample{
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
}

// memoryBytes is the memory the Go runtime holds: mapped minus released,
// close to the process's resident size for a pure Go server.
func memoryBytes() int64 {
	s := make([]metrics.Sample, len(memorySamples))
	copy(s, memorySamples)
	metrics.Read(s)
	var v [2]uint64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	if v[1] > v[0] {
		return 0
	}
	return int64(v[0] - v[1])
}
