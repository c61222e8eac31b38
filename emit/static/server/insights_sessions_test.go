package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/emit/static/pod"
)

var systemDBSeq atomic.Int64

// newSystemRuntime is a runtime on a fresh database holding podgen's
// system tables (emit.SystemMigrations), dropped when the test ends.
func newSystemRuntime(t *testing.T) *pod.Runtime {
	t.Helper()
	admin := newDBRuntime(t, false)
	name := fmt.Sprintf("podgen_srv_%d_%d", os.Getpid(), systemDBSeq.Add(1))
	adb := pod.NewDB(context.Background(), admin.DB)
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	cfg := pod.DefaultConfig("test", "testapp")
	cfg.Database = admin.Config.Database
	cfg.Database.Name = name
	cfg.ServiceSecret = testSecret
	pool, err := pod.OpenDBPool(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		adb.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	for _, m := range emit.SystemMigrations {
		if _, err := pod.NewDB(context.Background(), pool).Exec(m.SQL); err != nil {
			t.Fatalf("system tables %s: %v", m.Version, err)
		}
	}
	return &pod.Runtime{Config: cfg, DB: pool, Caches: pod.NewCaches(cfg),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// insightsOf serves rt's service port.
func insightsOf(t *testing.T, rt *pod.Runtime) *httptest.Server { return serveInsights(t, New(rt)) }

// serveInsights serves s's service port.
func serveInsights(t *testing.T, s *Server) *httptest.Server {
	ins := httptest.NewServer(s.InsightsHandler())
	t.Cleanup(ins.Close)
	return ins
}

type sessionJSON struct {
	ID         string  `json:"id"`
	ServerID   int     `json:"serverId"`
	Time       string  `json:"time"`
	Endpoint   string  `json:"endpoint"`
	Method     string  `json:"method"`
	DurationUs int64   `json:"durationUs"`
	NumQueries int     `json:"numQueries"`
	Slow       bool    `json:"slow"`
	Error      *string `json:"error"`
	StackTrace *string `json:"stackTrace"`
	UserID     *string `json:"userId"`
	RequestID  string  `json:"requestId"`
	Queries    []struct {
		Time       string  `json:"time"`
		Query      string  `json:"query"`
		DurationUs int64   `json:"durationUs"`
		NumRows    *int64  `json:"numRows"`
		Error      *string `json:"error"`
		Slow       bool    `json:"slow"`
	} `json:"queries"`
	Logs []struct {
		Time    string `json:"time"`
		Level   string `json:"level"`
		Message string `json:"message"`
	} `json:"logs"`
}

// sessionIDAt is a session id of a session that started at t, as the
// writer makes them as far as GET /sessions relies on it (UUID v7 of t's
// millisecond); tail tells sessions of one millisecond apart, in its order.
func sessionIDAt(t time.Time, tail byte) string {
	id := pod.SessionIDFloor(t)
	id[15] = tail
	return fmt.Sprintf("%x-%x-%x-%x-%x", id[:4], id[4:6], id[6:8], id[8:10], id[10:])
}

// insertSession stores a successful session of a.x that started at t.
func insertSession(t *testing.T, rt *pod.Runtime, at time.Time, tail byte, requestID string) {
	t.Helper()
	_, err := pod.NewDB(context.Background(), rt.DB).Exec(`INSERT INTO "pod_session_log" ("id", "server_id", "time",
		"endpoint", "method", "duration_us", "num_queries", "slow", "request_id")
		VALUES ($1::uuid, 2, $2, 'a', 'x', 1, 0, false, $3)`, sessionIDAt(at, tail), at, requestID)
	if err != nil {
		t.Fatal(err)
	}
}

// seedSessions stores five sessions, request ids s1 (oldest) to s5, ten
// minutes apart, the last at base:
//
//	s1 a.x ok      with two queries and a log entry
//	s2 a.y failed  s3 b.x slow   s4 b.y slow and failed   s5 a.x ok
func seedSessions(t *testing.T, rt *pod.Runtime, base time.Time) {
	t.Helper()
	db := pod.NewDB(context.Background(), rt.DB)
	type row struct {
		endpoint, method string
		slow             bool
		err              *string
	}
	boom := "boom"
	for i, r := range []row{{"a", "x", false, nil}, {"a", "y", false, &boom}, {"b", "x", true, nil},
		{"b", "y", true, &boom}, {"a", "x", false, nil}} {
		at := base.Add(time.Duration(i-4) * 10 * time.Minute)
		var stack *string
		if r.err != nil {
			s := "goroutine 1 [running]"
			stack = &s
		}
		_, err := db.Exec(`INSERT INTO "pod_session_log" ("id", "server_id", "time", "endpoint", "method",
			"duration_us", "num_queries", "slow", "error", "stack_trace", "request_id")
			VALUES ($1::uuid, 2, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			sessionIDAt(at, byte(i+1)), at, r.endpoint, r.method,
			1000*(i+1), 2*i, r.slow, r.err, stack, fmt.Sprintf("s%d", i+1))
		if err != nil {
			t.Fatal(err)
		}
	}
	s1 := sessionIDAt(base.Add(-40*time.Minute), 1)
	for _, q := range []string{
		// written out of order: the answer sorts them by seq
		`INSERT INTO "pod_query_log" ("session_id", "server_id", "time", "query", "duration_us", "num_rows", "error", "slow", "seq")
			VALUES ($1::uuid, 2, $2, 'UPDATE t SET x = 1', 250000, NULL, 'no table', true, 1)`,
		`INSERT INTO "pod_query_log" ("session_id", "server_id", "time", "query", "duration_us", "num_rows", "error", "slow", "seq")
			VALUES ($1::uuid, 2, $2, 'SELECT 1', 12, 1, NULL, false, 0)`,
		`INSERT INTO "pod_log_entry" ("session_id", "server_id", "time", "level", "message", "seq")
			VALUES ($1::uuid, 2, $2, 'warning', 'careful "now"', 0)`,
		// a query of a session that is not stored is never shown
		`INSERT INTO "pod_query_log" ("session_id", "server_id", "time", "query", "duration_us", "slow", "seq")
			VALUES (md5($1)::uuid, 2, $2, 'orphan', 1, false, 0)`,
	} {
		if _, err := db.Exec(q, s1, base.Add(-40*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
}

func getSessions(t *testing.T, ins *httptest.Server, query string) []sessionJSON {
	t.Helper()
	code, body := get(t, ins.URL+"/sessions"+query, "Bearer "+testSecret)
	if code != 200 {
		t.Fatalf("/sessions%s = %d %s", query, code, body)
	}
	var out struct{ Sessions []sessionJSON }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Sessions == nil {
		t.Fatalf("/sessions%s: %v in %s", query, err, body)
	}
	return out.Sessions
}

func requestIDs(ss []sessionJSON) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.RequestID
	}
	return strings.Join(ids, ",")
}

// TestSessionsFilters: every filter alone and combined, newest first,
// with the limit; the children come in three queries in all.
func TestSessionsFilters(t *testing.T) {
	rt := newSystemRuntime(t)
	ins := insightsOf(t, rt)
	if got := getSessions(t, ins, ""); len(got) != 0 {
		t.Fatalf("sessions of an empty table: %v", got)
	}
	base := time.Now().UTC().Truncate(time.Second)
	seedSessions(t, rt, base)
	ts := func(d time.Duration) string { return url.QueryEscape(base.Add(d).Format(time.RFC3339)) }
	for _, c := range []struct{ query, want string }{
		{"", "s5,s4,s3,s2,s1"},
		{"?endpoint=a", "s5,s2,s1"},
		{"?method=x", "s5,s3,s1"},
		{"?endpoint=a&method=x", "s5,s1"},
		{"?endpoint=c", ""},
		{"?errors=true", "s4,s2"},
		{"?errors=false", "s5,s4,s3,s2,s1"},
		{"?slow=true", "s4,s3"},
		{"?errors=true&slow=true", "s4"},
		{"?from=" + ts(-25*time.Minute), "s5,s4,s3"},
		{"?to=" + ts(-25*time.Minute), "s2,s1"},
		{"?from=" + ts(-30*time.Minute) + "&to=" + ts(-10*time.Minute), "s3,s2"}, // from <= time < to
		{"?limit=2", "s5,s4"},
		{"?limit=1000&endpoint=b&errors=true", "s4"},
	} {
		if got := requestIDs(getSessions(t, ins, c.query)); got != c.want {
			t.Errorf("/sessions%s = %s, want %s", c.query, got, c.want)
		}
	}

	var statements atomic.Int64
	rt.DB.SetQueryHook(func(context.Context, pod.QueryEvent) { statements.Add(1) })
	all := getSessions(t, ins, "?limit=1000")
	rt.DB.SetQueryHook(nil)
	if n := statements.Load(); n != 3 {
		t.Errorf("/sessions of 5 sessions ran %d statements, want 3", n)
	}
	s1, s4 := all[4], all[1]
	if s1.ID != sessionIDAt(base.Add(-40*time.Minute), 1) || s1.ServerID != 2 || s1.Endpoint != "a" ||
		s1.Method != "x" || s1.DurationUs != 1000 || s1.NumQueries != 0 || s1.Slow || s1.Error != nil ||
		s1.StackTrace != nil || s1.UserID != nil {
		t.Errorf("s1 = %+v", s1)
	}
	if at, err := time.Parse(time.RFC3339Nano, s1.Time); err != nil || !at.Equal(base.Add(-40*time.Minute)) {
		t.Errorf("s1 time = %s (%v), want %s", s1.Time, err, base.Add(-40*time.Minute))
	}
	if len(s1.Queries) != 2 || s1.Queries[0].Query != "SELECT 1" || *s1.Queries[0].NumRows != 1 ||
		s1.Queries[0].Error != nil || s1.Queries[0].DurationUs != 12 ||
		s1.Queries[1].NumRows != nil || *s1.Queries[1].Error != "no table" || !s1.Queries[1].Slow {
		t.Errorf("s1 queries = %+v", s1.Queries)
	}
	if len(s1.Logs) != 1 || s1.Logs[0].Level != "warning" || s1.Logs[0].Message != `careful "now"` {
		t.Errorf("s1 logs = %+v", s1.Logs)
	}
	if s4.Error == nil || *s4.Error != "boom" || s4.StackTrace == nil || !s4.Slow || len(s4.Queries) != 0 || s4.Logs == nil {
		t.Errorf("s4 = %+v", s4)
	}
}

// TestSessionsSubMillisecond: from and to are exact to the microsecond
// although the index ranges over whole milliseconds of session ids.
func TestSessionsSubMillisecond(t *testing.T) {
	rt := newSystemRuntime(t)
	ins := insightsOf(t, rt)
	ms := time.Now().UTC().Truncate(time.Second).Add(-time.Minute)
	insertSession(t, rt, ms.Add(200*time.Microsecond), 1, "a")
	insertSession(t, rt, ms.Add(700*time.Microsecond), 2, "b")
	insertSession(t, rt, ms.Add(1100*time.Microsecond), 1, "c")
	at := func(us int) string {
		return url.QueryEscape(ms.Add(time.Duration(us) * time.Microsecond).Format(time.RFC3339Nano))
	}
	for _, c := range []struct{ query, want string }{
		{"?from=" + at(200), "c,b,a"},
		{"?from=" + at(201), "c,b"},
		{"?from=" + at(1000), "c"},
		{"?to=" + at(700), "a"},
		{"?to=" + at(701), "b,a"},
		{"?to=" + at(1000), "b,a"},
		{"?to=" + at(1100), "b,a"},
		{"?to=" + at(1101), "c,b,a"},
		{"?from=" + at(700) + "&to=" + at(1100), "b"},
		{"?from=" + at(199) + "&to=" + at(201), "a"},
	} {
		if got := requestIDs(getSessions(t, ins, c.query)); got != c.want {
			t.Errorf("/sessions%s = %s, want %s", c.query, got, c.want)
		}
	}
}

// TestSessionsBadParameters: each malformed parameter is a 400 naming it.
func TestSessionsBadParameters(t *testing.T) {
	ins := insightsOf(t, newSystemRuntime(t))
	for query, want := range map[string]string{
		"?limit=0":               `parameter \"limit\": want a whole number from 1 to 1000`,
		"?limit=1001":            `parameter \"limit\"`,
		"?limit=ten":             `parameter \"limit\"`,
		"?errors=yes":            `parameter \"errors\": want true or false`,
		"?slow=1":                `parameter \"slow\": want true or false`,
		"?from=yesterday":        `parameter \"from\": want an RFC 3339 time`,
		"?to=2026-01-02":         `parameter \"to\": want an RFC 3339 time`,
		"?error=true":            `unknown parameter \"error\" (known: endpoint, method, errors, slow, from, to, before, limit)`,
		"?endpoint=a&endpoint=b": `parameter \"endpoint\" is given more than once`,
		"?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z": `parameter \"from\" must be before \"to\"`,
	} {
		code, body := get(t, ins.URL+"/sessions"+query, "Bearer "+testSecret)
		if code != 400 || !strings.Contains(body, want) {
			t.Errorf("/sessions%s = %d %s, want 400 with %s", query, code, body, want)
		}
	}
}

// TestSessionsDatabaseDown: 503, not a 500 or a hang.
func TestSessionsDatabaseDown(t *testing.T) {
	_, ins := newInsights(t, true)
	if code, body := get(t, ins.URL+"/sessions", "Bearer "+testSecret); code != 503 || !strings.Contains(body, "database unavailable") {
		t.Errorf("/sessions with the database down = %d %s", code, body)
	}
}
