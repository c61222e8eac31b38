package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// send makes a request with the secret (or auth) and returns status and body.
func send(t *testing.T, method, url, auth, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

const bearer = "Bearer " + testSecret

// TestInsightsPage: the page and its files are served without the secret,
// with a strict policy; no file names another host or holds inline script;
// everything else still wants the secret.
func TestInsightsPage(t *testing.T) {
	_, ins := newInsights(t, false)
	for _, c := range []struct{ path, typ, has string }{
		{"/", "text/html; charset=utf-8", `<script src="ui/app.js" defer></script>`},
		{"/ui/app.js", "text/javascript; charset=utf-8", `Authorization: "Bearer "`},
		{"/ui/app.css", "text/css; charset=utf-8", "[hidden]"},
		{"/ui/icon.svg", "image/svg+xml", "<svg"},
	} {
		code, h, body := send(t, "GET", ins.URL+c.path, "", "")
		if code != 200 || h.Get("Content-Type") != c.typ || !strings.Contains(body, c.has) {
			t.Errorf("GET %s = %d %q, want 200 %q containing %q", c.path, code, h.Get("Content-Type"), c.typ, c.has)
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", c.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: CSP %q allows unsafe sources", c.path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: headers %v", c.path, h)
		}
		if regexp.MustCompile(`https?://[^w]`).MatchString(body) { // only the SVG namespace URI (www.w3.org) is allowed
			t.Errorf("GET %s names another host", c.path)
		}
		if regexp.MustCompile(`<script[^>]*>[^<]|\son[a-z]+=|style=`).MatchString(body) && c.path == "/" {
			t.Errorf("the page has inline script or style")
		}
	}
	for _, c := range []struct {
		method, path string
		code         int
	}{{"GET", "/ui/nope.js", 404}, {"POST", "/", 401}, {"GET", "/live", 401}, {"GET", "/futurecalls", 401},
		{"POST", "/futurecalls/1/cancel", 401}, {"POST", "/futurecalls/1/retry", 401}, {"GET", "/health/history", 401},
		{"GET", "/migrations", 401}, {"GET", "/index.html", 401}} {
		if code, _, body := send(t, c.method, ins.URL+c.path, "", ""); code != c.code {
			t.Errorf("%s %s without the secret = %d %s, want %d", c.method, c.path, code, body, c.code)
		}
	}
}

// insertCall stores a future call and returns its id.
func insertCall(t *testing.T, db *pod.DB, name, state string, identifier *string, attempts int, lastError *string) int64 {
	t.Helper()
	rows, err := db.Query(`INSERT INTO "pod_future_call" ("name", "due", "arg", "identifier", "state", "attempts", "last_error",
		"lease_owner", "lease_until") VALUES ($1, now() + interval '1 hour', '{}', $2, $3, $4, $5,
		CASE WHEN $3 = 'running' THEN 'other-server' END, CASE WHEN $3 = 'running' THEN now() + interval '1 minute' END) RETURNING "id"`,
		name, identifier, state, attempts, lastError)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0].(int64)
}

type futureCallsJSON struct {
	FutureCalls []struct {
		ID         int64   `json:"id"`
		Name       string  `json:"name"`
		Identifier *string `json:"identifier"`
		State      string  `json:"state"`
		Due        string  `json:"due"`
		Attempts   int     `json:"attempts"`
		LastError  *string `json:"lastError"`
		LeaseOwner *string `json:"leaseOwner"`
	} `json:"futureCalls"`
	Counts map[string]int `json:"counts"`
	Next   *int64         `json:"next"`
}

func getFutureCalls(t *testing.T, base, query string) futureCallsJSON {
	t.Helper()
	code, _, body := send(t, "GET", base+"/futurecalls"+query, bearer, "")
	var out futureCallsJSON
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil || out.FutureCalls == nil {
		t.Fatalf("/futurecalls%s = %d %s", query, code, body)
	}
	return out
}

