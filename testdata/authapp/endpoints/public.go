package endpoints

import "example.com/authapp/out/pod"

// PublicEndpoint is served as "public": no login needed, but a signed-in
// caller is known.
type PublicEndpoint struct{}

// Whoami returns the caller's user id, null when not signed in.
func (e *PublicEndpoint) Whoami(s *pod.Session) (*int64, error) {
	if uid, ok := s.Auth.UserID(); ok {
		return &uid, nil
	}
	return nil, nil
}
