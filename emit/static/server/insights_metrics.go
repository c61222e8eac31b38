package server

import (
	"strconv"
	"sync/atomic"
	"time"
)

// metrics are the API port's counters, kept with atomics so that counting a
// call costs a few nanoseconds and no lock; /metrics reads them.
type metrics struct {
	inFlight atomic.Int64
	routes   []*routeMetrics // in registration order, so /metrics is stable
}

// latencyBuckets are the histogram's upper bounds in seconds (Prometheus'
// "le"), from a cached read to a call that hits the request timeout.
var latencyBuckets = [...]float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// statusCodes are the statuses a served method can answer with (errors.go,
// call.go); anything else is counted as "other".
var statusCodes = [...]int{200, 400, 413, 500, 503}

// routeMetrics count the calls of one endpoint method.
type routeMetrics struct {
	all      *metrics
	endpoint string
	method   string
	statuses [len(statusCodes) + 1]atomic.Uint64 // the last one is "other"
	buckets  [len(latencyBuckets)]atomic.Uint64  // per bucket, not cumulative
	count    atomic.Uint64
	sumNanos atomic.Uint64
}

func (m *metrics) route(endpoint, method string) *routeMetrics {
	r := &routeMetrics{all: m, endpoint: endpoint, method: method}
	m.routes = append(m.routes, r)
	return r
}

// observe counts one finished call; status 0 (nothing was written, e.g. the
// handler was aborted) is counted as "other".
func (r *routeMetrics) observe(status int, d time.Duration) {
	i := len(statusCodes)
	for j, s := range statusCodes {
		if s == status {
			i = j
			break
		}
	}
	r.statuses[i].Add(1)
	secs := d.Seconds()
	for j, le := range latencyBuckets {
		if secs <= le {
			r.buckets[j].Add(1)
			break
		}
	}
	r.count.Add(1)
	r.sumNanos.Add(uint64(d))
}

// appendRequestMetrics writes the request counters, the latency histogram
// and the in-flight gauge in the Prometheus text format. Endpoint and
// method names are Go identifiers, so label values need no escaping.
func (m *metrics) appendRequestMetrics(b []byte) []byte {
	b = appendHeader(b, "podgen_requests_total", "counter", "Calls answered, by endpoint, method and HTTP status.")
	for _, r := range m.routes {
		for i := range r.statuses {
			status := "other"
			if i < len(statusCodes) {
				status = strconv.Itoa(statusCodes[i])
			}
			if n := r.statuses[i].Load(); n > 0 || status == "200" {
				b = r.appendName(b, "podgen_requests_total", "status", status)
				b = appendUint(b, n)
			}
		}
	}
	b = appendHeader(b, "podgen_request_duration_seconds", "histogram", "Time from a call's arrival to its answer.")
	for _, r := range m.routes {
		var cum uint64
		for i, le := range latencyBuckets {
			cum += r.buckets[i].Load()
			b = r.appendName(b, "podgen_request_duration_seconds_bucket", "le", strconv.FormatFloat(le, 'g', -1, 64))
			b = appendUint(b, cum)
		}
		count := r.count.Load()
		b = r.appendName(b, "podgen_request_duration_seconds_bucket", "le", "+Inf")
		b = appendUint(b, max(count, cum))
		b = r.appendName(b, "podgen_request_duration_seconds_sum", "", "")
		b = appendFloat(b, time.Duration(r.sumNanos.Load()).Seconds())
		b = r.appendName(b, "podgen_request_duration_seconds_count", "", "")
		b = appendUint(b, max(count, cum))
	}
	b = appendHeader(b, "podgen_requests_in_flight", "gauge", "Calls being served now.")
	return appendFloat(append(b, "podgen_requests_in_flight "...), float64(m.inFlight.Load()))
}

// appendName writes `name{endpoint="e",method="m"[,label="value"]} `.
func (r *routeMetrics) appendName(b []byte, name, label, value string) []byte {
	b = append(b, name...)
	b = append(b, `{endpoint="`...)
	b = append(b, r.endpoint...)
	b = append(b, `",method="`...)
	b = append(b, r.method...)
	if label != "" {
		b = append(b, `",`...)
		b = append(b, label...)
		b = append(b, `="`...)
		b = append(b, value...)
	}
	return append(b, `"} `...)
}

func appendHeader(b []byte, name, typ, help string) []byte {
	b = append(b, "# HELP "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, help...)
	b = append(b, "\n# TYPE "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, typ...)
	return append(b, '\n')
}

func appendUint(b []byte, n uint64) []byte {
	return append(strconv.AppendUint(b, n, 10), '\n')
}

func appendFloat(b []byte, f float64) []byte {
	return append(strconv.AppendFloat(b, f, 'g', -1, 64), '\n')
}
