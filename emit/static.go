package emit

import (
	"bytes"
	"embed"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/podgen/podgen/schema"
)

// static holds the fixed helper files. Each folder is a real Go package of
// podgen, compiled and tested here; its files are copied into the app:
//
//	static/models → pod/ and client/ (JSON reader, UUID)
//	static/pod    → pod/             (session, config)
//	static/server → server/          (HTTP plumbing)
//	static/client → client/          (transport, errors)
//
// Test files and files whose name starts with "zz_" (test-only shims) stay behind.
//
//go:embed static
var static embed.FS

// staticFiles copies the files of static/<from> into <to>/, renaming their
// package to name.
func staticFiles(from, to, name string) ([]File, error) {
	dir := path.Join("static", from)
	entries, err := fs.ReadDir(static, dir)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || strings.HasPrefix(n, "zz_") {
			continue
		}
		src, err := fs.ReadFile(static, path.Join(dir, n))
		if err != nil {
			return nil, err
		}
		body, err := renamePackage(src, name)
		if err != nil {
			return nil, fmt.Errorf("static %s/%s: %w", from, n, err)
		}
		out = append(out, File{Path: to + "/" + n, Raw: body})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// renamePackage puts the podgen header first and replaces the package clause
// (and anything above it, such as the static package's own doc comment),
// keeping a //go:build constraint.
func renamePackage(src []byte, name string) ([]byte, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	end := int(f.Name.End()) - 1 // token.Pos is 1-based
	var b bytes.Buffer
	b.WriteString("// " + Header + "\n\n")
	for _, line := range strings.Split(string(src[:end]), "\n") {
		if strings.HasPrefix(line, "//go:build ") {
			b.WriteString(line + "\n\n")
		}
	}
	b.WriteString("package " + name)
	b.Write(src[end:])
	return b.Bytes(), nil
}

func podStatic(p *schema.Protocol, _ Options) ([]File, error) {
	models, err := staticFiles("models", "pod", "pod")
	if err != nil {
		return nil, err
	}
	own, err := staticFiles("pod", "pod", "pod")
	if err != nil {
		return nil, err
	}
	files := append(kindFiles(p, models, "pod"), own...)
	noTables := len(p.Tables()) == 0
	kept := files[:0]
	for _, f := range files {
		switch {
		case p.Config.Auth == nil && isAuthFile(f.Path): // the auth module's
		case noTables && isTableFile(f.Path): // the typed query layer
		case len(p.FutureCalls) == 0 && path.Base(f.Path) == "futurecall_run.go": // the scheduler (podFutureCalls stands in)
		default:
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// tableFiles are the static pod files of the typed query layer (table
// descriptors, columns and expressions, CRUD, includes): an app without a
// table class gets s.DB with Query, Exec and Transaction only.
var tableFiles = map[string]bool{
	"db_columns.go": true, "db_crud.go": true, "db_expr.go": true, "db_ids.go": true,
	"db_include.go": true, "db_levels.go": true, "db_values.go": true,
	"db_values_std.go": true, "db_write.go": true,
}

func isTableFile(p string) bool { return tableFiles[path.Base(p)] }

func clientStatic(p *schema.Protocol, _ Options) ([]File, error) {
	models, err := staticFiles("models", "client", "client")
	if err != nil {
		return nil, err
	}
	own, err := staticFiles("client", "client", "client")
	return append(kindFiles(p, models, "client"), own...), err
}

// kindFiles drops the JSON runtime's files of kinds the app's types never
// use: BigInt's and Uri's codecs, and in the client the UUID type (pod's
// own code, the session log, uses it).
func kindFiles(p *schema.Protocol, models []File, pkg string) []File {
	used := usedKinds(p)
	kept := models[:0]
	for _, f := range models {
		switch path.Base(f.Path) {
		case "json_bigint.go":
			if !used[schema.BigInt] {
				continue
			}
		case "json_url.go":
			if !used[schema.Uri] {
				continue
			}
		case "uuid.go", "uuid_new.go":
			if pkg == "client" && !used[schema.UUID] {
				continue
			}
		}
		kept = append(kept, f)
	}
	return kept
}

// usedKinds are the kinds of every field, parameter, result and future
// call argument of p, nested ones included.
func usedKinds(p *schema.Protocol) [schema.NumKinds]bool {
	var used [schema.NumKinds]bool
	var mark func(t *schema.Type)
	mark = func(t *schema.Type) {
		for ; t != nil; t = t.Elem {
			used[t.Kind] = true
			if t.Key != nil {
				mark(t.Key)
			}
		}
	}
	for _, cs := range [][]*schema.Class{p.Classes, p.Exceptions} {
		for _, c := range cs {
			for _, f := range c.Fields {
				mark(f.Type)
			}
		}
	}
	for _, e := range p.Endpoints {
		for _, m := range e.Methods {
			for _, prm := range m.Params {
				mark(prm.Type)
			}
			mark(m.Result)
		}
	}
	for _, fc := range p.FutureCalls {
		mark(fc.Arg)
	}
	return used
}
