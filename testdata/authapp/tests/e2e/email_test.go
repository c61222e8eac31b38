package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"example.com/authapp/out/client"
)

// TestEmailSignUpSignInSignOut walks SPEC §11's email flow end to end and
// then looks for its secrets everywhere the server writes.
func TestEmailSignUpSignInSignOut(t *testing.T) {
	s := startAuthServer(t, serverOptions{})
	ctx := context.Background()
	anon := s.client("")
	email, password := uniqueEmail("ada"), "correct horse battery staple"

	ok, err := anon.Auth.Email.CreateAccountRequest(ctx, "ada", email, password)
	if err != nil || !ok {
		t.Fatalf("createAccountRequest = %v, %v", ok, err)
	}
	code := s.code(t, "verify", email)
	if len(code) < 8 {
		t.Errorf("verification code %q: want at least 8 characters", code)
	}
	if u, err := anon.Auth.Email.CreateAccount(ctx, email, "WRONG123"); err != nil || u != nil {
		t.Fatalf("createAccount with a wrong code = %v, %v; want nil", u, err)
	}
	u, err := anon.Auth.Email.CreateAccount(ctx, email, code)
	if err != nil || u == nil {
		t.Fatalf("createAccount = %v, %v", u, err)
	}
	if u.Email == nil || *u.Email != email || u.UserName == nil || *u.UserName != "ada" || u.Blocked {
		t.Errorf("new user = %+v", u)
	}
	if again, err := anon.Auth.Email.CreateAccount(ctx, email, code); err != nil || again != nil {
		t.Errorf("a used code created %v, %v; want nil (codes are single-use)", again, err)
	}
	// Asking again for a taken address answers alike, and creates nothing.
	if ok, err := anon.Auth.Email.CreateAccountRequest(ctx, "mallory", email, "another password"); err != nil || !ok {
		t.Errorf("createAccountRequest for a taken address = %v, %v; want true (no enumeration)", ok, err)
	}

	// An unknown email and a wrong password answer byte for byte alike.
	wrongStatus, wrong := s.post(t, "auth.email/authenticate", "", `{"email":"`+email+`","password":"wrong password"}`)
	unknownStatus, unknown := s.post(t, "auth.email/authenticate", "", `{"email":"`+uniqueEmail("nobody")+`","password":"wrong password"}`)
	if wrongStatus != 200 || unknownStatus != 200 || wrong != unknown || !strings.Contains(wrong, `"invalidCredentials"`) {
		t.Errorf("wrong password: %d %s\nunknown email: %d %s\nwant the same invalidCredentials answer", wrongStatus, wrong, unknownStatus, unknown)
	}

	r, err := anon.Auth.Email.Authenticate(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	key := keyOf(t, r)
	if secret := key[strings.IndexByte(key, ':')+1:]; len(secret) < 43 { // 256 bits in base64url
		t.Errorf("key secret %q has under 256 bits", secret)
	}
	c := s.client(key)
	if who, err := c.Public.Whoami(ctx); err != nil || who == nil || *who != u.ID {
		t.Fatalf("whoami with the key = %v, %v; want %d", who, err, u.ID)
	}
	if in, err := c.Auth.Status.IsSignedIn(ctx); err != nil || !in {
		t.Errorf("isSignedIn = %v, %v", in, err)
	}
	if me, err := c.Auth.Status.GetUserInfo(ctx); err != nil || me == nil || me.ID != u.ID {
		t.Errorf("getUserInfo = %+v, %v", me, err)
	}
	if _, err := c.Notes.Add(ctx, "first"); err != nil {
		t.Fatal(err)
	}
	// A second device signs in with its own key; signing out one leaves the other.
	other := s.client(s.signIn(t, email, password))
	if err := c.Auth.Status.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if who, err := c.Public.Whoami(ctx); err != nil || who != nil {
		t.Errorf("whoami after sign-out = %v, %v; want null", who, err)
	}
	if status, _ := s.post(t, "notes/mine", "Bearer "+key, `{}`); status != 401 {
		t.Errorf("notes/mine with a revoked key: %d, want 401", status)
	}
	if who, err := other.Public.Whoami(ctx); err != nil || who == nil {
		t.Fatalf("the other device's key stopped working: %v, %v", who, err)
	}
	third := s.client(s.signIn(t, email, password))
	if err := other.Auth.Status.SignOutAllDevices(ctx); err != nil {
		t.Fatal(err)
	}
	for i, cl := range []*client.Client{other, third} {
		if who, err := cl.Public.Whoami(ctx); err != nil || who != nil {
			t.Errorf("device %d after sign-out-all: whoami = %v, %v; want null", i, who, err)
		}
	}

	// Nothing secret anywhere: output, session logs, query logs, log entries.
	texts := s.texts(t)
	for what, secret := range map[string]string{"password": password, "verification code": code,
		"key secret": key[strings.IndexByte(key, ':')+1:]} {
		if strings.Contains(texts, secret) {
			t.Errorf("the %s appears in the server's output or logs", what)
		}
	}
	if !strings.Contains(texts, "auth.email") {
		t.Errorf("the session logs hold no auth.email call: the secrets check looked at nothing\n%s", texts)
	}
	var logged int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM pod_session_log WHERE endpoint = 'notes' AND user_id = $1`, u.ID).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if logged == 0 {
		t.Errorf("no session log of notes/add records user %d", u.ID)
	}
}

// TestPasswordReset: a reset code sets a new password once; an unknown
// address answers alike and gets no mail.
func TestPasswordReset(t *testing.T) {
	s := startAuthServer(t, serverOptions{})
	ctx := context.Background()
	anon := s.client("")
	email := uniqueEmail("reset")
	s.signUp(t, email, "old password 1")

	unknown := uniqueEmail("ghost")
	if ok, err := anon.Auth.Email.InitiatePasswordReset(ctx, unknown); err != nil || !ok {
		t.Errorf("initiatePasswordReset(unknown) = %v, %v; want true", ok, err)
	}
	if n := s.mails(unknown); n != 0 {
		t.Errorf("%d mails to an address without an account", n)
	}
	if ok, err := anon.Auth.Email.InitiatePasswordReset(ctx, email); err != nil || !ok {
		t.Fatalf("initiatePasswordReset = %v, %v", ok, err)
	}
	code := s.code(t, "reset", email)
	if ok, err := anon.Auth.Email.ResetPassword(ctx, "NOTACODE1", "new password 2"); err != nil || ok {
		t.Errorf("resetPassword with a wrong code = %v, %v; want false", ok, err)
	}
	if ok, err := anon.Auth.Email.ResetPassword(ctx, code, "short"); err == nil && ok {
		t.Errorf("resetPassword accepted a 5-character password")
	}
	if ok, err := anon.Auth.Email.ResetPassword(ctx, code, "new password 2"); err != nil || !ok {
		t.Fatalf("resetPassword = %v, %v", ok, err)
	}
	if ok, err := anon.Auth.Email.ResetPassword(ctx, code, "new password 3"); err != nil || ok {
		t.Errorf("a used reset code worked again: %v, %v", ok, err)
	}
	if r, err := anon.Auth.Email.Authenticate(ctx, email, "old password 1"); err != nil || r.Success {
		t.Errorf("the old password still signs in: %+v, %v", r, err)
	}
	s.signIn(t, email, "new password 2")
}

// TestLockout: after maxFailures wrong passwords the email is locked, even
// for the right one, until the window has passed.
func TestLockout(t *testing.T) {
	s := startAuthServer(t, serverOptions{maxFailures: 3, lockoutWindow: "2s"})
	ctx := context.Background()
	anon := s.client("")
	email, password := uniqueEmail("lock"), "the right password"
	s.signUp(t, email, password)
	for i := 0; i < 3; i++ {
		r, err := anon.Auth.Email.Authenticate(ctx, email, "wrong "+strconv.Itoa(i))
		if err != nil || r.Success || reason(r) != "invalidCredentials" {
			t.Fatalf("wrong password %d: %+v (%s), %v", i, r, reason(r), err)
		}
	}
	start := time.Now()
	r, err := anon.Auth.Email.Authenticate(ctx, email, password)
	if err != nil || r.Success || reason(r) != "tooManyFailedAttempts" {
		t.Fatalf("right password while locked: success %v, reason %s, %v; want tooManyFailedAttempts", r.Success, reason(r), err)
	}
	time.Sleep(2*time.Second + 300*time.Millisecond - time.Since(start))
	s.signIn(t, email, password) // the lock has expired
}

// TestKeyExpiry: with auth.keyLifetime set, a key stops working when it
// is that old.
func TestKeyExpiry(t *testing.T) {
	s := startAuthServer(t, serverOptions{keyLifetime: "1s"})
	email := uniqueEmail("expiry")
	s.signUp(t, email, "a long password")
	key := s.signIn(t, email, "a long password")
	if status, body := s.post(t, "notes/mine", "Bearer "+key, `{}`); status != 200 {
		t.Fatalf("notes/mine with a fresh key: %d %s", status, body)
	}
	time.Sleep(1300 * time.Millisecond)
	if status, _ := s.post(t, "notes/mine", "Bearer "+key, `{}`); status != 401 {
		t.Errorf("notes/mine with an expired key: %d, want 401", status)
	}
}
