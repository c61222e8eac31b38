package endpoints

import "example.com/app/out/pod"

// HTTPEndpoint would be served as "http" too.
type HTTPEndpoint struct{}

// Put would be served as POST /http/put.
func (e *HTTPEndpoint) Put(s *pod.Session) error { return nil }
