package pod

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAuthKeyForms: only the exact key signs in; malformed headers cost
// no query, a well-formed one exactly one.
func TestAuthKeyForms(t *testing.T) {
	e := newAuthEnv(t, func(c *Config) { c.Auth.KeyLifetime = time.Hour })
	u := e.signUp(t, "Ada", "ada@example.com", "password-1")
	header := e.signIn(t, "ada@example.com", "password-1")
	other := e.signIn(t, "ada@example.com", "password-1")
	id, secret, _ := strings.Cut(strings.TrimPrefix(header, "Bearer "), ":")
	_, otherSecret, _ := strings.Cut(strings.TrimPrefix(other, "Bearer "), ":")
	flip := []byte(secret)
	flip[5] ^= 1 // another base64url character
	nextID, _ := strconv.ParseInt(id, 10, 64)

	before := e.queries.Load()
	if got, ok := e.userOf(header); !ok || got != u.ID {
		t.Fatalf("the key: %d %v", got, ok)
	}
	if n := e.queries.Load() - before; n != 1 {
		t.Errorf("resolving a key ran %d statements, want 1", n)
	}
	if got, ok := e.userOf("bearer  " + id + ":" + secret + " "); !ok || got != u.ID {
		t.Fatal("the scheme is case-insensitive and spaces around the key do not matter")
	}

	malformed := []string{
		"", "Bearer", "Bearer ", id + ":" + secret, "Basic " + id + ":" + secret, "Bearer " + secret,
		"Bearer " + id + secret, "Bearer :" + secret, "Bearer " + id + ":",
		"Bearer " + id + ":" + secret[:len(secret)-1], // truncated
		"Bearer " + id + ":" + secret + "A",           // too long
		"Bearer 0" + id + ":" + secret,                // leading zero
		"Bearer +" + id + ":" + secret,
		"Bearer -" + id + ":" + secret,
		"Bearer " + id + ":" + secret[:42] + "=", // padding
		"Bearer " + id + ":/" + secret[1:],       // not base64url
		"Bearer 99999999999999999999:" + secret,  // over int64
	}
	before = e.queries.Load()
	for _, h := range malformed {
		if got, ok := e.userOf(h); ok {
			t.Errorf("%q signed in as %d", h, got)
		}
	}
	if n := e.queries.Load() - before; n != 0 {
		t.Errorf("malformed headers ran %d statements", n)
	}

	for name, h := range map[string]string{
		"forged secret":       "Bearer " + id + ":" + string(flip),
		"another key's":       "Bearer " + id + ":" + otherSecret,
		"unknown id":          "Bearer " + strconv.FormatInt(nextID+100, 10) + ":" + secret,
		"secret of all zeros": "Bearer " + id + ":" + strings.Repeat("A", 43),
	} {
		if got, ok := e.userOf(h); ok {
			t.Errorf("%s: signed in as %d", name, got)
		}
	}

	e.clock.Advance(time.Hour)
	if _, ok := e.userOf(header); ok {
		t.Error("an expired key works")
	}
}

// TestAuthSignOutAllDevices revokes every key of the user, and only theirs.
func TestAuthSignOutAllDevices(t *testing.T) {
	e := newAuthEnv(t, nil)
	e.signUp(t, "Ada", "ada@example.com", "password-1")
	e.signUp(t, "Bob", "bob@example.com", "password-2")
	k1, k2 := e.signIn(t, "ada@example.com", "password-1"), e.signIn(t, "ada@example.com", "password-1")
	bob := e.signIn(t, "bob@example.com", "password-2")
	s := e.session(k1, "10.0.0.1")
	if err := s.Auth.SignOutAllDevices(); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Auth.UserID(); ok {
		t.Error("the call is still signed in")
	}
	for _, k := range []string{k1, k2} {
		if _, ok := e.userOf(k); ok {
			t.Errorf("key %q works after SignOutAllDevices", k)
		}
	}
	if _, ok := e.userOf(bob); !ok {
		t.Error("another user's key was revoked")
	}
	if err := e.session("", "").Auth.SignOut(); err != nil {
		t.Errorf("SignOut without a key: %v", err)
	}
}

