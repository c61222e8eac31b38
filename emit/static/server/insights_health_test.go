package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/podgen/podgen/emit/static/pod"
)

// TestRequestWindow: each window has the calls since the last one, 5xx
// as errors, and percentiles interpolated within their buckets.
func TestRequestWindow(t *testing.T) {
	var m metrics
	a, b := m.route("e", "a"), m.route("e", "b")
	w := &requestWindow{m: &m}
	if got := w.next(); got != (pod.RequestStats{}) {
		t.Fatalf("no calls: %+v", got)
	}
	for i := range 90 {
		status := 200
		if i < 3 {
			status = 500
		}
		a.observe(status, 3*time.Millisecond) // bucket (2.5 ms, 5 ms]
	}
	for range 8 {
		b.observe(400, 200*time.Millisecond) // bucket (100 ms, 250 ms]
	}
	b.observe(503, 200*time.Millisecond)
	b.observe(0, time.Minute) // beyond the last bound
	got := w.next()
	near := func(d, want time.Duration) bool { return (d - want).Abs() < time.Microsecond }
	if got.Requests != 100 || got.Errors != 4 || !near(got.P50, 3888889*time.Nanosecond) ||
		!near(got.P95, 183333333*time.Nanosecond) || !near(got.P99, 250*time.Millisecond) {
		t.Errorf("first window: %+v", got)
	}
	if got := quantile(0.999, &requestTotals{count: 100, buckets: w.last.buckets}); got != 30*time.Second {
		t.Errorf("a quantile beyond the last bound = %s, want 30s", got)
	}
	a.observe(200, 500*time.Microsecond)
	if got := w.next(); got.Requests != 1 || got.Errors != 0 || !near(got.P50, 500*time.Microsecond) || !near(got.P99, 990*time.Microsecond) {
		t.Errorf("second window: %+v", got)
	}
	if got := w.next(); got != (pod.RequestStats{}) {
		t.Errorf("an idle window: %+v", got)
	}
}

// TestHealthScheduler: /health names the state of the scheduler the
// server runs: running, then stopped once it shuts down.
func TestHealthScheduler(t *testing.T) {
	rt := newSystemRuntime(t)
	s := New(rt)
	s.scheduler = pod.NewFutureCallScheduler(rt, map[string]pod.FutureCallRunner{
		"Note": func(*pod.Session, []byte) error { return nil }})
	ins := serveInsights(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.scheduler.Run(ctx, time.Second) }()
	want := `{"status":"ok","database":"ok","redis":"disabled","scheduler":"running"}`
	var body string
	for deadline := time.Now().Add(5 * time.Second); body != want && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		_, body = get(t, ins.URL+"/health", "Bearer "+testSecret)
	}
	if body != want {
		t.Errorf("/health with a running scheduler = %s", body)
	}
	cancel()
	<-done
	if code, body := get(t, ins.URL+"/health", "Bearer "+testSecret); code != 200 || !strings.Contains(body, `"scheduler":"stopped"`) {
		t.Errorf("/health after the scheduler stopped = %d %s", code, body)
	}
}

