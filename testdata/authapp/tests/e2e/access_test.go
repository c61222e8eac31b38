package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// TestLoginAndScopes: //podgen:login answers 401 without a valid key and
// //podgen:scope 403 without the scope, before the endpoint runs.
func TestLoginAndScopes(t *testing.T) {
	s := startAuthServer(t, serverOptions{})
	ctx := context.Background()
	alice, bob := uniqueEmail("alice"), uniqueEmail("bob")
	aliceID := s.signUp(t, alice, "alice's password")
	bobID := s.signUp(t, bob, "bob's password")
	aliceKey, bobKey := s.signIn(t, alice, "alice's password"), s.signIn(t, bob, "bob's password")

	status, body := s.post(t, "notes/add", "", `{"text":"x"}`)
	if status != 401 || !strings.Contains(body, `"login required"`) {
		t.Errorf("notes/add without a key: %d %s, want 401 login required", status, body)
	}
	status, body = s.post(t, "notes/add", "", `{not json`) // refused before decoding
	if status != 401 {
		t.Errorf("notes/add without a key and a bad body: %d %s, want 401", status, body)
	}
	if _, err := s.client(bobKey).Notes.Add(ctx, "bob's note"); err != nil {
		t.Fatal(err)
	}
	status, body = s.post(t, "notes/all", "Bearer "+aliceKey, `{}`)
	if status != 403 || !strings.Contains(body, "admin") {
		t.Errorf("notes/all without the admin scope: %d %s, want 403", status, body)
	}

	// Scopes take effect on the next call, with the same key.
	s.sql(t, `UPDATE pod_user_info SET scope_names = '["admin"]' WHERE id = $1`, aliceID)
	all, err := s.client(aliceKey).Notes.All(ctx)
	if err != nil || len(all) != 1 || all[0].Owner == nil || all[0].Owner.ID != bobID {
		t.Fatalf("notes/all as admin = %+v, %v; want bob's note with its owner", all, err)
	}
	// admin.* needs admin and users.
	status, _ = s.post(t, "admin/setScopes", "Bearer "+aliceKey, `{"userID":`+strconv.FormatInt(bobID, 10)+`,"scopes":["admin"]}`)
	if status != 403 {
		t.Errorf("admin/setScopes with only the admin scope: %d, want 403", status)
	}
	s.sql(t, `UPDATE pod_user_info SET scope_names = '["admin","users"]' WHERE id = $1`, aliceID)
	admin := s.client(aliceKey)
	if err := admin.Admin.SetScopes(ctx, bobID, []string{"admin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client(bobKey).Notes.All(ctx); err != nil {
		t.Errorf("bob after admin.setScopes([admin]): %v", err)
	}
}

// TestBlockedUser: a blocked user's keys stop working at once (and are
// revoked), and the user cannot sign in until unblocked.
func TestBlockedUser(t *testing.T) {
	s := startAuthServer(t, serverOptions{})
	ctx := context.Background()
	root, eve := uniqueEmail("root"), uniqueEmail("eve")
	rootID := s.signUp(t, root, "root's password")
	eveID := s.signUp(t, eve, "eve's password")
	s.sql(t, `UPDATE pod_user_info SET scope_names = '["admin","users"]' WHERE id = $1`, rootID)
	admin := s.client(s.signIn(t, root, "root's password"))
	eveKey := s.signIn(t, eve, "eve's password")
	if status, _ := s.post(t, "notes/mine", "Bearer "+eveKey, `{}`); status != 200 {
		t.Fatalf("eve before the block: %d", status)
	}
	if err := admin.Admin.Block(ctx, eveID); err != nil {
		t.Fatal(err)
	}
	if status, _ := s.post(t, "notes/mine", "Bearer "+eveKey, `{}`); status != 401 {
		t.Errorf("a blocked user's key: %d, want 401", status)
	}
	r, err := s.client("").Auth.Email.Authenticate(ctx, eve, "eve's password")
	if err != nil || r.Success || reason(r) != "blocked" {
		t.Errorf("a blocked user signs in: success %v reason %s, %v; want blocked", r.Success, reason(r), err)
	}
	if err := admin.Admin.Unblock(ctx, eveID); err != nil {
		t.Fatal(err)
	}
	if status, _ := s.post(t, "notes/mine", "Bearer "+eveKey, `{}`); status != 401 {
		t.Errorf("a key from before the block, after unblocking: %d, want 401 (blocking revokes keys)", status)
	}
	if status, _ := s.post(t, "notes/mine", "Bearer "+s.signIn(t, eve, "eve's password"), `{}`); status != 200 {
		t.Errorf("a new key after unblocking: %d, want 200", status)
	}
}

// TestForgedKeys: every malformed, truncated, altered or foreign key is
// "not signed in": 401 on a protected method, null on an open one, never
// a 500.
func TestForgedKeys(t *testing.T) {
	s := startAuthServer(t, serverOptions{})
	email := uniqueEmail("key")
	s.signUp(t, email, "a good password")
	key := s.signIn(t, email, "a good password")
	id, secret, _ := strings.Cut(key, ":")
	flip := []byte(secret)
	flip[len(flip)/2] ^= 1
	next, _ := strconv.ParseInt(id, 10, 64)
	for _, h := range []string{
		"Bearer", "Bearer ", "Bearer " + id, "Bearer " + id + ":", "Bearer :" + secret,
		"Bearer " + id + ":" + secret[:len(secret)-1],            // truncated
		"Bearer " + id + ":" + string(flip),                      // one bit changed
		"Bearer " + id + ":" + secret + "x",                      // extended
		"Bearer " + strconv.FormatInt(next+1, 10) + ":" + secret, // another key's id
		"Bearer 99999999999999999999999:" + secret,               // id out of range
		"Bearer -1:" + secret, "Bearer abc:" + secret, "Basic " + key, "bearer" + key,
		"Bearer " + id + ":" + secret + ":" + secret,
	} {
		if status, body := s.post(t, "notes/mine", h, `{}`); status != 401 {
			t.Errorf("Authorization %q: notes/mine answered %d %s, want 401", h, status, body)
		}
		if status, body := s.post(t, "public/whoami", h, `{}`); status != 200 || body != "null" {
			t.Errorf("Authorization %q: public/whoami answered %d %s, want 200 null", h, status, body)
		}
	}
	if status, _ := s.post(t, "notes/mine", "Bearer "+key, `{}`); status != 200 {
		t.Errorf("the real key after the forgeries: %d, want 200", status)
	}
}
