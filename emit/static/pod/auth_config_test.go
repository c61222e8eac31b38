package pod

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAuthConfigDefaults(t *testing.T) {
	c, err := LoadConfig(filepath.Join(t.TempDir(), "missing"), "production", "mypod", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := AuthConfig{
		CodeLifetime: 15 * time.Minute,
		Lockout:      AuthLockoutConfig{MaxFailures: 5, Window: 5 * time.Minute},
		Google:       AuthProviderConfig{JWKSURL: "https://www.googleapis.com/oauth2/v3/certs"},
		Apple:        AuthProviderConfig{JWKSURL: "https://appleid.apple.com/auth/keys"},
	}
	if !reflect.DeepEqual(c.Auth, want) {
		t.Fatalf("defaults %+v, want %+v", c.Auth, want)
	}
	if got := (AuthConfig{}).withDefaults(); !reflect.DeepEqual(got, want) {
		t.Fatalf("a zero AuthConfig with defaults: %+v", got)
	}
}

func TestAuthConfigFiles(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"production.yaml": `
auth:
  keyLifetime: 720h
  codeLifetime: 10m
  lockout: {maxFailures: 3, window: 1m}
  google: {clientIds: [a.apps.googleusercontent.com, " b "], jwksUrl: "https://keys.example.com/google"}
  apple:
    clientIds: [com.example.app]
`,
		"passwords.yaml": `
shared: {authPepper: shared-pepper-0123456789}
production: {authPepper: production-pepper-0123456789}
`,
	})
	c, err := LoadConfig(dir, "production", "mypod", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := AuthConfig{
		KeyLifetime: 720 * time.Hour, CodeLifetime: 10 * time.Minute,
		Lockout: AuthLockoutConfig{MaxFailures: 3, Window: time.Minute},
		Google: AuthProviderConfig{ClientIDs: []string{"a.apps.googleusercontent.com", "b"},
			JWKSURL: "https://keys.example.com/google"},
		Apple:  AuthProviderConfig{ClientIDs: []string{"com.example.app"}, JWKSURL: "https://appleid.apple.com/auth/keys"},
		Pepper: "production-pepper-0123456789",
	}
	if !reflect.DeepEqual(c.Auth, want) {
		t.Fatalf("auth %+v\nwant %+v", c.Auth, want)
	}

	env := map[string]string{
		"PODGEN_AUTH_PEPPER":            "env-pepper-0123456789",
		"PODGEN_AUTH_GOOGLE_CLIENT_IDS": " g1, ,g2 ",
		"PODGEN_AUTH_APPLE_CLIENT_IDS":  "com.example.other",
	}
	c, err = LoadConfig(dir, "production", "mypod", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Auth.Pepper != "env-pepper-0123456789" || strings.Join(c.Auth.Google.ClientIDs, ",") != "g1,g2" ||
		strings.Join(c.Auth.Apple.ClientIDs, ",") != "com.example.other" {
		t.Fatalf("env overrides: %+v", c.Auth)
	}
	var banner strings.Builder
	c.WriteBanner(&banner)
	if strings.Contains(banner.String(), "pepper") {
		t.Fatalf("the banner shows the pepper:\n%s", banner.String())
	}
}

func TestAuthConfigErrors(t *testing.T) {
	cases := []struct{ file, body, want string }{
		{"development.yaml", "auth: {keyLifetime: forever}", `development.yaml:1:21: auth.keyLifetime: expected a duration such as "5s", or 0`},
		{"development.yaml", "auth: {codeLifetime: 0}", `development.yaml:1:22: auth.codeLifetime: expected a positive duration`},
		{"development.yaml", "auth: {lockout: {maxFailures: 0}}", `development.yaml:1:31: auth.lockout.maxFailures: expected a positive integer`},
		{"development.yaml", "auth: {lockout: {window: -1m}}", `development.yaml:1:26: auth.lockout.window: expected a positive duration`},
		{"development.yaml", "auth: {lockout: {tries: 3}}", `development.yaml:1:18: auth.lockout.tries: unknown key (known keys: "maxFailures", "window")`},
		{"development.yaml", "auth: {google: {clientIds: abc}}", `development.yaml:1:28: auth.google.clientIds: expected a list of strings`},
		{"development.yaml", "auth: {apple: {clientIds: [a, '']}}", `development.yaml:1:31: auth.apple.clientIds: expected a non-empty string`},
		{"development.yaml", "auth: {google: {jwksUrl: 'ftp://x/keys'}}", `development.yaml:1:26: auth.google.jwksUrl: "ftp://x/keys" is not a URL`},
		{"development.yaml", "auth: {facebook: {}}", `development.yaml:1:8: auth.facebook: unknown key`},
		{"development.yaml", "auth: [1]", `development.yaml:1:7: auth: expected a mapping`},
		{"passwords.yaml", "development: {authPepper: short}", `passwords.yaml:1:27: development.authPepper: expected at least 16 characters`},
	}
	for _, tc := range cases {
		files := map[string]string{"development.yaml": "", tc.file: tc.body}
		_, err := LoadConfig(writeConfig(t, files), "development", "mypod", noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: %v\nwant %s", tc.file, tc.body, err, tc.want)
		}
	}
	_, err := LoadConfig(filepath.Join(t.TempDir(), "missing"), "development", "mypod",
		func(k string) string { return map[string]string{"PODGEN_AUTH_PEPPER": "short"}[k] })
	if err == nil || !strings.Contains(err.Error(), "PODGEN_AUTH_PEPPER: expected at least 16 characters") ||
		strings.Contains(err.Error(), "short") {
		t.Fatalf("short env pepper: %v", err)
	}
}
