package pod

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestVerifyGoogle(t *testing.T) {
	f := newFixture(t, googleProvider("other-client", testClientID))
	got, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0))
	if err != nil {
		t.Fatal(err)
	}
	want := idClaims{
		Subject: "110169484474386276334", Email: "ada@example.com", EmailVerified: true,
		GivenName: "Ada", FamilyName: "Lovelace", Name: "Ada Lovelace",
	}
	if got != want {
		t.Errorf("claims = %+v, want %+v", got, want)
	}
}

// TestVerifyAccepts covers the valid variants: both of Google's issuers,
// aud as a list, clocks skewed within the leeway, Apple's string booleans.
func TestVerifyAccepts(t *testing.T) {
	cases := []struct {
		name     string
		p        idProvider
		edit     func(c jwt.MapClaims)
		verified bool
	}{
		{"issuer without scheme", googleProvider(testClientID), func(c jwt.MapClaims) { c["iss"] = "accounts.google.com" }, true},
		{"aud list", googleProvider(testClientID), func(c jwt.MapClaims) { c["aud"] = []string{"someone-else", testClientID} }, true},
		{"expired within leeway", googleProvider(testClientID), func(c jwt.MapClaims) { c["exp"] = epoch.Add(-50 * time.Second).Unix() }, true},
		{"iat ahead within leeway", googleProvider(testClientID), func(c jwt.MapClaims) { c["iat"] = epoch.Add(50 * time.Second).Unix() }, true},
		{"nbf ahead within leeway", googleProvider(testClientID), func(c jwt.MapClaims) { c["nbf"] = epoch.Add(50 * time.Second).Unix() }, true},
		{"google string true", googleProvider(testClientID), func(c jwt.MapClaims) { c["email_verified"] = "true" }, true},
		{"apple string true", apple(), func(c jwt.MapClaims) { c["email_verified"] = "true" }, true},
		{"apple string false", apple(), func(c jwt.MapClaims) { c["email_verified"] = "false" }, false},
		{"apple no email", apple(), func(c jwt.MapClaims) { delete(c, "email"); delete(c, "email_verified") }, false},
		{"apple verified without email", apple(), func(c jwt.MapClaims) { delete(c, "email") }, false},
		{"apple null", apple(), func(c jwt.MapClaims) { c["email_verified"] = nil }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.p)
			c := googleClaims(epoch)
			if tc.p.name == "apple" {
				c["iss"], c["aud"] = "https://appleid.apple.com", "com.example.app"
			}
			tc.edit(c)
			got, err := f.verify(t, sign(t, c, "k0", 0))
			if err != nil {
				t.Fatal(err)
			}
			if got.EmailVerified != tc.verified {
				t.Errorf("EmailVerified = %v, want %v", got.EmailVerified, tc.verified)
			}
		})
	}
}

func apple() idProvider { return appleProvider("com.example.app") }

