package pod

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// configKeys maps each key of a YAML mapping to the reader of its value.
type configKeys map[string]func(r *yamlReader, n *yaml.Node, path string) error

// yamlReader walks yaml.Nodes strictly: unknown and duplicate keys and
// wrongly typed values are errors at their position, never ignored.
type yamlReader struct{ file string }

func (r *yamlReader) errorf(n *yaml.Node, path, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s: %s", r.file, n.Line, n.Column, path, fmt.Sprintf(format, args...))
}

// document returns the top-level mapping of data, nil for an empty file.
func (r *yamlReader) document(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// yaml's messages read "yaml: line 3: ..."; keep them on one line.
		return nil, fmt.Errorf("%s: %s", r.file, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return nil, nil
	}
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: expected a mapping of settings", r.file, top.Line, top.Column)
	}
	return top, nil
}

// mapping reads a mapping node whose keys must be in keys.
func (r *yamlReader) mapping(n *yaml.Node, path string, keys configKeys) error {
	if n.Kind != yaml.MappingNode {
		return r.errorf(n, path, "expected a mapping")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := k.Value
		if path != "" {
			p = path + "." + k.Value
		}
		read, ok := keys[k.Value]
		if !ok {
			return r.errorf(k, p, "unknown key%s", knownKeys(keys))
		}
		if seen[k.Value] {
			return r.errorf(k, p, "duplicate key")
		}
		seen[k.Value] = true
		if err := read(r, v, p); err != nil {
			return err
		}
	}
	return nil
}

// knownKeys is the hint of an unknown-key error.
func knownKeys(keys configKeys) string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, strconv.Quote(k))
	}
	sortStrings(names)
	return " (known keys: " + strings.Join(names, ", ") + ")"
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (r *yamlReader) scalar(n *yaml.Node, path, tag, what string) error {
	if n.Kind != yaml.ScalarNode || n.Tag != tag {
		return r.errorf(n, path, "expected %s", what)
	}
	return nil
}

func intKey(dst *int) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if err := r.scalar(n, path, "!!int", "an integer"); err != nil {
			return err
		}
		v, err := strconv.Atoi(n.Value)
		if err != nil || v < 0 {
			return r.errorf(n, path, "expected a non-negative integer")
		}
		*dst = v
		return nil
	}
}

func portKey(dst *int) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if err := intKey(dst)(r, n, path); err != nil {
			return err
		}
		if *dst > 65535 {
			return r.errorf(n, path, "port %d is out of range (0 to 65535)", *dst)
		}
		return nil
	}
}

func int64Key(dst *int64) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		var v int
		if err := intKey(&v)(r, n, path); err != nil {
			return err
		}
		*dst = int64(v)
		return nil
	}
}

func boolKey(dst *bool) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if err := r.scalar(n, path, "!!bool", "true or false"); err != nil {
			return err
		}
		*dst = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
		return nil
	}
}

// stringKey accepts any scalar ("5432" or 5432 as a host would be odd but
// harmless); null leaves the default.
func stringKey(dst *string) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if n.Kind != yaml.ScalarNode {
			return r.errorf(n, path, "expected a string")
		}
		if n.Tag != "!!null" {
			*dst = n.Value
		}
		return nil
	}
}

// durationKey reads a Go duration such as "30s" or "1m30s".
func durationKey(dst *time.Duration) func(*yamlReader, *yaml.Node, string) error {
	return durationFrom(dst, 1, `expected a positive duration such as "30s"`)
}

// delayKey is durationKey that also accepts 0.
func delayKey(dst *time.Duration) func(*yamlReader, *yaml.Node, string) error {
	return durationFrom(dst, 0, `expected a duration such as "5s", or 0`)
}

func durationFrom(dst *time.Duration, least time.Duration, want string) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		d, err := time.ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil || d < least {
			return r.errorf(n, path, "%s", want)
		}
		*dst = d
		return nil
	}
}

// hostKey reads a listening address: "" or "0.0.0.0" for every interface
// of IPv4 ("::" for IPv6 too), an IP, or a host name such as localhost.
func hostKey(dst *string) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if err := stringKey(dst)(r, n, path); err != nil {
			return err
		}
		if strings.ContainsAny(*dst, "/ []") || strings.Count(*dst, ":") == 1 {
			return r.errorf(n, path, "%q is not a host: use an IP address or a name, without a port", *dst)
		}
		return nil
	}
}

