// Package futurecalls benchmarks podgen's future-call scheduler against
// River (github.com/riverqueue/river) on the same PostgreSQL, in one run:
//
//	cd bench/futurecalls && go test -run '^$' -bench FutureCalls -benchtime 1x
//
// It is its own module so that River never becomes a dependency of podgen
// or of a generated app; see docs/FUTURECALL_BENCH.md for the method.
package futurecalls

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	throughputCalls = flag.Int("fc.calls", 10000, "calls due now, drained for the throughput figure")
	latencyCalls    = flag.Int("fc.latency-calls", 1000, "calls scheduled 1 s ahead, one every -fc.latency-every, for the latency figures")
	latencyEvery    = flag.Duration("fc.latency-every", 5*time.Millisecond, "the pace at which the latency calls are scheduled")
)

// scenario is one system with a number of schedulers.
type scenario struct {
	name       string
	schedulers int
	newSystem  func(b *testing.B) system
}

// result is what a scenario measured.
type result struct {
	name          string
	callsPerSec   float64
	drain         time.Duration
	p50, p99, max time.Duration
}

// riverTunedCooldown and riverTunedPoll make River fetch as soon as a slot
// frees and look for jobs that became due every 50 ms: its defaults (100 ms
// and 1 s) cap a client at MaxWorkers jobs per cooldown and make a
// scheduled job wait for the next poll.
const (
	riverTunedCooldown = time.Millisecond
	riverTunedPoll     = 50 * time.Millisecond
)

func scenarios() []scenario {
	podgen := func(b *testing.B) system { return &podgenSystem{app: buildRich(b)} }
	riverDefault := func(b *testing.B) system { return &riverSystem{} }
	riverTuned := func(b *testing.B) system {
		return &riverSystem{fetchCooldown: riverTunedCooldown, fetchPoll: riverTunedPoll}
	}
	return []scenario{
		{"podgen-1-server", 1, podgen},
		{"podgen-2-servers", 2, podgen},
		{"river-1-client-default", 1, riverDefault},
		{"river-2-clients-default", 2, riverDefault},
		{"river-1-client-tuned", 1, riverTuned},
		{"river-2-clients-tuned", 2, riverTuned},
	}
}

// BenchmarkFutureCalls runs every scenario once, whatever b.N (one run of a
// scenario is a measurement of its own: thousands of calls), and prints
// the comparison table.
func BenchmarkFutureCalls(b *testing.B) {
	var results []result
	for _, sc := range scenarios() {
		b.Run(sc.name, func(b *testing.B) { results = append(results, runScenario(b, sc)) })
	}
	fmt.Print(table(results))
}

// runScenario measures throughput and latency, each on a fresh database
// with freshly started schedulers (stopped when its sub-benchmark ends).
func runScenario(b *testing.B, sc scenario) result {
	r := result{name: sc.name}
	b.Run("throughput", func(b *testing.B) {
		sys := sc.newSystem(b)
		sys.start(b, freshDatabase(b), sc.schedulers)
		settle()
		r.drain = drainDueNow(b, sys, *throughputCalls)
		r.callsPerSec = float64(*throughputCalls) / r.drain.Seconds()
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(r.callsPerSec, "calls/s")
	})
	b.Run("latency", func(b *testing.B) {
		sys := sc.newSystem(b)
		sys.start(b, freshDatabase(b), sc.schedulers)
		settle()
		lat := startLatencies(b, sys, *latencyCalls, *latencyEvery)
		r.p50, r.p99, r.max = percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
	})
	return r
}

// settle lets freshly started schedulers finish starting up (LISTEN,
// River's leader election) before the clock starts.
func settle() { time.Sleep(time.Second) }

// drainDueNow schedules n calls due now in one transaction and returns how
// long the schedulers took from its commit (the first moment a call can
// be claimed) until the last call was done.
func drainDueNow(b *testing.B, sys system, n int) time.Duration {
	ctx := context.Background()
	if err := sys.scheduleDueNow(ctx, n); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	waitDone(b, sys, 5*time.Minute)
	elapsed := time.Since(start)
	checkRanOnce(b, sys, n)
	return elapsed
}

// startLatencies schedules n calls, one every pace, each due 1 s after it
// is scheduled, and returns, sorted, how long after its due time each
// call started (its run's first statement, fc_effect.started).
func startLatencies(b *testing.B, sys system, n int, pace time.Duration) []time.Duration {
	ctx := context.Background()
	due := make([]time.Time, n+1)
	tick := time.NewTicker(pace)
	defer tick.Stop()
	for i := 1; i <= n; i++ {
		<-tick.C
		due[i] = time.Now().Add(time.Second)
		if err := sys.scheduleAt(ctx, int64(i), due[i]); err != nil {
			b.Fatal(err)
		}
	}
	waitDone(b, sys, 2*time.Minute)
	checkRanOnce(b, sys, n)
	rows, err := sys.db().Query(ctx, `SELECT n, started FROM fc_effect`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	lat := make([]time.Duration, 0, n)
	for rows.Next() {
		var i int64
		var started time.Time
		if err := rows.Scan(&i, &started); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, started.Sub(due[i]))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	return lat
}

// waitDone waits until the system has no call left to run.
func waitDone(b *testing.B, sys system, limit time.Duration) {
	ctx := context.Background()
	deadline := time.Now().Add(limit)
	for {
		n, err := sys.pending(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d calls left after %s", n, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkRanOnce checks that calls 1..n each ran exactly once: a benchmark
// of a scheduler that loses or repeats calls measures nothing.
func checkRanOnce(b *testing.B, sys system, n int) {
	var runs, distinct int64
	err := sys.db().QueryRow(context.Background(),
		`SELECT count(*), count(DISTINCT n) FROM fc_effect`).Scan(&runs, &distinct)
	if err != nil {
		b.Fatal(err)
	}
	if runs != int64(n) || distinct != int64(n) {
		b.Fatalf("%d runs of %d distinct calls, want %d of %d", runs, distinct, n, n)
	}
}

// percentile is the p-th percentile of sorted (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func table(rs []result) string {
	var s strings.Builder
	fmt.Fprintf(&s, "\n%d calls due now (throughput); %d calls each due 1 s after scheduling, one every %s (latency from due to start)\n",
		*throughputCalls, *latencyCalls, *latencyEvery)
	fmt.Fprintf(&s, "%-24s %10s %9s %10s %10s %10s\n", "system", "calls/s", "drain", "p50", "p99", "max")
	for _, r := range rs {
		fmt.Fprintf(&s, "%-24s %10.0f %9s %10s %10s %10s\n", r.name, r.callsPerSec,
			r.drain.Round(10*time.Millisecond), ms(r.p50), ms(r.p99), ms(r.max))
	}
	return s.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