// TestVerifyRefuses is every way a token is refused, each with its reason.
func TestVerifyRefuses(t *testing.T) {
	good := func() jwt.MapClaims { return googleClaims(epoch) }
	with := func(k string, v any) string {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return sign(t, c, "k0", 0)
	}
	valid := sign(t, good(), "k0", 0)
	parts := strings.Split(valid, ".")
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		token string
		want  error
	}{
		{"signed by another key", sign(t, good(), "k0", 1), errSignature},
		{"payload changed", parts[0] + "." + b64([]byte(`{"iss":"https://accounts.google.com","aud":"`+testClientID+`","sub":"someone-else","email":"eve@example.com","email_verified":true,"iat":1800000000,"exp":1800003600}`)) + "." + parts[2], errSignature},
		{"signature cut", valid[:len(valid)-10], errSignature},
		{"alg none", signWith(t, jwt.SigningMethodNone, good(), "k0", jwt.UnsafeAllowNoneSignatureType), errAlgorithm},
		{"alg none unsigned", b64([]byte(`{"alg":"none","kid":"k0"}`)) + "." + parts[1] + ".", errAlgorithm},
		{"HS256 with the public key", signWith(t, jwt.SigningMethodHS256, good(), "k0", publicPEM(t, 0)), errAlgorithm},
		{"RS384", signWith(t, jwt.SigningMethodRS384, good(), "k0", testKeys()[0]), errAlgorithm},
		{"PS256", signWith(t, jwt.SigningMethodPS256, good(), "k0", testKeys()[0]), errAlgorithm},
		{"ES256", signWith(t, jwt.SigningMethodES256, good(), "k0", ec), errAlgorithm},
		{"alg unknown", b64([]byte(`{"alg":"RS999","kid":"k0"}`)) + "." + parts[1] + "." + parts[2], errAlgorithm},
		{"alg missing", b64([]byte(`{"kid":"k0"}`)) + "." + parts[1] + "." + parts[2], errAlgorithm},
		{"expired", with("exp", epoch.Add(-2*time.Minute).Unix()), errExpired},
		{"no exp", with("exp", nil), errMissingClaim},
		{"iat in the future", with("iat", epoch.Add(2*time.Minute).Unix()), errNotYetValid},
		{"nbf in the future", with("nbf", epoch.Add(2*time.Minute).Unix()), errNotYetValid},
		{"no iat", with("iat", nil), errMissingClaim},
		{"wrong aud", with("aud", "someone-else.apps.googleusercontent.com"), errAudience},
		{"wrong aud list", with("aud", []string{"a", "b"}), errAudience},
		{"no aud", with("aud", nil), errMissingClaim},
		{"wrong iss", with("iss", "https://evil.example.com"), errIssuer},
		{"apple iss at google", with("iss", "https://appleid.apple.com"), errIssuer},
		{"no iss", with("iss", nil), errIssuer},
		{"no sub", with("sub", nil), errMissingClaim},
		{"empty sub", with("sub", ""), errMissingClaim},
		{"no kid", sign(t, good(), "", 0), errMissingKeyID},
		{"kid not a string", b64([]byte(`{"alg":"RS256","kid":7}`)) + "." + parts[1] + "." + parts[2], errMissingKeyID},
		{"unknown kid", sign(t, good(), "k9", 0), errUnknownKey},
		{"email unverified", with("email_verified", false), errEmailUnverified},
		{"email unverified string", with("email_verified", "false"), errEmailUnverified},
		{"email_verified missing", with("email_verified", nil), errEmailUnverified},
		{"no email", with("email", nil), errEmailUnverified},
		{"email_verified odd", with("email_verified", "yes"), errMalformed},
		{"exp a string", with("exp", "tomorrow"), errMalformed},
		{"empty", "", errMalformed},
		{"one part", "abc", errMalformed},
		{"two parts", "abc.def", errMalformed},
		{"four parts", valid + ".x", errMalformed},
		{"header not base64", "!!!." + parts[1] + "." + parts[2], errMalformed},
		{"header not JSON", b64([]byte("nope")) + "." + parts[1] + "." + parts[2], errMalformed},
		{"payload not JSON", parts[0] + "." + b64([]byte("[1,2")) + "." + parts[2], errMalformed},
		{"signature not base64", parts[0] + "." + parts[1] + ".!!!", errMalformed},
		{"oversized", parts[0] + "." + strings.Repeat("A", maxIDTokenBytes) + "." + parts[2], errMalformed},
	}
	f := newFixture(t, googleProvider(testClientID))
	if _, err := f.verify(t, valid); err != nil {
		t.Fatalf("valid token: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.verify(t, tc.token)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !errors.Is(err, errInvalidIDToken) {
				t.Errorf("%v does not match errInvalidIDToken", err)
			}
		})
	}
}

// TestVerifyApple checks Apple's issuer and audience: a Google token is
// refused by an Apple verifier.
func TestVerifyApple(t *testing.T) {
	f := newFixture(t, apple())
	c := googleClaims(epoch)
	if _, err := f.verify(t, sign(t, c, "k0", 0)); !errors.Is(err, errAudience) {
		t.Errorf("google token: err = %v, want %v", err, errAudience)
	}
	c["aud"] = "com.example.app"
	if _, err := f.verify(t, sign(t, c, "k0", 0)); !errors.Is(err, errIssuer) {
		t.Errorf("google issuer: err = %v, want %v", err, errIssuer)
	}
	c["iss"] = "https://appleid.apple.com"
	if _, err := f.verify(t, sign(t, c, "k0", 0)); err != nil {
		t.Errorf("apple token: %v", err)
	}
}

// TestVerifyNotConfigured: without a client ID nothing passes, not even a
// token that would be valid for any audience.
func TestVerifyNotConfigured(t *testing.T) {
	for _, p := range []idProvider{googleProvider(), googleProvider("")} {
		f := newFixture(t, p)
		if _, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0)); !errors.Is(err, errNotConfigured) {
			t.Errorf("audiences %q: err = %v, want %v", p.audiences, err, errNotConfigured)
		}
		if n := f.srv.hits.Load(); n != 0 {
			t.Errorf("audiences %q: %d key fetches, want none", p.audiences, n)
		}
	}
}

// TestRefusalText: what a refusal says names the reason, not the token.
func TestRefusalText(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	c := googleClaims(epoch)
	c["aud"] = "x"
	_, err := f.verify(t, sign(t, c, "k0", 0))
	if err == nil || !strings.HasPrefix(err.Error(), "id token refused: not issued to this app") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "ada@example.com") || strings.Contains(err.Error(), "110169484474386276334") {
		t.Errorf("refusal %q shows the token's claims", err)
	}
}
