package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// drainListener is the listener of a server that drains before it shuts
// down. Two things in a plain shutdown make a load balancer's requests
// fail, and a failed POST cannot be retried:
//   - closing a listener resets the connections the kernel has completed
//     but not handed out yet, and the balancer may have sent a request on
//     one: stopAccepting sweeps them up first, and Accept hands them out;
//   - once http.Server.Shutdown has begun, a connection that reads a
//     request closes instead of answering it (net/http checks right after
//     the read): the server stops accepting first, waits (waitIdle) until
//     no connection is new or active, which during the drain means each
//     has answered with Connection: close, and only then shuts down.
//
// After stopAccepting, Accept blocks until Close, so that the server keeps
// serving its connections until Shutdown.
type drainListener struct {
	*net.TCPListener
	mu      sync.Mutex
	swept   []net.Conn
	stopped bool
	closed  chan struct{}
	once    sync.Once
	// states holds each open connection's http.ConnState; busy counts
	// those that are new or active.
	states sync.Map
	busy   atomic.Int64
}

func newDrainListener(ln *net.TCPListener) *drainListener {
	return &drainListener{TCPListener: ln, closed: make(chan struct{})}
}

func (l *drainListener) Accept() (net.Conn, error) {
	// Count the connection this call may hand out before the kernel gives
	// it, so that waitIdle cannot miss one that http.Server has accepted
	// but not yet tracked.
	l.busy.Add(1)
	c, err := l.TCPListener.Accept()
	if err != nil {
		l.mu.Lock() // waits for a stopAccepting that may be sweeping
		if len(l.swept) > 0 {
			c, l.swept, err = l.swept[0], l.swept[1:], nil
		}
		stopped := l.stopped
		l.mu.Unlock()
		if err != nil {
			l.busy.Add(-1)
			if stopped {
				<-l.closed
				return nil, net.ErrClosed
			}
			return nil, err
		}
	}
	l.states.Store(c, http.StateNew) // counted above; connState's StateNew changes nothing
	return c, nil
}

// stopAccepting closes the socket, keeping what the kernel has queued.
func (l *drainListener) stopAccepting() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.stopped = true
	l.swept = append(l.swept, sweepQueued(l.TCPListener)...)
	l.TCPListener.Close() //nolint:errcheck // nothing is lost: the queue was swept
}

// Close stops accepting and ends Accept; http.Server calls it on Shutdown.
func (l *drainListener) Close() error {
	l.stopAccepting()
	l.once.Do(func() { close(l.closed) })
	return nil
}

// connState is the server's http.Server.ConnState hook.
func (l *drainListener) connState(c net.Conn, state http.ConnState) {
	var prev any
	if state == http.StateClosed || state == http.StateHijacked {
		prev, _ = l.states.LoadAndDelete(c)
	} else {
		prev, _ = l.states.Swap(c, state)
	}
	l.busy.Add(busyness(state) - busyness(prev))
}

// busyness is 1 for a connection that is new (it has a request coming)
// or active (it is reading or answering one).
func busyness(state any) int64 {
	if st, ok := state.(http.ConnState); ok && (st == http.StateNew || st == http.StateActive) {
		return 1
	}
	return 0
}

// waitIdle waits until no connection is new or active, or ctx is done.
func (l *drainListener) waitIdle(ctx context.Context) {
	for l.busy.Load() > 0 && ctx.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
}
