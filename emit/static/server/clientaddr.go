package server

import (
	"net"
	"net/http"
)

// clientAddress is the IP address of the peer that sent r, without its
// port: what the auth module counts failed sign-ins of one client by.
// X-Forwarded-For is not read, since any client can write it; behind a
// proxy every client is the proxy's address.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