func serverKeys(s *ServerConfig) configKeys {
	return configKeys{
		"host":              hostKey(&s.Host),
		"drainDelay":        delayKey(&s.DrainDelay),
		"port":              portKey(&s.Port),
		"requestTimeout":    durationKey(&s.RequestTimeout),
		"readHeaderTimeout": durationKey(&s.ReadHeaderTimeout),
		"readTimeout":       durationKey(&s.ReadTimeout),
		"writeTimeout":      durationKey(&s.WriteTimeout),
		"idleTimeout":       durationKey(&s.IdleTimeout),
		"shutdownTimeout":   durationKey(&s.ShutdownTimeout),
	}
}

// apiServerKeys are serverKeys and the API server's limits.
func apiServerKeys(s *ServerConfig) configKeys {
	keys := serverKeys(s)
	keys["maxConcurrentRequests"] = positiveKey(&s.MaxConcurrentRequests)
	keys["maxRequestMemory"] = positiveInt64Key(&s.MaxRequestMemory)
	keys["cors"] = section(configKeys{"allowedOrigins": originsKey(&s.AllowedOrigins)})
	return keys
}

// positiveInt64Key is int64Key that also refuses 0.
func positiveInt64Key(dst *int64) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if err := int64Key(dst)(r, n, path); err != nil {
			return err
		}
		if *dst == 0 {
			return r.errorf(n, path, "expected a positive integer")
		}
		return nil
	}
}

// originsKey reads a list of origins: "https://app.example.com" (scheme,
// host and port, nothing else, as browsers send them), or "*" for any.
func originsKey(dst *[]string) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if n.Kind != yaml.SequenceNode {
			return r.errorf(n, path, "expected a list of origins such as [\"https://app.example.com\"]")
		}
		*dst = (*dst)[:0]
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode || !validOrigin(e.Value) {
				return r.errorf(e, path, "%q is not an origin: use scheme://host[:port] (no path), or \"*\"", e.Value)
			}
			*dst = append(*dst, e.Value)
		}
		return nil
	}
}

func validOrigin(s string) bool {
	if s == "*" || s == "null" {
		return true
	}
	scheme, rest, ok := strings.Cut(s, "://")
	return ok && (scheme == "http" || scheme == "https") && rest != "" && !strings.ContainsAny(rest, "/?#@ ")
}

func section(keys configKeys) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error { return r.mapping(n, path, keys) }
}

func cachesKeys(c *CachesConfig) configKeys {
	return configKeys{
		"local":     section(configKeys{"maxEntries": positiveKey(&c.Local.MaxEntries)}),
		"localPrio": section(configKeys{"maxEntries": positiveKey(&c.LocalPrio.MaxEntries)}),
		"global":    section(configKeys{"prefix": stringKey(&c.Global.Prefix)}),
	}
}

// positiveKey is intKey that also refuses 0.
func positiveKey(dst *int) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if err := intKey(dst)(r, n, path); err != nil {
			return err
		}
		if *dst == 0 {
			return r.errorf(n, path, "expected a positive integer")
		}
		return nil
	}
}

// parseConfigFile reads config/<mode>.yaml into c.
func parseConfigFile(file string, data []byte, c *Config) error {
	r := &yamlReader{file: file}
	top, err := r.document(data)
	if err != nil || top == nil {
		return err
	}
	db, rd := &c.Database, &c.Redis
	keys := configKeys{
		"apiServer":      section(apiServerKeys(&c.APIServer)),
		"insightsServer": section(serverKeys(&c.InsightsServer)),
		"database": section(configKeys{
			"host": stringKey(&db.Host), "port": portKey(&db.Port), "name": stringKey(&db.Name),
			"user": stringKey(&db.User), "requireSsl": boolKey(&db.RequireSSL),
			"maxConnections": intKey(&db.MaxConnections),
		}),
		"redis": section(configKeys{
			"enabled": boolKey(&rd.Enabled), "host": stringKey(&rd.Host), "port": portKey(&rd.Port),
			"user": stringKey(&rd.User),
		}),
		"caches":         section(cachesKeys(&c.Caches)),
		"futureCalls":    section(futureCallsKeys(&c.FutureCalls)),
		"maxRequestSize": int64Key(&c.MaxRequestSize),
	}
	c.addModuleKeys(keys)
	return r.mapping(top, "", keys)
}

// parsePasswordsFile reads the "shared" section and then the mode's section
// of config/passwords.yaml; sections of other modes are not looked into.
func parsePasswordsFile(file string, data []byte, c *Config) error {
	r := &yamlReader{file: file}
	top, err := r.document(data)
	if err != nil || top == nil {
		return err
	}
	keys := configKeys{
		"database":      stringKey(&c.Database.Password),
		"redis":         stringKey(&c.Redis.Password),
		"serviceSecret": stringKey(&c.ServiceSecret),
	}
	c.addModulePasswordKeys(keys)
	for _, want := range []string{"shared", c.Mode} {
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value == want {
				if err := r.mapping(top.Content[i+1], want, keys); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