// TestAuthScopes: SetScopes, Scopes, HasScope and Require's three answers.
func TestAuthScopes(t *testing.T) {
	e := newAuthEnv(t, nil)
	u := e.signUp(t, "Ada", "ada@example.com", "password-1")
	header := e.signIn(t, "ada@example.com", "password-1")
	admin := e.session("", "")
	if err := admin.Auth.SetScopes(u.ID, "admin", "editor", "admin", ""); err != nil {
		t.Fatal(err)
	}
	s := e.session(header, "10.0.0.1")
	if got := s.Auth.Scopes(); strings.Join(got, ",") != "admin,editor" {
		t.Fatalf("Scopes = %q", got)
	}
	if !s.Auth.HasScope("editor") || s.Auth.HasScope("owner") {
		t.Fatal("HasScope")
	}
	if err := s.Auth.Require(); err != nil {
		t.Fatalf("Require() = %v", err)
	}
	if err := s.Auth.Require("admin", "editor"); err != nil {
		t.Fatalf("Require(admin, editor) = %v", err)
	}
	var missing *MissingScopeError
	if err := s.Auth.Require("admin", "owner"); !errors.As(err, &missing) || missing.Scope != "owner" {
		t.Fatalf("Require(admin, owner) = %v", err)
	}
	anon := e.session("", "10.0.0.1")
	if err := anon.Auth.Require(); err != ErrNotSignedIn {
		t.Fatalf("anonymous Require() = %v", err)
	}
	if anon.Auth.Scopes() != nil || anon.Auth.HasScope("admin") {
		t.Fatal("an anonymous call has scopes")
	}
	if u, err := anon.Auth.User(); u != nil || err != nil {
		t.Fatalf("anonymous User() = %v %v", u, err)
	}
	if err := admin.Auth.SetScopes(u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.session(header, "").Auth.Require("admin"); !errors.As(err, &missing) {
		t.Fatalf("after the scopes were removed: %v", err)
	}
	if err := admin.Auth.SetScopes(u.ID+100, "admin"); err == nil {
		t.Fatal("SetScopes of a user that does not exist")
	}

	// A database that is down is neither "not signed in" nor a scope.
	down := &Runtime{Config: e.rt.Config, Logger: e.rt.Logger}
	ds := NewSession(context.Background(), down, "t", "t", "r")
	ds.Auth.FromRequest(header, "10.0.0.1")
	var unavailable *DatabaseUnavailableError
	if err := ds.Auth.Require(); !errors.As(err, &unavailable) {
		t.Fatalf("Require without a database = %v", err)
	}
	if _, ok := ds.Auth.UserID(); ok {
		t.Fatal("signed in without a database")
	}
}

// TestAuthBlock: a blocked user's keys stop at once and their sign-ins
// fail (blocked, with the right password only); Unblock lets them sign in
// again, with new keys: the old ones were revoked.
func TestAuthBlock(t *testing.T) {
	e := newAuthEnv(t, nil)
	u := e.signUp(t, "Ada", "ada@example.com", "password-1")
	header := e.signIn(t, "ada@example.com", "password-1")
	admin := e.session("", "")
	if err := admin.Auth.Block(u.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.userOf(header); ok {
		t.Fatal("a blocked user's key works")
	}
	auth := func(password string) AuthenticationFailReason {
		r, err := e.session("", "10.0.0.4").Auth.EmailAuthenticate("ada@example.com", password)
		if err != nil || r.Success {
			t.Fatalf("blocked sign-in: %+v %v", r, err)
		}
		return *r.FailReason
	}
	if got := auth("password-1"); got != AuthenticationFailReasonBlocked {
		t.Fatalf("blocked, right password: %s", got)
	}
	if got := auth("password-x"); got != AuthenticationFailReasonInvalidCredentials {
		t.Fatalf("blocked, wrong password: %s", got)
	}
	if err := admin.Auth.Unblock(u.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.userOf(header); ok {
		t.Fatal("a key from before the block works after Unblock")
	}
	header = e.signIn(t, "ada@example.com", "password-1")
	self := e.session(header, "")
	if got, ok := self.Auth.UserID(); !ok || got != u.ID {
		t.Fatal("a new key does not work after Unblock")
	}
	if err := self.Auth.Block(u.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := self.Auth.UserID(); ok {
		t.Fatal("a call whose user it blocked is still signed in")
	}
	if err := admin.Auth.Block(u.ID + 100); err == nil {
		t.Fatal("Block of a user that does not exist")
	}
}

// TestAuthSessionLogUser: a signed-in call's session log has its user
// id, an anonymous one NULL.
func TestAuthSessionLogUser(t *testing.T) {
	e := newAuthEnv(t, nil)
	u := e.signUp(t, "Ada", "ada@example.com", "password-1")
	header := e.signIn(t, "ada@example.com", "password-1")
	e.rt.LogSettings = NewLogSettingsStore("test")
	e.rt.LogSettings.Set(allOn())
	e.rt.Logs = NewLogWriter(e.rt.DB, e.rt.ServerID, e.rt.Logger)
	t.Cleanup(func() { e.rt.Logs.Close(time.Second) })

	s := NewSession(context.Background(), e.rt, "shop", "signedIn", "r1")
	s.Auth.FromRequest(header, "10.0.0.1")
	if _, ok := s.Auth.UserID(); !ok {
		t.Fatal("not signed in")
	}
	s.Close(nil, "")
	s = NewSession(context.Background(), e.rt, "shop", "anonymous", "r2")
	s.Auth.FromRequest("", "10.0.0.1")
	s.Auth.UserID()
	s.Close(nil, "")
	waitWritten(t, e.rt.Logs, 3) // two sessions and the signed-in one's query
	got := queryStrings(t, e.rt.DB, `SELECT method, coalesce(user_id, 0) FROM pod_session_log ORDER BY method`)
	if want := "anonymous|0,signedIn|" + strconv.FormatInt(u.ID, 10); strings.Join(got, ",") != want {
		t.Fatalf("session logs %q, want %q", got, want)
	}
}

// TestAuthFutureCallUser: a future call records who scheduled it, and its
// run is signed in as that user; one scheduled anonymously is not.
func TestAuthFutureCallUser(t *testing.T) {
	e := newAuthEnv(t, nil)
	u := e.signUp(t, "Ada", "ada@example.com", "password-1")
	s := e.session(e.signIn(t, "ada@example.com", "password-1"), "10.0.0.1")
	if _, ok := s.Auth.UserID(); !ok {
		t.Fatal("not signed in")
	}
	if err := s.FutureCalls.Note.After(0, "signed in"); err != nil {
		t.Fatal(err)
	}
	if err := e.session("", "").FutureCalls.Note.After(0, "anonymous"); err != nil {
		t.Fatal(err)
	}
	got := queryStrings(t, e.rt.DB, `SELECT arg, coalesce(user_id, 0) FROM pod_future_call ORDER BY id`)
	if want := `"signed in"|` + strconv.FormatInt(u.ID, 10) + `,"anonymous"|0`; strings.Join(got, ",") != want {
		t.Fatalf("stored calls %q, want %q", got, want)
	}
	ran := map[string]int64{}
	runners := map[string]FutureCallRunner{"Note": func(s *Session, arg []byte) error {
		id, ok := s.Auth.UserID()
		if !ok {
			id = -1
		}
		ran[string(arg)] = id
		return nil
	}}
	e.rt.Config.FutureCalls.Concurrency = 1 // one run at a time: ran needs no lock
	if err := NewFutureCallScheduler(e.rt, runners).RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ran[`"signed in"`] != u.ID || ran[`"anonymous"`] != -1 {
		t.Fatalf("runs saw users %v, want %d and none", ran, u.ID)
	}
}

// TestAuthConcurrentUse: goroutines of one call share one lookup of its
// key (run with -race).
func TestAuthConcurrentUse(t *testing.T) {
	e := newAuthEnv(t, nil)
	u := e.signUp(t, "Ada", "ada@example.com", "password-1")
	s := e.session(e.signIn(t, "ada@example.com", "password-1"), "10.0.0.1")
	before := e.queries.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if id, ok := s.Auth.UserID(); !ok || id != u.ID || s.Auth.Require() != nil || s.Auth.HasScope("x") {
				t.Errorf("UserID = %d %v", id, ok)
			}
		})
	}
	wg.Wait()
	if n := e.queries.Load() - before; n != 1 {
		t.Errorf("%d lookups, want 1", n)
	}
}
