package pod

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testKeys are RSA keys made once for the package's tests (generating
// 2048-bit keys takes a while under -race).
var testKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 3)
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// epoch is the tests' wall clock at the start.
var epoch = time.Unix(1_800_000_000, 0)

// fakeClock is a clock the tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// jwksServer is a provider's key endpoint serving the public halves of
// the keys it is told, and counting requests.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int64

	mu           sync.Mutex
	keys         map[string]*rsa.PublicKey
	cacheControl string
	status       int              // 0: 200
	body         []byte           // served instead of the keys when set
	gate         chan struct{}    // when set, requests wait for it to close
	handler      http.HandlerFunc // when set, answers instead (hits still counted)
}

func newJWKSServer(t testing.TB, keys map[string]*rsa.PublicKey) *jwksServer {
	s := &jwksServer{keys: keys}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) serve(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	gate, status, body, cc, h := s.gate, s.status, s.body, s.cacheControl, s.handler
	if body == nil {
		body = jwksDoc(s.keys)
	}
	s.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	if gate != nil {
		<-gate
	}
	if cc != "" {
		w.Header().Set("Cache-Control", cc)
	}
	if status != 0 {
		w.WriteHeader(status)
	}
	w.Write(body)
}

// set changes what the server does under its lock.
func (s *jwksServer) set(f func(s *jwksServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// jwksDoc is a key set document as Google serves it.
func jwksDoc(keys map[string]*rsa.PublicKey) []byte {
	type key struct {
		Kty string `json:"kty"`
		Alg string `json:"alg"`
		Use string `json:"use"`
		Kid string `json:"kid"`
		N   string `json:"n"`
		E   string `json:"e"`
	}
	var doc struct {
		Keys []key `json:"keys"`
	}
	for kid, k := range keys {
		doc.Keys = append(doc.Keys, key{
			Kty: "RSA", Alg: "RS256", Use: "sig", Kid: kid,
			N: b64(k.N.Bytes()), E: b64(big.NewInt(int64(k.E)).Bytes()),
		})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// fixture is a Google verifier wired to a local key server and a fake
// clock, with key 0 published as "k0".
type fixture struct {
	srv   *jwksServer
	clock *fakeClock
	v     *idTokenVerifier
}

const testClientID = "client-1.apps.googleusercontent.com"

func newFixture(t testing.TB, p idProvider) *fixture {
	srv := newJWKSServer(t, map[string]*rsa.PublicKey{"k0": &testKeys()[0].PublicKey})
	p.jwksURL = srv.URL
	clock := &fakeClock{t: epoch}
	v := newIDTokenVerifier(p, srv.Client())
	v.keys.now = clock.Now
	return &fixture{srv: srv, clock: clock, v: v}
}

func (f *fixture) verify(t testing.TB, raw string) (idClaims, error) {
	t.Helper()
	return f.v.verify(context.Background(), raw)
}

// googleClaims is a valid Google payload at time now.
func googleClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":            "https://accounts.google.com",
		"aud":            testClientID,
		"azp":            testClientID,
		"sub":            "110169484474386276334",
		"email":          "ada@example.com",
		"email_verified": true,
		"given_name":     "Ada",
		"family_name":    "Lovelace",
		"name":           "Ada Lovelace",
		"iat":            now.Unix(),
		"exp":            now.Add(time.Hour).Unix(),
	}
}

// sign makes an RS256 token with key i of testKeys under kid.
func sign(t testing.TB, claims jwt.MapClaims, kid string, i int) string {
	t.Helper()
	return signWith(t, jwt.SigningMethodRS256, claims, kid, testKeys()[i])
}

func signWith(t testing.TB, m jwt.SigningMethod, claims jwt.MapClaims, kid string, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// publicPEM is key i's public half as PEM, the secret of the classic
// RS256-to-HS256 confusion attack.
func publicPEM(t testing.TB, i int) []byte {
	der, err := x509.MarshalPKIXPublicKey(&testKeys()[i].PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// settle waits for the fetch running in the background, if any.
func (f *fixture) settle() {
	c := f.v.keys
	c.mu.Lock()
	fetch := c.inflight
	c.mu.Unlock()
	if fetch != nil {
		<-fetch.done
	}
}

// hold makes requests wait until the returned release is called; the
// test's end releases them too, so a failing test does not leave the
// server's Close waiting for a held request.
func (s *jwksServer) hold(t testing.TB) (release func()) {
	gate := make(chan struct{})
	s.set(func(s *jwksServer) { s.gate = gate })
	release = sync.OnceFunc(func() { close(gate) })
	t.Cleanup(release)
	return release
}
