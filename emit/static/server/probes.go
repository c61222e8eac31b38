package server

import (
	"context"
	"net/http"
)

// probes serves the API port's unauthenticated health probes for load
// balancers and Kubernetes. They tell nothing but up or down: details are
// on the service port's /health.
func (r *router) probes() {
	// GET /livez: the process runs and serves HTTP.
	r.mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	// GET /readyz: the database answers, so calls can be served, and the
	// server is not draining for a shutdown.
	r.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		if r.draining.Load() {
			writeText(w, http.StatusServiceUnavailable, "shutting down\n")
			return
		}
		ctx, cancel := context.WithTimeout(req.Context(), checkTimeout)
		defer cancel()
		if checkDB(ctx, r.rt.DB) != "ok" {
			writeText(w, http.StatusServiceUnavailable, "unavailable\n")
			return
		}
		writeText(w, http.StatusOK, "ok\n")
	})
}

func writeText(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(s)) //nolint:errcheck // the prober went away
}