// callState is a call's state in the database, "" when it is gone.
func callState(t *testing.T, db *pod.DB, id int64) (state string, attempts int32) {
	t.Helper()
	rows, err := db.Query(`SELECT "state", "attempts" FROM "pod_future_call" WHERE "id" = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return "", 0
	}
	return rows[0][0].(string), rows[0][1].(int32)
}

// TestFutureCallsListCancelRetry: the list by state, paged by cursor, with
// the counts; cancel deletes a scheduled or failed call but never a running
// one; retry schedules a failed call again with its attempts reset and
// refuses the others; unknown ids are 404s, bad ids and parameters 400s;
// nothing changes without the secret.
func TestFutureCallsListCancelRetry(t *testing.T) {
	rt := newSystemRuntime(t)
	ins := insightsOf(t, rt)
	db := pod.NewDB(context.Background(), rt.DB)
	if got := getFutureCalls(t, ins.URL, ""); len(got.FutureCalls) != 0 || got.Counts["scheduled"] != 0 || got.Next != nil {
		t.Fatalf("empty table: %+v", got)
	}
	rem := "rem-42"
	boom := "boom: no mail server"
	s1 := insertCall(t, db, "sendReminder", "scheduled", &rem, 0, nil)
	s2 := insertCall(t, db, "sendReminder", "scheduled", nil, 0, nil)
	s3 := insertCall(t, db, "count", "scheduled", nil, 2, &boom)
	run := insertCall(t, db, "count", "running", nil, 1, nil)
	failed := insertCall(t, db, "sendReminder", "failed", &rem, 5, &boom)

	all := getFutureCalls(t, ins.URL, "?state=scheduled")
	if len(all.FutureCalls) != 3 || all.FutureCalls[0].ID != s3 || all.FutureCalls[2].ID != s1 || all.Next != nil {
		t.Errorf("scheduled calls: %+v, want %d, %d, %d", all.FutureCalls, s3, s2, s1)
	}
	if c := all.Counts; c["scheduled"] != 3 || c["running"] != 1 || c["failed"] != 1 || c["due"] != 0 {
		t.Errorf("counts: %v", c)
	}
	if f := all.FutureCalls[2]; f.Name != "sendReminder" || f.Identifier == nil || *f.Identifier != rem || f.Attempts != 0 {
		t.Errorf("call %d: %+v", s1, f)
	}
	page1 := getFutureCalls(t, ins.URL, "?state=scheduled&limit=2")
	if len(page1.FutureCalls) != 2 || page1.Next == nil || *page1.Next != s2 {
		t.Fatalf("first page of 2: %+v", page1)
	}
	page2 := getFutureCalls(t, ins.URL, "?state=scheduled&limit=2&before="+url.QueryEscape(jsonNum(*page1.Next)))
	if len(page2.FutureCalls) != 1 || page2.FutureCalls[0].ID != s1 || page2.Next != nil {
		t.Errorf("second page: %+v", page2)
	}
	if got := getFutureCalls(t, ins.URL, "?state=failed"); len(got.FutureCalls) != 1 || got.FutureCalls[0].ID != failed ||
		got.FutureCalls[0].LastError == nil || *got.FutureCalls[0].LastError != boom || got.FutureCalls[0].Attempts != 5 {
		t.Errorf("failed calls: %+v", got.FutureCalls)
	}
	if got := getFutureCalls(t, ins.URL, ""); len(got.FutureCalls) != 5 {
		t.Errorf("all calls: %d", len(got.FutureCalls))
	}

	post := func(id int64, action string, auth string) (int, string) {
		code, _, body := send(t, "POST", ins.URL+"/futurecalls/"+jsonNum(id)+"/"+action, auth, "")
		return code, body
	}
	// Without the secret nothing happens.
	if code, _ := post(s1, "cancel", "Bearer nope"); code != 401 {
		t.Errorf("cancel with a wrong secret: %d", code)
	}
	if st, _ := callState(t, db, s1); st != "scheduled" {
		t.Errorf("after a refused cancel call %d is %q", s1, st)
	}
	for _, c := range []struct {
		id           int64
		action       string
		code         int
		body         string
		stateAfter   string
		attemptsLeft int32
	}{
		{s1, "cancel", 200, `{"id":` + jsonNum(s1) + `,"cancelled":"scheduled"}`, "", 0},
		{s1, "cancel", 404, "has run, or was cancelled", "", 0},
		{run, "cancel", 409, "is running: the server running it owns it", "running", 1},
		{run, "retry", 409, "is running: only a failed call can be retried", "running", 1},
		{s2, "retry", 409, "is scheduled: only a failed call can be retried", "scheduled", 0},
		{failed, "retry", 200, `{"id":` + jsonNum(failed) + `,"retried":"scheduled"}`, "scheduled", 0},
		{failed, "retry", 409, "is scheduled", "scheduled", 0},
		{999999, "retry", 404, "no future call 999999", "", 0},
	} {
		code, body := post(c.id, c.action, bearer)
		if code != c.code || !strings.Contains(body, c.body) {
			t.Errorf("%s %d = %d %s, want %d %q", c.action, c.id, code, body, c.code, c.body)
		}
		if st, n := callState(t, db, c.id); st != c.stateAfter || n != c.attemptsLeft {
			t.Errorf("after %s %d: state %q attempts %d, want %q %d", c.action, c.id, st, n, c.stateAfter, c.attemptsLeft)
		}
	}
	// The retried call is due now (the scheduler claims it at its next poll)
	// and keeps its last error until it runs.
	rows, err := db.Query(`SELECT "due" <= now(), "last_error", "lease_owner" FROM "pod_future_call" WHERE "id" = $1`, failed)
	if err != nil || rows[0][0] != true || rows[0][1] != boom || rows[0][2] != nil {
		t.Errorf("retried call: %v %v", rows, err)
	}
	// A failed call can be cancelled (dismissed) too.
	failed2 := insertCall(t, db, "count", "failed", nil, 5, &boom)
	if code, body := post(failed2, "cancel", bearer); code != 200 || !strings.Contains(body, `"cancelled":"failed"`) {
		t.Errorf("cancel a failed call: %d %s", code, body)
	}
	for _, path := range []string{"/futurecalls/abc/cancel", "/futurecalls/0/retry", "/futurecalls/-1/cancel"} {
		if code, _, body := send(t, "POST", ins.URL+path, bearer, ""); code != 400 || !strings.Contains(body, "want a future call id") {
			t.Errorf("POST %s = %d %s", path, code, body)
		}
	}
	for _, q := range []string{"?state=done", "?limit=0", "?limit=1001", "?before=x", "?sate=failed", "?state=failed&state=running"} {
		if code, _, body := send(t, "GET", ins.URL+"/futurecalls"+q, bearer, ""); code != 400 || !strings.Contains(body, "parameter") {
			t.Errorf("/futurecalls%s = %d %s", q, code, body)
		}
	}
	if code, _, body := send(t, "GET", ins.URL+"/futurecalls/1/cancel", bearer, ""); code != 404 && code != 405 {
		t.Errorf("GET on cancel = %d %s", code, body)
	}
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestSessionsCursor: a full page ends with "next"; before= that id gives
// the following page, with the filters still applied; the last page has
// no "next"; a bad cursor is a 400.
func TestSessionsCursor(t *testing.T) {
	rt := newSystemRuntime(t)
	ins := insightsOf(t, rt)
	base := time.Now().UTC().Truncate(time.Second)
	seedSessions(t, rt, base)
	page := func(query string) (ids string, next string) {
		code, body := get(t, ins.URL+"/sessions"+query, bearer)
		var out struct {
			Sessions []sessionJSON
			Next     *string
		}
		if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("/sessions%s = %d %s", query, code, body)
		}
		if out.Next != nil {
			next = *out.Next
		}
		return requestIDs(out.Sessions), next
	}
	var got []string
	cursor := ""
	for range 4 {
		q := "?limit=2"
		if cursor != "" {
			q += "&before=" + cursor
		}
		ids, next := page(q)
		got = append(got, ids)
		if cursor = next; cursor == "" {
			break
		}
	}
	if strings.Join(got, "|") != "s5,s4|s3,s2|s1" {
		t.Errorf("pages of 2: %q", got)
	}
	ids, next := page("?limit=1&endpoint=a")
	ids2, next2 := page("?limit=1&endpoint=a&before=" + next)
	ids3, next3 := page("?limit=5&endpoint=a&before=" + next2)
	if ids != "s5" || ids2 != "s2" || ids3 != "s1" || next3 != "" {
		t.Errorf("pages of endpoint a: %q %q %q (next %q)", ids, ids2, ids3, next3)
	}
	// Exactly a full last page still says next; the page after it is empty.
	if ids, next := page("?limit=5"); ids != "s5,s4,s3,s2,s1" || next == "" {
		t.Errorf("a full page of 5: %q next %q", ids, next)
	} else if code, body := get(t, ins.URL+"/sessions?before="+next, bearer); code != 200 || body != `{"sessions":[]}` {
		t.Errorf("after the last session: %d %s", code, body)
	}
	for _, q := range []string{"?before=x", "?before=6f1c0000-0000-7000-8000-00000000000g", "?before=a&before=b"} {
		if code, body := get(t, ins.URL+"/sessions"+q, bearer); code != 400 || !strings.Contains(body, `parameter \"before\"`) {
			t.Errorf("/sessions%s = %d %s", q, code, body)
		}
	}
}

