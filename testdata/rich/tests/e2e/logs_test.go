package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/rich/out/client"
	"example.com/rich/out/pod"
	"example.com/rich/out/server"
)

// logsApp is the app served in process with logging wired as server.Main
// wires it, on a fresh database behind a proxy the test can cut.
type logsApp struct {
	rt     *pod.Runtime
	url    string
	client *client.Client
	proxy  *tcpProxy
	direct *pgx.Conn // straight to the database, past the proxy
}

func startLogsApp(t *testing.T) *logsApp {
	u := freshDatabase(t)
	ctx := context.Background()
	direct, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close(context.Background()) })
	p := startProxy(t, u.Host)
	u.Host = p.addr
	rt := testRuntime(t, u, nil)
	rt.ServerID = 3
	runCtx, cancel := context.WithCancel(ctx)
	stop := pod.StartLogging(runCtx, rt)
	ts := httptest.NewServer(server.New(rt).Handler())
	t.Cleanup(func() { ts.Close(); cancel(); stop() }) // as Main: the calls end, then the logs flush
	return &logsApp{rt: rt, url: ts.URL, client: client.New(ts.URL + "/"), proxy: p, direct: direct}
}

// put stores settings for the cluster, as PUT /settings does.
func (a *logsApp) put(t *testing.T, change func(*pod.LogSettings)) {
	t.Helper()
	v := *a.rt.LogSettings.Get()
	change(&v)
	if err := a.rt.LogSettings.Put(context.Background(), a.rt.DB, v); err != nil {
		t.Fatal(err)
	}
}

// rows runs sql on the database directly and returns each row as its
// values joined by "|".
func (a *logsApp) rows(t *testing.T, sql string, args ...any) []string {
	t.Helper()
	rs, err := a.direct.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if rs.Err() != nil {
		t.Fatal(rs.Err())
	}
	return out
}

// waitSession waits for the one session log row of endpoint.method and
// returns its id.
func (a *logsApp) waitSession(t *testing.T, endpoint, method string) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got := a.rows(t, `SELECT id::text FROM pod_session_log WHERE endpoint = $1 AND method = $2`, endpoint, method)
		if len(got) == 1 {
			return got[0]
		}
		if len(got) > 1 || time.Now().After(deadline) {
			t.Fatalf("%d session rows for %s.%s (dropped %d)", len(got), endpoint, method, a.rt.Logs.Dropped())
		}
	}
}

