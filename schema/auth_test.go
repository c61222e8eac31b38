package schema

import (
	"strings"
	"testing"
)

// TestReadConfig: podgen.yaml is read strictly, with positioned errors.
func TestReadConfig(t *testing.T) {
	cfg, err := ReadConfig("podgen.yaml", []byte("modules:\n  auth: {email: true, apple: true}\n"))
	if err != nil || cfg.Auth == nil || !cfg.Auth.Email || cfg.Auth.Google || !cfg.Auth.Apple {
		t.Fatalf("ReadConfig = %+v, %v", cfg.Auth, err)
	}
	for _, empty := range []string{"", "# only comments\n", "modules: {}\n"} {
		if cfg, err := ReadConfig("podgen.yaml", []byte(empty)); err != nil || cfg.Auth != nil {
			t.Errorf("ReadConfig(%q) = %+v, %v; want no modules", empty, cfg.Auth, err)
		}
	}
	for src, want := range map[string]string{
		"modules:\n  auth: {emial: true}\n":           `podgen.yaml:2:10: unknown key "emial" (did you mean "email"?)`,
		"modules:\n  auth: {email: yes please}\n":     `podgen.yaml:2:17: expected true or false`,
		"modules:\n  auth: {email: false}\n":          `podgen.yaml:2:9: modules.auth enables no sign-in method`,
		"modules:\n  auth: true\n":                    `podgen.yaml:2:9: expected a mapping`,
		"modules:\n  payments: {}\n":                  `podgen.yaml:2:3: unknown key "payments" (known keys: auth)`,
		"module: {}\n":                                `podgen.yaml:1:1: unknown key "module" (did you mean "modules"?)`,
		"modules:\n  auth: {email: true}\n  auth: {}": `podgen.yaml:3:3: duplicate key "auth"`,
		"modules: [\n":                                `podgen.yaml:`,
	} {
		_, err := ReadConfig("podgen.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadConfig(%q) = %v; want %s", src, err, want)
		}
	}
}

// TestAuthDirectives: //podgen:login and //podgen:scope on a type apply to
// its methods, merge with a method's own, and are errors where they cannot
// apply.
func TestAuthDirectives(t *testing.T) {
	src := withHeader(`
// XEndpoint needs a user with the staff scope.
//
//podgen:scope staff
type XEndpoint struct{}

// Open needs what the type needs.
func (XEndpoint) Open(s *pod.Session) error { return nil }

// Admin needs admin too.
//
//podgen:scope admin
//podgen:scope admin
func (XEndpoint) Admin(s *pod.Session) error { return nil }

// YEndpoint is open, but for one method.
type YEndpoint struct{}

//podgen:login
func (YEndpoint) Me(s *pod.Session) error { return nil }

func (YEndpoint) Free(s *pod.Session) error { return nil }
`)
	p, errs := parseAuthSources(t, src...)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]string{}
	for _, e := range p.Endpoints {
		for _, m := range e.Methods {
			got[e.WireName+"."+m.WireName] = strings.Join(append([]string{boolWord(m.Access.Login)}, m.Access.Scopes...), " ")
		}
	}
	want := map[string]string{"x.open": "login staff", "x.admin": "login admin staff", "y.me": "login", "y.free": "open"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: access %q, want %q", k, got[k], v)
		}
	}

	for name, tc := range map[string]struct{ src, want string }{
		"scope without name": {"//podgen:scope\ntype XEndpoint struct{}\n", `takes one scope name`},
		"scope with two":     {"//podgen:scope a b\ntype XEndpoint struct{}\n", `takes one scope name`},
		"login with args":    {"//podgen:login now\ntype XEndpoint struct{}\n", `directive "//podgen:login" takes no arguments`},
		"on a future call":   {"//podgen:login\ntype XFutureCall struct{}\n\nfunc (XFutureCall) Invoke(s *pod.Session, n int64) error { return nil }\n", `apply to endpoints only`},
		"on a helper":        {"type XEndpoint struct{}\n\n//podgen:login\nfunc (XEndpoint) help() {}\n", `cannot require a login`},
		"on a function":      {"//podgen:login\nfunc helper() {}\n", `has no effect here`},
	} {
		_, errs := parseAuthSources(t, withHeader(tc.src)...)
		if !strings.Contains(errs.Error(), tc.want) {
			t.Errorf("%s: errors %v, want %q", name, errs, tc.want)
		}
	}
	// Without the module, the directives and a mailer are errors saying how to turn it on.
	_, errs = parseSources(withHeader("//podgen:login\ntype XEndpoint struct{}\n\ntype AuthMailer struct{}\n")...)
	if s := errs.Error(); !strings.Contains(s, `needs the auth module: enable it in podgen.yaml`) || !strings.Contains(s, "AuthMailer is the auth module's mailer, but the module is off") {
		t.Errorf("without the module: %v", errs)
	}
}

// TestAuthMailerMethods: a mailer without its methods is an error at the type.
func TestAuthMailerMethods(t *testing.T) {
	p, errs := parseAuthSources(t, withHeader("type AuthMailer struct{}\n\nfunc (m *AuthMailer) SendVerificationCode(s *pod.Session, email, code string) error { return nil }\n")...)
	if !strings.Contains(errs.Error(), "AuthMailer has no method SendPasswordResetCode") {
		t.Errorf("errors %v", errs)
	}
	if !p.AuthMailer {
		t.Error("AuthMailer not recorded")
	}
}

func parseAuthSources(t *testing.T, srcs ...string) (*Protocol, ErrorList) {
	t.Helper()
	var files []File
	for i, src := range srcs {
		files = append(files, File{Path: string(rune('a'+i)) + ".go", Data: []byte(src)})
	}
	p := testProtocol()
	p.Config.Auth = &AuthModule{Email: true}
	var errs ErrorList
	parseEndpoints(files, "", p, &errs)
	errs.Sort()
	return p, errs
}

func boolWord(login bool) string {
	if login {
		return "login"
	}
	return "open"
}
