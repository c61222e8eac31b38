package server

import (
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"
)

// Connections the kernel completed before stopAccepting are handed out,
// not reset; after them Accept blocks until Close.
func TestDrainListenerSweepsQueuedConnections(t *testing.T) {
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	dl := newDrainListener(ln)
	var clients []net.Conn
	for i := 0; i < 5; i++ { // queued: nobody accepts yet
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
	}
	dl.stopAccepting()
	if runtime.GOOS == "linux" {
		for i := range clients {
			c, err := dl.Accept()
			if err != nil {
				t.Fatalf("connection %d was not swept: %v", i, err)
			}
			c.Close()
		}
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting after stopAccepting")
	}
	done := make(chan error, 1)
	go func() { _, err := dl.Accept(); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("Accept returned %v before Close", err)
	case <-time.After(50 * time.Millisecond):
	}
	dl.Close()
	if err := <-done; err != net.ErrClosed {
		t.Errorf("Accept after Close: %v", err)
	}
}

func TestDrainListenerCountsBusyConnections(t *testing.T) {
	dl := newDrainListener(nil)
	a, b := &net.TCPConn{}, &net.TCPConn{}
	for _, step := range []struct {
		c     net.Conn
		state http.ConnState
		busy  int64
	}{
		{a, http.StateNew, 1}, {b, http.StateNew, 2}, {a, http.StateActive, 2}, {a, http.StateIdle, 1},
		{b, http.StateActive, 1}, {b, http.StateClosed, 0}, {a, http.StateActive, 1}, {a, http.StateHijacked, 0},
	} {
		dl.connState(step.c, step.state)
		if got := dl.busy.Load(); got != step.busy {
			t.Fatalf("after %v: busy %d, want %d", step.state, got, step.busy)
		}
	}
}
