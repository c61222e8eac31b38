package endpoints

import "example.com/app/out/pod"

// FetchEndpoint fetches.
type FetchEndpoint struct{}

// HTTPGet is served as POST /fetch/httpGet.
func (e *FetchEndpoint) HTTPGet(s *pod.Session, url string) (string, error) { return "", nil }

// HttpGet would be served as POST /fetch/httpGet too.
func (e *FetchEndpoint) HttpGet(s *pod.Session, url string) (string, error) { return "", nil }
