package pod

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the server configuration of one run mode: config/<mode>.yaml,
// the mode's section of config/passwords.yaml and the PODGEN_* environment
// variables, on top of the defaults of DefaultConfig.
type Config struct {
	moduleConfig // the optional modules' settings: Auth with the auth module

	Mode           string // "development", "staging", "production", ...
	File           string // the config file read, "" when running on defaults
	PasswordsFile  string // the passwords file read, "" when there is none
	APIServer      ServerConfig
	InsightsServer ServerConfig
	Database       DatabaseConfig
	Redis          RedisConfig
	Caches         CachesConfig
	FutureCalls    FutureCallsConfig
	MaxRequestSize int64  // bytes; larger request bodies get a 413
	ServiceSecret  string // from passwords.yaml or PODGEN_SERVICE_SECRET
}

// ServerConfig is one listening HTTP server and its timeouts.
type ServerConfig struct {
	// Host is the address to listen on: "" for every interface, or e.g.
	// "127.0.0.1" (the default in development) for this machine only.
	Host              string
	Port              int
	RequestTimeout    time.Duration // deadline of one call's session
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration // grace period for in-flight calls on SIGTERM
	// DrainDelay is how long a server keeps serving after SIGTERM, with
	// /readyz answering 503 and every response Connection: close, so that
	// load balancers move away before it stops accepting (default 5s, 0
	// in development).
	DrainDelay time.Duration

	// Only the API server reads these (apiServer: in the YAML).
	MaxConcurrentRequests int      // calls at once; more get a 503 (default 500)
	MaxRequestMemory      int64    // bytes the calls in flight may hold for bodies and parameters (default 64 MiB)
	AllowedOrigins        []string // cors.allowedOrigins: browser origins besides the server's own
}

// DatabaseConfig is where the Postgres database is.
type DatabaseConfig struct {
	Host           string
	Port           int
	Name           string
	User           string
	Password       string
	RequireSSL     bool
	MaxConnections int
}

// RedisConfig is where Redis is; Global caches need Enabled.
type RedisConfig struct {
	Enabled  bool
	Host     string
	Port     int
	User     string
	Password string
	DB       int
}

// CachesConfig is the caches: section (SPEC §6).
type CachesConfig struct {
	Local     LocalCacheConfig
	LocalPrio LocalCacheConfig
	Global    GlobalCacheConfig
}

// LocalCacheConfig bounds an in-process cache (default 10,000 entries).
type LocalCacheConfig struct {
	MaxEntries int
}

// GlobalCacheConfig is the Redis cache's settings; Prefix (default: the
// app's name) lets several apps share one Redis.
type GlobalCacheConfig struct {
	Prefix string
}

// DefaultConfig is the configuration without a config folder; app names
// the default database.
func DefaultConfig(mode, app string) *Config {
	api, insights := defaultAPIServer(), defaultServer(8081)
	if mode == "development" {
		// A laptop's server is not for the network it sits on, and a
		// restart there need not wait for load balancers.
		api.Host, insights.Host = "127.0.0.1", "127.0.0.1"
		api.DrainDelay, insights.DrainDelay = 0, 0
	}
	c := &Config{
		Mode:           mode,
		APIServer:      api,
		InsightsServer: insights,
		Database: DatabaseConfig{Host: "localhost", Port: 5432, Name: app,
			User: "postgres", MaxConnections: 20},
		Redis: RedisConfig{Host: "localhost", Port: 6379},
		Caches: CachesConfig{Local: LocalCacheConfig{MaxEntries: 10000},
			LocalPrio: LocalCacheConfig{MaxEntries: 10000}, Global: GlobalCacheConfig{Prefix: app}},
		FutureCalls:    defaultFutureCalls,
		MaxRequestSize: 1 << 20,
	}
	c.setModuleDefaults()
	return c
}

func defaultAPIServer() ServerConfig {
	s := defaultServer(8080)
	s.MaxConcurrentRequests = 500
	s.MaxRequestMemory = 64 << 20
	return s
}

func defaultServer(port int) ServerConfig {
	return ServerConfig{
		Port:              port,
		RequestTimeout:    30 * time.Second,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ShutdownTimeout:   30 * time.Second,
		DrainDelay:        5 * time.Second,
	}
}

