package auth

import "github.com/podgen/podgen/emit/static/pod"

// AppleEndpoint is served as "auth.apple": Sign in with Apple.
type AppleEndpoint struct{}

// Authenticate signs in with an identity token from Sign in with Apple,
// verified against Apple's keys and the app's service IDs, and returns a
// new key. Apple sends the user's name only on the first sign-in, so the
// app passes it along then.
func (e *AppleEndpoint) Authenticate(s *pod.Session, identityToken string, firstName, lastName *string) (pod.AuthenticationResponse, error) {
	return s.Auth.AppleAuthenticate(identityToken, firstName, lastName)
}
