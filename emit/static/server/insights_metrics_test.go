package server

import (
	"strings"
	"testing"
	"time"
)

// TestObserveBuckets: a duration lands in the first bucket whose bound it
// does not exceed, cumulatively; an untracked status is "other"; a call
// slower than the last bound is only in +Inf.
func TestObserveBuckets(t *testing.T) {
	var m metrics
	r := m.route("e", "m")
	r.observe(200, 3*time.Millisecond)
	r.observe(418, time.Millisecond)
	r.observe(0, time.Minute)
	text := string(m.appendRequestMetrics(nil))
	for _, want := range []string{
		`podgen_requests_total{endpoint="e",method="m",status="200"} 1`,
		`podgen_requests_total{endpoint="e",method="m",status="other"} 2`,
		`podgen_request_duration_seconds_bucket{endpoint="e",method="m",le="0.001"} 1`,
		`podgen_request_duration_seconds_bucket{endpoint="e",method="m",le="0.0025"} 1`,
		`podgen_request_duration_seconds_bucket{endpoint="e",method="m",le="0.005"} 2`,
		`podgen_request_duration_seconds_bucket{endpoint="e",method="m",le="30"} 2`,
		`podgen_request_duration_seconds_bucket{endpoint="e",method="m",le="+Inf"} 3`,
		`podgen_request_duration_seconds_count{endpoint="e",method="m"} 3`,
		`podgen_request_duration_seconds_sum{endpoint="e",method="m"} 60.004`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %s in\n%s", want, text)
		}
	}
	if strings.Contains(text, `status="400"`) {
		t.Errorf("a status never answered is listed:\n%s", text)
	}
}

func BenchmarkObserve(b *testing.B) {
	var m metrics
	r := m.route("e", "m")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			start := time.Now()
			m.inFlight.Add(1)
			m.inFlight.Add(-1)
			r.observe(200, time.Since(start))
		}
	})
}
