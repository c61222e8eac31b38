package pod

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const testAppleID = "com.example.app"

// providerEnv is an auth env whose Google and Apple keys come from one
// local key server publishing key 0 as "k0".
func providerEnv(t *testing.T) (*authEnv, *jwksServer) {
	srv := newJWKSServer(t, map[string]*rsa.PublicKey{"k0": &testKeys()[0].PublicKey})
	e := newAuthEnv(t, func(c *Config) {
		c.Auth.Google = AuthProviderConfig{ClientIDs: []string{testClientID}, JWKSURL: srv.URL}
		c.Auth.Apple = AuthProviderConfig{ClientIDs: []string{testAppleID}, JWKSURL: srv.URL}
	})
	return e, srv
}

// appleClaims is a valid Apple payload now, with an email Apple verified.
func appleClaims(sub, email string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"iss": "https://appleid.apple.com", "aud": testAppleID, "sub": sub,
		"email": email, "email_verified": "true", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

// TestAuthGoogle: a new user, the same user again, a key that works.
func TestAuthGoogle(t *testing.T) {
	e, _ := providerEnv(t)
	token := sign(t, googleClaims(time.Now()), "k0", 0)
	r, err := e.session("", "10.0.0.1").Auth.GoogleAuthenticate(token)
	if err != nil || !r.Success || r.UserInfo == nil {
		t.Fatalf("google: %+v %v", r, err)
	}
	u := r.UserInfo
	if u.UserIdentifier != "google:110169484474386276334" || *u.Email != "ada@example.com" || *u.UserName != "Ada" ||
		*u.FullName != "Ada Lovelace" {
		t.Fatalf("user %+v", u)
	}
	if id, ok := e.userOf(bearer(r)); !ok || id != u.ID {
		t.Fatalf("the key: %d %v", id, ok)
	}
	r2, err := e.session("", "10.0.0.1").Auth.GoogleAuthenticate(sign(t, googleClaims(time.Now()), "k0", 0))
	if err != nil || !r2.Success || r2.UserInfo.ID != u.ID || *r2.KeyID == *r.KeyID {
		t.Fatalf("second sign-in: %+v %v", r2, err)
	}
	if n := e.count(t, `SELECT count(*) FROM pod_user_info`); n != 1 {
		t.Fatalf("%d users", n)
	}
	if strings.Contains(e.allText(t), token) || strings.Contains(e.log.String(), token) {
		t.Fatal("the token is stored or logged")
	}
}

// TestAuthProviderLinking: a verified email joins the existing user who
// has it; an unverified one makes a new user and is not stored.
func TestAuthProviderLinking(t *testing.T) {
	e, _ := providerEnv(t)
	ada := e.signUp(t, "Ada", "ada@example.com", "password-1")
	r, err := e.session("", "").Auth.GoogleAuthenticate(sign(t, googleClaims(time.Now()), "k0", 0))
	if err != nil || !r.Success || r.UserInfo.ID != ada.ID {
		t.Fatalf("google with ada's verified email: %+v %v, want user %d", r, err, ada.ID)
	}
	first, last := "Ada", "King"
	r, err = e.session("", "").Auth.AppleAuthenticate(sign(t, appleClaims("apple-1", "ADA@example.com"), "k0", 0), &first, &last)
	if err != nil || !r.Success || r.UserInfo.ID != ada.ID {
		t.Fatalf("apple with ada's verified email: %+v %v", r, err)
	}

	c := appleClaims("apple-2", "ada@example.com")
	c["email_verified"] = "false"
	r, err = e.session("", "").Auth.AppleAuthenticate(sign(t, c, "k0", 0), &first, &last)
	if err != nil || !r.Success || r.UserInfo.ID == ada.ID {
		t.Fatalf("apple with an unverified email: %+v %v", r, err)
	}
	if u := r.UserInfo; u.UserIdentifier != "apple:apple-2" || u.Email != nil || *u.FullName != "Ada King" || *u.UserName != "Ada" {
		t.Fatalf("new apple user %+v", u)
	}
	again, err := e.session("", "").Auth.AppleAuthenticate(sign(t, c, "k0", 0), nil, nil)
	if err != nil || again.UserInfo.ID != r.UserInfo.ID {
		t.Fatalf("apple again: %+v %v", again, err)
	}

	// Google itself refuses unverified emails.
	g := googleClaims(time.Now())
	g["sub"], g["email_verified"] = "other-sub", false
	if r, err := e.session("", "").Auth.GoogleAuthenticate(sign(t, g, "k0", 0)); err != nil || r.Success {
		t.Fatalf("google with an unverified email: %+v %v", r, err)
	}

	if err := e.session("", "").Auth.Block(ada.ID); err != nil {
		t.Fatal(err)
	}
	r, err = e.session("", "").Auth.GoogleAuthenticate(sign(t, googleClaims(time.Now()), "k0", 0))
	if err != nil || r.Success || *r.FailReason != AuthenticationFailReasonBlocked {
		t.Fatalf("blocked google user: %+v %v", r, err)
	}
}

// TestAuthProviderRefusals: every bad token is invalidCredentials, its
// reason (never the token) logged.
func TestAuthProviderRefusals(t *testing.T) {
	e, _ := providerEnv(t)
	now := time.Now()
	edited := func(edit func(c jwt.MapClaims)) jwt.MapClaims {
		c := googleClaims(now)
		edit(c)
		return c
	}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, googleClaims(now)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{
		"wrong signature": sign(t, googleClaims(now), "k0", 1),
		"wrong aud":       sign(t, edited(func(c jwt.MapClaims) { c["aud"] = "another-app" }), "k0", 0),
		"wrong iss":       sign(t, edited(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" }), "k0", 0),
		"expired": sign(t, edited(func(c jwt.MapClaims) {
			c["iat"], c["exp"] = now.Add(-3*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
		}), "k0", 0),
		"alg none":     none,
		"hs256 pubkey": signWith(t, jwt.SigningMethodHS256, googleClaims(now), "k0", publicPEM(t, 0)),
		"unknown kid":  sign(t, googleClaims(now), "k9", 0),
		"garbage":      "not.a.token",
	}
	for name, token := range tokens {
		r, err := e.session("", "").Auth.GoogleAuthenticate(token)
		if err != nil || r.Success || r.FailReason == nil || *r.FailReason != AuthenticationFailReasonInvalidCredentials {
			t.Errorf("%s: %+v %v", name, r, err)
		}
		if strings.Contains(e.log.String(), token) {
			t.Errorf("%s: the token is in the log", name)
		}
	}
	if r, err := e.session("", "").Auth.AppleAuthenticate(sign(t, googleClaims(now), "k0", 0), nil, nil); err != nil || r.Success {
		t.Errorf("a Google token at Apple: %+v %v", r, err)
	}
	log := e.log.String()
	for _, reason := range []string{"bad signature", "not issued to this app", "wrong issuer", "expired",
		"algorithm is not RS256", "unknown key id", "malformed"} {
		if !strings.Contains(log, "auth: google sign-in refused: id token refused: "+reason) {
			t.Errorf("no %q in the log:\n%s", reason, log)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM pod_user_info`); n != 0 {
		t.Fatalf("%d users made by refused tokens", n)
	}
}

// TestAuthProviderUnavailable: keys that cannot be fetched are an error
// (the server answers 503), not a refusal; no client ID is an error too.
func TestAuthProviderUnavailable(t *testing.T) {
	e, srv := providerEnv(t)
	srv.set(func(s *jwksServer) { s.status = http.StatusInternalServerError })
	_, err := e.session("", "").Auth.GoogleAuthenticate(sign(t, googleClaims(time.Now()), "k0", 0))
	if !errors.Is(err, errKeysUnavailable) {
		t.Fatalf("keys unavailable: %v", err)
	}
	e.rt.Config.Auth.Apple.ClientIDs = nil
	if err := e.rt.StartAuth(e.mail); err != nil {
		t.Fatal(err)
	}
	if _, err := e.session("", "").Auth.AppleAuthenticate("x.y.z", nil, nil); !errors.Is(err, errNotConfigured) {
		t.Fatalf("no client id: %v", err)
	}
}

// TestAuthDevMailer: without a mailer, development logs the codes (and
// they work); other modes refuse to start.
func TestAuthDevMailer(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.rt.Config.Mode = "development"
	if err := e.rt.StartAuth(nil); err != nil {
		t.Fatal(err)
	}
	s := e.session("", "10.0.0.1")
	if ok, err := s.Auth.EmailCreateAccountRequest("Ada", "ada@example.com", "password-1"); err != nil || !ok {
		t.Fatalf("request: %v %v", ok, err)
	}
	log := e.log.String()
	_, after, found := strings.Cut(log, "auth: verification code for ada@example.com: ")
	if !found || !strings.Contains(log, "level=INFO") {
		t.Fatalf("no code in the log:\n%s", log)
	}
	code := after[:authCodeLength]
	if u, err := s.Auth.EmailCreateAccount("ada@example.com", code); err != nil || u == nil {
		t.Fatalf("the logged code: %v %v", u, err)
	}
	s.Auth.EmailInitiatePasswordReset("ada@example.com")
	if n := strings.Count(e.log.String(), "auth: verification code for ada@example.com: "); n != 2 {
		t.Fatalf("%d codes logged, want 2", n)
	}

	for _, mode := range []string{"production", "staging", "test"} {
		e.rt.Config.Mode = mode
		err := e.rt.StartAuth(nil)
		if err == nil || !strings.Contains(err.Error(), "AuthMailer") || !strings.Contains(err.Error(), "endpoints folder") {
			t.Errorf("mode %s without a mailer: %v", mode, err)
		}
	}
	if err := e.rt.StartAuth(e.mail); err != nil {
		t.Errorf("production with a mailer: %v", err)
	}
}

// TestAuthNotStarted: a server that forgot StartAuth gets an error, not a
// silent success.
func TestAuthNotStarted(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.rt.auth = authRuntime{}
	s := e.session("", "")
	if _, err := s.Auth.EmailCreateAccountRequest("Ada", "ada@example.com", "password-1"); err != errAuthNotStarted {
		t.Errorf("request: %v", err)
	}
	if _, err := s.Auth.GoogleAuthenticate("x"); err != errAuthNotStarted {
		t.Errorf("google: %v", err)
	}
}
