package pod

import (
	"context"
	"crypto/rsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerify: no input panics, every error is a refusal or a key fetch
// failure, and an accepted token has a subject. The clock stands still, so
// made-up kids cost one fetch in all.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f, googleProvider(testClientID))
	valid := sign(f, googleClaims(epoch), "k0", 0)
	parts := strings.Split(valid, ".")
	f.Add(valid)
	f.Add(sign(f, googleClaims(epoch), "k0", 1))
	f.Add(sign(f, googleClaims(epoch), "k7", 0))
	f.Add(signWith(f, jwt.SigningMethodNone, googleClaims(epoch), "k0", jwt.UnsafeAllowNoneSignatureType))
	f.Add(signWith(f, jwt.SigningMethodHS256, googleClaims(epoch), "k0", publicPEM(f, 0)))
	f.Add(parts[0] + "." + b64([]byte(`{"aud":[1,{}],"exp":"x","email_verified":"maybe"}`)) + "." + parts[2])
	f.Add(b64([]byte(`{"alg":"RS256","kid":["k0"]}`)) + "." + parts[1] + "." + parts[2])
	f.Add("..")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := fx.v.verify(context.Background(), raw)
		switch {
		case err == nil:
			if c.Subject == "" {
				t.Errorf("accepted %q without a subject", raw)
			}
		case !errors.Is(err, errInvalidIDToken) && !errors.Is(err, errKeysUnavailable):
			t.Errorf("%q: error %v is neither a refusal nor a fetch failure", raw, err)
		}
	})
}

// FuzzParseJWKS: no key set document panics, and every key kept is one
// the verifier may use.
func FuzzParseJWKS(f *testing.F) {
	k := &testKeys()[0].PublicKey
	f.Add(jwksDoc(map[string]*rsa.PublicKey{"a": k}))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"a","n":"` + b64(k.N.Bytes()) + `","e":"AAAAAAAB"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := parseJWKS(body)
		if err != nil {
			return
		}
		for kid, key := range keys {
			if kid == "" || key.N.BitLen() < rsaMinBits || key.E < 3 || key.E%2 == 0 || big.NewInt(int64(key.E)).BitLen() > 31 {
				t.Errorf("kept key %q: %d bits, e %d", kid, key.N.BitLen(), key.E)
			}
		}
	})
}

// BenchmarkVerify is the cost of one Google token against cached keys.
func BenchmarkVerify(b *testing.B) {
	fx := newFixture(b, googleProvider(testClientID))
	tok := sign(b, googleClaims(epoch), "k0", 0)
	if _, err := fx.verify(b, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fx.v.verify(context.Background(), tok); err != nil {
			b.Fatal(err)
		}
	}
	if n := fx.srv.hits.Load(); n != 1 {
		b.Errorf("%d fetches, want 1", n)
	}
}

// BenchmarkVerifyParallel shows that cached lookups do not contend.
func BenchmarkVerifyParallel(b *testing.B) {
	fx := newFixture(b, googleProvider(testClientID))
	tok := sign(b, googleClaims(epoch), "k0", 0)
	if _, err := fx.verify(b, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := fx.v.verify(context.Background(), tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRSAVerify is the floor under BenchmarkVerify: the signature
// check alone, without parsing the token.
func BenchmarkRSAVerify(b *testing.B) {
	tok := sign(b, googleClaims(epoch), "k0", 0)
	i := strings.LastIndexByte(tok, '.')
	sig, err := jwt.NewParser().DecodeSegment(tok[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	key := &testKeys()[0].PublicKey
	b.ReportAllocs()
	for b.Loop() {
		if err := jwt.SigningMethodRS256.Verify(tok[:i], sig, key); err != nil {
			b.Fatal(err)
		}
	}
}
