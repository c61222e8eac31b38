// golden/ holds the generated trees of the testdata apps (make golden). It
// is its own module only so that podgen's `go build ./...` skips it: the
// trees import example.com/<app>/..., which resolve only in the temporary
// modules that TestGoldenApps builds.
module golden.invalid

go 1.26
