package emit

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"sync"
)

// The auth module's tables are defined once, as the constant
// AuthMigrationSQL of static/pod/auth_migrate.go: the app's pod holds that
// file, and its server applies pod.AuthMigrationModule() as migration
// module "auth", after podgen's system tables and before the app's
// migrations. tables.pgsql needs the same SQL as text, which authTablesSQL
// reads out of the embedded file.

var authSQL struct {
	once sync.Once
	sql  string
	err  error
}

// authTablesSQL is the value of AuthMigrationSQL.
func authTablesSQL() (string, error) {
	authSQL.once.Do(func() { authSQL.sql, authSQL.err = readConst("static/pod/auth_migrate.go", "AuthMigrationSQL") })
	return authSQL.sql, authSQL.err
}

// readConst returns the string constant name of the static file at path.
func readConst(path, name string) (string, error) {
	src, err := static.ReadFile(path)
	if err != nil {
		return "", err
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if len(v.Names) == 1 && v.Names[0].Name == name && len(v.Values) == 1 {
				if lit, ok := v.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					return strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return "", fmt.Errorf("%s: no string constant %s", path, name)
}
