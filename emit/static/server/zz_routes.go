package server

import (
	"errors"
	"sync/atomic"
	"time"
)

// This file stands in for the generated routes.go so that the plumbing can
// be tested here; it is not copied into apps (zz_ prefix).

const appName = "testapp"

type testNotFound struct{ id int }

func (e *testNotFound) Error() string { return "not found" }

func (e *testNotFound) AppendJSON(b []byte) ([]byte, error) {
	return append(b, `{"id":7}`...), nil
}

// testCalls counts the calls of test.count, to see whether endpoint code ran.
var testCalls atomic.Int64

func routes(r *router) {
	r.handle("test", "echo", func(c *call) { c.reply(append(c.out[:0], c.body...)) })
	r.handle("test", "count", func(c *call) { testCalls.Add(1); c.reply(append(c.out[:0], "null"...)) })
	r.handle("test", "panic", func(c *call) { panic("secret detail") })
	r.handle("test", "fail", func(c *call) { endpointError(c, errors.New("secret failure")) })
	r.handle("test", "missing", func(c *call) { endpointError(c, &testNotFound{id: 7}) })
	r.handle("test", "slow", func(c *call) {
		select {
		case <-c.session.Done():
			endpointError(c, c.session.Err())
		case <-time.After(300 * time.Millisecond):
			c.reply(append(c.out[:0], `"done"`...))
		}
	})
}

func endpointError(c *call, err error) {
	var nf *testNotFound
	if errors.As(err, &nf) {
		c.exception("NotFound", nf, nf.AppendJSON)
		return
	}
	c.internalError(err)
}
