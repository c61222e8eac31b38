package server

import "github.com/podgen/podgen/emit/static/pod"

// This file stands in for the generated modules.go of an app without
// optional modules; it is not copied into apps (zz_ prefix).

func startModules(*pod.Runtime) error { return nil }

func startRequest(*call) {}
