// Package initproject implements `podgen init`: it writes the SPEC §1
// project skeleton from the embedded templates, runs the first build and
// `go mod tidy`.
package initproject

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/podgen/podgen/generator"
)

//go:embed template
var templates embed.FS

// Options are the inputs of Run.
type Options struct {
	Dir    string    // project folder to create ("mypod")
	Module string    // module path; "" means the folder's name
	Stdout io.Writer // progress
	Stderr io.Writer // warnings (a failed go mod tidy)
	// SkipTidy leaves out `go mod tidy` (tests that check the files alone).
	SkipTidy bool
}

// data is what the templates see.
type data struct {
	Module, App string
	Versions    Versions
	Secrets     struct{ Development, Staging, Production string }
}

// Run creates the project. It refuses a folder that exists and is not
// empty. A failing `go mod tidy` is reported with a hint but is not an
// error: the project is written and the user can retry.
func Run(o Options) error {
	if o.Module == "" {
		o.Module = filepath.Base(filepath.Clean(o.Dir))
	}
	if err := checkModule(o.Module); err != nil {
		return err
	}
	if err := checkEmpty(o.Dir); err != nil {
		return err
	}
	d := data{Module: o.Module, App: generator.AppName(o.Module), Versions: Deps}
	d.Secrets.Development, d.Secrets.Staging, d.Secrets.Production = secret(), secret(), secret()
	if err := writeTemplates(o.Dir, d); err != nil {
		return err
	}
	fmt.Fprintf(o.Stdout, "created %s (module %s)\n", o.Dir, o.Module)
	j := func(p string) string { return filepath.Join(o.Dir, p) }
	if _, err := generator.Build(j("protocol"), j("endpoints"), j("out"), false); err != nil {
		return fmt.Errorf("%w\n(the project files are in %s; fix the error and run \"podgen build\" there)", err, o.Dir)
	}
	fmt.Fprintf(o.Stdout, "generated %s\n", j("out"))
	if !o.SkipTidy {
		tidy(o)
	}
	fmt.Fprintf(o.Stdout, "\nnext:\n  cd %s\n  go run ./out/cmd/server\n  curl --json '{\"name\":\"World\"}' localhost:8080/example/hello\n", o.Dir)
	return nil
}

// checkModule rejects module paths that go.mod could not hold.
func checkModule(m string) error {
	if m == "" || m == "." || m == "/" || strings.ContainsAny(m, " \t\n\"'`\\") ||
		strings.HasPrefix(m, "/") || strings.HasSuffix(m, "/") || strings.Contains(m, "//") {
		return fmt.Errorf("invalid module path %q (hint: use --module example.com/mypod)", m)
	}
	return nil
}

// checkEmpty refuses to write into a folder that already holds something.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("%s: folder exists and is not empty; podgen init will not overwrite it (hint: choose a new name)", dir)
	}
	return nil
}

// writeTemplates renders every template file into dir: "x.tmpl" becomes
// "x", and "gitignore.tmpl" becomes ".gitignore" (embed skips dot files).
func writeTemplates(dir string, d data) error {
	return fs.WalkDir(templates, "template", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "template/"), ".tmpl")
		if rel == "gitignore" {
			rel = ".gitignore"
		}
		src, err := fs.ReadFile(templates, p)
		if err != nil {
			return err
		}
		t, err := template.New(rel).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, d); err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if path.Base(rel) == "passwords.yaml" {
			mode = 0o600
		}
		return os.WriteFile(dst, b.Bytes(), mode)
	})
}

// secret is a random service secret for one run mode.
func secret() string {
	b := make([]byte, 24)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b)
}

// tidy runs `go mod tidy` in the project when go is installed, so that
// go.sum lists what the generated code imports.
func tidy(o Options) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintf(o.Stderr, "note: go is not on PATH; run \"go mod tidy\" in %s before building\n", o.Dir)
		return
	}
	fmt.Fprintln(o.Stdout, "running go mod tidy (resolves the dependencies the generated code imports and writes go.sum)")
	cmd := exec.Command(goBin, "mod", "tidy")
	cmd.Dir = o.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(o.Stderr, "warning: go mod tidy failed: %v\n%s\nhint: check your network or GOPROXY, then run \"go mod tidy\" in %s\n",
			err, bytes.TrimSpace(out), o.Dir)
	}
}
