package emit

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// The module names of pod_migration: podgen's own system tables, and the
// app's migrations folder. The app's is fixed rather than the Go module's
// name, so that renaming the module does not orphan the recorded history.
const (
	SystemMigrationModule = "podgen"
	AppMigrationModule    = "app"
)

// serverMigrations writes server/migrations.go, the schema versions that
// --apply-migrations applies (static/server/migrate.go, runner in
// static/pod/migrate.go):
//
//	func migrationModules() []pod.MigrationModule {
//		return []pod.MigrationModule{
//			{Name: "podgen", Versions: []pod.MigrationVersion{
//				{Version: "0001-future-calls", SQL: podgenMigration1},
//			}},
//			{Name: "app", Versions: []pod.MigrationVersion{
//				{Version: "20260101000000-init", SQL: appMigration1},
//			}, Definition: appDefinition},
//		}
//	}
//	const podgenMigration1 = `CREATE TABLE IF NOT EXISTS "pod_future_call" (...`
//
// The SQL is in Go constants, not go:embed'ded copies of the .sql files:
// the generator removes only files with its header, so copies would go
// stale. It lives in server (not pod) because only the server binary
// applies migrations; written with the server, also without a migrations
// folder (podgen's own versions are always there).
func serverMigrations(p *schema.Protocol, o Options) ([]File, error) {
	if p.EndpointsPkg == "" {
		return nil, nil
	}
	f := jen.NewFilePathName(o.Server(), "server")
	module := jen.Qual(o.Pod(), "MigrationModule")
	version := jen.Qual(o.Pod(), "MigrationVersion")
	var consts []jen.Code
	versions := func(prefix string, list [][2]string) jen.Code {
		return jen.Index().Add(version.Clone()).ValuesFunc(func(g *jen.Group) {
			for i, v := range list {
				name := fmt.Sprintf("%sMigration%d", prefix, i+1)
				consts = append(consts, jen.Comment(v[0]), jen.Id(name).Op("=").Add(sqlLiteral(v[1])))
				g.Line().Values(jen.Id("Version").Op(":").Lit(v[0]), jen.Id("SQL").Op(":").Id(name))
			}
			g.Line()
		})
	}
	var system, app [][2]string
	for _, m := range SystemMigrations {
		system = append(system, [2]string{m.Version, m.SQL})
	}
	if o.Migrations != nil {
		for _, m := range o.Migrations.Versions {
			app = append(app, [2]string{m.Version, m.SQL})
		}
	}
	f.Comment("migrationModules are the schema versions this server applies with")
	f.Comment("--apply-migrations, in this order: podgen's system tables, the tables of")
	f.Comment("podgen's modules, then the app's migrations folder as it was at build time.")
	f.Comment("pod_migration records them.")
	f.Func().Id("migrationModules").Params().Index().Add(module.Clone()).Block(
		jen.Return(jen.Index().Add(module.Clone()).ValuesFunc(func(g *jen.Group) {
			g.Line().Values(jen.Id("Name").Op(":").Lit(SystemMigrationModule), jen.Id("Versions").Op(":").Add(versions("podgen", system)))
			if p.Config.Auth != nil { // the module's own history, in its pod files
				g.Line().Qual(o.Pod(), "AuthMigrationModule").Call()
			}
			if len(app) > 0 {
				g.Line().Values(jen.Id("Name").Op(":").Lit(AppMigrationModule), jen.Id("Versions").Op(":").Add(versions("app", app)),
					jen.Id("Definition").Op(":").Id("appDefinition"))
			}
			g.Line()
		})),
	)
	if len(app) > 0 {
		consts = append(consts, jen.Comment("definition.sql of "+app[len(app)-1][0]+": the whole app schema, for an empty database"),
			jen.Id("appDefinition").Op("=").Add(sqlLiteral(o.Migrations.Definition)))
	}
	f.Comment("The SQL of each version, verbatim from podgen and the migrations folder.")
	f.Const().Defs(consts...)
	return []File{{Path: "server/migrations.go", Jen: f}}, nil
}

// sqlLiteral is s as a raw string literal, readable like the .sql file,
// or as an interpreted one when a raw literal cannot hold it.
func sqlLiteral(s string) jen.Code {
	if !utf8.ValidString(s) || strings.ContainsAny(s, "`\r\x00\ufeff") {
		return jen.Lit(s)
	}
	return jen.Id("`" + s + "`")
}
