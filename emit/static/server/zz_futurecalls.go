package server

import "github.com/podgen/podgen/emit/static/pod"

// futureCallRunners stands in for the generated futurecalls.go: the
// plumbing's tests have no future calls. Not copied into apps.
func futureCallRunners() map[string]pod.FutureCallRunner { return nil }
