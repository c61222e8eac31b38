package auth

import "github.com/podgen/podgen/emit/static/pod"

// GoogleEndpoint is served as "auth.google": sign-in with Google.
type GoogleEndpoint struct{}

// AuthenticateWithIdToken signs in with an ID token from Google Sign-In,
// verified against Google's keys and the app's client IDs, and returns a
// new key. A first sign-in creates the user, or links an existing account
// with the same verified email.
func (e *GoogleEndpoint) AuthenticateWithIdToken(s *pod.Session, idToken string) (pod.AuthenticationResponse, error) {
	return s.Auth.GoogleAuthenticate(idToken)
}
