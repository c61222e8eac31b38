package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/internal/apptest"
)

// podgen runs the CLI in-process and returns its exit code and output.
func podgen(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"podgen"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// tempModule makes an empty module with an endpoints folder and returns
// its root.
func tempModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/cli\n\ngo 1.26\n")
	if err := os.MkdirAll(filepath.Join(dir, "endpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot reads a folder's files, modes and mtimes for comparisons.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := e.Info()
		data, _ := os.ReadFile(p)
		m[p] = fi.Mode().String() + " " + fi.ModTime().String() + " " + string(data)
		return nil
	})
	return m
}

// prefilled makes an output folder holding a generated and a user file.
func prefilled(t *testing.T, out string) {
	write(t, filepath.Join(out, "pod/old.go"), "// "+emit.Header+"\n\npackage pod\n")
	write(t, filepath.Join(out, "pod/mine.go"), "package pod\n")
}

// TestErrorCases runs every testdata/errors case through `podgen build`:
// exit 1, stderr equal to its stderr.txt, and the output folder untouched.
func TestErrorCases(t *testing.T) {
	cases, _ := filepath.Glob("testdata/errors/*/stderr.txt")
	if len(cases) == 0 {
		t.Skip("no cases in testdata/errors")
	}
	for _, c := range cases {
		dir := filepath.Dir(c)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, _ := os.ReadFile(c)
			mod := tempModule(t)
			out := filepath.Join(mod, "out")
			prefilled(t, out)
			before := snapshot(t, out)
			endpoints := filepath.Join(dir, "endpoints")
			if _, err := os.Stat(endpoints); err != nil {
				endpoints = filepath.Join(mod, "endpoints")
			}
			code, stdout, stderr := podgen(t, "build", filepath.Join(dir, "protocol"), endpoints, "-o", out)
			if code != 1 || stderr != string(want) || stdout != "" {
				t.Errorf("exit %d, stdout %q\nstderr:\n%s\nwant exit 1 and stderr:\n%s", code, stdout, stderr, want)
			}
			if !reflect.DeepEqual(snapshot(t, out), before) {
				t.Errorf("output folder changed")
			}
		})
	}
}

