package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// call is one request to a served method. Calls are pooled with their body
// and output buffers, so a steady stream of requests allocates little.
type call struct {
	w        http.ResponseWriter
	r        *http.Request
	rt       *pod.Runtime
	session  *pod.Session
	endpoint string
	method   string
	id       string
	body     []byte // the request body, read whole
	out      []byte // the response being built
	wrote    bool
	status   int    // the status written, for metrics
	failure  error  // why the call failed, for its session log
	stack    string // where, for a recovered panic
	// mem is what the body and the decoded parameters may hold; given
	// back to the limits' pool when the call ends.
	mem pod.JSONBudget
}

// maxPooledBuffer keeps one huge request from pinning its memory in the pool.
const maxPooledBuffer = 64 << 10

var callPool = sync.Pool{New: func() any {
	return &call{body: make([]byte, 0, 4096), out: make([]byte, 0, 4096)}
}}

// handler decodes a call's parameters, runs the endpoint method and replies.
type handler func(c *call)

// serve runs h for one request: limits, body limit, deadline, session,
// panics, and counts it in m.
func serve(l *limits, rt *pod.Runtime, m *routeMetrics, endpoint, method string, h handler, w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	m.all.inFlight.Add(1)
	c := callPool.Get().(*call)
	defer c.release()
	defer func() { // after recoverPanic wrote its 500, before release
		m.all.inFlight.Add(-1)
		m.observe(c.status, time.Since(start))
	}()
	*c = call{w: w, r: r, rt: rt, endpoint: endpoint, method: method, id: nextRequestID(),
		body: c.body[:0], out: c.out[:0]}
	if !l.enter() {
		c.busy(tooManyCalls)
		return
	}
	defer l.leave()
	defer c.closeSession() // after recoverPanic, so a panic is logged with the session
	defer c.recoverPanic()
	if !c.readBody(l) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), rt.Config.APIServer.RequestTimeout)
	defer cancel()
	c.session = pod.NewSession(ctx, rt, endpoint, method, c.id)
	startRequest(c)
	h(c)
}

// closeSession ends the call's session log with how the call ended.
func (c *call) closeSession() {
	if c.session == nil {
		return
	}
	if c.failure == nil && c.status != http.StatusOK && c.wrote {
		c.failure = failureText("status " + strconv.Itoa(c.status))
	}
	c.session.Close(c.failure, c.stack)
}

// failureText is the failure of a call answered with a message of its own
// (a bad request, a body too large), as the session log shows it.
type failureText string

func (f failureText) Error() string { return string(f) }

func (c *call) release() {
	c.mem.Release()
	body, out := c.body, c.out
	if cap(body) > maxPooledBuffer {
		body = make([]byte, 0, 4096)
	}
	if cap(out) > maxPooledBuffer {
		out = make([]byte, 0, 4096)
	}
	*c = call{body: body[:0], out: out[:0]}
	callPool.Put(c)
}

// readBody reads the body into c.body, holding its memory in the call's
// budget (limits.go). Over maxRequestSize it answers 413, and without
// memory left 503; from Content-Length, when the client declared it,
// before reading anything, and then into one buffer of the right size.
func (c *call) readBody(l *limits) bool {
	limit := c.rt.Config.MaxRequestSize
	if n := c.r.ContentLength; n > limit {
		c.fail(http.StatusRequestEntityTooLarge, tooLarge(limit))
		return false
	} else if n >= 0 {
		if !c.holdBody(l, n) {
			return false
		}
		if int64(cap(c.body)) <= n {
			c.body = make([]byte, 0, n+1) // +1: room to see the EOF
		}
	}
	if !c.readAll(limit) {
		return false
	}
	return c.r.ContentLength >= 0 || c.holdBody(l, int64(len(c.body)))
}

// readAll reads the body into c.body, at most limit bytes.
func (c *call) readAll(limit int64) bool {
	body := http.MaxBytesReader(c.w, c.r.Body, limit)
	for {
		if len(c.body) == cap(c.body) {
			c.body = append(c.body, 0)[:len(c.body)]
		}
		n, err := body.Read(c.body[len(c.body):cap(c.body)])
		c.body = c.body[:len(c.body)+n]
		if err == io.EOF {
			return true
		}
		if err != nil {
			var tl *http.MaxBytesError
			if errors.As(err, &tl) {
				c.fail(http.StatusRequestEntityTooLarge, tooLarge(limit))
			} else {
				c.fail(http.StatusBadRequest, "cannot read the request body")
			}
			return false
		}
	}
}

func tooLarge(limit int64) string {
	return "request body is larger than the limit of " + strconv.FormatInt(limit, 10) + " bytes"
}

// reply sends the JSON in b as the 200 response.
func (c *call) reply(b []byte) {
	c.out = b
	c.write(http.StatusOK, b)
}

func (c *call) write(status int, b []byte) {
	c.wrote = true
	c.status = status
	// One Write of a small body gets its Content-Length from net/http.
	c.w.Header()["Content-Type"] = jsonContentType
	c.w.WriteHeader(status)
	c.w.Write(b) //nolint:errcheck // the client went away; nothing to tell it
}

var jsonContentType = []string{"application/json"}

// fail answers with {"error": msg, "class": null, "data": null}.
func (c *call) fail(status int, msg string) {
	if c.failure == nil {
		c.failure = failureText(msg)
	}
	c.write(status, errorBody(c.out[:0], msg, "", nil, ""))
}

// badRequest answers a parameter the generated decoder rejected: 400,
// or 413 and 503 when decoding hit the call's memory bound.
func (c *call) badRequest(err error) {
	switch {
	case errors.Is(err, pod.ErrJSONBusy):
		c.busy(err.Error())
	case errors.Is(err, pod.ErrJSONTooLarge):
		c.fail(http.StatusRequestEntityTooLarge, err.Error())
	default:
		c.fail(http.StatusBadRequest, err.Error())
	}
}

// exception answers a generated exception: 400 with its class and data.
func (c *call) exception(class string, err error, data func([]byte) ([]byte, error)) {
	c.failure = err
	d, derr := data(nil)
	if derr != nil {
		c.internalError(derr)
		return
	}
	c.write(http.StatusBadRequest, errorBody(c.out[:0], err.Error(), class, d, ""))
}

// internalError logs err with the request id and answers a 500 that
// carries only that id.
func (c *call) internalError(err error) {
	c.failure = err
	if unavailable(c, err) {
		return
	}
	c.rt.Logger.LogAttrs(c.r.Context(), slog.LevelError, "internal error",
		slog.String("request", c.id), slog.String("endpoint", c.endpoint),
		slog.String("method", c.method), slog.String("error", err.Error()))
	if !c.wrote {
		c.write(http.StatusInternalServerError, errorBody(c.out[:0], "internal server error", "", nil, c.id))
	}
}

// recoverPanic turns a panic in decoding or in the endpoint into a 500.
func (c *call) recoverPanic() {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	c.stack = string(debug.Stack())
	c.internalError(&panicError{v})
}

type panicError struct{ v any }

func (p *panicError) Error() string { return "panic: " + anyString(p.v) }

func anyString(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return "non-error value"
}

// requestIDs are "<process prefix>-<counter>": unique per process and
// across restarts, and cheap enough to make for every call.
var (
	requestPrefix = newRequestPrefix()
	requestSeq    atomic.Uint64
)

func newRequestPrefix() string {
	var b [4]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b[:]) + "-"
}

func nextRequestID() string {
	var b [32]byte
	return string(strconv.AppendUint(append(b[:0], requestPrefix...), requestSeq.Add(1), 10))
}
