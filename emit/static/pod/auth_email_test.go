package pod

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAuthEmailFlow: account request → code by mail → account →
// authenticate → the key signs requests in → sign out → the key is dead.
// Only hashes of the password, the code and the key are stored.
func TestAuthEmailFlow(t *testing.T) {
	e := newAuthEnv(t, nil)
	s := e.session("", "10.0.0.1")
	const password = "correct horse battery"
	ok, err := s.Auth.EmailCreateAccountRequest(" Ada ", " Ada@Example.com ", password)
	if err != nil || !ok {
		t.Fatalf("request: %v %v", ok, err)
	}
	code := e.mail.last(t, "verify", "ada@example.com")
	if len(code) < 8 {
		t.Fatalf("code %q is shorter than 8", code)
	}
	if n := e.count(t, `SELECT count(*) FROM pod_user_info`); n != 0 {
		t.Fatalf("%d users before the code was used", n)
	}
	u, err := s.Auth.EmailCreateAccount("ada@example.com", strings.ToLower(code[:4])+"-"+code[4:])
	if err != nil || u == nil {
		t.Fatalf("create: %v %v", u, err)
	}
	if u.ID == 0 || u.UserIdentifier != "ada@example.com" || *u.UserName != "Ada" || *u.Email != "ada@example.com" ||
		u.Blocked || len(u.ScopeNames) != 0 || time.Since(u.Created) > time.Minute {
		t.Fatalf("user %+v", u)
	}

	r, err := e.session("", "10.0.0.2").Auth.EmailAuthenticate("ADA@example.com", password)
	if err != nil || !r.Success || r.FailReason != nil || r.UserInfo == nil || r.UserInfo.ID != u.ID {
		t.Fatalf("authenticate: %+v %v", r, err)
	}
	if len(*r.Key) != authSecretChars || len(mustDecodeSecret(t, *r.Key)) != 32 {
		t.Fatalf("key secret %q: want 256 bits in %d characters", *r.Key, authSecretChars)
	}
	header := bearer(r)
	s2 := e.session(header, "10.0.0.3")
	if id, ok := s2.Auth.UserID(); !ok || id != u.ID {
		t.Fatalf("UserID = %d %v, want %d", id, ok, u.ID)
	}
	if got, err := s2.Auth.User(); err != nil || !reflect.DeepEqual(*got, *u) {
		t.Fatalf("User = %+v %v, want %+v", got, err, u)
	}

	text := e.allText(t)
	sum := sha256.Sum256(mustDecodeSecret(t, *r.Key))
	for _, secret := range []string{password, code, *r.Key} {
		if strings.Contains(text, secret) {
			t.Errorf("the database holds a secret in clear: %q", secret)
		}
	}
	if !strings.Contains(text, `\x`+hex.EncodeToString(sum[:])) || !strings.Contains(text, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("the key's SHA-256 or the password's PHC hash is not stored:\n%s", text)
	}

	if err := s2.Auth.SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, ok := s2.Auth.UserID(); ok {
		t.Error("still signed in after SignOut")
	}
	if _, ok := e.userOf(header); ok {
		t.Error("the key works after SignOut")
	}
}