// TestHealthHistory: the rows of the window asked for, every server's, by
// server then time; a bad range is a 400.
func TestHealthHistory(t *testing.T) {
	rt := newSystemRuntime(t)
	ins := insightsOf(t, rt)
	db := pod.NewDB(context.Background(), rt.DB)
	for _, r := range []struct {
		server int
		ago    string
	}{{0, "10 minutes"}, {1, "5 minutes"}, {0, "2 minutes"}, {0, "3 hours"}, {1, "2 days"}} {
		if _, err := db.Exec(`INSERT INTO "pod_health_metric" ("server_id", "time", "requests", "errors", "latency_p50_ms",
			"latency_p95_ms", "latency_p99_ms", "memory_bytes", "goroutines", "db_connections", "db_idle")
			VALUES ($1, now() - $2::interval, 120, 6, 1.5, 4, 9.25, 10485760, 42, 5, 3)`, r.server, r.ago); err != nil {
			t.Fatal(err)
		}
	}
	type point struct {
		ServerID int     `json:"serverId"`
		Time     string  `json:"time"`
		Requests int     `json:"requests"`
		Errors   int     `json:"errors"`
		P50      float64 `json:"p50Ms"`
		P99      float64 `json:"p99Ms"`
		Memory   int64   `json:"memoryBytes"`
		DBConns  int     `json:"dbConnections"`
		DBIdle   int     `json:"dbIdle"`
	}
	for _, c := range []struct {
		query   string
		servers string
	}{{"", "0,0,1"}, {"?range=hour", "0,0,1"}, {"?range=day", "0,0,0,1"}} {
		code, body := get(t, ins.URL+"/health/history"+c.query, bearer)
		var out struct {
			Range  string
			Points []point
		}
		if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("/health/history%s = %d %s", c.query, code, body)
		}
		var servers []string
		for i, p := range out.Points {
			servers = append(servers, jsonNum(int64(p.ServerID)))
			if p.Requests != 120 || p.Errors != 6 || p.P50 != 1.5 || p.P99 != 9.25 || p.Memory != 10485760 || p.DBConns != 5 || p.DBIdle != 3 {
				t.Errorf("point %+v", p)
			}
			if i > 0 && p.ServerID == out.Points[i-1].ServerID && p.Time <= out.Points[i-1].Time {
				t.Errorf("points out of order: %v", out.Points)
			}
		}
		if strings.Join(servers, ",") != c.servers {
			t.Errorf("/health/history%s: servers %v, want %s", c.query, servers, c.servers)
		}
	}
	for _, q := range []string{"?range=week", "?span=hour", "?range=hour&range=day"} {
		if code, body := get(t, ins.URL+"/health/history"+q, bearer); code != 400 {
			t.Errorf("/health/history%s = %d %s", q, code, body)
		}
	}
}

