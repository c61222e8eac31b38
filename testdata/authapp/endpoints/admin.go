package endpoints

import "example.com/authapp/out/pod"

// AdminEndpoint is served as "admin": user management, for users who hold
// both the admin and the users scope.
//
//podgen:scope admin
//podgen:scope users
type AdminEndpoint struct{}

// SetScopes replaces a user's scopes.
func (e *AdminEndpoint) SetScopes(s *pod.Session, userID int64, scopes []string) error {
	return s.Auth.SetScopes(userID, scopes...)
}

// Block signs a user out everywhere at once and keeps them out.
func (e *AdminEndpoint) Block(s *pod.Session, userID int64) error {
	return s.Auth.Block(userID)
}

// Unblock lets a blocked user sign in again.
func (e *AdminEndpoint) Unblock(s *pod.Session, userID int64) error {
	return s.Auth.Unblock(userID)
}
