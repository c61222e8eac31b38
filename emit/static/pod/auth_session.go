package pod

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// sessionModules is the part of Session that belongs to the optional
// modules: here s.Auth. An app without the module has an empty one.
type sessionModules struct {
	// Auth is the signed-in user of the call and the auth module's
	// endpoints and admin helpers.
	Auth *Auth
	auth Auth // what Auth points to: no allocation per session
}

// initModules binds the modules to s; NewSession calls it.
func (m *sessionModules) initModules(s *Session) {
	m.auth = Auth{s: s}
	m.Auth = &m.auth
}

// Auth is s.Auth: who signed in to the call. It is lazy: the key the
// request carries is looked up (one indexed query) the first time the
// call asks, so calls that never ask cost nothing. A call's session log
// names the user only when the call asked. It is safe for concurrent use.
type Auth struct {
	s      *Session
	header string // the request's Authorization header
	addr   string // the client's IP address

	mu       sync.Mutex
	resolved bool
	err      error     // the lookup failed (the database)
	keyID    int64     // the key the call signed in with, 0: none
	user     *UserInfo // nil: not signed in
}

// ErrNotSignedIn is Require's error for a call without a valid key; the
// server answers it with 401.
var ErrNotSignedIn = errors.New("not signed in")

// MissingScopeError is Require's error for a signed-in user without a
// scope the call needs; the server answers it with 403.
type MissingScopeError struct{ Scope string }

func (e *MissingScopeError) Error() string { return "missing scope " + strconv.Quote(e.Scope) }

// FromRequest gives the call its request's Authorization header (""
// without one) and the client's IP address (no port). The server calls it
// once per request, before the endpoint.
func (a *Auth) FromRequest(authorization, clientAddress string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.header, a.addr = authorization, clientAddress
	a.resolved, a.err, a.keyID, a.user = false, nil, 0, nil
}

// UserID is the signed-in user's id. A key that is malformed, unknown,
// wrong, expired or revoked, or a blocked user, is (0, false); so is a
// database error (Require returns it).
func (a *Auth) UserID() (int64, bool) {
	u, _ := a.current()
	if u == nil {
		return 0, false
	}
	return u.ID, true
}

// Scopes are the signed-in user's scopes, nil when not signed in.
func (a *Auth) Scopes() []string {
	u, _ := a.current()
	if u == nil {
		return nil
	}
	return slices.Clone(u.ScopeNames)
}

// HasScope reports whether the user is signed in and has scope name.
func (a *Auth) HasScope(name string) bool {
	u, _ := a.current()
	return u != nil && slices.Contains(u.ScopeNames, name)
}

// User is the signed-in user, (nil, nil) when not signed in.
func (a *Auth) User() (*UserInfo, error) {
	u, err := a.current()
	if u == nil {
		return nil, err
	}
	c := *u
	c.ScopeNames = slices.Clone(u.ScopeNames)
	return &c, nil
}

// Require returns nil when the user is signed in with every one of
// scopes; ErrNotSignedIn without a valid key; a *MissingScopeError naming
// the first scope missing; or the database's error.
func (a *Auth) Require(scopes ...string) error {
	u, err := a.current()
	switch {
	case err != nil:
		return err
	case u == nil:
		return ErrNotSignedIn
	}
	for _, sc := range scopes {
		if !slices.Contains(u.ScopeNames, sc) {
			return &MissingScopeError{Scope: sc}
		}
	}
	return nil
}

