package pod

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// moduleConfig is the part of Config that belongs to the optional modules:
// here the auth module's settings, c.Auth. The config reader calls its
// hooks; an app without the module has an empty moduleConfig whose hooks
// do nothing.
type moduleConfig struct {
	Auth AuthConfig
}

// AuthConfig is the auth: section of config/<mode>.yaml, the authPepper of
// config/passwords.yaml and their PODGEN_AUTH_* variables (docs/AUTH.md).
type AuthConfig struct {
	// KeyLifetime is how long a key from a sign-in stays valid; 0 (the
	// default): until it is signed out.
	KeyLifetime time.Duration
	// CodeLifetime is how long a verification code (account request,
	// password reset) can be used (default 15 minutes).
	CodeLifetime time.Duration
	Lockout      AuthLockoutConfig
	Google       AuthProviderConfig
	Apple        AuthProviderConfig
	// Pepper, when set, is mixed into every password hash (HMAC-SHA256 of
	// the password with it is what Argon2id hashes), so a stolen database
	// alone does not allow guessing passwords offline. Changing it makes
	// every stored password wrong: users must reset them.
	Pepper string
}

// AuthLockoutConfig limits failed sign-ins: after MaxFailures within
// Window, for one email or from one client address, sign-ins are refused
// (tooManyFailedAttempts) until the oldest failure is Window old.
type AuthLockoutConfig struct {
	MaxFailures int           // default 5
	Window      time.Duration // default 5 minutes
}

// AuthProviderConfig is a sign-in provider's settings: the client IDs its
// ID tokens must be issued to (none: sign-in with it is refused), and
// where it publishes its signing keys.
type AuthProviderConfig struct {
	ClientIDs []string
	JWKSURL   string
}

// authPepperMinLength keeps a pepper from being a guessable word.
const authPepperMinLength = 16

// defaultAuthConfig is AuthConfig's defaults (docs/AUTH.md says why).
func defaultAuthConfig() AuthConfig {
	return AuthConfig{
		CodeLifetime: 15 * time.Minute,
		Lockout:      AuthLockoutConfig{MaxFailures: 5, Window: 5 * time.Minute},
		Google:       AuthProviderConfig{JWKSURL: googleProvider().jwksURL},
		Apple:        AuthProviderConfig{JWKSURL: appleProvider().jwksURL},
	}
}

// withDefaults fills the settings left zero (a Config made by hand) from
// the defaults; KeyLifetime 0 stays: it means no expiry.
func (a AuthConfig) withDefaults() AuthConfig {
	d := defaultAuthConfig()
	if a.CodeLifetime <= 0 {
		a.CodeLifetime = d.CodeLifetime
	}
	if a.Lockout.MaxFailures <= 0 {
		a.Lockout.MaxFailures = d.Lockout.MaxFailures
	}
	if a.Lockout.Window <= 0 {
		a.Lockout.Window = d.Lockout.Window
	}
	if a.Google.JWKSURL == "" {
		a.Google.JWKSURL = d.Google.JWKSURL
	}
	if a.Apple.JWKSURL == "" {
		a.Apple.JWKSURL = d.Apple.JWKSURL
	}
	return a
}

// setModuleDefaults is called by DefaultConfig.
func (m *moduleConfig) setModuleDefaults() { m.Auth = defaultAuthConfig() }

// addModuleKeys adds the modules' sections to the keys of
// config/<mode>.yaml.
func (m *moduleConfig) addModuleKeys(keys configKeys) {
	a := &m.Auth
	keys["auth"] = section(configKeys{
		"keyLifetime":  delayKey(&a.KeyLifetime),
		"codeLifetime": durationKey(&a.CodeLifetime),
		"lockout": section(configKeys{
			"maxFailures": positiveKey(&a.Lockout.MaxFailures),
			"window":      durationKey(&a.Lockout.Window),
		}),
		"google": section(providerKeys(&a.Google)),
		"apple":  section(providerKeys(&a.Apple)),
	})
}

func providerKeys(p *AuthProviderConfig) configKeys {
	return configKeys{"clientIds": stringListKey(&p.ClientIDs), "jwksUrl": httpURLKey(&p.JWKSURL)}
}

// addModulePasswordKeys adds the modules' secrets to the keys of a section
// of config/passwords.yaml.
func (m *moduleConfig) addModulePasswordKeys(keys configKeys) {
	keys["authPepper"] = func(r *yamlReader, n *yaml.Node, path string) error {
		if err := stringKey(&m.Auth.Pepper)(r, n, path); err != nil {
			return err
		}
		if m.Auth.Pepper != "" && len(m.Auth.Pepper) < authPepperMinLength {
			return r.errorf(n, path, "expected at least %d characters", authPepperMinLength)
		}
		return nil
	}
}

// applyModuleEnv applies the modules' PODGEN_* variables, after the files.
func (m *moduleConfig) applyModuleEnv(env func(string) string) error {
	if v := env("PODGEN_AUTH_PEPPER"); v != "" {
		if len(v) < authPepperMinLength {
			return fmt.Errorf("PODGEN_AUTH_PEPPER: expected at least %d characters", authPepperMinLength)
		}
		m.Auth.Pepper = v
	}
	if v := env("PODGEN_AUTH_GOOGLE_CLIENT_IDS"); v != "" {
		m.Auth.Google.ClientIDs = splitList(v)
	}
	if v := env("PODGEN_AUTH_APPLE_CLIENT_IDS"); v != "" {
		m.Auth.Apple.ClientIDs = splitList(v)
	}
	return nil
}

// splitList is a comma-separated list without its blanks.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// stringListKey reads a list of non-empty strings.
func stringListKey(dst *[]string) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		if n.Kind != yaml.SequenceNode {
			return r.errorf(n, path, `expected a list of strings such as ["a", "b"]`)
		}
		list := make([]string, 0, len(n.Content))
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode || e.Tag == "!!null" || strings.TrimSpace(e.Value) == "" {
				return r.errorf(e, path, "expected a non-empty string")
			}
			list = append(list, strings.TrimSpace(e.Value))
		}
		*dst = list
		return nil
	}
}

// httpURLKey reads an http(s)://host/... URL.
func httpURLKey(dst *string) func(*yamlReader, *yaml.Node, string) error {
	return func(r *yamlReader, n *yaml.Node, path string) error {
		var v string
		if err := stringKey(&v)(r, n, path); err != nil {
			return err
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return r.errorf(n, path, "%q is not a URL: expected https://host/path", v)
		}
		*dst = v
		return nil
	}
}
