package auth

import "github.com/podgen/podgen/emit/static/pod"

// StatusEndpoint is served as "auth.status": the user the request's key
// signs in, and signing out.
type StatusEndpoint struct{}

// IsSignedIn reports whether the request carries a valid key.
func (e *StatusEndpoint) IsSignedIn(s *pod.Session) (bool, error) {
	_, ok := s.Auth.UserID()
	return ok, nil
}

// GetUserInfo returns the signed-in user, nil without a valid key.
func (e *StatusEndpoint) GetUserInfo(s *pod.Session) (*pod.UserInfo, error) {
	return s.Auth.User()
}

// SignOut revokes the request's key.
func (e *StatusEndpoint) SignOut(s *pod.Session) error {
	return s.Auth.SignOut()
}

// SignOutAllDevices revokes every key of the signed-in user.
func (e *StatusEndpoint) SignOutAllDevices(s *pod.Session) error {
	return s.Auth.SignOutAllDevices()
}
