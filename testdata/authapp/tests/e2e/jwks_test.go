package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwksServer stands in for Google's and Apple's key servers: it publishes
// the test's own RSA public keys at /google and /apple.
type jwksServer struct {
	url    string
	key    *rsa.PrivateKey // published as kid "k1"
	other  *rsa.PrivateKey // not published: forged signatures
	keyPEM []byte          // the public key, PEM: the HS256 confusion attack's secret
}

func newJWKSServer(t *testing.T) *jwksServer {
	t.Helper()
	j := &jwksServer{key: rsaKey(t), other: rsaKey(t)}
	der, err := x509.MarshalPKIXPublicKey(&j.key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	j.keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	b64 := base64.RawURLEncoding.EncodeToString
	body, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "k1",
		"n": b64(j.key.N.Bytes()), "e": b64(big.NewInt(int64(j.key.E)).Bytes()),
	}}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	j.url = srv.URL
	return j
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// claims are a valid token's claims for a provider, changed by edit.
func googleClaims(sub, email string, verified bool) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"iss": "https://accounts.google.com", "aud": "test-google-client", "sub": sub,
		"email": email, "email_verified": verified, "name": "Gina Google",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

func appleClaims(sub, email string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"iss": "https://appleid.apple.com", "aud": "com.example.authapp", "sub": sub,
		"email": email, "email_verified": "true", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

// sign signs claims with RS256 and key id kid.
func sign(t *testing.T, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unsigned is a token with "alg": "none".
func unsigned(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, claims)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hmacWithPublicKey is the algorithm-confusion attack: HS256 keyed with
// the provider's public key.
func hmacWithPublicKey(t *testing.T, j *jwksServer, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(j.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
