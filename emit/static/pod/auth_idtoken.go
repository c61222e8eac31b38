// This file verifies the ID tokens Google and Apple sign (OpenID Connect
// JWTs) against the keys each provider publishes (auth_jwks.go). Like
// every auth_*.go file, it is copied only into apps that enable the auth
// module.
package pod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// idProvider says which tokens of one provider an app accepts.
type idProvider struct {
	name                 string   // "google", "apple"
	issuers              []string // iss must be one of them
	audiences            []string // aud must hold one: the app's client (service) IDs
	jwksURL              string   // where the provider publishes its signing keys
	requireEmailVerified bool     // refuse tokens whose email is not verified
}

// googleProvider accepts Google ID tokens issued to one of clientIDs.
// Google's email is the account's own, so it must be verified: an
// unverified address would let a sign-in take over the account that owns it.
func googleProvider(clientIDs ...string) idProvider {
	return idProvider{
		name:                 "google",
		issuers:              []string{"https://accounts.google.com", "accounts.google.com"},
		audiences:            clientIDs,
		jwksURL:              "https://www.googleapis.com/oauth2/v3/certs",
		requireEmailVerified: true,
	}
}

// appleProvider accepts Sign in with Apple identity tokens issued to one of
// serviceIDs (the app's bundle or services IDs). Apple may leave the email
// out (it sends it on the first sign-in only, or a relay address), so it
// is not required; idClaims.EmailVerified tells whether it may link
// accounts.
func appleProvider(serviceIDs ...string) idProvider {
	return idProvider{
		name:      "apple",
		issuers:   []string{"https://appleid.apple.com"},
		audiences: serviceIDs,
		jwksURL:   "https://appleid.apple.com/auth/keys",
	}
}

// idClaims is what a verified token says about its user. Subject is the
// provider's stable user id; EmailVerified is true only with an Email.
type idClaims struct {
	Subject, Email        string
	EmailVerified         bool
	GivenName, FamilyName string
	Name                  string
}

// idTokenError is one reason to refuse a token. Every one matches
// errInvalidIDToken, so the caller answers 401 for any of them (with a
// fixed message: the error text is for the server's log, not the client).
type idTokenError string

func (e idTokenError) Error() string { return "id token refused: " + string(e) }

// Is makes every refusal match errInvalidIDToken.
func (e idTokenError) Is(target error) bool { return target == errInvalidIDToken }

// errInvalidIDToken matches every refusal (errors.Is).
var errInvalidIDToken = errors.New("invalid id token")

// The refusals.
const (
	errMalformed       idTokenError = "malformed"
	errAlgorithm       idTokenError = "algorithm is not RS256"
	errMissingKeyID    idTokenError = "no key id"
	errUnknownKey      idTokenError = "unknown key id"
	errSignature       idTokenError = "bad signature"
	errExpired         idTokenError = "expired"
	errNotYetValid     idTokenError = "issued or valid only in the future"
	errAudience        idTokenError = "not issued to this app"
	errIssuer          idTokenError = "wrong issuer"
	errMissingClaim    idTokenError = "a required claim is missing"
	errEmailUnverified idTokenError = "email not verified"
)

// errNotConfigured is returned for every token when the provider has no
// audience: a verifier that accepted any client ID would accept tokens
// issued to other apps.
var errNotConfigured = errors.New("id token provider has no client id configured")

// idTokenLeeway is the clock skew allowed on exp, nbf and iat.
const idTokenLeeway = time.Minute

// maxIDTokenBytes bounds the work an oversized token can cause; real ones
// are 1 to 2 KiB.
const maxIDTokenBytes = 16 << 10

// idTokenVerifier verifies one provider's ID tokens. It is safe for
// concurrent use.
type idTokenVerifier struct {
	p      idProvider
	keys   *jwksCache
	parser *jwt.Parser
}

