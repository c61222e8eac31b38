// Package endpoints holds the models app's endpoints: echo methods that
// carry each construct of SPEC §2.1 through the wire.
package endpoints

import "example.com/models/out/pod"

// ModelsEndpoint is served as "models".
type ModelsEndpoint struct{}

// EchoPlain sends a Plain back as it came.
func (e *ModelsEndpoint) EchoPlain(s *pod.Session, p pod.Plain) (pod.Plain, error) {
	return p, nil
}
