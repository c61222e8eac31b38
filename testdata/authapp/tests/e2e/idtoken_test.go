package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestGoogleSignIn: Google ID tokens are verified against the (local)
// JWKS: a valid one signs in, and each kind of bad one is refused.
func TestGoogleSignIn(t *testing.T) {
	j := newJWKSServer(t)
	s := startAuthServer(t, serverOptions{jwks: j})
	ctx := context.Background()
	google := s.client("").Auth.Google

	r, err := google.AuthenticateWithIdToken(ctx, sign(t, j.key, "k1", googleClaims("g-1", uniqueEmail("gina"), true)))
	if err != nil {
		t.Fatal(err)
	}
	first := keyOf(t, r)
	uid := r.UserInfo.ID
	r, err = google.AuthenticateWithIdToken(ctx, sign(t, j.key, "k1", googleClaims("g-1", uniqueEmail("gina"), true)))
	if err != nil || !r.Success || r.UserInfo.ID != uid {
		t.Fatalf("the same Google subject again: %+v, %v; want user %d", r, err, uid)
	}
	if status, _ := s.post(t, "notes/mine", "Bearer "+first, `{}`); status != 200 {
		t.Errorf("a Google key on a protected method: %d", status)
	}

	// An email account with a verified Google email is the same user.
	email := uniqueEmail("both")
	emailID := s.signUp(t, email, "email password")
	r, err = google.AuthenticateWithIdToken(ctx, sign(t, j.key, "k1", googleClaims("g-2", email, true)))
	if err != nil || !r.Success || r.UserInfo.ID != emailID {
		t.Errorf("verified Google email of an email account: %+v, %v; want user %d", r, err, emailID)
	}

	edit := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := googleClaims("g-3", uniqueEmail("x"), true)
		change(c)
		return c
	}
	valid := googleClaims("g-3", uniqueEmail("x"), true)
	for name, token := range map[string]string{
		"wrong signature":   sign(t, j.other, "k1", valid),
		"wrong aud":         sign(t, j.key, "k1", edit(func(c jwt.MapClaims) { c["aud"] = "another-app" })),
		"wrong iss":         sign(t, j.key, "k1", edit(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" })),
		"expired":           sign(t, j.key, "k1", edit(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })),
		"unverified email":  sign(t, j.key, "k1", edit(func(c jwt.MapClaims) { c["email_verified"] = false })),
		"alg none":          unsigned(t, valid),
		"HS256, public key": hmacWithPublicKey(t, j, valid),
		"unknown kid":       sign(t, j.key, "k2", valid),
		"truncated":         sign(t, j.key, "k1", valid)[:100],
		"garbage":           "not.a.token",
	} {
		r, err := google.AuthenticateWithIdToken(ctx, token)
		if err != nil || r.Success || r.Key != nil {
			t.Errorf("%s: %+v, %v; want a failed sign-in without a key", name, r, err)
		}
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM pod_user_info`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d users after the refused tokens (%v), want 2", n, err)
	}
}

// TestAppleSignIn: Apple identity tokens, with the name Apple sends only
// on the first sign-in.
func TestAppleSignIn(t *testing.T) {
	j := newJWKSServer(t)
	s := startAuthServer(t, serverOptions{jwks: j})
	ctx := context.Background()
	apple := s.client("").Auth.Apple
	first, last := "Ann", "Apple"
	r, err := apple.Authenticate(ctx, sign(t, j.key, "k1", appleClaims("a-1", uniqueEmail("ann"))), &first, &last)
	if err != nil {
		t.Fatal(err)
	}
	keyOf(t, r)
	if r.UserInfo.FullName == nil || *r.UserInfo.FullName != "Ann Apple" {
		t.Errorf("fullName = %v, want Ann Apple", r.UserInfo.FullName)
	}
	r2, err := apple.Authenticate(ctx, sign(t, j.key, "k1", appleClaims("a-1", "")), nil, nil)
	if err != nil || !r2.Success || r2.UserInfo.ID != r.UserInfo.ID {
		t.Errorf("Apple again without email or name: %+v, %v", r2, err)
	}
	wrongAud := appleClaims("a-2", "")
	wrongAud["aud"] = "test-google-client" // Google's client id is no Apple service id
	for name, token := range map[string]string{
		"wrong aud":  sign(t, j.key, "k1", wrongAud),
		"google iss": sign(t, j.key, "k1", googleClaims("a-3", "", true)),
		"alg none":   unsigned(t, appleClaims("a-4", "")),
	} {
		if r, err := apple.Authenticate(ctx, token, nil, nil); err != nil || r.Success {
			t.Errorf("%s: %+v, %v; want a failed sign-in", name, r, err)
		}
	}
}

// TestKeysUnavailable: when Google's keys cannot be fetched, a sign-in is a
// 503 the client may retry, not a refusal and not a 500.
func TestKeysUnavailable(t *testing.T) {
	j := newJWKSServer(t)
	down := &jwksServer{url: "http://127.0.0.1:1"} // nothing listens there
	s := startAuthServer(t, serverOptions{jwks: down})
	token := sign(t, j.key, "k1", googleClaims("g-9", uniqueEmail("down"), true))
	status, body := s.post(t, "auth.google/authenticateWithIdToken", "", `{"idToken":"`+token+`"}`)
	if status != 503 || !strings.Contains(body, "sign-in keys unavailable") {
		t.Errorf("Google's keys down: %d %s, want 503 sign-in keys unavailable", status, body)
	}
}
