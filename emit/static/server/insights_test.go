package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const testSecret = "s3cret-for-tests"

func newInsights(t *testing.T, down bool) (api, insights *httptest.Server) {
	t.Helper()
	rt := newDBRuntime(t, down)
	rt.Config.ServiceSecret = testSecret
	s := New(rt)
	api = httptest.NewServer(s.Handler())
	insights = httptest.NewServer(s.InsightsHandler())
	t.Cleanup(api.Close)
	t.Cleanup(insights.Close)
	return api, insights
}

// TestServicePortNeedsTheSecret: no header, a wrong secret, another
// scheme and a prefix of the secret are all 401; an empty configured
// secret admits nobody.
func TestServicePortNeedsTheSecret(t *testing.T) {
	_, ins := newInsights(t, false)
	for _, auth := range []string{"", "Bearer wrong", "Basic " + testSecret, "Bearer " + testSecret[:4], testSecret, "Bearer  " + testSecret} {
		for _, path := range []string{"/health", "/metrics", "/sessions", "/settings", "/nope"} {
			if code, body := get(t, ins.URL+path, auth); code != 401 || !strings.Contains(body, "service secret") {
				t.Errorf("%s with %q = %d %q, want 401", path, auth, code, body)
			}
		}
	}
	if code, _ := get(t, ins.URL+"/health", "Bearer "+testSecret); code != 200 {
		t.Errorf("/health with the secret = %d", code)
	}
	if code, body := get(t, ins.URL+"/nope", "Bearer "+testSecret); code != 404 || !strings.Contains(body, `"error":"no GET /nope on the service port`) {
		t.Errorf("/nope with the secret = %d %s, want the JSON 404", code, body)
	}
	open := httptest.NewServer(requireSecret("", http.NotFoundHandler()))
	defer open.Close()
	if code, _ := get(t, open.URL+"/x", "Bearer "); code != 401 {
		t.Errorf("empty secret admitted %q: %d", "Bearer ", code)
	}
}

func TestHealth(t *testing.T) {
	for _, tc := range []struct {
		down bool
		code int
		body string
	}{
		{false, 200, `{"status":"ok","database":"ok","redis":"disabled","scheduler":"disabled"}`},
		{true, 503, `{"status":"degraded","database":"unavailable","redis":"disabled","scheduler":"disabled"}`},
	} {
		_, ins := newInsights(t, tc.down)
		if code, body := get(t, ins.URL+"/health", "Bearer "+testSecret); code != tc.code || body != tc.body {
			t.Errorf("down=%v: /health = %d %s, want %d %s", tc.down, code, body, tc.code, tc.body)
		}
	}
}

// TestMetricsParse: after a few calls /metrics parses as Prometheus text
// and counts them by endpoint, method and status.
func TestMetricsParse(t *testing.T) {
	api, ins := newInsights(t, false)
	for range 3 {
		do(t, "POST", api.URL+"/test/echo", `"x"`)
	}
	do(t, "POST", api.URL+"/test/panic", "{}")
	do(t, "POST", api.URL+"/test/missing", "{}")
	code, text := get(t, ins.URL+"/metrics", "Bearer "+testSecret)
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("not Prometheus text: %v\n%s", err, text)
	}
	for _, c := range []struct {
		method, status string
		want           float64
	}{{"echo", "200", 3}, {"panic", "500", 1}, {"missing", "400", 1}, {"slow", "200", 0}} {
		if got := sample(fams, "podgen_requests_total", "method", c.method, "status", c.status); got != c.want {
			t.Errorf("requests %s %s = %v, want %v", c.method, c.status, got, c.want)
		}
	}
	h := find(fams, "podgen_request_duration_seconds", "method", "echo")
	if h == nil || h.GetHistogram().GetSampleCount() != 3 || h.GetHistogram().GetSampleSum() <= 0 {
		t.Errorf("echo latency histogram: %v", h)
	}
	if got := fams["podgen_requests_in_flight"].GetMetric()[0].GetGauge().GetValue(); got != 0 {
		t.Errorf("in flight = %v", got)
	}
	if got := sample(fams, "podgen_db_connections_max"); got != 4 {
		t.Errorf("db max connections = %v, want 4", got)
	}
	for _, cache := range []string{"local", "localPrio", "global"} {
		if find(fams, "podgen_cache_misses_total", "cache", cache) == nil {
			t.Errorf("no cache metrics for %s", cache)
		}
	}
	if got := sample(fams, "podgen_log_entries_dropped_total"); got != 0 {
		t.Errorf("log entries dropped without a log writer = %v, want 0", got)
	}
}

// TestMetricsInFlight: a call being served shows in the gauge.
func TestMetricsInFlight(t *testing.T) {
	api, ins := newInsights(t, false)
	done := make(chan struct{})
	go func() { defer close(done); do(t, "POST", api.URL+"/test/slow", "{}") }()
	time.Sleep(100 * time.Millisecond)
	_, text := get(t, ins.URL+"/metrics", "Bearer "+testSecret)
	<-done
	if !strings.Contains(text, "\npodgen_requests_in_flight 1\n") {
		t.Errorf("in flight during a slow call:\n%s", text)
	}
}

// TestRunServicePort: without a secret the banner says the port is
// closed; with one it is opened and guarded.
func TestRunServicePort(t *testing.T) {
	rt := newDBRuntime(t, false)
	rt.Config.APIServer.Port, rt.Config.InsightsServer.Port = 0, 0
	rt.Config.APIServer.DrainDelay = 0
	for _, secret := range []string{"", testSecret} {
		rt.Config.ServiceSecret = secret
		out := &syncBuffer{}
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- New(rt).Run(ctx, out) }()
		banner := waitFor(t, out, `listening on port \d+`)
		if secret == "" && !strings.Contains(banner, "Service port closed: no serviceSecret configured") {
			t.Errorf("banner without a secret: %q", banner)
		}
		if secret != "" {
			m := regexp.MustCompile(`Service port (\d+) open`).FindStringSubmatch(banner)
			if m == nil {
				t.Fatalf("banner with a secret: %q", banner)
			}
			url := "http://127.0.0.1:" + m[1] + "/health"
			if code, _ := get(t, url, ""); code != 401 {
				t.Errorf("service port without the secret: %d", code)
			}
			if code, _ := get(t, url, "Bearer "+secret); code != 200 {
				t.Errorf("service port with the secret: %d", code)
			}
		}
		cancel()
		if err := <-ran; err != nil {
			t.Fatalf("Run: %v", err)
		}
	}
}

func waitFor(t *testing.T, out *syncBuffer, pattern string) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		out.mu.Lock()
		s := out.b.String()
		out.mu.Unlock()
		if re.MatchString(s) {
			return s
		}
	}
	t.Fatalf("no %q in the output", pattern)
	return ""
}

// find returns the metric of family name whose labels include the pairs.
func find(fams map[string]*dto.MetricFamily, name string, pairs ...string) *dto.Metric {
	for _, m := range fams[name].GetMetric() {
		ok := true
		for i := 0; i < len(pairs); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				found = found || (l.GetName() == pairs[i] && l.GetValue() == pairs[i+1])
			}
			ok = ok && found
		}
		if ok {
			return m
		}
	}
	return nil
}

// sample is the value of a counter or gauge, -1 when it is missing.
func sample(fams map[string]*dto.MetricFamily, name string, pairs ...string) float64 {
	m := find(fams, name, pairs...)
	switch {
	case m == nil:
		return -1
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}