// TestLiveAndMigrations: /live reports this server's counters, caches and
// the routes called (with their 5xx); /migrations lists pod_migration, or
// nothing when the database has none.
func TestLiveAndMigrations(t *testing.T) {
	rt := newSystemRuntime(t)
	rt.ServerID = 3
	s := New(rt)
	ins := serveInsights(t, s)
	apiSrv := httptest.NewServer(s.Handler())
	t.Cleanup(apiSrv.Close)
	api := apiSrv.URL
	do(t, "POST", api+"/test/echo", `"x"`)
	do(t, "POST", api+"/test/panic", "{}")
	do(t, "POST", api+"/test/panic", "{}")
	code, body := get(t, ins.URL+"/live", bearer)
	var live struct {
		ServerID    int `json:"serverId"`
		App         string
		Mode        string
		Version     string
		UptimeS     int64
		Requests    int64
		Errors      int64
		MemoryBytes int64
		Goroutines  int64
		DB          *struct{ Max, Open, InUse, Idle int }
		Caches      []struct {
			Name                  string
			Entries, Hits, Misses int
		}
		Routes []struct {
			Endpoint, Method string
			Requests, Errors int
		}
	}
	if code != 200 || json.Unmarshal([]byte(body), &live) != nil {
		t.Fatalf("/live = %d %s", code, body)
	}
	if live.ServerID != 3 || live.Mode != "test" || live.Requests != 3 || live.Errors != 2 || live.MemoryBytes <= 0 ||
		live.Goroutines <= 0 || live.DB == nil || live.DB.Max != 4 || len(live.Caches) != 3 || live.Version == "" {
		t.Errorf("/live: %+v\n%s", live, body)
	}
	routesSeen := map[string][2]int{}
	for _, r := range live.Routes {
		routesSeen[r.Endpoint+"."+r.Method] = [2]int{r.Requests, r.Errors}
	}
	if len(routesSeen) != 2 || routesSeen["test.echo"] != [2]int{1, 0} || routesSeen["test.panic"] != [2]int{2, 2} {
		t.Errorf("/live routes: %v", routesSeen)
	}
	if code, body := get(t, ins.URL+"/migrations", bearer); code != 200 || body != `{"migrations":[]}` {
		t.Errorf("/migrations without pod_migration = %d %s", code, body)
	}
	db := pod.NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`CREATE TABLE "pod_migration" ("module" text NOT NULL, "version" text NOT NULL,
		"applied" timestamptz NOT NULL DEFAULT now(), PRIMARY KEY ("module", "version"));
		INSERT INTO "pod_migration" ("module", "version", "applied") VALUES ('podgen', '0001-future-calls', now() - interval '1 day'),
		('testapp', '20260101000000', now())`); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, ins.URL+"/migrations", bearer)
	if code != 200 || !regexp.MustCompile(`^\{"migrations":\[\{"module":"podgen","version":"0001-future-calls","applied":"[^"]+"\},`+
		`\{"module":"testapp","version":"20260101000000","applied":"[^"]+"\}\]\}$`).MatchString(body) {
		t.Errorf("/migrations = %d %s", code, body)
	}
	_, ins2 := newInsights(t, true)
	if code, body := get(t, ins2.URL+"/migrations", bearer); code != 503 {
		t.Errorf("/migrations with the database down = %d %s", code, body)
	}
	if code, body := get(t, ins2.URL+"/futurecalls", bearer); code != 503 {
		t.Errorf("/futurecalls with the database down = %d %s", code, body)
	}
	if code, body := get(t, ins2.URL+"/live", bearer); code != 200 || !strings.Contains(body, `"serverId":0`) {
		t.Errorf("/live with the database down = %d %s", code, body)
	}
}