// SignOut revokes the key this call signed in with; the call is signed
// out from then on. Without one it does nothing.
func (a *Auth) SignOut() error {
	if _, err := a.current(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.keyID == 0 {
		return nil
	}
	if _, err := a.s.DB.Exec(`DELETE FROM "pod_auth_key" WHERE "id" = $1`, a.keyID); err != nil {
		return err
	}
	a.keyID, a.user = 0, nil
	return nil
}

// SignOutAllDevices revokes every key of the signed-in user; the call is
// signed out from then on. Without a user it does nothing.
func (a *Auth) SignOutAllDevices() error {
	u, err := a.current()
	if err != nil || u == nil {
		return err
	}
	if _, err := a.s.DB.Exec(`DELETE FROM "pod_auth_key" WHERE "user_id" = $1`, u.ID); err != nil {
		return err
	}
	a.signedOut(u.ID)
	return nil
}

// SetScopes replaces the scopes of user userID (an admin helper: protect
// the endpoint that calls it with //podgen:scope). It takes effect with
// the user's next call.
func (a *Auth) SetScopes(userID int64, scopes ...string) error {
	list := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if sc != "" && !slices.Contains(list, sc) {
			list = append(list, sc)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := authUpdateUser(a.s.DB, userID, `"scope_names" = $2`, string(b)); err != nil {
		return err
	}
	a.mu.Lock()
	if a.user != nil && a.user.ID == userID {
		a.user.ScopeNames = list
	}
	a.mu.Unlock()
	return nil
}

// Block stops user userID from signing in, and their keys from working,
// at once: their next call is not signed in (an admin helper). Their keys
// are revoked too, so that Unblock does not bring back sessions a
// compromised account may have handed out: the user signs in afresh.
func (a *Auth) Block(userID int64) error {
	err := a.s.DB.Transaction(func(tx *DB) error {
		if err := authUpdateUser(tx, userID, `"blocked" = $2`, true); err != nil {
			return err
		}
		// Signed out everywhere: unblocking does not revive old keys.
		_, err := tx.Exec(`DELETE FROM "pod_auth_key" WHERE "user_id" = $1`, userID)
		return err
	})
	if err != nil {
		return err
	}
	a.signedOut(userID)
	return nil
}

// Unblock lets user userID sign in again (an admin helper).
func (a *Auth) Unblock(userID int64) error {
	return authUpdateUser(a.s.DB, userID, `"blocked" = $2`, false)
}

// authUpdateUser sets one column of pod_user_info; a user that does not exist
// is an error.
func authUpdateUser(db *DB, userID int64, set string, v any) error {
	n, err := db.Exec(`UPDATE "pod_user_info" SET `+set+` WHERE "id" = $1`, userID, v)
	if err == nil && n == 0 {
		err = fmt.Errorf("auth: no user with id %d", userID)
	}
	return err
}

// signedOut ends the call's sign-in if it is user userID's.
func (a *Auth) signedOut(userID int64) {
	a.mu.Lock()
	if a.user != nil && a.user.ID == userID {
		a.keyID, a.user = 0, nil
	}
	a.mu.Unlock()
}

// current resolves the call's user on first use: by the request's key, or
// for a future call by the user who scheduled it.
func (a *Auth) current() (*UserInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.resolved {
		a.resolved = true
		switch {
		case a.header != "":
			a.user, a.keyID, a.err = a.lookupKey(a.header)
		case a.s.currentUserID() != 0:
			a.user, a.err = a.lookupUser(a.s.currentUserID())
		}
		if a.user != nil {
			a.s.setUserID(a.user.ID)
		}
	}
	return a.user, a.err
}

// authUserColumns are the columns of pod_user_info "u", in the order of
// authUserFields.
const authUserColumns = `u."id", u."user_identifier", u."user_name", u."full_name", u."email", u."created", ` +
	`u."image_url", u."scope_names", u."blocked"`

// authUserFields are the scan targets of authUserColumns.
func authUserFields(u *UserInfo) []any {
	return []any{&u.ID, &u.UserIdentifier, &u.UserName, &u.FullName, &u.Email, &u.Created,
		&u.ImageURL, &u.ScopeNames, &u.Blocked}
}

// selectKeySQL finds a key and its user in one query by the key's primary
// key and the user's.
const selectKeySQL = `SELECT k."secret_hash", k."expires", ` + authUserColumns + `
FROM "pod_auth_key" k JOIN "pod_user_info" u ON u."id" = k."user_id" WHERE k."id" = $1`

// lookupKey returns the user of the key in header, nil when the header is
// not a valid key of a user who is not blocked.
func (a *Auth) lookupKey(header string) (*UserInfo, int64, error) {
	id, secret, ok := parseAuthHeader(header)
	if !ok {
		return nil, 0, nil
	}
	var u UserInfo
	var stored []byte
	var expires *time.Time
	found := false
	err := a.s.DB.query(selectKeySQL, []any{id}, func(r pgx.Rows) error {
		found = true
		return r.Scan(append([]any{&stored, &expires}, authUserFields(&u)...)...)
	})
	if err != nil || !found {
		return nil, 0, err
	}
	sum := sha256.Sum256(secret)
	if subtle.ConstantTimeCompare(sum[:], stored) != 1 || u.Blocked ||
		(expires != nil && !a.s.rt.authNow().Before(*expires)) {
		return nil, 0, nil
	}
	return &u, id, nil
}

// lookupUser returns user id, nil when there is none or it is blocked.
func (a *Auth) lookupUser(id int64) (*UserInfo, error) {
	u, err := a.findUser(a.s.DB, `WHERE u."id" = $1`, id)
	if u != nil && u.Blocked {
		u = nil
	}
	return u, err
}

// findUser is the user that where (on "u") selects, nil for none.
func (a *Auth) findUser(db *DB, where string, args ...any) (*UserInfo, error) {
	var u *UserInfo
	err := db.query(`SELECT `+authUserColumns+` FROM "pod_user_info" u `+where, args, func(r pgx.Rows) error {
		u = new(UserInfo)
		return r.Scan(authUserFields(u)...)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// The key format: "<keyId>:<secret>", the secret 32 random bytes in
// base64url without padding (43 characters); the header "Bearer <key>".
const (
	authSecretBytes = 32
	authSecretChars = 43
)

// authSecretEncoding decodes a secret strictly: one spelling per secret.
var authSecretEncoding = base64.RawURLEncoding.Strict()

// parseAuthHeader reads "Bearer <keyId>:<secret>" (the scheme in any
// case): a positive decimal key id without sign or leading zero, and a
// secret of exactly authSecretBytes. Anything else is not a key, and
// costs no query.
func parseAuthHeader(h string) (id int64, secret []byte, ok bool) {
	scheme, key, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return 0, nil, false
	}
	idText, secretText, found := strings.Cut(strings.TrimSpace(key), ":")
	if !found || idText == "" || idText[0] < '1' || idText[0] > '9' || len(secretText) != authSecretChars {
		return 0, nil, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return 0, nil, false
	}
	secret, err = authSecretEncoding.DecodeString(secretText)
	if err != nil || len(secret) != authSecretBytes {
		return 0, nil, false
	}
	return id, secret, true
}

// issueKey makes a key for user u signed in with method ("email",
// "google", "apple"): only its secret's SHA-256 is stored. The answer
// carries the key id and the secret; the client sends both.
func (a *Auth) issueKey(u *UserInfo, method string) (AuthenticationResponse, error) {
	secret := make([]byte, authSecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return AuthenticationResponse{}, err
	}
	sum := sha256.Sum256(secret)
	now := a.s.rt.authNow().UTC()
	var expires *time.Time
	if d := a.s.rt.authConfig().KeyLifetime; d > 0 {
		e := now.Add(d)
		expires = &e
	}
	var id int64
	err := a.s.DB.query(`INSERT INTO "pod_auth_key" ("user_id", "secret_hash", "method", "created", "expires")
	VALUES ($1, $2, $3, $4, $5) RETURNING "id"`, []any{u.ID, sum[:], method, now, expires},
		func(r pgx.Rows) error { return r.Scan(&id) })
	if err != nil {
		return AuthenticationResponse{}, err
	}
	key := authSecretEncoding.EncodeToString(secret)
	return AuthenticationResponse{Success: true, Key: &key, KeyID: &id, UserInfo: u}, nil
}

// authFailed is the answer to a sign-in refused for reason.
func authFailed(reason AuthenticationFailReason) AuthenticationResponse {
	return AuthenticationResponse{FailReason: &reason}
}
