package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// staticServerImport is the import path of static/server inside podgen;
// the copy of static/podtest in an app imports the app's server instead.
const staticServerImport = `"github.com/podgen/podgen/emit/static/server"`

// podtestFiles writes package podtest (issue 19: testing app code, in the
// manner of Serverpod's withServerpod): the fixed code of static/podtest,
// with its pod and server imports pointed at the app's, and podtest/app.go
// with what it needs to know of the app:
//
//	const appName = "rich"
//	const needsDatabase = true // a table class or a future call
//	const tablesSQL = `...out/tables.pgsql...`
//	type Client = client.Client
//	type ClientOption = client.Option
//	func newClient(baseURL string, hc *http.Client, opts ...ClientOption) *Client
//
// Like the server, only for apps with endpoints.
func podtestFiles(p *schema.Protocol, o Options) ([]File, error) {
	if p.EndpointsPkg == "" {
		return nil, nil
	}
	files, err := staticFiles("podtest", "podtest", "podtest")
	if err != nil {
		return nil, err
	}
	pointImports(files, staticPodImport, o.Pod())
	pointImports(files, staticServerImport, o.Server())
	sql, err := tablesSQL(p, o)
	if err != nil {
		return nil, err
	}
	f := jen.NewFilePathName(o.Base+"/podtest", "podtest")
	for _, line := range podtestDoc {
		f.PackageComment(line)
	}
	f.Comment("appName is the app's name: the default prefix of its test databases and cache keys.")
	f.Const().Id("appName").Op("=").Lit(o.App)
	f.Line()
	f.Comment("needsDatabase: the app has a table class or a future call, so every test gets a database.")
	f.Const().Id("needsDatabase").Op("=").Lit(len(p.Tables()) > 0 || len(p.FutureCalls) > 0)
	f.Line()
	f.Comment("tablesSQL is out/tables.pgsql, which builds the template database of an app without migrations.")
	f.Const().Id("tablesSQL").Op("=").Add(rawString(string(sql[0].Raw)))
	f.Line()
	f.Comment("Client is the app's typed Go client.")
	f.Type().Id("Client").Op("=").Qual(o.Client(), "Client")
	f.Line()
	f.Comment("ClientOption configures a client, e.g. client.WithAuthKey.")
	f.Type().Id("ClientOption").Op("=").Qual(o.Client(), "Option")
	f.Line()
	f.Comment("newClient is a client of the test's server, through hc (the httptest server's client).")
	f.Func().Id("newClient").Params(jen.Id("baseURL").String(), jen.Id("hc").Op("*").Qual("net/http", "Client"),
		jen.Id("opts").Op("...").Id("ClientOption")).Op("*").Id("Client").Block(
		jen.Return(jen.Qual(o.Client(), "New").Call(jen.Id("baseURL"),
			jen.Append(jen.Index().Id("ClientOption").Values(jen.Qual(o.Client(), "WithHTTPClient").Call(jen.Id("hc"))),
				jen.Id("opts").Op("...")).Op("..."))),
	)
	return append(files, File{Path: "podtest/app.go", Jen: f}), nil
}

// podtestDoc is the package comment of the generated podtest (the static
// package's own comment, about podgen, is not copied).
var podtestDoc = []string{
	"Package podtest tests the app's endpoints through their real wire path:",
	"New starts the generated server in-process (httptest) and gives the test",
	"the typed client pointed at it, a database of its own (when the app has a",
	"table class or a future call), fresh caches, and future calls on demand.",
	"For an ExampleEndpoint with a method Hello:",
	"",
	"\tfunc TestHello(t *testing.T) {",
	"\t\tenv := podtest.New(t)",
	"\t\tgot, err := env.Client.Example.Hello(env.Ctx, \"World\")",
	"\t\t...",
	"\t}",
	"",
	"Databases are made on PODGEN_TEST_DATABASE_URL (default",
	"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable), the Global",
	"cache uses the Redis at PODGEN_TEST_REDIS_ADDR when set; a service that",
	"does not answer skips the test, or fails it when CI is set. Tests of the",
	"endpoints package itself import podtest from package endpoints_test.",
}