func mustDecodeSecret(t *testing.T, key string) []byte {
	b, err := authSecretEncoding.DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAuthEmailRequestKnownEmail: a request for a registered email answers
// true, like a new one, and stores and sends nothing.
func TestAuthEmailRequestKnownEmail(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.signUp(t, "Ada", "ada@example.com", "password-1")
	sent := e.mail.count()
	ok, err := e.session("", "10.0.0.9").Auth.EmailCreateAccountRequest("Eve", "ADA@example.com", "password-2")
	if err != nil || !ok {
		t.Fatalf("request: %v %v", ok, err)
	}
	if e.mail.count() != sent || e.count(t, `SELECT count(*) FROM pod_email_create_request`) != 0 {
		t.Fatal("a request for a registered email was stored or mailed")
	}
	e.signIn(t, "ada@example.com", "password-1") // the password did not change
}

// TestAuthEmailRequestInvalid: bad emails, names and passwords are false,
// with nothing stored or sent.
func TestAuthEmailRequestInvalid(t *testing.T) {
	e := newAuthEnv(t, nil)
	s := e.session("", "10.0.0.1")
	for _, c := range []struct{ name, email, password string }{
		{"Ada", "ada@example.com", "short"},
		{"Ada", "ada@example.com", "seven77"},
		{"Ada", "ada@example.com", strings.Repeat("x", authPasswordMaxBytes+1)},
		{"Ada", "not-an-email", "password-1"},
		{"Ada", "ada@", "password-1"},
		{"Ada", "a da@example.com", "password-1"},
		{"  ", "ada@example.com", "password-1"},
	} {
		ok, err := s.Auth.EmailCreateAccountRequest(c.name, c.email, c.password)
		if err != nil || ok {
			t.Errorf("request %+v = %v %v, want false", c, ok, err)
		}
	}
	if e.mail.count() != 0 || e.count(t, `SELECT count(*) FROM pod_email_create_request`) != 0 {
		t.Fatal("an invalid request was stored or mailed")
	}
	if ok, err := s.Auth.EmailCreateAccountRequest("Ada", "ada@example.com", strings.Repeat("é", 8)); err != nil || !ok {
		t.Fatalf("8 characters in 16 bytes: %v %v", ok, err)
	}
}

// TestAuthAccountCodes: wrong, worn-out, expired and reused codes create
// nothing.
func TestAuthAccountCodes(t *testing.T) {
	e := newAuthEnv(t, func(c *Config) { c.Auth.Lockout.MaxFailures = 100 })
	s := e.session("", "10.0.0.1")
	request := func(email string) string {
		t.Helper()
		if ok, err := s.Auth.EmailCreateAccountRequest("X", email, "password-1"); err != nil || !ok {
			t.Fatalf("request: %v %v", ok, err)
		}
		return e.mail.last(t, "verify", email)
	}
	create := func(email, code string) *UserInfo {
		t.Helper()
		u, err := s.Auth.EmailCreateAccount(email, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	code := request("a@example.com")
	if u := create("a@example.com", "WRONGCODE1"); u != nil {
		t.Fatal("a wrong code made an account")
	}
	if u := create("b@example.com", code); u != nil {
		t.Fatal("a code made an account for another email")
	}
	if u := create("a@example.com", code); u == nil {
		t.Fatal("the right code after one wrong try made no account")
	}
	if u := create("a@example.com", code); u != nil {
		t.Fatal("a code was used twice")
	}

	code = request("c@example.com")
	for range authCodeMaxTries {
		create("c@example.com", "WRONGCODE1")
	}
	if u := create("c@example.com", code); u != nil {
		t.Fatalf("the right code worked after %d wrong ones", authCodeMaxTries)
	}

	code = request("d@example.com")
	e.clock.Advance(15*time.Minute + time.Second)
	if u := create("d@example.com", code); u != nil {
		t.Fatal("an expired code made an account")
	}

	old := request("f@example.com")
	code = request("f@example.com") // a new request replaces the old code
	if old == code || create("f@example.com", old) != nil || create("f@example.com", code) == nil {
		t.Fatal("the replaced code still works, or the new one does not")
	}
	if n := e.count(t, `SELECT count(*) FROM pod_user_info`); n != 2 {
		t.Fatalf("%d users, want 2", n)
	}
}

// TestAuthPasswordReset: a reset code sets a new password once, signs the
// account out everywhere; unknown emails answer alike; wrong, expired and
// used codes are refused.
func TestAuthPasswordReset(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.signUp(t, "Ada", "ada@example.com", "old-password")
	oldKey := e.signIn(t, "ada@example.com", "old-password")
	s := e.session("", "10.0.0.5")

	sent := e.mail.count()
	if ok, err := s.Auth.EmailInitiatePasswordReset("nobody@example.com"); err != nil || !ok || e.mail.count() != sent {
		t.Fatalf("unknown email: %v %v, mails %d → %d", ok, err, sent, e.mail.count())
	}
	if ok, err := s.Auth.EmailInitiatePasswordReset(" ADA@example.com"); err != nil || !ok {
		t.Fatalf("reset: %v %v", ok, err)
	}
	code := e.mail.last(t, "reset", "ada@example.com")
	reset := func(code, password string) bool {
		t.Helper()
		ok, err := s.Auth.EmailResetPassword(code, password)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if reset("WRONGCODE1", "new-password") {
		t.Fatal("a wrong code reset the password")
	}
	if reset(code, "short") {
		t.Fatal("a too short password was set")
	}
	if !reset(code, "new-password") {
		t.Fatal("the right code was refused (a refused password must not use it up)")
	}
	if reset(code, "third-password") {
		t.Fatal("a reset code was used twice")
	}
	if _, ok := e.userOf(oldKey); ok {
		t.Error("a key from before the reset still works")
	}
	r, _ := e.session("", "10.0.0.6").Auth.EmailAuthenticate("ada@example.com", "old-password")
	if r.Success {
		t.Fatal("the old password still works")
	}
	e.signIn(t, "ada@example.com", "new-password")

	s.Auth.EmailInitiatePasswordReset("ada@example.com")
	code = e.mail.last(t, "reset", "ada@example.com")
	e.clock.Advance(16 * time.Minute)
	if reset(code, "later-password") {
		t.Fatal("an expired code reset the password")
	}
}

// TestAuthLockout: 5 failures within 5 minutes for an email, or from an
// address, lock it (even the right password is refused unchecked) until
// the window has passed; wrong codes count against the address.
func TestAuthLockout(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.signUp(t, "Ada", "ada@example.com", "password-1")
	e.signUp(t, "Bob", "bob@example.com", "password-2")
	auth := func(email, password, addr string) AuthenticationResponse {
		t.Helper()
		r, err := e.session("", addr).Auth.EmailAuthenticate(email, password)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	reason := func(r AuthenticationResponse) AuthenticationFailReason {
		if r.FailReason == nil {
			return "success"
		}
		return *r.FailReason
	}

	// By email: failures from five addresses.
	for i := range 5 {
		if got := reason(auth("ada@example.com", "wrong-password", "10.1.0."+string(rune('1'+i)))); got != AuthenticationFailReasonInvalidCredentials {
			t.Fatalf("failure %d: %s", i, got)
		}
	}
	if got := reason(auth("ada@example.com", "password-1", "10.1.1.1")); got != AuthenticationFailReasonTooManyFailedAttempts {
		t.Fatalf("locked email, right password: %s", got)
	}
	if got := reason(auth("bob@example.com", "password-2", "10.1.1.1")); got != "success" {
		t.Fatalf("another email from a fresh address: %s", got)
	}
	e.clock.Advance(5*time.Minute + time.Second)
	if got := reason(auth("ada@example.com", "password-1", "10.1.1.1")); got != "success" {
		t.Fatalf("after the window: %s", got)
	}

	// By address: failures for five unknown emails.
	for i := range 5 {
		auth("nobody"+string(rune('a'+i))+"@example.com", "password-x", "10.2.0.1")
	}
	if got := reason(auth("bob@example.com", "password-2", "10.2.0.1")); got != AuthenticationFailReasonTooManyFailedAttempts {
		t.Fatalf("locked address: %s", got)
	}
	if got := reason(auth("bob@example.com", "password-2", "10.2.0.2")); got != "success" {
		t.Fatalf("the same email from another address: %s", got)
	}
	// Reset codes from a locked address are refused unchecked.
	s := e.session("", "10.2.0.1")
	s.Auth.EmailInitiatePasswordReset("bob@example.com")
	if ok, err := s.Auth.EmailResetPassword(e.mail.last(t, "reset", "bob@example.com"), "password-3"); err != nil || ok {
		t.Fatalf("reset from a locked address: %v %v", ok, err)
	}
	e.clock.Advance(5*time.Minute + time.Second)
	if got := reason(auth("bob@example.com", "password-2", "10.2.0.1")); got != "success" {
		t.Fatalf("address after the window: %s", got)
	}

	// Wrong codes count against the address.
	s = e.session("", "10.3.0.1")
	for range 5 {
		s.Auth.EmailResetPassword("WRONGCODE1", "password-3")
	}
	if got := reason(auth("bob@example.com", "password-2", "10.3.0.1")); got != AuthenticationFailReasonTooManyFailedAttempts {
		t.Fatalf("address after 5 wrong codes: %s", got)
	}
	if n := e.count(t, `SELECT count(*) FROM pod_email_failed_sign_in WHERE "time" <= $1`,
		e.clock.Now().UTC().Add(-5*time.Minute)); n != 0 {
		t.Errorf("%d failures older than the window kept", n)
	}
}

// TestAuthUnknownLikeWrong: an unknown email and a wrong password get the
// same answer, after about the same time.
func TestAuthUnknownLikeWrong(t *testing.T) {
	e := newAuthEnv(t, func(c *Config) { c.Auth.Lockout.MaxFailures = 1000 })
	e.signUp(t, "Ada", "ada@example.com", "password-1")
	var unknown, wrong []time.Duration
	var answers []AuthenticationResponse
	for i := range 14 {
		email := "ada@example.com"
		if i%2 == 0 {
			email = "nobody@example.com"
		}
		start := time.Now()
		r, err := e.session("", "10.0.0.1").Auth.EmailAuthenticate(email, "password-2")
		d := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, r)
		if i < 2 {
			continue // warm-up
		}
		if i%2 == 0 {
			unknown = append(unknown, d)
		} else {
			wrong = append(wrong, d)
		}
	}
	for _, r := range answers[1:] {
		if !reflect.DeepEqual(r, answers[0]) {
			t.Fatalf("answers differ: %+v and %+v", r, answers[0])
		}
	}
	if r := answers[0]; r.Success || r.FailReason == nil || *r.FailReason != AuthenticationFailReasonInvalidCredentials ||
		r.Key != nil || r.KeyID != nil || r.UserInfo != nil {
		t.Fatalf("answer %+v", r)
	}
	mu, mw := median(unknown), median(wrong)
	t.Logf("median: unknown email %v, wrong password %v", mu, mw)
	if mu < mw/2 || mw < mu/2 {
		t.Errorf("unknown email takes %v, wrong password %v: they can be told apart", mu, mw)
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestAuthMailerFailure: a mailer error fails the request, without the
// code in the error.
func TestAuthMailerFailure(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.mail.err = errMailDown
	ok, err := e.session("", "10.0.0.1").Auth.EmailCreateAccountRequest("Ada", "ada@example.com", "password-1")
	if ok || err == nil || !strings.Contains(err.Error(), "mailer") || strings.Contains(err.Error(), e.mail.last(t, "verify", "ada@example.com")) {
		t.Fatalf("mailer failure: %v %v", ok, err)
	}
}

var errMailDown = &mailError{}

type mailError struct{}

func (*mailError) Error() string { return "smtp: connection refused" }

// TestAuthRehash: a hash made with older (cheaper) parameters still
// verifies, and is stored again with today's at the next sign-in.
func TestAuthRehash(t *testing.T) {
	e := newAuthEnv(t, nil)
	saved := authArgon2
	authArgon2 = argon2Params{memory: 8 * 1024, time: 1, threads: 1}
	e.signUp(t, "Ada", "ada@example.com", "password-1")
	authArgon2 = saved
	stored := func() string {
		rows, err := NewDB(t.Context(), e.rt.DB).Query(`SELECT hash FROM pod_email_auth`)
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(string)
	}
	if h := stored(); !strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Fatalf("stored %q", h)
	}
	e.signIn(t, "ada@example.com", "password-1")
	if h := stored(); !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("not rehashed: %q", h)
	}
	e.signIn(t, "ada@example.com", "password-1")
}

// TestAuthMailLimit: at most lockout.maxFailures codes are mailed to one
// address per window, whatever mix of account and reset requests asks;
// past that the requests answer as usual and send nothing, until the
// window has passed.
func TestAuthMailLimit(t *testing.T) {
	e := newAuthEnv(t, func(c *Config) { c.Auth.Lockout.MaxFailures, c.Auth.Lockout.Window = 3, time.Minute })
	e.signUp(t, "Ada", "ada@example.com", "password-1") // one code
	s := e.session("", "10.0.0.9")
	for i := 0; i < 4; i++ {
		if ok, err := s.Auth.EmailInitiatePasswordReset("ada@example.com"); err != nil || !ok {
			t.Fatalf("reset request %d: %v %v", i, ok, err)
		}
	}
	if ok, err := s.Auth.EmailCreateAccountRequest("Bob", "bob@example.com", "password-2"); err != nil || !ok {
		t.Fatalf("another address: %v %v", ok, err)
	}
	if n := e.mail.count(); n != 4 { // ada: sign-up + 2 resets; bob: 1
		t.Errorf("%d codes mailed, want 4 (3 to ada, the limit, and bob's)", n)
	}
	e.clock.Advance(time.Minute + time.Second)
	if _, err := s.Auth.EmailInitiatePasswordReset("ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if n := e.mail.count(); n != 5 {
		t.Errorf("after the window: %d codes mailed, want 5", n)
	}
}
