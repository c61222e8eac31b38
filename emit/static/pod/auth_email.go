package pod

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// The verification codes: authCodeLength characters of an alphabet
// without look-alikes (0/O, 1/I), 5 random bits each (50 bits), so a code
// is easy to type and hopeless to guess within its lifetime and tries.
const (
	authCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	authCodeLength   = 10
	// authCodeMaxTries is how many wrong codes an account request takes
	// before it is deleted (the user asks for a new one).
	authCodeMaxTries = 3
	// authUserNameMaxBytes bounds the user name of an account request.
	authUserNameMaxBytes = 256
)

// newAuthCode is a fresh code from crypto/rand: each byte's low 5 bits
// pick a character, uniformly since 256 is a multiple of 32.
func newAuthCode() (string, error) {
	b := make([]byte, authCodeLength)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = authCodeAlphabet[b[i]&31]
	}
	return string(b), nil
}

// authCodeHash is what is stored of a code: the SHA-256 of the code as
// typed, in upper case, without spaces and dashes.
func authCodeHash(code string) []byte {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return unicode.ToUpper(r)
	}, code)
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}

// authNormalEmail is the form emails are stored and compared in.
func authNormalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// authValidEmail accepts what can be an address (local@domain, at most 254
// bytes, no spaces or control characters): the code sent to it proves the
// rest.
func authValidEmail(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at > 0 && at < len(email)-1 && len(email) <= 254 && utf8.ValidString(email) &&
		!strings.ContainsFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// EmailCreateAccountRequest starts an account: it stores the request
// (the password's hash, never the password) and mails a verification
// code. It answers true for an email that already has an account as well,
// without storing or sending anything, so the answer does not tell who
// has one; false for an invalid email, user name or password.
func (a *Auth) EmailCreateAccountRequest(userName, email, password string) (bool, error) {
	rt := a.s.rt
	if !rt.auth.started {
		return false, errAuthNotStarted
	}
	userName, email = strings.TrimSpace(userName), authNormalEmail(email)
	if userName == "" || len(userName) > authUserNameMaxBytes || !authValidEmail(email) || !authValidPassword(password) {
		return false, nil
	}
	cfg := rt.authConfig()
	hash, err := hashPassword(password, cfg.Pepper) // for a known email too: the same cost
	if err != nil {
		return false, err
	}
	known, err := a.exists(`SELECT 1 FROM "pod_email_auth" WHERE "email" = $1`, email)
	if err != nil || known {
		return err == nil, err
	}
	if ok, err := a.mayMail(email); err != nil || !ok {
		return err == nil, err // answered as if sent
	}
	code, err := newAuthCode()
	if err != nil {
		return false, err
	}
	now := rt.authNow().UTC()
	if _, err := a.s.DB.Exec(`DELETE FROM "pod_email_create_request" WHERE "expires" <= $1`, now); err != nil {
		return false, err
	}
	// A new request for the same email replaces the old one and its code.
	_, err = a.s.DB.Exec(`INSERT INTO "pod_email_create_request" ("user_name", "email", "hash", "code_hash", "expires")
	VALUES ($1, $2, $3, $4, $5) ON CONFLICT ("email") DO UPDATE SET "user_name" = EXCLUDED."user_name",
	"hash" = EXCLUDED."hash", "code_hash" = EXCLUDED."code_hash", "expires" = EXCLUDED."expires", "failed_attempts" = 0`,
		userName, email, hash, authCodeHash(code), now.Add(cfg.CodeLifetime))
	if err != nil {
		return false, err
	}
	if err := rt.auth.mailer.SendVerificationCode(a.s, email, code); err != nil {
		return false, authMailerError(err)
	}
	return true, nil
}

// mayMail reports whether a code may be mailed to email now, and if so
// counts it: at most lockout.maxFailures codes per email within
// lockout.window, so that nobody can flood an address with account or
// reset requests. Past the limit the request is answered as usual and
// nothing is sent (the code sent before still works). It counts per email
// only: behind a proxy every user has the same client address, and a
// limit per address would stop sign-ups for all of them.
func (a *Auth) mayMail(email string) (bool, error) {
	cfg := a.s.rt.authConfig().Lockout
	now := a.s.rt.authNow().UTC()
	var sent int
	err := a.s.DB.query(`SELECT count(*) FROM "pod_email_sent" WHERE "email" = $1 AND "time" > $2`,
		[]any{email, now.Add(-cfg.Window)}, func(r pgx.Rows) error { return r.Scan(&sent) })
	if err != nil || sent >= cfg.MaxFailures {
		return false, err
	}
	_, err = a.s.DB.Exec(`WITH old AS (DELETE FROM "pod_email_sent" WHERE "time" <= $4)
	INSERT INTO "pod_email_sent" ("email", "ip_address", "time") VALUES ($1, $2, $3)`,
		email, a.address(), now, now.Add(-cfg.Window))
	return err == nil, err
}

// authMailerError is the app's mailer failing.
func authMailerError(err error) error { return errors.Join(errors.New("auth: the mailer failed"), err) }

// exists reports whether sql finds a row.
func (a *Auth) exists(sql string, args ...any) (bool, error) {
	found := false
	err := a.s.DB.query(sql, args, func(pgx.Rows) error { found = true; return nil })
	return found, err
}

// EmailCreateAccount makes the account of a request whose code is
// verificationCode, and returns its user; nil for a wrong, expired or
// used code (a request takes authCodeMaxTries wrong ones, and each counts
// against the client address's lockout). An existing user with that
// email (signed in with Google or Apple) gets the password instead of a
// second account.
func (a *Auth) EmailCreateAccount(email, verificationCode string) (*UserInfo, error) {
	email = authNormalEmail(email)
	if locked, err := a.lockedOut(""); err != nil || locked {
		return nil, err
	}
	var id int64
	var userName, hash string
	var codeHash []byte
	var expires time.Time
	var tries int
	found := false
	err := a.s.DB.query(`SELECT "id", "user_name", "hash", "code_hash", "expires", "failed_attempts"
	FROM "pod_email_create_request" WHERE "email" = $1`, []any{email}, func(r pgx.Rows) error {
		found = true
		return r.Scan(&id, &userName, &hash, &codeHash, &expires, &tries)
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !found:
		return nil, a.recordFailure("")
	case !a.s.rt.authNow().Before(expires):
		_, err := a.s.DB.Exec(`DELETE FROM "pod_email_create_request" WHERE "id" = $1`, id)
		return nil, err
	case subtle.ConstantTimeCompare(authCodeHash(verificationCode), codeHash) != 1:
		return nil, a.wrongRequestCode(id, tries)
	}
	var u *UserInfo
	err = a.s.DB.Transaction(func(tx *DB) error {
		// Deleting the request first makes its code single-use, also
		// against a concurrent call with the same code.
		n, err := tx.Exec(`DELETE FROM "pod_email_create_request" WHERE "id" = $1 AND "code_hash" = $2`, id, codeHash)
		if err != nil || n == 0 {
			return err
		}
		u, err = a.createEmailUser(tx, userName, email, hash)
		return err
	})
	var dup *UniqueViolationError
	if errors.As(err, &dup) { // the email got an account meanwhile
		return nil, nil
	}
	return u, err
}

// wrongRequestCode counts a wrong code of request id, deleting the
// request at its last try, and against the client address.
func (a *Auth) wrongRequestCode(id int64, tries int) error {
	sql := `UPDATE "pod_email_create_request" SET "failed_attempts" = "failed_attempts" + 1 WHERE "id" = $1`
	if tries+1 >= authCodeMaxTries {
		sql = `DELETE FROM "pod_email_create_request" WHERE "id" = $1`
	}
	if _, err := a.s.DB.Exec(sql, id); err != nil {
		return err
	}
	return a.recordFailure("")
}

// createEmailUser stores the email account of a verified request: on the
// user who has that email already, or on a new one.
func (a *Auth) createEmailUser(tx *DB, userName, email, hash string) (*UserInfo, error) {
	u, err := a.findUser(tx, `WHERE lower(u."email") = $1 ORDER BY u."id" LIMIT 1`, email)
	if err != nil {
		return nil, err
	}
	if u == nil {
		if u, err = a.insertUser(tx, email, &userName, nil, &email); err != nil {
			return nil, err
		}
	}
	_, err = tx.Exec(`INSERT INTO "pod_email_auth" ("user_id", "email", "hash") VALUES ($1, $2, $3)`, u.ID, email, hash)
	return u, err
}

// insertUser stores a new user without scopes.
func (a *Auth) insertUser(tx *DB, identifier string, userName, authFullName, email *string) (*UserInfo, error) {
	u := &UserInfo{UserIdentifier: identifier, UserName: userName, FullName: authFullName, Email: email,
		Created: a.s.rt.authNow().UTC().Truncate(time.Microsecond), ScopeNames: []string{}}
	err := tx.query(`INSERT INTO "pod_user_info" ("user_identifier", "user_name", "full_name", "email", "created",
	"image_url", "scope_names", "blocked") VALUES ($1, $2, $3, $4, $5, NULL, '[]', false) RETURNING "id"`,
		[]any{identifier, userName, authFullName, email, u.Created}, func(r pgx.Rows) error { return r.Scan(&u.ID) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

// EmailAuthenticate signs in with email and password. An unknown email
// and a wrong password get the same answer (invalidCredentials) after the
// same work (a password check against a dummy hash); both count against
// the lockout of the email and of the client address, and while either is
// locked the answer is tooManyFailedAttempts, without a password check. A
// blocked user learns it only with the right password.
func (a *Auth) EmailAuthenticate(email, password string) (AuthenticationResponse, error) {
	email = authNormalEmail(email)
	locked, err := a.lockedOut(email)
	if err != nil {
		return AuthenticationResponse{}, err
	}
	if locked {
		return authFailed(AuthenticationFailReasonTooManyFailedAttempts), nil
	}
	var u UserInfo
	var hash string
	found := false
	err = a.s.DB.query(`SELECT e."hash", `+authUserColumns+` FROM "pod_email_auth" e
	JOIN "pod_user_info" u ON u."id" = e."user_id" WHERE e."email" = $1`, []any{email}, func(r pgx.Rows) error {
		found = true
		return r.Scan(append([]any{&hash}, authUserFields(&u)...)...)
	})
	if err != nil {
		return AuthenticationResponse{}, err
	}
	if !found {
		hash = authDummyHash()
	}
	pepper := a.s.rt.authConfig().Pepper
	ok, current := verifyPassword(hash, password, pepper)
	if !ok || !found {
		return authFailed(AuthenticationFailReasonInvalidCredentials), a.recordFailure(email)
	}
	if u.Blocked {
		return authFailed(AuthenticationFailReasonBlocked), nil
	}
	if !current { // hashed with older parameters: store it with today's
		if err := a.rehash(u.ID, password, pepper); err != nil {
			return AuthenticationResponse{}, err
		}
	}
	return a.issueKey(&u, "email")
}

// rehash stores a new hash of the user's (verified) password.
func (a *Auth) rehash(userID int64, password, pepper string) error {
	hash, err := hashPassword(password, pepper)
	if err != nil {
		return err
	}
	_, err = a.s.DB.Exec(`UPDATE "pod_email_auth" SET "hash" = $2 WHERE "user_id" = $1`, userID, hash)
	return err
}

// lockedOut reports whether sign-ins for email ("": codes, which have no
// email) or from the client's address failed the configured number of
// times within the window. A call without an address (not from a
// request) is limited by email only.
func (a *Auth) lockedOut(email string) (bool, error) {
	cfg := a.s.rt.authConfig().Lockout
	since := a.s.rt.authNow().UTC().Add(-cfg.Window)
	var byEmail, byAddr int
	err := a.s.DB.query(`SELECT count(*) FILTER (WHERE "email" = $1), count(*) FILTER (WHERE "ip_address" = $2)
	FROM "pod_email_failed_sign_in" WHERE ("email" = $1 OR "ip_address" = $2) AND "time" > $3`,
		[]any{authNullable(email), authNullable(a.address()), since},
		func(r pgx.Rows) error { return r.Scan(&byEmail, &byAddr) })
	return byEmail >= cfg.MaxFailures || byAddr >= cfg.MaxFailures, err
}

// recordFailure counts a failed sign-in for email ("" for a wrong code)
// from the client's address, and deletes the failures older than the
// window, which count no more.
func (a *Auth) recordFailure(email string) error {
	now := a.s.rt.authNow().UTC()
	_, err := a.s.DB.Exec(`WITH old AS (DELETE FROM "pod_email_failed_sign_in" WHERE "time" <= $4)
	INSERT INTO "pod_email_failed_sign_in" ("email", "ip_address", "time") VALUES ($1, $2, $3)`,
		authNullable(email), a.address(), now, now.Add(-a.s.rt.authConfig().Lockout.Window))
	return err
}

// address is the client's address FromRequest was given.
func (a *Auth) address() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

func authNullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// EmailInitiatePasswordReset mails a reset code to email if it has an
// account (replacing an earlier code). It answers true either way, so
// the answer does not tell who has an account.
func (a *Auth) EmailInitiatePasswordReset(email string) (bool, error) {
	rt := a.s.rt
	if !rt.auth.started {
		return false, errAuthNotStarted
	}
	email = authNormalEmail(email)
	var userID int64
	found := false
	err := a.s.DB.query(`SELECT "user_id" FROM "pod_email_auth" WHERE "email" = $1`, []any{email},
		func(r pgx.Rows) error { found = true; return r.Scan(&userID) })
	if err != nil || !found {
		return err == nil, err
	}
	if ok, err := a.mayMail(email); err != nil || !ok {
		return err == nil, err // answered as if sent
	}
	code, err := newAuthCode()
	if err != nil {
		return false, err
	}
	now := rt.authNow().UTC()
	if _, err := a.s.DB.Exec(`DELETE FROM "pod_email_reset" WHERE "expires" <= $1`, now); err != nil {
		return false, err
	}
	_, err = a.s.DB.Exec(`INSERT INTO "pod_email_reset" ("user_id", "code_hash", "expires") VALUES ($1, $2, $3)
	ON CONFLICT ("user_id") DO UPDATE SET "code_hash" = EXCLUDED."code_hash", "expires" = EXCLUDED."expires"`,
		userID, authCodeHash(code), now.Add(rt.authConfig().CodeLifetime))
	if err != nil {
		return false, err
	}
	if err := rt.auth.mailer.SendPasswordResetCode(a.s, email, code); err != nil {
		return false, authMailerError(err)
	}
	return true, nil
}

// EmailResetPassword sets the password of the account whose reset code is
// verificationCode, and signs that account out everywhere (whoever knew
// the old password loses their keys). It answers false for an invalid
// password, and for a wrong, expired or used code; a wrong code counts
// against the client address's lockout, and while that is locked every
// code is refused unchecked.
func (a *Auth) EmailResetPassword(verificationCode, password string) (bool, error) {
	if !authValidPassword(password) {
		return false, nil
	}
	if locked, err := a.lockedOut(""); err != nil || locked {
		return false, err
	}
	want := authCodeHash(verificationCode)
	var id, userID int64
	var stored []byte
	var expires time.Time
	found := false
	err := a.s.DB.query(`SELECT "id", "user_id", "code_hash", "expires" FROM "pod_email_reset" WHERE "code_hash" = $1`,
		[]any{want}, func(r pgx.Rows) error { found = true; return r.Scan(&id, &userID, &stored, &expires) })
	if err != nil {
		return false, err
	}
	if !found || subtle.ConstantTimeCompare(want, stored) != 1 {
		return false, a.recordFailure("")
	}
	if !a.s.rt.authNow().Before(expires) {
		_, err := a.s.DB.Exec(`DELETE FROM "pod_email_reset" WHERE "id" = $1`, id)
		return false, err
	}
	hash, err := hashPassword(password, a.s.rt.authConfig().Pepper)
	if err != nil {
		return false, err
	}
	done := false
	err = a.s.DB.Transaction(func(tx *DB) error {
		n, err := tx.Exec(`DELETE FROM "pod_email_reset" WHERE "id" = $1`, id) // single-use
		if err != nil || n == 0 {
			return err
		}
		if _, err := tx.Exec(`UPDATE "pod_email_auth" SET "hash" = $2 WHERE "user_id" = $1`, userID, hash); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM "pod_auth_key" WHERE "user_id" = $1`, userID)
		done = err == nil
		return err
	})
	return done, err
}
