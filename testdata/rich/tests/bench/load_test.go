package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"example.com/rich/out/pod"
	"example.com/rich/out/server"
)

// loadWorkers is how many connections the load generator keeps busy.
const loadWorkers = 8

const employeeBody = `{"employee":{"id":7,"name":"Ada Lovelace","email":"ada@example.com","age":36,` +
	`"salary":12345.5,"role":"engineer","startDate":"2024-01-02T03:04:05Z","manager":null,` +
	`"skills":["math","engines","poetry","go","sql"]}}`

// loadResult is what one run of the load generator measured.
type loadResult struct {
	requests int
	elapsed  time.Duration
	p50, p99 time.Duration
}

func (r loadResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// serve starts h on a loopback port (a real TCP server, as in production).
func serve(tb testing.TB, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/echo/employee"
}

func generated() http.Handler {
	rt := &pod.Runtime{Config: pod.DefaultConfig("bench", "rich"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return server.New(rt).Handler()
}

// load sends n echo calls from loadWorkers keep-alive connections and
// records each request's latency.
func load(tb testing.TB, url string, n int) loadResult {
	return loadBody(tb, url, []byte(employeeBody), n)
}

// loadBody is load with any call: n POSTs of body to url.
func loadBody(tb testing.TB, url string, body []byte, n int) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: loadWorkers, MaxConnsPerHost: loadWorkers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < loadWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				res, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					tb.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					tb.Errorf("status %d", res.StatusCode)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return loadResult{requests: n, elapsed: elapsed, p50: lat[n/2], p99: lat[n*99/100]}
}

func report(b *testing.B, r loadResult) {
	b.ReportMetric(r.perSecond(), "req/s")
	b.ReportMetric(float64(r.p50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(r.p99.Microseconds()), "p99-µs")
}

// BenchmarkEchoGenerated drives the generated server: one op is one call.
func BenchmarkEchoGenerated(b *testing.B) {
	url := serve(b, generated())
	load(b, url, 1000) // warm up connections and pools
	b.ResetTimer()
	report(b, load(b, url, max(b.N, loadWorkers)))
}

// BenchmarkEchoHandwritten drives the net/http + encoding/json baseline.
func BenchmarkEchoHandwritten(b *testing.B) {
	url := serve(b, handwritten())
	load(b, url, 1000)
	b.ResetTimer()
	report(b, load(b, url, max(b.N, loadWorkers)))
}

// BenchmarkEchoRatio runs both servers in rounds of a fixed number of
// calls, alternating which goes first, and reports each one's best
// throughput and lowest p50/p99 over the rounds (a shared 2-core machine
// is noisy), and generated/handwritten throughput as "ratio".
func BenchmarkEchoRatio(b *testing.B) {
	urls := [2]string{serve(b, generated()), serve(b, handwritten())}
	load(b, urls[0], 1000)
	load(b, urls[1], 1000)
	var res [2]loadResult
	const rounds, calls = 6, 10000
	for r := range rounds {
		for k := range 2 {
			i := (r + k) % 2 // gen first in even rounds, hand first in odd ones
			res[i] = best(res[i], load(b, urls[i], calls))
		}
	}
	g, h := res[0], res[1]
	b.ReportMetric(g.perSecond(), "gen-req/s")
	b.ReportMetric(h.perSecond(), "hand-req/s")
	b.ReportMetric(g.perSecond()/h.perSecond(), "ratio")
	b.ReportMetric(float64(g.p50.Microseconds()), "gen-p50-µs")
	b.ReportMetric(float64(h.p50.Microseconds()), "hand-p50-µs")
	b.ReportMetric(float64(g.p99.Microseconds()), "gen-p99-µs")
	b.ReportMetric(float64(h.p99.Microseconds()), "hand-p99-µs")
}

// best merges two runs: the higher throughput, the lower latencies.
func best(a, b loadResult) loadResult {
	if a.requests == 0 {
		return b
	}
	if b.perSecond() > a.perSecond() {
		a.requests, a.elapsed = b.requests, b.elapsed
	}
	a.p50, a.p99 = min(a.p50, b.p50), min(a.p99, b.p99)
	return a
}

// TestHandwrittenAgrees checks that both servers answer the same call
// with equal JSON, so the benchmark compares like with like.
func TestHandwrittenAgrees(t *testing.T) {
	var got [2]map[string]any
	for i, h := range []http.Handler{generated(), handwritten()} {
		res, err := http.Post(serve(t, h), "application/json", bytes.NewReader([]byte(employeeBody)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if err := json.Unmarshal(body, &got[i]); err != nil {
			t.Fatalf("server %d: %v: %s", i, err, body)
		}
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Fatalf("generated %v\nhandwritten %v", got[0], got[1])
	}
}
