package emit

import (
	"io/fs"
	"path"
	"strings"

	"github.com/podgen/podgen/schema"
)

// podgen's optional modules (SPEC §11), enabled in podgen.yaml. A module is
// source like the app's: protocol YAML (static/authmod), loaded with the
// app's so that its classes are the app's own (pod.UserInfo,
// client.UserInfo), and endpoint files (static/authapi, package auth),
// parsed like the app's endpoints and copied into out/auth. Its logic is
// fixed code in static/pod/auth_*.go, copied into pod/ only when enabled.

// authModule is the name of the auth module: its package (out/auth), the
// prefix of its wire names ("auth.email") and of its static files.
const authModule = "auth"

// ModuleSources returns the source of every module cfg enables, for
// schema.LoadInput. Their paths start with "podgen:", so that an error in
// them (a clash with a class of the app's) says whose file it is.
func ModuleSources(cfg schema.Config) ([]schema.Module, error) {
	if cfg.Auth == nil {
		return nil, nil
	}
	m := schema.Module{Name: authModule}
	yamls, err := fs.Glob(static, "static/authmod/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, name := range yamls {
		data, err := fs.ReadFile(static, name)
		if err != nil {
			return nil, err
		}
		m.Protocol = append(m.Protocol, schema.File{Path: "podgen:auth/" + path.Base(name), Data: data})
	}
	for _, name := range authEndpointFiles(cfg.Auth) {
		data, err := fs.ReadFile(static, "static/authapi/"+name)
		if err != nil {
			return nil, err
		}
		m.Endpoints = append(m.Endpoints, schema.File{Path: "podgen:auth/" + name, Data: data})
	}
	return []schema.Module{m}, nil
}

// authEndpointFiles are the files of static/authapi an app gets: the
// package doc and auth.status always, one file per sign-in method enabled.
func authEndpointFiles(a *schema.AuthModule) []string {
	files := []string{"doc.go"}
	for _, f := range []struct {
		on   bool
		file string
	}{{a.Apple, "apple_endpoint.go"}, {a.Email, "email_endpoint.go"}, {a.Google, "google_endpoint.go"}, {true, "status_endpoint.go"}} {
		if f.on {
			files = append(files, f.file)
		}
	}
	return files
}

// authPackage writes out/auth: the module's endpoint types, which the
// server routes like the app's own.
func authPackage(p *schema.Protocol, o Options) ([]File, error) {
	if p.Config.Auth == nil {
		return nil, nil
	}
	all, err := staticFiles("authapi", authModule, authModule)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, name := range authEndpointFiles(p.Config.Auth) {
		keep[authModule+"/"+name] = true
	}
	var out []File
	for _, f := range all {
		if keep[f.Path] {
			out = append(out, f)
		}
	}
	pointImports(out, staticPodImport, o.Pod())
	return out, nil
}

// isAuthFile reports whether a static/pod file is the auth module's, copied
// only into apps that enable it.
func isAuthFile(name string) bool { return strings.HasPrefix(path.Base(name), "auth_") }

// endpointsImport is the package of an endpoint's type: the app's
// endpoints package, or a module's package under the output folder.
func (o Options) endpointsImport(e *schema.Endpoint) string {
	if e.Module != "" {
		return o.Base + "/" + e.Module
	}
	return o.Endpoints
}

// podModulesOff is pod/modules.go of an app without optional modules: the
// hooks that Config, Runtime and Session embed, empty. An app with the auth
// module gets static/pod/auth_*.go instead, which define them with fields.
const podModulesOff = `// ` + Header + `

package pod

import "go.yaml.in/yaml/v3"

// The optional modules of podgen.yaml hook into Config, Runtime and
// Session through the types below. This app enables none, so they are
// empty: there is no s.Auth.

// moduleConfig is the modules' part of Config.
type moduleConfig struct{}

func (m *moduleConfig) setModuleDefaults() {}

// addModuleKeys answers an auth: section with how to turn the module on.
func (m *moduleConfig) addModuleKeys(keys configKeys) {
	keys["auth"] = func(r *yamlReader, n *yaml.Node, path string) error {
		return r.errorf(n, path, "the auth module is off: enable it in podgen.yaml (modules: {auth: {email: true}}) and run podgen build")
	}
}

func (m *moduleConfig) addModulePasswordKeys(keys configKeys) {}

func (m *moduleConfig) applyModuleEnv(env func(string) string) error { return nil }

// runtimeModules is the modules' part of Runtime.
type runtimeModules struct{}

// sessionModules is the modules' part of Session.
type sessionModules struct{}

func (m *sessionModules) initModules(s *Session) {}
`

// podModules writes pod/modules.go when no module is on.
func podModules(p *schema.Protocol, _ Options) ([]File, error) {
	if p.Config.Auth != nil {
		return nil, nil
	}
	return []File{{Path: "pod/modules.go", Raw: []byte(podModulesOff)}}, nil
}