// TestMetricsFutureCalls: /metrics counts the cluster's future calls by
// state at scrape time, and still parses; with the database down the
// families are left out and the scrape succeeds.
func TestMetricsFutureCalls(t *testing.T) {
	rt := newSystemRuntime(t)
	sess := pod.NewSession(context.Background(), rt, "test", "schedule", "t")
	for i, d := range []time.Duration{-time.Minute, -time.Second, time.Hour} {
		if err := sess.FutureCalls.Note.After(d, "n"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	db := pod.NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg", "state")
		VALUES ('Note', now(), '""', 'running'), ('Note', now(), '""', 'failed'), ('Note', now(), '""', 'failed')`); err != nil {
		t.Fatal(err)
	}
	ins := insightsOf(t, rt)
	code, text := get(t, ins.URL+"/metrics", "Bearer "+testSecret)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if code != 200 || err != nil {
		t.Fatalf("/metrics = %d, %v:\n%s", code, err, text)
	}
	for name, want := range map[string]float64{"podgen_future_calls_due": 2, "podgen_future_calls_scheduled": 3,
		"podgen_future_calls_running": 1, "podgen_future_calls_failed": 2, "podgen_log_entries_dropped_total": 0} {
		if got := sample(fams, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}

	rt.Logs = pod.NewLogWriter(rt.DB, 0, rt.Logger)
	defer rt.Logs.Close(time.Second)
	if _, text := get(t, ins.URL+"/metrics", "Bearer "+testSecret); !strings.Contains(text, "\npodgen_log_entries_dropped_total 0\n") {
		t.Errorf("dropped with a log writer:\n%s", text)
	}

	_, down := newInsights(t, true)
	start := time.Now()
	code, text = get(t, down.URL+"/metrics", "Bearer "+testSecret)
	p = expfmt.NewTextParser(model.UTF8Validation)
	if _, err := p.TextToMetricFamilies(strings.NewReader(text)); code != 200 || err != nil ||
		strings.Contains(text, "podgen_future_calls") || time.Since(start) > 2500*time.Millisecond {
		t.Errorf("/metrics with the database down after %s = %d %v:\n%s", time.Since(start), code, err, text)
	}
}

// TestMainPortInUse: when the API port cannot be opened, Main stops the
// background jobs it started and returns 1, instead of waiting for them.
func TestMainPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("PODGEN_API_PORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	t.Setenv("PODGEN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	var stdout, stderr syncBuffer
	exit := make(chan int, 1)
	go func() { exit <- Main([]string{"--config-dir", t.TempDir() + "/none"}, &stdout, &stderr) }()
	select {
	case code := <-exit:
		if code != 1 || !strings.Contains(stderr.b.String(), "address already in use") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr.b.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Main hangs after a failed listen")
	}
}

// TestPruneLogsOnceFollowsSettings: the maintenance role's run keeps what
// the stored settings keep (60 days here, beside a key of a newer
// podgen), and skips with a warning when it cannot read them, rather
// than delete by the default 30 days.
func TestPruneLogsOnceFollowsSettings(t *testing.T) {
	rt := newSystemRuntime(t)
	var out bytes.Buffer
	rt.Logger = slog.New(slog.NewTextHandler(&out, nil))
	db := pod.NewDB(context.Background(), rt.DB)
	oldSessions := func() int64 {
		t.Helper()
		rows, err := db.Query(`SELECT count(*) FROM pod_session_log`)
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(int64)
	}
	insert := func(age time.Duration) {
		t.Helper()
		at := time.Now().Add(-age)
		if _, err := db.Exec(`INSERT INTO "pod_session_log" ("id", "server_id", "time", "endpoint", "method",
			"duration_us", "num_queries", "slow", "request_id") VALUES ($1, 0, $2, 'e', 'm', 1, 0, false, 'r')`,
			pod.SessionIDFloor(at), at); err != nil {
			t.Fatal(err)
		}
	}
	insert(45 * 24 * time.Hour)
	if _, err := db.Exec(`INSERT INTO "pod_runtime_settings" ("id", "settings", "updated")
		VALUES (1, '{"retentionDays":60,"newer":true}', now())`); err != nil {
		t.Fatal(err)
	}
	pruneLogsOnce(context.Background(), rt)
	if n := oldSessions(); n != 1 {
		t.Fatalf("%d sessions of 45 days left with a 60-day retention, want 1:\n%s", n, out.String())
	}
	insert(70 * 24 * time.Hour)
	pruneLogsOnce(context.Background(), rt)
	if n := oldSessions(); n != 1 {
		t.Fatalf("%d sessions left, want the 70-day one pruned:\n%s", n, out.String())
	}
	if _, err := db.Exec(`ALTER TABLE "pod_runtime_settings" RENAME TO "gone"`); err != nil {
		t.Fatal(err)
	}
	pruneLogsOnce(context.Background(), rt)
	if n := oldSessions(); n != 1 || !strings.Contains(out.String(), "log retention: skipped") {
		t.Fatalf("without settings: %d sessions left (want 1) and a skip warning:\n%s", n, out.String())
	}
}
