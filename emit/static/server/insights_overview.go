package server

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strconv"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// live answers GET /live: this server's figures now, for the insights
// page, which polls it and charts what it sees:
//
//	{"serverId":0,"app":"mypod","mode":"production","version":"v1.2.0","revision":"4f2a..",
//	 "goVersion":"go1.26.0","started":"..","uptimeS":3600,"now":"..",
//	 "requests":1200,"errors":3,"inFlight":1,"memoryBytes":..,"goroutines":..,
//	 "db":{"max":20,"open":3,"inUse":1,"idle":2,"acquires":..,"emptyAcquires":..} (null without a pool),
//	 "caches":[{"name":"local","entries":..,"hits":..,"misses":..,"evictions":..}],
//	 "routes":[{"endpoint":..,"method":..,"requests":..,"errors":..,"sumMs":..}]}
//
// routes are the endpoint methods called since start (errors are 5xx).
// Nothing here touches the database, so the page shows a server whose
// database is down.
func (s *Server) live(w http.ResponseWriter, _ *http.Request) {
	now := time.Now()
	m := &s.router.metrics
	t := m.totals()
	b := make([]byte, 0, 2048)
	b = appendMember(b, '{', "serverId", int64(s.rt.ServerID))
	b = appendMember(b, ',', "app", appName)
	b = appendMember(b, ',', "mode", s.rt.Config.Mode)
	version, revision := buildVersion()
	b = appendMember(b, ',', "version", version)
	b = appendMember(b, ',', "revision", revision)
	b = appendMember(b, ',', "goVersion", runtime.Version())
	b = appendMember(b, ',', "started", s.started)
	b = appendMember(b, ',', "uptimeS", int64(now.Sub(s.started).Seconds()))
	b = appendMember(b, ',', "now", now)
	b = appendMember(b, ',', "requests", int64(t.count))
	b = appendMember(b, ',', "errors", int64(t.errors))
	b = appendMember(b, ',', "inFlight", m.inFlight.Load())
	b = appendMember(b, ',', "memoryBytes", memoryBytes())
	b = appendMember(b, ',', "goroutines", int64(runtime.NumGoroutine()))
	b = append(b, `,"db":`...)
	if s.rt.DB == nil {
		b = append(b, "null"...)
	} else {
		st := s.rt.DB.Stats()
		b = appendMember(b, '{', "max", st.MaxConns)
		b = appendMember(b, ',', "open", st.TotalConns)
		b = appendMember(b, ',', "inUse", st.InUseConns)
		b = appendMember(b, ',', "idle", st.IdleConns)
		b = appendMember(b, ',', "acquires", st.Acquires)
		b = appendMember(b, ',', "emptyAcquires", st.EmptyAcquires)
		b = append(b, '}')
	}
	b = append(b, `,"caches":[`...)
	if c := s.rt.Caches; c != nil {
		for i, nc := range []namedCache{{"local", c.Local}, {"localPrio", c.LocalPrio}, {"global", c.Global}} {
			if i > 0 {
				b = append(b, ',')
			}
			st := nc.cache.Stats()
			b = appendMember(b, '{', "name", nc.name)
			b = appendMember(b, ',', "entries", int64(st.Entries))
			b = appendMember(b, ',', "hits", int64(st.Hits))
			b = appendMember(b, ',', "misses", int64(st.Misses))
			b = appendMember(b, ',', "evictions", int64(st.Evictions))
			b = append(b, '}')
		}
	}
	b = append(b, `],"routes":[`...)
	first := true
	for _, r := range m.routes {
		n := r.count.Load()
		if n == 0 {
			continue
		}
		var errs uint64
		for i, code := range statusCodes {
			if code >= 500 {
				errs += r.statuses[i].Load()
			}
		}
		sep := byte('{')
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendMember(b, sep, "endpoint", r.endpoint)
		b = appendMember(b, ',', "method", r.method)
		b = appendMember(b, ',', "requests", int64(n))
		b = appendMember(b, ',', "errors", int64(errs))
		b = appendMember(b, ',', "sumMs", float64(r.sumNanos.Load())/1e6)
		b = append(b, '}')
	}
	writeJSON(w, http.StatusOK, append(b, "]}"...))
}

