package initproject

// Versions are the module versions a new project requires; generated code
// imports nothing else.
type Versions struct{ Pgx, Redis, YAML string }

// Deps are the versions podgen itself is built and tested with; a test
// keeps them equal to podgen's go.mod.
var Deps = Versions{
	Pgx:   "v5.12.0",
	Redis: "v9.23.0",
	YAML:  "v3.0.6",
}
