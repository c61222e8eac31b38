package server

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/podgen/podgen/emit/static/pod"
)

// router serves POST /{endpoint}/{method} with Go 1.22 ServeMux patterns and
// answers everything else with a JSON 404 or 405 instead of ServeMux's text.
type router struct {
	mux   *http.ServeMux
	rt    *pod.Runtime
	known map[string]bool // "/endpoint/method" of every served method, and "endpoint"
	// metrics count the calls for the service port's /metrics.
	metrics metrics
	limits  *limits
	origins origins
	// draining is set on SIGTERM (run.go): /readyz fails and every response
	// asks the client to close its connection.
	draining atomic.Bool
}

func newRouter(rt *pod.Runtime) *router {
	r := &router{mux: http.NewServeMux(), rt: rt, known: map[string]bool{},
		limits: newLimits(rt.Config.APIServer), origins: newOrigins(rt.Config.APIServer.AllowedOrigins)}
	r.mux.HandleFunc("/", r.notFound)
	r.mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	r.probes()
	return r
}

// handle serves endpoint.method with h.
func (r *router) handle(endpoint, method string, h handler) {
	path := "/" + endpoint + "/" + method
	r.known[path] = true
	r.known[endpoint] = true
	m := r.metrics.route(endpoint, method)
	r.mux.HandleFunc("POST "+path, func(w http.ResponseWriter, req *http.Request) {
		serve(r.limits, r.rt, m, endpoint, method, h, w, req)
	})
}

// notFound answers requests no POST pattern took: a known path with
// another method is a 405, anything else a 404. Paths are compared
// escaped, as ServeMux matches them: /item%2fget is no method of item.
func (r *router) notFound(w http.ResponseWriter, req *http.Request) {
	c := &call{w: w, r: req, rt: r.rt}
	path := req.URL.EscapedPath()
	if path == "/openapi.json" {
		w.Header().Set("Allow", "GET, HEAD")
		c.fail(http.StatusMethodNotAllowed, "method "+req.Method+" not allowed: use GET")
		return
	}
	if r.known[path] {
		w.Header().Set("Allow", http.MethodPost)
		c.fail(http.StatusMethodNotAllowed, "method "+req.Method+" not allowed: use POST")
		return
	}
	endpoint, method, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch {
	case ok && r.known[endpoint] && method != "" && !strings.Contains(method, "/"):
		c.fail(http.StatusNotFound, "endpoint "+strconv.Quote(endpoint)+" has no method "+strconv.Quote(method))
	case ok && !r.known[endpoint]:
		c.fail(http.StatusNotFound, "unknown endpoint "+strconv.Quote(endpoint))
	default:
		c.fail(http.StatusNotFound, "no endpoint method at "+strconv.Quote(path)+": use POST /{endpoint}/{method}")
	}
}

// ServeHTTP checks a browser request's Origin (cors.go), then routes it.
func (r *router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.draining.Load() {
		w.Header()["Connection"] = connectionClose // net/http closes it after this response
	}
	if req.Header["Origin"] != nil && !r.origins.check(w, req, r.rt) {
		return
	}
	r.mux.ServeHTTP(w, req)
}

var connectionClose = []string{"close"}

// serveOpenAPI answers GET /openapi.json with the API's OpenAPI document
// (openapi.go).
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Cache-Control"] = noCache
	_, _ = io.WriteString(w, openAPIDocument)
}

var noCache = []string{"no-cache"}
