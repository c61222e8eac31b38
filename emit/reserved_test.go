package emit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/podgen/podgen/schema"
)

// TestStaticNamesReserved keeps schema's reserved names in step with the
// static helpers: a protocol class named like one of them would make the
// generated package fail to compile instead of getting a clear error.
func TestStaticNamesReserved(t *testing.T) {
	eachStaticFile(t, func(dir, name string, src []byte) {
		if strings.HasPrefix(name, "zz_") {
			return // a stand-in for generated code, not copied into apps
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range exportedDecls(f) {
			if !schema.IsReservedName(decl) {
				t.Errorf("%s/%s declares %q, which schema/names.go does not reserve", dir, name, decl)
			}
		}
	})
}

// TestStaticFilesReserved keeps schema's reserved file stems in step with
// the static helpers, so that a class can never be generated over one.
func TestStaticFilesReserved(t *testing.T) {
	eachStaticFile(t, func(dir, name string, _ []byte) {
		// zz_ files stand in for generated ones: zz_db_tables.go is db_tables.go.
		stem := strings.TrimSuffix(strings.TrimPrefix(name, "zz_"), ".go")
		if !schema.IsReservedFile(stem) {
			t.Errorf("%s/%s: schema/names.go does not reserve the file stem %q", dir, name, stem)
		}
	})
}

// eachStaticFile calls fn with every non-test Go file of the static
// folders that are copied into pod and client.
func eachStaticFile(t *testing.T, fn func(dir, name string, src []byte)) {
	t.Helper()
	for _, dir := range []string{"static/models", "static/pod", "static/client"} {
		entries, err := fs.ReadDir(static, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			n := e.Name()
			if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
				continue
			}
			src, err := fs.ReadFile(static, path.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			fn(dir, n, src)
		}
	}
}

// exportedDecls lists the exported top-level types, functions, variables
// and constants of f (methods excluded).
func exportedDecls(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.IsExported() {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						names = append(names, s.Name.Name)
					}
				case *ast.ValueSpec:
					for _, id := range s.Names {
						if id.IsExported() {
							names = append(names, id.Name)
						}
					}
				}
			}
		}
	}
	return names
}
