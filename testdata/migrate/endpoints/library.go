// Package endpoints holds the migrate test app's one endpoint; the app
// exists for its tables (protocol v1, v2 and v3).
package endpoints

import "example.com/migrate/out/pod"

// LibraryEndpoint is served as "library".
type LibraryEndpoint struct{}

// Ping does nothing: POST /library/ping.
func (e *LibraryEndpoint) Ping(s *pod.Session) error { return nil }
