package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// InsightsHandler is the service port (insightsServer.port). GET / is the
// insights page and GET /ui/{file} its script and style sheet (insights_web.go):
// they hold no data and are served to anyone, so that a browser can load
// the page that asks for the secret. Every other route is behind
// `Authorization: Bearer <serviceSecret>`: GET /health, /metrics, /live,
// /health/history, /sessions, /futurecalls, /migrations, GET and PUT
// /settings, POST /futurecalls/{id}/cancel and /futurecalls/{id}/retry.
// Run opens the port only when a service secret is configured.
func (s *Server) InsightsHandler() http.Handler {
	api := http.NewServeMux()
	api.HandleFunc("GET /health", s.health)
	api.HandleFunc("GET /health/history", s.healthHistory)
	api.HandleFunc("GET /metrics", s.metrics)
	api.HandleFunc("GET /live", s.live)
	api.HandleFunc("GET /sessions", s.sessions)
	api.HandleFunc("GET /settings", s.getSettings)
	api.HandleFunc("PUT /settings", s.putSettings)
	api.HandleFunc("GET /futurecalls", s.futureCalls)
	api.HandleFunc("POST /futurecalls/{id}/cancel", s.cancelFutureCall)
	api.HandleFunc("POST /futurecalls/{id}/retry", s.retryFutureCall)
	api.HandleFunc("GET /migrations", s.migrations)
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody(nil, "no "+r.Method+" "+r.URL.Path+
			" on the service port: use GET /, /health, /health/history, /metrics, /live, /sessions, /futurecalls, /migrations, /settings,"+
			" PUT /settings or POST /futurecalls/{id}/cancel, /futurecalls/{id}/retry", "", nil, ""))
	})
	root := http.NewServeMux()
	root.HandleFunc("GET /{$}", servePage)
	root.HandleFunc("GET /ui/{file}", serveAsset)
	root.Handle("/", requireSecret(s.rt.Config.ServiceSecret, api))
	return root
}

// requireSecret answers 401 unless the request carries the secret. Both
// sides are hashed first, so the comparison takes the same time whatever
// the length or content of a wrong guess; an empty secret admits nobody.
func requireSecret(secret string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte("Bearer " + secret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		if secret == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="service"`)
			writeJSON(w, http.StatusUnauthorized, errorBody(nil, "missing or wrong service secret: send Authorization: Bearer <serviceSecret>", "", nil, ""))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkTimeout bounds each dependency check of /health and /readyz, so a
// hung database cannot hang the probe that is meant to notice it.
const checkTimeout = 2 * time.Second

// health answers {"status":..,"database":..,"redis":..,"scheduler":..}:
// database and redis "ok", "unavailable" or (Redis) "disabled"; 200 when
// nothing is unavailable, else 503. The checks run in parallel. The
// scheduler is this server's future-call scheduler: "running", "stopped"
// (shutting down) or "disabled" (serverless role, or no future calls in
// the app); it does not change the status.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	var db, redis string
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); db = checkDB(ctx, s.rt.DB) }()
	go func() { defer wg.Done(); redis = checkRedis(ctx, s.rt.Caches) }()
	wg.Wait()
	status, code := "ok", http.StatusOK
	if db == "unavailable" || redis == "unavailable" {
		status, code = "degraded", http.StatusServiceUnavailable
	}
	b := append([]byte(`{"status":`), appendString(nil, status)...)
	b = append(append(b, `,"database":`...), appendString(nil, db)...)
	b = append(append(b, `,"redis":`...), appendString(nil, redis)...)
	b = append(append(b, `,"scheduler":`...), appendString(nil, s.scheduler.Status())...)
	writeJSON(w, code, append(b, '}'))
}

func checkDB(ctx context.Context, db *pod.DBPool) string {
	if db == nil || db.Ping(ctx) != nil {
		return "unavailable"
	}
	return "ok"
}

func checkRedis(ctx context.Context, c *pod.Caches) string {
	if c == nil {
		return "disabled"
	}
	switch err := c.Global.Ping(ctx); {
	case errors.Is(err, pod.ErrRedisDisabled):
		return "disabled"
	case err != nil:
		return "unavailable"
	}
	return "ok"
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client went away
}
