package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of podgen's project file at the module root (next
// to go.mod): the switches of podgen's optional modules.
//
//	modules:
//	  auth: {email: true, google: true, apple: true}
const ConfigFile = "podgen.yaml"

// Config is what podgen.yaml says. The zero value is an app without
// optional modules (no podgen.yaml).
type Config struct {
	Auth *AuthModule // nil: the auth module is off
}

// AuthModule is modules.auth of podgen.yaml (SPEC §11): which sign-in
// methods the app serves. The auth.status endpoint and the key and scope
// machinery come with any of them.
type AuthModule struct {
	Email, Google, Apple bool
}

// ReadConfig reads podgen.yaml strictly: unknown and duplicate keys and
// values of the wrong type are errors at their position.
func ReadConfig(path string, data []byte) (Config, error) {
	var errs ErrorList
	f := &yamlFile{path: path, errs: &errs}
	cfg := f.config(data)
	if err := errs.Err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (f *yamlFile) config(data []byte) Config {
	var cfg Config
	var doc yaml.Node
	err := f.decode(yaml.NewDecoder(bytes.NewReader(data)), &doc)
	switch {
	case errors.Is(err, io.EOF):
		return cfg // an empty file: no modules
	case err != nil:
		f.syntaxError(err)
		return cfg
	}
	if len(doc.Content) == 0 {
		return cfg
	}
	f.configKeys(doc.Content[0], map[string]func(*yaml.Node){
		"modules": func(n *yaml.Node) {
			f.configKeys(n, map[string]func(*yaml.Node){
				"auth": func(n *yaml.Node) { cfg.Auth = f.authModule(n) },
			})
		},
	})
	return cfg
}

func (f *yamlFile) authModule(n *yaml.Node) *AuthModule {
	m := &AuthModule{}
	f.configKeys(n, map[string]func(*yaml.Node){
		"email":  f.configBool(&m.Email),
		"google": f.configBool(&m.Google),
		"apple":  f.configBool(&m.Apple),
	})
	if !m.Email && !m.Google && !m.Apple {
		f.errorf(n, "modules.auth enables no sign-in method: set email, google or apple to true (or remove modules.auth)")
	}
	return m
}

// configKeys reads a mapping whose keys must be among keys.
func (f *yamlFile) configKeys(n *yaml.Node, keys map[string]func(*yaml.Node)) {
	if n.Kind == yaml.AliasNode {
		f.errorf(n, "aliases are not supported here")
		return
	}
	if n.Kind != yaml.MappingNode {
		f.errorf(n, "expected a mapping")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		read, ok := keys[k.Value]
		switch {
		case !ok:
			names := make([]string, 0, len(keys))
			for name := range keys {
				names = append(names, name)
			}
			f.errorf(k, "unknown key %q%s", k.Value, keyHint(k.Value, names))
		case seen[k.Value]:
			f.errorf(k, "duplicate key %q", k.Value)
		default:
			seen[k.Value] = true
			read(v)
		}
	}
}

func (f *yamlFile) configBool(dst *bool) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			f.errorf(n, "expected true or false")
			return
		}
		*dst = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	}
}

// keyHint is ` (did you mean "email"?)` for a close key, else the list of
// known keys.
func keyHint(key string, known []string) string {
	if s := suggest(key, known); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	sort.Strings(known)
	return " (known keys: " + strings.Join(known, ", ") + ")"
}