// newIDTokenVerifier returns a verifier for p that fetches keys with hc
// (nil: a client with jwksTimeout).
func newIDTokenVerifier(p idProvider, hc *http.Client) *idTokenVerifier {
	if hc == nil {
		hc = &http.Client{Timeout: jwksTimeout}
	}
	p.issuers = nonEmpty(p.issuers)
	p.audiences = nonEmpty(p.audiences)
	v := &idTokenVerifier{p: p, keys: &jwksCache{url: p.jwksURL, hc: hc, now: time.Now}}
	v.parser = jwt.NewParser(
		jwt.WithLeeway(idTokenLeeway),
		jwt.WithTimeFunc(func() time.Time { return v.keys.now() }),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithAudience(p.audiences...),
	)
	return v
}

// nonEmpty copies list without its empty strings, so that a blank client
// ID in the config matches nothing.
func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// tokenClaims is the payload of an ID token.
type tokenClaims struct {
	jwt.RegisteredClaims
	Email         string   `json:"email"`
	EmailVerified flexBool `json:"email_verified"`
	GivenName     string   `json:"given_name"`
	FamilyName    string   `json:"family_name"`
	Name          string   `json:"name"`
}

// flexBool reads a JSON boolean, or the strings "true" and "false" that
// Apple sends instead.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", `"true"`:
		*b = true
	case "false", `"false"`, "null":
		*b = false
	default:
		return errors.New(`email_verified is neither a boolean nor "true" or "false"`)
	}
	return nil
}

// verify checks raw (a compact JWS) and returns its claims. The signature
// is checked first (RS256 with a key of the provider named by the kid
// header), then exp, nbf, iat, aud, iss, sub and the email. A refusal
// matches errInvalidIDToken; errKeysUnavailable and errNotConfigured mean
// the token could not be judged.
func (v *idTokenVerifier) verify(ctx context.Context, raw string) (idClaims, error) {
	if len(v.p.audiences) == 0 {
		return idClaims{}, errNotConfigured
	}
	if len(raw) > maxIDTokenBytes {
		return idClaims{}, errMalformed
	}
	var c tokenClaims
	var keyErr error // the key lookup's own error, returned as is
	_, err := v.parser.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		key, err := v.key(ctx, t)
		keyErr = err
		return key, err
	})
	switch {
	case keyErr != nil:
		return idClaims{}, keyErr
	case err != nil:
		return idClaims{}, refusal(err)
	case !slices.Contains(v.p.issuers, c.Issuer):
		return idClaims{}, errIssuer
	case c.Subject == "" || c.IssuedAt == nil:
		return idClaims{}, errMissingClaim
	}
	verified := bool(c.EmailVerified) && c.Email != ""
	if v.p.requireEmailVerified && !verified {
		return idClaims{}, errEmailUnverified
	}
	return idClaims{
		Subject: c.Subject, Email: c.Email, EmailVerified: verified,
		GivenName: c.GivenName, FamilyName: c.FamilyName, Name: c.Name,
	}, nil
}

// key is the jwt key function: RS256 only (the identity check excludes
// none, HMAC with the public key as secret, and every other method), and a
// kid the provider publishes.
func (v *idTokenVerifier) key(ctx context.Context, t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodRS256 {
		return nil, errAlgorithm
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errMissingKeyID
	}
	return v.keys.key(ctx, kid)
}

// refusal maps an error of the jwt parser to the refusal it stands for,
// keeping the parser's text for the log.
func refusal(err error) error {
	var reason idTokenError
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		reason = errMalformed
	case errors.Is(err, jwt.ErrTokenUnverifiable): // alg missing or unknown
		reason = errAlgorithm
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		reason = errSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		reason = errExpired
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued), errors.Is(err, jwt.ErrTokenNotValidYet):
		reason = errNotYetValid
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		reason = errAudience
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		reason = errMissingClaim
	default:
		reason = errMalformed
	}
	return fmt.Errorf("%w (%v)", reason, err)
}
