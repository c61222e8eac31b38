package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/generator"
	"github.com/podgen/podgen/internal/apptest"
	"github.com/podgen/podgen/schema"
)

var (
	update    = flag.Bool("update", false, "rewrite golden/<app>/ from testdata/<app>/")
	benchApps = flag.Bool("bench-apps", false, "TestGoldenApps runs the apps' benchmarks instead of their tests")
	appRun    = flag.String("app-run", "", "TestGoldenApps passes this -run pattern to the apps' tests (or -bench pattern with -bench-apps), e.g. -app-run TestFutureCall")
	appPkgs   = flag.String("app-pkgs", "./...", "TestGoldenApps tests only these packages of each app, e.g. ./tests/e2e")
)

// generateApp generates testdata/<app> with the import paths it would get
// in its own module (testdata/<app>/go.mod, output folder out/).
func generateApp(t *testing.T, app string) map[string][]byte {
	t.Helper()
	module, err := apptest.AppModule(".", app)
	if err != nil {
		t.Fatal(err)
	}
	endpoints := filepath.Join("testdata", app, "endpoints")
	if _, err := os.Stat(endpoints); err != nil {
		endpoints = ""
	}
	cfg, err := generator.ReadProjectConfig(filepath.Join("testdata", app, schema.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	p, err := generator.LoadProject(filepath.Join("testdata", app, "protocol"), endpoints, cfg)
	if err != nil {
		t.Fatalf("load testdata/%s:\n%v", app, err)
	}
	o := emit.Options{Base: module + "/out", Endpoints: module + "/endpoints", App: generator.AppName(module)}
	files, err := generator.Generate(p, o)
	if err != nil {
		t.Fatalf("generate %s: %v", app, err)
	}
	return files
}

func apps(t *testing.T) []string {
	t.Helper()
	apps, err := apptest.Apps(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) == 0 {
		t.Skip("no apps in testdata/")
	}
	return apps
}

// TestGolden compares the generated tree of every testdata app with
// golden/<app>/ byte for byte; -update (make golden) rewrites them.
func TestGolden(t *testing.T) {
	for _, app := range apps(t) {
		t.Run(app, func(t *testing.T) {
			files := generateApp(t, app)
			dir := filepath.Join("golden", app)
			if *update {
				if err := generator.Write(dir, files); err != nil {
					t.Fatal(err)
				}
			}
			for _, d := range diffTree(t, dir, files) {
				t.Error(d)
			}
		})
	}
}

// diffTree reports, one message per file, how dir differs from files.
func diffTree(t *testing.T, dir string, files map[string][]byte) []string {
	t.Helper()
	have := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		have[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var diffs []string
	for p, want := range files {
		got, ok := have[p]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s/%s: missing from the golden tree (run make golden)", dir, p))
		case !bytes.Equal(got, want):
			diffs = append(diffs, fmt.Sprintf("%s/%s: %s", dir, p, firstDiff(got, want)))
		}
	}
	for p := range have {
		if _, ok := files[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s/%s: no longer generated (run make golden)", dir, p))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// firstDiff names the first line where golden and generated differ.
func firstDiff(golden, generated []byte) string {
	g, n := strings.Split(string(golden), "\n"), strings.Split(string(generated), "\n")
	for i := 0; i < len(g) || i < len(n); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		} else {
			a = "<end of file>"
		}
		if i < len(n) {
			b = n[i]
		} else {
			b = "<end of file>"
		}
		if a != b {
			return fmt.Sprintf("line %d differs (run make golden and review the diff)\n  golden:    %q\n  generated: %q", i+1, a, b)
		}
	}
	return "differs"
}

// TestGoldenApps copies every golden app into a temporary module with its
// hand-written tests (internal/apptest) and runs go vet, go build and
// go test -race there. With -bench-apps it runs the apps' benchmarks
// instead and prints them (make bench).
func TestGoldenApps(t *testing.T) {
	if testing.Short() && !*benchApps {
		t.Skip("builds every golden app; skipped with -short")
	}
	for _, app := range apps(t) {
		t.Run(app, func(t *testing.T) {
			mod := apptest.Setup(t, ".", app)
			if *benchApps {
				bench := "."
				if *appRun != "" {
					bench = *appRun
				}
				out := apptest.Run(t, mod, "test", "-run", "^$", "-bench", bench, "-benchmem", *appPkgs)
				fmt.Printf("== benchmarks of %s ==\n%s\n", app, out)
				return
			}
			apptest.Run(t, mod, "vet", "./...")
			apptest.Run(t, mod, "build", "./...")
			args := []string{"test", "-race", "-count=1"}
			if *appRun != "" {
				args = append(args, "-run", *appRun)
			}
			if testing.Verbose() { // go test -v: the app's tests' own lines too
				args = append(args, "-v")
			}
			out := apptest.Run(t, mod, append(args, *appPkgs)...)
			if testing.Verbose() {
				t.Logf("%s", out)
			}
		})
	}
}
