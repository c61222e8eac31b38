package generator

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/internal/inputfile"
)

// Discover works out the import paths of a build from the nearest go.mod
// above outDir (which need not exist yet):
//
//	module example.com/mypod, -o ./out, endpoints ./endpoints →
//	Base "example.com/mypod/out", Endpoints "example.com/mypod/endpoints", App "mypod"
//
// The endpoints folder must lie inside the same module.
func Discover(outDir, endpointsDir string) (emit.Options, error) {
	out, root, module, err := moduleOf(outDir)
	if err != nil {
		return emit.Options{}, err
	}
	base, ok := importPath(root, module, out)
	if !ok || base == module {
		return emit.Options{}, fmt.Errorf("output folder %q must be a subfolder of the module root %q (e.g. -o ./out)", outDir, root)
	}
	ep, err := realPath(endpointsDir)
	if err != nil {
		return emit.Options{}, err
	}
	epPath, ok := importPath(root, module, ep)
	if !ok {
		return emit.Options{}, fmt.Errorf("endpoints folder %q is outside module %q (rooted at %q); generated code could not import it", endpointsDir, module, root)
	}
	return emit.Options{Base: base, Endpoints: epPath, App: AppName(module)}, nil
}

// moduleOf resolves outDir and finds the module that holds it.
func moduleOf(outDir string) (out, root, module string, err error) {
	if out, err = realPath(outDir); err != nil {
		return "", "", "", err
	}
	root, module, err = FindModule(out)
	return out, root, module, err
}

// importPath returns the import path of dir inside the module rooted at root.
func importPath(root, module, dir string) (string, bool) {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	if rel == "." {
		return module, true
	}
	return module + "/" + filepath.ToSlash(rel), true
}

// AppName is the last element of a module path, skipping a major version
// suffix: "example.com/mypod/v2" → "mypod".
func AppName(module string) string {
	name := path.Base(module)
	if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		if parent := path.Dir(module); parent != "." {
			name = path.Base(parent)
		}
	}
	return name
}

// realPath makes p absolute and resolves symbolic links in the part of it
// that exists, so that paths compare equal however they were spelled.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if filepath.Dir(dir) == dir {
			return abs, nil
		}
		rest = append([]string{filepath.Base(dir)}, rest...)
	}
}

// maxGoModSize bounds the go.mod that is read; real ones are a few KiB.
const maxGoModSize = 1 << 20

// FindModule walks up from dir (absolute; it may not exist yet) to the
// nearest go.mod and returns the folder holding it and its module path.
func FindModule(dir string) (root, module string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		gomod := filepath.Join(d, "go.mod")
		data, err := inputfile.Read(gomod, maxGoModSize, "a go.mod")
		if err == nil {
			module, err := ModulePath(gomod, data)
			return d, module, err
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrInvalid) {
			return "", "", err
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("no go.mod in %q or any folder above it (hint: run \"go mod init <module>\" there, or start with \"podgen init\")", dir)
		}
	}
}

// ModulePath reads the module directive of a go.mod file, like
// golang.org/x/mod/modfile.ModulePath: `module x`, `module "x"`,
// "module `x`", the block form `module ( x )`, and // comments.
func ModulePath(name string, gomod []byte) (string, error) {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	inBlock := false
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.Index(text, "//"); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		switch {
		case len(f) == 0:
			continue
		case inBlock && f[0] == ")":
			inBlock = false
			continue
		case inBlock:
			return unquoteModule(name, line, f)
		case f[0] != "module":
			continue
		case len(f) == 2 && f[1] == "(":
			inBlock = true
			continue
		}
		return unquoteModule(name, line, f[1:])
	}
	return "", fmt.Errorf("%s: no module directive (hint: the first line should read \"module example.com/mypod\")", name)
}

func unquoteModule(name string, line int, f []string) (string, error) {
	if len(f) != 1 {
		return "", fmt.Errorf("%s:%d:1: malformed module directive", name, line)
	}
	p := f[0]
	if p[0] == '"' || p[0] == '`' {
		var err error
		if p, err = strconv.Unquote(p); err != nil {
			return "", fmt.Errorf("%s:%d:1: malformed module path %s", name, line, f[0])
		}
	}
	if p == "" || strings.ContainsAny(p, " \t\\") {
		return "", fmt.Errorf("%s:%d:1: malformed module path %q", name, line, p)
	}
	return p, nil
}
