package server

import "github.com/podgen/podgen/emit/static/pod"

// migrationModules stands in for the generated migrations.go: the
// plumbing's tests have no schema. Not copied into apps.
func migrationModules() []pod.MigrationModule { return nil }
