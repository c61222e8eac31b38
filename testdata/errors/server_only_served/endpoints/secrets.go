package endpoints

import "example.com/app/out/pod"

// SecretEndpoint is served as "secret".
type SecretEndpoint struct{}

// Get would send a server-only class to clients.
func (e *SecretEndpoint) Get(s *pod.Session, id int64) (pod.Secret, error) { return pod.Secret{}, nil }

// Put would read one from them.
func (e *SecretEndpoint) Put(s *pod.Session, secrets []pod.Secret, level *pod.Level) error {
	return nil
}

// RemindFutureCall may take one: future calls run on the server.
type RemindFutureCall struct{}

// Invoke runs the call.
func (f *RemindFutureCall) Invoke(s *pod.Session, secret pod.Secret) error { return nil }
