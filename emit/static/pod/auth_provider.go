package pod

import (
	"errors"
	"strings"
)

// GoogleAuthenticate signs in with a Google ID token. A refused token (bad
// signature, another app's, expired, ...) is invalidCredentials, its
// reason in the session log; keys that cannot be fetched, or no client ID
// in the config, are errors.
func (a *Auth) GoogleAuthenticate(idToken string) (AuthenticationResponse, error) {
	return a.providerSignIn(a.s.rt.auth.google, idToken, nil, nil)
}

// AppleAuthenticate signs in with a Sign in with Apple identity token.
// Apple gives the user's name to the app, not in the token, and only at
// the first sign-in: firstName and lastName (may be nil) name a new user.
func (a *Auth) AppleAuthenticate(identityToken string, firstName, lastName *string) (AuthenticationResponse, error) {
	return a.providerSignIn(a.s.rt.auth.apple, identityToken, firstName, lastName)
}

// providerSignIn verifies token with v and signs its user in: the user
// linked to the token's subject; else the user with the token's email,
// only if the provider verified it (linked from then on); else a new user.
func (a *Auth) providerSignIn(v *idTokenVerifier, token string, first, last *string) (AuthenticationResponse, error) {
	if v == nil {
		return AuthenticationResponse{}, errAuthNotStarted
	}
	c, err := v.verify(a.s, token)
	if errors.Is(err, errInvalidIDToken) {
		a.s.Log("auth: "+v.p.name+" sign-in refused: "+err.Error(), LogLevelInfo)
		return authFailed(AuthenticationFailReasonInvalidCredentials), nil
	}
	if err != nil {
		return AuthenticationResponse{}, err
	}
	given, family := c.GivenName, c.FamilyName
	if first != nil {
		given = strings.TrimSpace(*first)
	}
	if last != nil {
		family = strings.TrimSpace(*last)
	}
	var u *UserInfo
	for try := 0; ; try++ {
		u, err = a.providerUser(v.p.name, c, given, family)
		var dup *UniqueViolationError
		if try == 0 && errors.As(err, &dup) {
			continue // a concurrent first sign-in of the same account stored it: find it
		}
		break
	}
	switch {
	case err != nil:
		return AuthenticationResponse{}, err
	case u.Blocked:
		return authFailed(AuthenticationFailReasonBlocked), nil
	}
	return a.issueKey(u, v.p.name)
}

// providerUser finds or makes the user of provider's account c.
func (a *Auth) providerUser(provider string, c idClaims, given, family string) (*UserInfo, error) {
	var u *UserInfo
	err := a.s.DB.Transaction(func(tx *DB) error {
		var err error
		u, err = a.findUser(tx, `JOIN "pod_auth_provider" p ON p."user_id" = u."id"
		WHERE p."provider" = $1 AND p."subject" = $2`, provider, c.Subject)
		if err != nil || u != nil {
			return err
		}
		var email *string
		if c.EmailVerified { // an unverified address could be anyone's: never linked, never stored
			e := normalizeEmail(c.Email)
			email = &e
			if u, err = a.findUser(tx, `WHERE lower(u."email") = $1 ORDER BY u."id" LIMIT 1`, e); err != nil {
				return err
			}
		}
		if u == nil {
			u, err = a.insertUser(tx, provider+":"+c.Subject, nonEmptyPtr(given), fullName(c.Name, given, family), email)
			if err != nil {
				return err
			}
		}
		_, err = tx.Exec(`INSERT INTO "pod_auth_provider" ("provider", "subject", "user_id", "created")
		VALUES ($1, $2, $3, $4)`, provider, c.Subject, u.ID, a.s.rt.authNow().UTC())
		return err
	})
	return u, err
}

// fullName is the token's name, or the given and family names joined.
func fullName(name, given, family string) *string {
	if name == "" {
		name = strings.TrimSpace(given + " " + family)
	}
	return nonEmptyPtr(name)
}

func nonEmptyPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
