package pod

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func noEnv(string) string { return "" }

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(filepath.Join(t.TempDir(), "missing"), "development", "mypod", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIServer.Port != 8080 || c.InsightsServer.Port != 8081 || c.MaxRequestSize != 1<<20 ||
		c.Database.Name != "mypod" || c.Redis.Enabled || c.File != "" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestLoadConfigFiles(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"development.yaml": `
apiServer: {port: 9000, requestTimeout: 2s}
insightsServer: {port: 9001}
database: {host: db.local, port: 5433, name: shop, user: app, requireSsl: true, maxConnections: 5}
redis: {enabled: true, host: cache.local, port: 6380}
maxRequestSize: 2048
`,
		"passwords.yaml": `
shared: {serviceSecret: shared-secret}
development: {database: dbpass, redis: redispass}
production: {database: other}
`,
	})
	c, err := LoadConfig(dir, "development", "mypod", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := DatabaseConfig{Host: "db.local", Port: 5433, Name: "shop", User: "app", Password: "dbpass",
		RequireSSL: true, MaxConnections: 5}
	if c.Database != want {
		t.Errorf("database = %+v", c.Database)
	}
	if c.APIServer.Port != 9000 || c.APIServer.RequestTimeout != 2*time.Second ||
		c.APIServer.IdleTimeout != 120*time.Second || c.MaxRequestSize != 2048 {
		t.Errorf("api = %+v, max %d", c.APIServer, c.MaxRequestSize)
	}
	if !c.Redis.Enabled || c.Redis.Addr() != "cache.local:6380" || c.Redis.Password != "redispass" {
		t.Errorf("redis = %+v", c.Redis)
	}
	if c.ServiceSecret != "shared-secret" {
		t.Errorf("secret = %q", c.ServiceSecret)
	}
}

func TestLoadConfigAPILimits(t *testing.T) {
	c, err := LoadConfig(filepath.Join(t.TempDir(), "missing"), "development", "mypod", noEnv)
	if err != nil || c.APIServer.MaxConcurrentRequests != 500 || c.APIServer.MaxRequestMemory != 64<<20 ||
		len(c.APIServer.AllowedOrigins) != 0 {
		t.Fatalf("defaults: %+v, %v", c.APIServer, err)
	}
	dir := writeConfig(t, map[string]string{"development.yaml": `
apiServer:
  maxConcurrentRequests: 50
  maxRequestMemory: 1000000
  cors:
    allowedOrigins: ["https://app.example.com", "http://localhost:3000"]
`})
	if c, err = LoadConfig(dir, "development", "mypod", noEnv); err != nil {
		t.Fatal(err)
	}
	a := c.APIServer
	if a.MaxConcurrentRequests != 50 || a.MaxRequestMemory != 1000000 || len(a.AllowedOrigins) != 2 ||
		a.AllowedOrigins[1] != "http://localhost:3000" {
		t.Errorf("api = %+v", a)
	}
}

