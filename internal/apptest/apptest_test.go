package apptest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRequires(t *testing.T) {
	gomod := "module m\n\nrequire a.b/c v1.0.0 // indirect\nrequire (\n\t// comment\n\td.e/f v2.1.0\n\tg.h/i v0.0.1 // indirect\n)\n"
	want := [][2]string{{"a.b/c", "v1.0.0"}, {"d.e/f", "v2.1.0"}, {"g.h/i", "v0.0.1"}}
	if got := Requires([]byte(gomod)); !reflect.DeepEqual(got, want) {
		t.Errorf("Requires = %v, want %v", got, want)
	}
}

func put(t *testing.T, path, data string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestModuleLayout checks the mapping in the package doc on a fake repo.
func TestModuleLayout(t *testing.T) {
	repo := t.TempDir()
	put(t, filepath.Join(repo, "go.mod"), "module podgen\n\nrequire (\n\tx.y/z v1.2.3\n\tapp.own/dep v0.1.0\n)\n")
	put(t, filepath.Join(repo, "go.sum"), "x.y/z v1.2.3 h1:abc=\n")
	put(t, filepath.Join(repo, "testdata/app/go.mod"), "module example.com/app\n\ngo 1.26\n\nrequire app.own/dep v0.2.0\n")
	put(t, filepath.Join(repo, "testdata/app/protocol/a.yaml"), "class: A\n")
	put(t, filepath.Join(repo, "testdata/app/endpoints/e.go"), "package endpoints\n")
	put(t, filepath.Join(repo, "testdata/app/tests/out/pod/a_test.go"), "package pod\n")
	put(t, filepath.Join(repo, "testdata/app/tests/e2e/b_test.go"), "package e2e\n")
	put(t, filepath.Join(repo, "golden/app/pod/a.go"), "package pod\n")
	put(t, filepath.Join(repo, "testdata/errors/x/protocol/a.yaml"), "")

	apps, err := Apps(repo)
	if err != nil || !reflect.DeepEqual(apps, []string{"app"}) {
		t.Fatalf("Apps = %v, %v", apps, err)
	}
	mod, err := Module(repo, "app", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"protocol/a.yaml", "endpoints/e.go", "out/pod/a.go", "out/pod/a_test.go", "e2e/b_test.go", "go.sum"} {
		if _, err := os.Stat(filepath.Join(mod, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(mod, "tests")); err == nil {
		t.Errorf("tests/ copied as is")
	}
	gomod, _ := os.ReadFile(filepath.Join(mod, "go.mod"))
	if !strings.Contains(string(gomod), "\tx.y/z v1.2.3\n") || strings.Contains(string(gomod), "app.own/dep v0.1.0") {
		t.Errorf("go.mod:\n%s", gomod)
	}
	if m, err := AppModule(repo, "app"); err != nil || m != "example.com/app" {
		t.Errorf("AppModule = %q, %v", m, err)
	}
}