// TestLogsCallStored: a call with queries and log entries is stored with
// all of them, tied to its session; failed calls keep their error, and a
// panic its stack.
func TestLogsCallStored(t *testing.T) {
	a := startLogsApp(t)
	a.put(t, func(v *pod.LogSettings) {
		v.LogAllSessions, v.LogAllQueries, v.LogLevel = true, true, pod.LogLevelInfo
	})
	ctx := context.Background()
	if n, err := a.client.Logs.Work(ctx, 0); err != nil || n != 42 {
		t.Fatalf("work = %d, %v", n, err)
	}
	id := a.waitSession(t, "logs", "work")
	got := a.rows(t, `SELECT server_id, num_queries, slow, error IS NULL, stack_trace IS NULL, user_id IS NULL,
		request_id <> '', duration_us > 0, time > now() - interval '1 minute' FROM pod_session_log WHERE id = $1`, id)
	if want := "3|3|false|true|true|true|true|true|true"; got[0] != want {
		t.Errorf("session %s, want %s", got[0], want)
	}
	got = a.rows(t, `SELECT query, num_rows, error IS NULL, slow, seq, server_id FROM pod_query_log
		WHERE session_id = $1 ORDER BY seq`, id)
	want := []string{"SELECT $1::bigint + 1|1|true|false|1|3",
		"SELECT pg_sleep($1::float8 / 1000)|1|true|false|3|3", "SELECT 2|1|true|false|4|3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("queries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got = a.rows(t, `SELECT level, message, seq FROM pod_log_entry WHERE session_id = $1 ORDER BY seq`, id)
	if strings.Join(got, ",") != "info|work: started|2,warning|work: done|5" {
		t.Errorf("entries %q (debug is below the level)", got)
	}

	a.client.Calls.Internal(ctx)
	a.client.Calls.Panic(ctx)
	a.client.Calls.NotFound(ctx, 5)
	a.waitSession(t, "calls", "internal")
	got = a.rows(t, `SELECT error, stack_trace FROM pod_session_log WHERE method = 'internal'`)
	if want := "connection to secret-db.internal refused|<nil>"; got[0] != want {
		t.Errorf("internal error: %q, want %q (the error as the server logged it, no stack)", got[0], want)
	}
	a.waitSession(t, "calls", "notFound")
	got = a.rows(t, `SELECT error, stack_trace FROM pod_session_log WHERE method = 'notFound'`)
	if want := (&pod.NotFound{ID: 5}).Error() + "|<nil>"; got[0] != want {
		t.Errorf("exception: %q, want %q", got[0], want)
	}
	a.waitSession(t, "calls", "panic")
	got = a.rows(t, `SELECT error, stack_trace LIKE '%panic%' AND stack_trace LIKE '%endpoints.(*CallsEndpoint).Panic%'
		FROM pod_session_log WHERE method = 'panic'`)
	if !strings.HasPrefix(got[0], "panic: ") || !strings.HasSuffix(got[0], "|true") {
		t.Errorf("panic: %q, want its error and the stack through the endpoint", got[0])
	}
}

// TestLogsSlowQueryCapture: with LogAllQueries off, only the query over
// the threshold is stored, while the session counts all three.
func TestLogsSlowQueryCapture(t *testing.T) {
	a := startLogsApp(t)
	a.put(t, func(v *pod.LogSettings) {
		v.LogAllSessions, v.LogAllQueries, v.SlowQueryThreshold = true, false, 20*time.Millisecond
	})
	if _, err := a.client.Logs.Work(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	id := a.waitSession(t, "logs", "work")
	got := a.rows(t, `SELECT s.num_queries, q.query, q.slow, q.duration_us >= 50000 FROM pod_session_log s
		JOIN pod_query_log q ON q.session_id = s.id WHERE s.id = $1`, id)
	if want := "3|SELECT pg_sleep($1::float8 / 1000)|true|true"; len(got) != 1 || got[0] != want {
		t.Fatalf("queries %q, want only %q", got, want)
	}
}

// TestLogsSettingsWithoutRestart: a Put takes effect on the next call:
// with LogAllSessions off a fast successful call is not stored (a failed
// one is), with it on again, it is.
func TestLogsSettingsWithoutRestart(t *testing.T) {
	a := startLogsApp(t)
	ctx := context.Background()
	a.put(t, func(v *pod.LogSettings) { v.LogAllSessions = false })
	a.client.Logs.Work(ctx, 0)
	a.client.Calls.Internal(ctx)
	a.waitSession(t, "calls", "internal") // written after work would have been
	time.Sleep(300 * time.Millisecond)    // more than a flush interval
	if got := a.rows(t, `SELECT count(*) FROM pod_session_log WHERE method = 'work'`); got[0] != "0" {
		t.Fatalf("%s fast sessions stored with LogAllSessions off", got[0])
	}
	a.put(t, func(v *pod.LogSettings) { v.LogAllSessions = true })
	a.client.Logs.Work(ctx, 0)
	a.waitSession(t, "logs", "work")
	stored := a.rows(t, `SELECT settings->>'logAllSessions' FROM pod_runtime_settings WHERE id = 1`)
	if stored[0] != "true" {
		t.Fatalf("stored settings: logAllSessions %s", stored[0])
	}
}

// TestLogsDatabaseOutage: the database cut off during load: calls that do
// not need it keep succeeding quickly, log rows are dropped and counted,
// nothing blocks, and once the database is back, sessions are written
// again.
func TestLogsDatabaseOutage(t *testing.T) {
	a := startLogsApp(t)
	a.put(t, func(v *pod.LogSettings) { v.LogAllSessions, v.LogAllQueries = true, true })
	url := a.url + "/echo/employee"
	body := []byte(`{"employee":{"id":7,"name":"Ada","email":"a@example.com","age":36,"salary":1.5,` +
		`"role":"engineer","startDate":"2024-01-02T03:04:05Z","manager":null,"skills":[]}}`)
	var stopLoad atomic.Bool
	var calls, failures atomic.Int64
	var slowest atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopLoad.Load() {
				start := time.Now()
				res, err := http.Post(url, "application/json", bytes.NewReader(body))
				if err != nil || res.StatusCode != 200 {
					failures.Add(1)
				}
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				calls.Add(1)
				if d := int64(time.Since(start)); d > slowest.Load() {
					slowest.Store(d)
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	a.proxy.cut()
	cutAt, droppedAt := calls.Load(), a.rt.Logs.Dropped()
	time.Sleep(1500 * time.Millisecond)
	duringCut := calls.Load() - cutAt
	stopLoad.Store(true)
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("%d of %d calls failed; the echo needs no database", failures.Load(), calls.Load())
	}
	if duringCut < 50 {
		t.Errorf("only %d calls in 1.5 s with the database cut off", duringCut)
	}
	if d := time.Duration(slowest.Load()); d > time.Second {
		t.Errorf("slowest call took %s", d)
	}
	for deadline := time.Now().Add(10 * time.Second); a.rt.Logs.Dropped() <= droppedAt; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("nothing dropped with the database cut off (dropped %d)", a.rt.Logs.Dropped())
		}
	}
	t.Logf("%d calls during the cut, %d log rows dropped, slowest call %s",
		duringCut, a.rt.Logs.Dropped()-droppedAt, time.Duration(slowest.Load()))

	a.proxy.restore(t)
	restored := time.Now()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		res, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := a.rows(t, `SELECT count(*) FROM pod_session_log WHERE time >= $1`, restored)
		if got[0] != "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session written after the database came back (dropped %d)", a.rt.Logs.Dropped())
		}
	}
}
