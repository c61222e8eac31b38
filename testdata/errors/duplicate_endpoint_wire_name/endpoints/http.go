package endpoints

import "example.com/app/out/pod"

// HttpEndpoint is served as "http".
type HttpEndpoint struct{}

// Get is served as POST /http/get.
func (e *HttpEndpoint) Get(s *pod.Session) error { return nil }
