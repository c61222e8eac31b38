package server

import (
	"net"
	"os"
	"syscall"
)

// sweepQueued accepts every connection queued on ln without waiting: the
// listener's socket is non-blocking, so accept4 fails with EAGAIN once the
// queue is empty.
func sweepQueued(ln *net.TCPListener) []net.Conn {
	raw, err := ln.SyscallConn()
	if err != nil {
		return nil
	}
	var conns []net.Conn
	raw.Control(func(fd uintptr) { //nolint:errcheck // Control fails only on a closed listener: nothing to sweep
		for {
			nfd, _, err := syscall.Accept4(int(fd), syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
			if err != nil {
				return
			}
			f := os.NewFile(uintptr(nfd), "")
			c, err := net.FileConn(f) // a dup of nfd, registered with Go's poller
			f.Close()
			if err == nil {
				conns = append(conns, c)
			}
		}
	})
	return conns
}
