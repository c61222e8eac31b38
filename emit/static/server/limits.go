package server

import (
	"net/http"
	"sync/atomic"

	"github.com/podgen/podgen/emit/static/pod"
)

// decodeFactor bounds what decoding a call's parameters may allocate, as a
// multiple of its body: 16 covers the densest honest JSON (a list of
// small numbers or short strings costs 4 to 8 times its text; one of
// empty objects of a class with many optional fields costs more and is
// refused), while a hostile `[{},{},…]` stops at a known size.
const decodeFactor = 16

// decodeAllowance is added to every call's bound, so that small bodies
// never fail on it.
const decodeAllowance = 64 << 10

// limits bound the calls in flight: their number
// (apiServer.maxConcurrentRequests) and the memory their bodies and
// decoded parameters hold together (apiServer.maxRequestMemory). Beyond
// either, a call is answered 503 with Retry-After before anything of it
// runs, or as soon as decoding reaches the bound.
type limits struct {
	active    atomic.Int64
	maxActive int64
	memory    *pod.JSONPool
}

func newLimits(cfg pod.ServerConfig) *limits {
	return &limits{maxActive: int64(cfg.MaxConcurrentRequests), memory: pod.NewJSONPool(cfg.MaxRequestMemory)}
}

// enter counts a call in, or reports false when too many run already.
func (l *limits) enter() bool {
	if l.active.Add(1) > l.maxActive {
		l.active.Add(-1)
		return false
	}
	return true
}

func (l *limits) leave() { l.active.Add(-1) }

// budget returns what a call whose body is n bytes may hold.
func (l *limits) budget(n int64) pod.JSONBudget {
	return pod.JSONBudget{Max: n*(1+decodeFactor) + decodeAllowance, Pool: l.memory}
}

// retryAfter is the Retry-After of an overload 503, in seconds.
var retryAfter = []string{"1"}

// busy answers 503 with Retry-After: the server is overloaded, nothing is
// wrong with the call, and a retry soon may succeed.
func (c *call) busy(msg string) {
	c.w.Header()["Retry-After"] = retryAfter
	c.fail(http.StatusServiceUnavailable, msg)
}

const tooManyCalls = "server is busy: too many calls at once"

// holdBody takes the memory of a body of n bytes from the call's budget.
func (c *call) holdBody(l *limits, n int64) bool {
	c.mem = l.budget(n)
	if err := c.mem.Take(n); err != nil {
		c.busy(pod.ErrJSONBusy.Error())
		return false
	}
	return true
}
