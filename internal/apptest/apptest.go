// Package apptest turns a golden app into a Go module that can be vetted,
// built, tested and benchmarked, the way a user's project would be:
//
//	testdata/<app>/go.mod           → go.mod (+ podgen's requires), podgen's go.sum
//	testdata/<app>/** (not tests/)  → ** (endpoints/, protocol/, config/, ...)
//	golden/<app>/**                 → out/**
//	testdata/shared/tests/**        → ** (helpers every app's tests use)
//	testdata/<app>/tests/**         → ** (tests/out/pod/x_test.go → out/pod/x_test.go,
//	                                      tests/e2e/y_test.go → e2e/y_test.go)
//
// The hand-written tests under tests/ run inside that module with the
// generated code, against the PostgreSQL and Redis named by
// PODGEN_TEST_DATABASE_URL and PODGEN_TEST_REDIS_ADDR (passed through).
package apptest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podgen/podgen/generator"
)

// Module copies app (a folder name under repoRoot/testdata) into a new
// module under dir and returns the module's folder.
func Module(repoRoot, app, dir string) (string, error) {
	mod, err := Project(repoRoot, app, dir)
	if err != nil {
		return "", err
	}
	if err := copyTree(filepath.Join(repoRoot, "golden", app), filepath.Join(mod, "out"), nil); err != nil {
		return "", err
	}
	for _, tests := range []string{
		filepath.Join(repoRoot, "testdata", "shared", "tests"),
		filepath.Join(repoRoot, "testdata", app, "tests"),
	} {
		if !exists(tests) {
			continue
		}
		if err := copyTree(tests, mod, nil); err != nil {
			return "", err
		}
	}
	return mod, nil
}

// Project copies only the app's inputs (go.mod, endpoints/, protocol/,
// ...; no out/, no tests) into a new module under dir: a user's project
// before its first `podgen build`.
func Project(repoRoot, app, dir string) (string, error) {
	src := filepath.Join(repoRoot, "testdata", app)
	mod := filepath.Join(dir, app)
	if err := copyTree(src, mod, func(rel string) bool {
		return rel != "tests" && rel != "go.mod" && !strings.HasPrefix(rel, "tests"+string(filepath.Separator))
	}); err != nil {
		return "", err
	}
	return mod, writeGoMod(repoRoot, src, mod)
}

// Setup is Module for tests: the module lives in t.TempDir() and any
// failure ends the test.
func Setup(t testing.TB, repoRoot, app string) string {
	t.Helper()
	mod, err := Module(repoRoot, app, t.TempDir())
	if err != nil {
		t.Fatalf("set up module for %s: %v", app, err)
	}
	return mod
}

// writeGoMod writes the app's go.mod with podgen's requirements appended
// (those the app does not name itself) and podgen's go.sum, so that the
// module builds from the module cache without asking the network.
func writeGoMod(repoRoot, src, mod string) error {
	appMod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return err
	}
	ours, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range Requires(appMod) {
		have[r[0]] = true
	}
	var b bytes.Buffer
	b.Write(appMod)
	b.WriteString("\n// Added by podgen's test harness: the versions podgen is tested with.\nrequire (\n")
	for _, r := range Requires(ours) {
		if !have[r[0]] {
			fmt.Fprintf(&b, "\t%s %s\n", r[0], r[1])
		}
	}
	b.WriteString(")\n")
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), b.Bytes(), 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644)
}

// Requires lists the [path, version] pairs of a go.mod's require
// directives, in one-line and block form.
func Requires(gomod []byte) [][2]string {
	var out [][2]string
	inBlock := false
	for _, line := range strings.Split(string(gomod), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case inBlock && f[0] == ")":
			inBlock = false
		case inBlock && len(f) == 2:
			out = append(out, [2]string{f[0], f[1]})
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			inBlock = true
		case f[0] == "require" && len(f) == 3:
			out = append(out, [2]string{f[1], f[2]})
		}
	}
	return out
}

// Go runs the go command in dir and returns its combined output. The
// environment is the caller's (so PODGEN_TEST_DATABASE_URL,
// PODGEN_TEST_REDIS_ADDR and CI pass through) plus -mod=mod, so that go.mod
// may be completed from the module cache, and GOWORK=off.
func Go(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off")
	return cmd.CombinedOutput()
}

// Run is Go for tests: a failure ends the test with the command's output.
func Run(t testing.TB, dir string, args ...string) []byte {
	t.Helper()
	out, err := Go(dir, args...)
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return out
}

// Apps lists the golden apps: folders of repoRoot/testdata that have a
// protocol/ folder, except testdata/errors.
func Apps(repoRoot string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(repoRoot, "testdata"))
	if err != nil {
		return nil, err
	}
	var apps []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "errors" && exists(filepath.Join(repoRoot, "testdata", e.Name(), "protocol")) {
			apps = append(apps, e.Name())
		}
	}
	return apps, nil
}

// AppModule reads the module path of testdata/<app>/go.mod.
func AppModule(repoRoot, app string) (string, error) {
	name := filepath.Join(repoRoot, "testdata", app, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	return generator.ModulePath(name, data)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// copyTree copies the regular files under src into dst; keep (when not
// nil) filters by path relative to src.
func copyTree(src, dst string, keep func(rel string) bool) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		if keep != nil && !keep(rel) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