func TestLoadConfigHostsAndDrain(t *testing.T) {
	dev := DefaultConfig("development", "mypod")
	prod := DefaultConfig("production", "mypod")
	if dev.APIServer.Host != "127.0.0.1" || dev.InsightsServer.Host != "127.0.0.1" || dev.APIServer.DrainDelay != 0 {
		t.Errorf("development defaults: %+v", dev.APIServer)
	}
	if prod.APIServer.Host != "" || prod.InsightsServer.Host != "" || prod.APIServer.DrainDelay != 5*time.Second ||
		prod.APIServer.Addr() != ":8080" {
		t.Errorf("production defaults: %+v", prod.APIServer)
	}
	dir := writeConfig(t, map[string]string{"production.yaml": `
apiServer: {host: "::", drainDelay: 0}
insightsServer: {host: 10.0.0.5, drainDelay: 2s}
`})
	c, err := LoadConfig(dir, "production", "mypod", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIServer.Addr() != "[::]:8080" || c.APIServer.DrainDelay != 0 || c.InsightsServer.Addr() != "10.0.0.5:8081" ||
		c.InsightsServer.DrainDelay != 2*time.Second {
		t.Errorf("api %+v, insights %+v", c.APIServer, c.InsightsServer)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct{ file, body, want string }{
		{"development.yaml", "apiServer:\n  port: 80\nx: 1\n", "development.yaml:3:1: x: unknown key (known keys: "},
		{"development.yaml", "# c\n\napiServer:\n  port: abc\n", "development.yaml:4:9: apiServer.port: expected an integer"},
		{"development.yaml", "apiServer: {port: 99999}\n", "development.yaml:1:19: apiServer.port: port 99999 is out of range"},
		{"development.yaml", "apiServer: {requestTimeout: 10}\n", "development.yaml:1:29: apiServer.requestTimeout: expected a positive duration"},
		{"development.yaml", "redis: {enabled: yes}\n", "development.yaml:1:18: redis.enabled: expected true or false"},
		{"development.yaml", "apiServer: {port: 1}\napiServer: {port: 2}\n", "development.yaml:2:1: apiServer: duplicate key"},
		{"development.yaml", "apiServer: [1]\n", "development.yaml:1:12: apiServer: expected a mapping"},
		{"development.yaml", "apiServer: {port: 1\n", "development.yaml: yaml: "},
		{"passwords.yaml", "development: {databse: x}\n", "passwords.yaml:1:15: development.databse: unknown key"},
		{"development.yaml", "apiServer:\n  cors:\n    allowedOrigins: [https://ok.example, https://x.example/path]\n",
			"development.yaml:3:42: apiServer.cors.allowedOrigins: \"https://x.example/path\" is not an origin"},
		{"development.yaml", "apiServer: {cors: {allowedOrigins: https://a.example}}\n", "development.yaml:1:36: apiServer.cors.allowedOrigins: expected a list"},
		{"development.yaml", "apiServer: {maxConcurrentRequests: 0}\n", "development.yaml:1:36: apiServer.maxConcurrentRequests: expected a positive integer"},
		{"development.yaml", "apiServer: {host: \"localhost:80\"}\n", "development.yaml:1:19: apiServer.host: \"localhost:80\" is not a host"},
		{"development.yaml", "apiServer: {drainDelay: -1s}\n", "development.yaml:1:25: apiServer.drainDelay: expected a duration"},
		{"development.yaml", "insightsServer: {maxConcurrentRequests: 5}\n", "development.yaml:1:18: insightsServer.maxConcurrentRequests: unknown key"},
	}
	for _, tt := range tests {
		files := map[string]string{"development.yaml": "", tt.file: tt.body}
		dir := writeConfig(t, files)
		_, err := LoadConfig(dir, "development", "mypod", noEnv)
		if err == nil {
			t.Errorf("%q: no error", tt.body)
			continue
		}
		msg := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
		if !strings.HasPrefix(msg, tt.want) || strings.Contains(msg, "\n") {
			t.Errorf("%q:\n got %s\nwant %s...", tt.body, msg, tt.want)
		}
	}
}

func TestLoadConfigMissingModeFile(t *testing.T) {
	dir := writeConfig(t, map[string]string{"development.yaml": ""})
	_, err := LoadConfig(dir, "staging", "mypod", noEnv)
	if err == nil || !strings.Contains(err.Error(), `staging.yaml: cannot read config for mode "staging"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadConfigEnv(t *testing.T) {
	env := map[string]string{
		"PODGEN_API_PORT":       "7000",
		"PODGEN_INSIGHTS_PORT":  "7001",
		"PODGEN_DATABASE_URL":   "postgres://bob:s3cret@pg.example:6000/shop?sslmode=require",
		"PODGEN_REDIS_URL":      "redis://:rpw@redis.example:7379/2",
		"PODGEN_SERVICE_SECRET": "envsecret",
	}
	dir := writeConfig(t, map[string]string{"development.yaml": "apiServer: {port: 9000}\n"})
	c, err := LoadConfig(dir, "development", "mypod", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := DatabaseConfig{Host: "pg.example", Port: 6000, Name: "shop", User: "bob", Password: "s3cret",
		RequireSSL: true, MaxConnections: 20}
	if c.Database != want || c.APIServer.Port != 7000 || c.InsightsServer.Port != 7001 {
		t.Errorf("got %+v %+v", c.Database, c.APIServer)
	}
	if r := c.Redis; !r.Enabled || r.Addr() != "redis.example:7379" || r.Password != "rpw" || r.DB != 2 {
		t.Errorf("redis = %+v", r)
	}
	if c.ServiceSecret != "envsecret" {
		t.Errorf("secret = %q", c.ServiceSecret)
	}
	for k, v := range map[string]string{"PODGEN_API_PORT": "http", "PODGEN_DATABASE_URL": "mysql://x/y", "PODGEN_REDIS_URL": "redis://h/zz"} {
		_, err := LoadConfig(dir, "development", "mypod", func(n string) string {
			if n == k {
				return v
			}
			return ""
		})
		if err == nil || !strings.HasPrefix(err.Error(), k+": ") {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
	}
}

func TestBannerMasksPasswords(t *testing.T) {
	c := DefaultConfig("production", "mypod")
	c.File = "config/production.yaml"
	c.Database.Password = "hunter2"
	c.Redis = RedisConfig{Enabled: true, Host: "r", Port: 6379, Password: "redispw"}
	var b bytes.Buffer
	c.WriteBanner(&b)
	out := b.String()
	for _, want := range []string{"Mode: production", "config/production.yaml", "8080", "8081",
		"postgres:********@localhost:5432/mypod", "Redis: :********@r:6379"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "redispw") {
		t.Errorf("banner shows a password:\n%s", out)
	}
}

func TestDatabaseURL(t *testing.T) {
	d := DatabaseConfig{Host: "h", Port: 1, Name: "n", User: "u", Password: "p@ss"}
	if got := d.URL(); got != "postgres://u:p%40ss@h:1/n?sslmode=disable" {
		t.Errorf("URL = %q", got)
	}
}
