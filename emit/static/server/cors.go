package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/podgen/podgen/emit/static/pod"
)

// origins is the browser policy of the API port (SPEC §8). A page can
// make a browser POST text/plain to any server without a preflight, so
// every request that carries an Origin header is checked before anything
// of it runs: the server's own origin and those listed in
// apiServer.cors.allowedOrigins pass (listed ones get CORS headers, and
// their OPTIONS preflights are answered); any other is a 403. Requests
// without Origin (curl, servers, the Go client) are not browsers' and pass.
type origins struct {
	allowed map[string]bool // "https://app.example.com", lower-case
	any     bool            // "*" is listed: every origin passes
}

func newOrigins(list []string) origins {
	o := origins{allowed: map[string]bool{}}
	for _, s := range list {
		if s == "*" {
			o.any = true
		}
		o.allowed[strings.ToLower(s)] = true
	}
	return o
}

// corsMaxAge lets a browser cache a preflight for ten minutes.
var corsMaxAge = []string{"600"}

// check lets req through, or answers it (a 403, or a preflight's 204) and
// reports false.
func (o origins) check(w http.ResponseWriter, req *http.Request, rt *pod.Runtime) bool {
	origin := req.Header.Get("Origin")
	listed := o.any || o.allowed[strings.ToLower(origin)]
	if !listed && !sameOrigin(origin, req.Host) {
		c := &call{w: w, r: req, rt: rt}
		c.fail(http.StatusForbidden, "origin "+strconv.Quote(origin)+" is not allowed: list it in apiServer.cors.allowedOrigins")
		return false
	}
	if !listed {
		return true // the server's own pages need no CORS headers
	}
	h := w.Header()
	h["Access-Control-Allow-Origin"] = []string{origin}
	h.Add("Vary", "Origin")
	if req.Method != http.MethodOptions || req.Header.Get("Access-Control-Request-Method") == "" {
		return true
	}
	// A preflight: the calls are POSTs with a JSON body and maybe a key.
	h["Access-Control-Allow-Methods"] = []string{"POST"}
	h["Access-Control-Allow-Headers"] = []string{"Authorization, Content-Type"}
	h["Access-Control-Max-Age"] = corsMaxAge
	w.WriteHeader(http.StatusNoContent)
	return false
}

// sameOrigin reports whether origin names the host the request was sent
// to, as the Host header says (a proxy in front must pass it on, as
// nginx's `proxy_set_header Host $host` does). The scheme is not compared:
// behind a TLS-terminating proxy the server cannot see it.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // "null" (a sandboxed page, a file), or garbage
	}
	if strings.EqualFold(u.Host, host) {
		return true
	}
	// Default ports may be left out on either side.
	sent := &url.URL{Host: host}
	if !strings.EqualFold(u.Hostname(), sent.Hostname()) {
		return false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if sent.Port() == "" { // the client connected to a default port
		return port == "80" || port == "443"
	}
	return sent.Port() == port
}