// helloModule makes a module holding a copy of testdata/hello's inputs.
func helloModule(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("testdata/hello/protocol"); err != nil {
		t.Skip("testdata/hello not there yet")
	}
	mod, err := apptest.Project(".", "hello", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func TestBuildCheckStaleAndUserFiles(t *testing.T) {
	mod := helloModule(t)
	t.Chdir(mod)
	if code, _, stderr := podgen(t, "build", "protocol", "endpoints", "--check", "-o", "out"); code != 1 || !strings.Contains(stderr, "out is out of date") {
		t.Errorf("--check before the first build: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Fatalf("--check wrote out/")
	}
	if code, _, stderr := podgen(t, "build", "./protocol", "./endpoints", "-o", "./out"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	prefilled(t, "out")
	before := snapshot(t, "out")
	if code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out", "--check"); code != 1 || !strings.Contains(stderr, "pod/old.go") {
		t.Errorf("--check with a stale file: exit %d, stderr %q", code, stderr)
	}
	if !reflect.DeepEqual(snapshot(t, "out"), before) {
		t.Errorf("--check changed the output folder")
	}
	if code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out"); code != 0 {
		t.Fatalf("rebuild: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat("out/pod/old.go"); !os.IsNotExist(err) {
		t.Errorf("stale generated file kept")
	}
	if data, err := os.ReadFile("out/pod/mine.go"); err != nil || string(data) != "package pod\n" {
		t.Errorf("user file lost: %q, %v", data, err)
	}
	if code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out", "--check"); code != 0 {
		t.Errorf("--check when up to date: exit %d, stderr %q", code, stderr)
	}
	upToDate := snapshot(t, "out")
	if code, stdout, _ := podgen(t, "build", "protocol", "endpoints", "-o", "out"); code != 0 || stdout != "" || !reflect.DeepEqual(snapshot(t, "out"), upToDate) {
		t.Errorf("idempotent build: exit %d, stdout %q, or files touched", code, stdout)
	}
}

func TestBuildBadInputLeavesOutput(t *testing.T) {
	mod := helloModule(t)
	t.Chdir(mod)
	if code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	prefilled(t, "out")
	before := snapshot(t, "out")
	write(t, "protocol/typo.yaml", "class: Typo\nfields:\n  name: Strin\n")
	code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out")
	if code != 1 || !strings.HasPrefix(stderr, "protocol/typo.yaml:3:") || !strings.Contains(stderr, `"Strin"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if !reflect.DeepEqual(snapshot(t, "out"), before) {
		t.Errorf("output folder changed after an error")
	}
}

// TestBuildIrregularInput: a protocol file that is a link to /dev/zero, or a
// FIFO, fails the build at once with a positioned error, and the output
// folder stays as it was.
func TestBuildIrregularInput(t *testing.T) {
	for name, mk := range map[string]func(string) error{
		"device": func(p string) error { return os.Symlink("/dev/zero", p) },
		"fifo":   func(p string) error { return syscall.Mkfifo(p, 0o644) },
	} {
		t.Run(name, func(t *testing.T) {
			mod := helloModule(t)
			t.Chdir(mod)
			prefilled(t, "out")
			before := snapshot(t, "out")
			if err := mk("protocol/z.yaml"); err != nil {
				t.Skip(err)
			}
			type result struct {
				code   int
				stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out")
				done <- result{code, stderr}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("podgen build still running after 10s")
			}
			kind := map[string]string{"device": "a character device", "fifo": "a named pipe"}[name]
			if want := "protocol/z.yaml:1:1: not a regular file (" + kind + ")\n"; r.code != 1 || r.stderr != want {
				t.Errorf("exit %d, stderr %q; want exit 1, %q", r.code, r.stderr, want)
			}
			if !reflect.DeepEqual(snapshot(t, "out"), before) {
				t.Errorf("output folder changed")
			}
		})
	}
}

// TestBuildConcurrent: builds of one output at the same time all succeed
// and leave the complete output, round after round. Each round gives the
// builds something to do: odd rounds start without out/, even rounds with a
// stale generated file in it, so that one build scans out/ while another
// swaps it.
func TestBuildConcurrent(t *testing.T) {
	mod := helloModule(t)
	t.Chdir(mod)
	if code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	want := snapshotData(t, "out")
	const builds = 3
	for round := range 24 {
		if round%2 == 1 {
			if err := os.RemoveAll("out"); err != nil {
				t.Fatal(err)
			}
		} else {
			write(t, "out/pod/stale.go", "// "+emit.Header+"\n\npackage pod\n")
		}
		errs := make(chan string, builds)
		for range builds {
			go func() {
				code, _, stderr := podgen(t, "build", "protocol", "endpoints", "-o", "out")
				if code != 0 {
					stderr = fmt.Sprintf("exit %d: %s", code, stderr)
				}
				errs <- stderr
			}()
		}
		for range builds {
			if msg := <-errs; msg != "" {
				t.Errorf("round %d: %s", round, msg)
			}
		}
		if got := snapshotData(t, "out"); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: out/ differs from a lone build's (%d files, want %d)", round, len(got), len(want))
		}
		if leftovers, _ := filepath.Glob(".out.podgen-new-*"); len(leftovers) > 0 {
			t.Errorf("round %d: leftovers %v", round, leftovers)
		}
	}
}

// snapshotData reads a folder's files' contents, keyed by path.
func snapshotData(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			data, _ := os.ReadFile(p)
			m[p] = string(data)
		}
		return err
	})
	return m
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"build"},
		{"build", "a"},
		{"build", "a", "b", "c"},
		{"build", "--no-such-flag", "a", "b"},
		{"build", "a", "b", "--no-such-flag"},
		{"init"},
		{"init", "a", "b"},
		{"init", "--bogus", "a"},
		{"version", "extra"},
	} {
		if code, _, stderr := podgen(t, args...); code != 2 || stderr == "" {
			t.Errorf("podgen %q: exit %d, stderr %q; want exit 2 and a message", args, code, stderr)
		}
	}
}

func TestBuildUserErrorsWithoutInput(t *testing.T) {
	mod := tempModule(t)
	t.Chdir(mod)
	code, _, stderr := podgen(t, "build", "nope", "endpoints", "-o", "out")
	if code != 1 || !strings.Contains(stderr, "nope") {
		t.Errorf("missing protocol folder: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Errorf("out/ created on error")
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, stdout, _ := podgen(t, "version"); code != 0 || !strings.HasPrefix(stdout, "podgen ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	if code, stdout, _ := podgen(t, "build", "--help"); code != 0 || !strings.Contains(stdout, "--check") {
		t.Errorf("build --help: exit %d, %q", code, stdout)
	}
}

func TestReorder(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"p", "build", "a", "b", "-o", "x", "--check"}, []string{"p", "build", "-o", "x", "--check", "a", "b"}},
		{[]string{"p", "build", "-o=x", "a", "b"}, []string{"p", "build", "-o=x", "a", "b"}},
		{[]string{"p", "build", "a", "--", "-b"}, []string{"p", "build", "--", "a", "-b"}},
		{[]string{"p", "init", "x", "--module", "m"}, []string{"p", "init", "--module", "m", "x"}},
	} {
		if got := reorder(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("reorder(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestInitRefusesNonEmptyFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, "taken/keep.txt", "x")
	if code, _, stderr := podgen(t, "init", "taken"); code != 1 || !strings.Contains(stderr, "not empty") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir("taken"); len(entries) != 1 {
		t.Errorf("folder changed: %v", entries)
	}
}

// TestInitBuilds creates a project with `podgen init` and builds it with
// the go command (go mod tidy may use the module cache or the proxy).
func TestInitBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy and go build")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	t.Chdir(t.TempDir())
	code, stdout, stderr := podgen(t, "init", "mypod", "--module", "example.com/mypod")
	if code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, f := range []string{"go.mod", "protocol/example.yaml", "endpoints/example.go", "config/development.yaml",
		"config/staging.yaml", "config/production.yaml", "config/passwords.yaml", "docker-compose.yaml", ".gitignore", "README.md"} {
		if _, err := os.Stat(filepath.Join("mypod", f)); err != nil {
			t.Errorf("init did not create %s", f)
		}
	}
	if strings.Contains(stderr, "go mod tidy failed") {
		t.Fatalf("go mod tidy failed:\n%s", stderr)
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = "mypod"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./... in the new project: %v\n%s", err, out)
	}
	// The template's own test (endpoints/example_test.go, through
	// out/podtest) passes out of the box, without a database.
	cmd = exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = "mypod"
	cmd.Env = append(os.Environ(), "PODGEN_TEST_DATABASE_URL=postgres://nobody@127.0.0.1:1/none")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok  \texample.com/mypod/endpoints") {
		t.Fatalf("go test ./... in the new project: %v\n%s", err, out)
	}
	if code, _, stderr := podgen(t, "build", "mypod/protocol", "mypod/endpoints", "-o", "mypod/out", "--check"); code != 0 {
		t.Errorf("fresh project is not up to date: %s", stderr)
	}
}