// LoadConfig reads <dir>/<mode>.yaml and <dir>/passwords.yaml and applies
// the environment. A missing dir means defaults; a dir without the mode's
// file is an error. Errors are one line: "config/development.yaml:3:7:
// apiServer.port: expected an integer".
func LoadConfig(dir, mode, app string, env func(string) string) (*Config, error) {
	if mode == "" || strings.ContainsAny(mode, `/\.`) {
		return nil, fmt.Errorf("invalid mode %q (use development, staging or production)", mode)
	}
	c := DefaultConfig(mode, app)
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		if err := c.readFiles(dir); err != nil {
			return nil, err
		}
	}
	if err := c.applyEnv(env); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) readFiles(dir string) error {
	file := filepath.Join(dir, c.Mode+".yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("%s: cannot read config for mode %q: %w", file, c.Mode, unwrapPath(err))
	}
	if err := parseConfigFile(file, data, c); err != nil {
		return err
	}
	c.File = file
	pw := filepath.Join(dir, "passwords.yaml")
	data, err = os.ReadFile(pw)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", pw, unwrapPath(err))
	}
	c.PasswordsFile = pw
	return parsePasswordsFile(pw, data, c)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// applyEnv applies the PODGEN_* variables, which win over the files.
func (c *Config) applyEnv(env func(string) string) error {
	if env == nil {
		env = os.Getenv
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"PODGEN_API_PORT", &c.APIServer.Port}, {"PODGEN_INSIGHTS_PORT", &c.InsightsServer.Port}} {
		if v := env(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65535 {
				return fmt.Errorf("%s: expected a port number, got %q", p.name, v)
			}
			*p.dst = n
		}
	}
	if v := env("PODGEN_DATABASE_URL"); v != "" {
		if err := c.Database.setURL(v); err != nil {
			return fmt.Errorf("PODGEN_DATABASE_URL: %v", err)
		}
	}
	if v := env("PODGEN_REDIS_URL"); v != "" {
		if err := c.Redis.setURL(v); err != nil {
			return fmt.Errorf("PODGEN_REDIS_URL: %v", err)
		}
	}
	if v := env("PODGEN_SERVICE_SECRET"); v != "" {
		c.ServiceSecret = v
	}
	return c.applyModuleEnv(env)
}

// setURL replaces the section with a postgres:// URL.
func (d *DatabaseConfig) setURL(raw string) error {
	u, err := parseURL(raw, "postgres", "postgresql")
	if err != nil {
		return err
	}
	port, err := urlPort(u, 5432)
	if err != nil {
		return err
	}
	*d = DatabaseConfig{Host: u.Hostname(), Port: port, User: u.User.Username(),
		Name: strings.TrimPrefix(u.Path, "/"), MaxConnections: d.MaxConnections,
		RequireSSL: u.Query().Get("sslmode") == "require" || u.Query().Get("sslmode") == "verify-full"}
	d.Password, _ = u.User.Password()
	return nil
}

// setURL replaces the section with a redis:// URL and enables Redis.
func (r *RedisConfig) setURL(raw string) error {
	u, err := parseURL(raw, "redis", "rediss")
	if err != nil {
		return err
	}
	port, err := urlPort(u, 6379)
	if err != nil {
		return err
	}
	db := 0
	if p := strings.TrimPrefix(u.Path, "/"); p != "" {
		if db, err = strconv.Atoi(p); err != nil {
			return fmt.Errorf("database %q is not a number", p)
		}
	}
	*r = RedisConfig{Enabled: true, Host: u.Hostname(), Port: port, User: u.User.Username(), DB: db}
	r.Password, _ = u.User.Password()
	return nil
}

func parseURL(raw string, schemes ...string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	for _, s := range schemes {
		if u.Scheme == s && u.Hostname() != "" {
			if u.User == nil {
				u.User = url.User("")
			}
			return u, nil
		}
	}
	return nil, fmt.Errorf("expected a %s://host URL", schemes[0])
}

func urlPort(u *url.URL, def int) (int, error) {
	if u.Port() == "" {
		return def, nil
	}
	n, err := strconv.Atoi(u.Port())
	if err != nil || n <= 0 || n > 65535 {
		return 0, fmt.Errorf("bad port %q", u.Port())
	}
	return n, nil
}

// URL is the database as a postgres:// URL, for pgx.
func (d DatabaseConfig) URL() string {
	u := url.URL{Scheme: "postgres", Host: hostPort(d.Host, d.Port), Path: "/" + d.Name,
		User: url.UserPassword(d.User, d.Password)}
	if d.Password == "" {
		u.User = url.User(d.User)
	}
	if d.RequireSSL {
		u.RawQuery = "sslmode=require"
	} else {
		u.RawQuery = "sslmode=disable"
	}
	return u.String()
}

// Addr is the address the server listens on, "host:port" (":port" for
// every interface).
func (s ServerConfig) Addr() string { return hostPort(s.Host, s.Port) }

// Addr is Redis's host:port.
func (r RedisConfig) Addr() string { return hostPort(r.Host, r.Port) }

func hostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}