// memoryBytes is what the Go runtime holds (mapped minus released), the
// figure pod_health_metric's memory_bytes records.
func memoryBytes() int64 {
	s := []rtmetrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() != rtmetrics.KindUint64 || s[1].Value.Kind() != rtmetrics.KindUint64 || s[1].Value.Uint64() > s[0].Value.Uint64() {
		return 0
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}

// buildVersion is the server binary's module version and VCS revision as
// the Go toolchain recorded them ("(devel)" and "" for a plain go build
// outside a repository).
func buildVersion() (version, revision string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown", ""
	}
	for _, st := range bi.Settings {
		if st.Key == "vcs.revision" {
			revision = st.Value
		}
	}
	return bi.Main.Version, revision
}

// The windows of GET /health/history.
var historyRanges = map[string]time.Duration{"hour": time.Hour, "day": 24 * time.Hour}

// maxHistoryRows bounds one answer: a day of one row per minute for 13 servers.
const maxHistoryRows = 20000

const selectHealthSQL = `SELECT "server_id", "time", "requests", "errors", "latency_p50_ms", "latency_p95_ms",
	"latency_p99_ms", "memory_bytes", "goroutines", "db_connections", "db_idle" FROM "pod_health_metric"
	WHERE "time" >= now() - $1 * interval '1 second' ORDER BY "server_id", "time" LIMIT $2`

// healthHistory answers GET /health/history?range=hour|day (default hour):
// the rows of pod_health_metric of that window, every server's, by server
// then time (one row per server and minute, docs/INSIGHTS.md):
//
//	{"range":"hour","points":[{"serverId":0,"time":..,"requests":..,"errors":..,
//	  "p50Ms":..,"p95Ms":..,"p99Ms":..,"memoryBytes":..,"goroutines":..,
//	  "dbConnections":..,"dbIdle":..}]}
func (s *Server) healthHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := "hour"
	for key, vals := range q {
		_, ok := historyRanges[vals[0]]
		switch {
		case key != "range":
			writeJSON(w, http.StatusBadRequest, errorBody(nil, "unknown parameter "+strconv.Quote(key)+" (known: range)", "", nil, ""))
			return
		case len(vals) > 1 || !ok:
			writeJSON(w, http.StatusBadRequest, errorBody(nil, `parameter "range": want hour or day, once`, "", nil, ""))
			return
		}
		name = vals[0]
	}
	ctx, cancel := context.WithTimeout(r.Context(), sessionQueryTimeout)
	defer cancel()
	rows, err := pod.NewDB(ctx, s.rt.DB).Query(selectHealthSQL, int64(historyRanges[name].Seconds()), maxHistoryRows)
	if err != nil {
		s.databaseError(w, r, "health history", err)
		return
	}
	b := appendMember(make([]byte, 0, 128+len(rows)*200), '{', "range", name)
	b = append(b, `,"points":[`...)
	keys := [...]string{"serverId", "time", "requests", "errors", "p50Ms", "p95Ms", "p99Ms",
		"memoryBytes", "goroutines", "dbConnections", "dbIdle"}
	b = appendObjects(b, keys[:], rows)
	writeJSON(w, http.StatusOK, append(b, "]}"...))
}

const selectMigrationsSQL = `SELECT "module", "version", "applied" FROM "pod_migration" ORDER BY "applied", "module", "version"`

// migrations answers GET /migrations: the applied schema migrations of the
// database (pod_migration), oldest first,
// {"migrations":[{"module":"podgen","version":"0001-...","applied":".."}]};
// a database that was never migrated by a server (no pod_migration) has
// none: {"migrations":[]}.
func (s *Server) migrations(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), settingsTimeout)
	defer cancel()
	db := pod.NewDB(ctx, s.rt.DB)
	exists, err := db.Query(`SELECT to_regclass('"pod_migration"') IS NOT NULL`)
	if err == nil && (len(exists) != 1 || len(exists[0]) != 1) {
		err = errors.New("migrations: unexpected answer")
	}
	if err != nil {
		s.databaseError(w, r, "migrations", err)
		return
	}
	var rows [][]any
	if ok, _ := exists[0][0].(bool); ok {
		if rows, err = db.Query(selectMigrationsSQL); err != nil {
			s.databaseError(w, r, "migrations", err)
			return
		}
	}
	b := append(make([]byte, 0, 256), `{"migrations":[`...)
	b = appendObjects(b, []string{"module", "version", "applied"}, rows)
	writeJSON(w, http.StatusOK, append(b, "]}"...))
}
