package emit

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// serverAPI writes package server (SPEC §3, §8): the fixed HTTP plumbing
// copied from static/server, server/routes.go with the routing table, the
// signature guards and the exception mapping, and one
// server/endpoint_<name>.go per endpoint:
//
//	type exampleHelloParams struct{ name string }
//
//	func (p *exampleHelloParams) decode(d *pod.JSONDecoder) error { ...one pass over the object... }
//
//	func handleExampleHello(e *endpoints.ExampleEndpoint) handler {
//		return func(c *call) {
//			var p exampleHelloParams
//			if err := decodeParams(c, &p); err != nil { c.badRequest(err); return }
//			res, err := e.Hello(c.session, p.name)
//			if err != nil { endpointError(c, err); return }
//			b, err := encodeExampleHello(c.out[:0], res)
//			...
//			c.reply(b)
//		}
//	}
func serverAPI(p *schema.Protocol, o Options) ([]File, error) {
	if p.EndpointsPkg == "" {
		return nil, nil
	}
	files, err := serverStatic(o)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: "server/routes.go", Jen: serverRoutes(p, o)},
		File{Path: "server/modules.go", Jen: serverModules(p, o)})
	for _, e := range p.Endpoints {
		files = append(files, File{
			Path: "server/" + e.File + ".go",
			Jen:  serverEndpoint(e, o),
		})
	}
	return files, nil
}

// staticPodImport is the import path of static/pod inside podgen; the copies
// in an app import the app's pod package instead.
const staticPodImport = `"github.com/podgen/podgen/emit/static/pod"`

// pointImports makes static copies import the app's package at path
// instead of podgen's static one (from, quoted). Each such import sits
// alone in its group, so the rewrite keeps imports sorted.
func pointImports(files []File, from, path string) {
	for i := range files {
		files[i].Raw = bytes.ReplaceAll(files[i].Raw, []byte(from), []byte(`"`+path+`"`))
	}
}

// serverStatic copies static/server, pointing its pod import at the app's.
// The import sits alone in its group, so the rewrite keeps imports sorted.
func serverStatic(o Options) ([]File, error) {
	files, err := staticFiles("server", "server", "server")
	if err != nil {
		return nil, err
	}
	pointImports(files, staticPodImport, o.Pod())
	web, err := webFiles()
	return append(files, web...), err
}

// webHeaders are podgen's header line as a comment of each kind of file
// of the insights page (generator.IsGenerated knows them).
var webHeaders = map[string]string{
	".html": "<!-- " + Header + " -->\n",
	".css":  "/* " + Header + " */\n",
	".js":   "// " + Header + "\n",
	".svg":  "<!-- " + Header + " -->\n",
}

// webFiles copies static/server/web (the insights page, embedded by
// insights_web.go) into server/web/, each file headed by the header.
func webFiles() ([]File, error) {
	entries, err := fs.ReadDir(static, "static/server/web")
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		head, ok := webHeaders[path.Ext(e.Name())]
		if !ok {
			return nil, fmt.Errorf("static/server/web/%s: no header for this kind of file", e.Name())
		}
		src, err := fs.ReadFile(static, "static/server/web/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: "server/web/" + e.Name(), Raw: append([]byte(head), src...)})
	}
	return out, nil
}

// cmdServer writes cmd/server/main.go, which hands everything to server.Main.
func cmdServer(p *schema.Protocol, o Options) ([]File, error) {
	if p.EndpointsPkg == "" {
		return nil, nil
	}
	f := jen.NewFilePathName(o.Base+"/cmd/server", "main")
	f.PackageComment("Command server runs the app's API server:")
	f.PackageComment("")
	f.PackageComment("\tgo run ./out/cmd/server --mode development --server-id 0 --config-dir config")
	f.Func().Id("main").Params().Block(
		jen.Qual("os", "Exit").Call(jen.Qual(o.Server(), "Main").Call(
			jen.Qual("os", "Args").Index(jen.Lit(1).Op(":")), jen.Qual("os", "Stdout"), jen.Qual("os", "Stderr"))),
	)
	return []File{{Path: "cmd/server/main.go", Jen: f}}, nil
}
