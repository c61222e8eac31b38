package pod

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestKeyRotation: a token signed with a key published after the last
// fetch makes the verifier fetch once more, and then passes.
func TestKeyRotation(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	if _, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0)); err != nil {
		t.Fatal(err)
	}
	f.srv.set(func(s *jwksServer) {
		s.keys = map[string]*rsa.PublicKey{"k0": &testKeys()[0].PublicKey, "k1": &testKeys()[1].PublicKey}
	})
	f.clock.Advance(jwksMinRefetch)
	for range 3 {
		if _, err := f.verify(t, sign(t, googleClaims(f.clock.Now()), "k1", 1)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.verify(t, sign(t, googleClaims(f.clock.Now()), "k0", 0)); err != nil {
		t.Fatalf("the old key after rotation: %v", err)
	}
	if n := f.srv.hits.Load(); n != 2 {
		t.Errorf("%d fetches, want 2 (the first, one for the new kid)", n)
	}
}

// TestUnknownKIDFlood: many tokens with made-up kids cost one fetch per
// jwksMinRefetch, and a rotation inside that interval waits for its end.
func TestUnknownKIDFlood(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	if _, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0)); err != nil {
		t.Fatal(err)
	}
	f.srv.set(func(s *jwksServer) { s.keys["k1"] = &testKeys()[1].PublicKey })
	f.clock.Advance(jwksMinRefetch - time.Second)
	if _, err := f.verify(t, sign(t, googleClaims(epoch), "k1", 1)); !errors.Is(err, errUnknownKey) {
		t.Fatalf("new kid within the interval: err = %v, want %v", err, errUnknownKey)
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Fatalf("%d fetches within the interval, want 1", n)
	}
	f.clock.Advance(time.Second)
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		tok := sign(t, googleClaims(epoch), fmt.Sprintf("made-up-%d", i), 2)
		wg.Go(func() { _, errs[i] = f.v.verify(context.Background(), tok) })
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, errUnknownKey) {
			t.Fatalf("token %d: err = %v, want %v", i, err, errUnknownKey)
		}
	}
	if n := f.srv.hits.Load(); n != 2 {
		t.Errorf("%d fetches after a flood of 200 unknown kids, want 2", n)
	}
	// The flood's fetch brought k1 too.
	if _, err := f.verify(t, sign(t, googleClaims(epoch), "k1", 1)); err != nil {
		t.Errorf("k1 after the refetch: %v", err)
	}
	f.clock.Advance(jwksMinRefetch)
	f.verify(t, sign(t, googleClaims(epoch), "made-up-again", 2))
	if n := f.srv.hits.Load(); n != 3 {
		t.Errorf("%d fetches after the next interval, want 3", n)
	}
}

// TestConcurrentVerifyCoalesced: callers that find no keys while a fetch
// runs wait for it instead of fetching (or, rate-limited, failing).
func TestConcurrentVerifyCoalesced(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	release := f.srv.hold(t)
	tok := sign(t, googleClaims(epoch), "k0", 0)
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.v.verify(context.Background(), tok) })
	}
	for f.srv.hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the others queue behind the fetch
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Errorf("%d fetches for 50 concurrent callers, want 1", n)
	}
}

// TestWaiterGivesUp: a caller whose context ends stops waiting for a
// fetch, which goes on and serves the next caller.
func TestWaiterGivesUp(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	release := f.srv.hold(t)
	tok := sign(t, googleClaims(epoch), "k0", 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := f.v.verify(ctx, tok)
	if !errors.Is(err, errKeysUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want %v with the deadline", err, errKeysUnavailable)
	}
	if errors.Is(err, errInvalidIDToken) {
		t.Errorf("%v is not a refusal of the token", err)
	}
	release()
	if _, err := f.verify(t, tok); err != nil {
		t.Fatal(err)
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

// TestKeysKeptOnFetchFailure: when the provider fails, keys already held
// keep verifying past their expiry; a kid they lack reports the failure.
func TestKeysKeptOnFetchFailure(t *testing.T) {
	failures := map[string]func(s *jwksServer){
		"status 500":   func(s *jwksServer) { s.status = http.StatusInternalServerError },
		"not JSON":     func(s *jwksServer) { s.body = []byte("<html>") },
		"no keys":      func(s *jwksServer) { s.body = []byte(`{"keys":[]}`) },
		"no RSA keys":  func(s *jwksServer) { s.body = []byte(`{"keys":[{"kty":"EC","kid":"k0","crv":"P-256"}]}`) },
		"server gone":  func(s *jwksServer) { s.Close() },
		"too large":    func(s *jwksServer) { s.body = bytes.Repeat([]byte(" "), jwksMaxBytes+1) },
		"empty answer": func(s *jwksServer) { s.body = []byte{} },
	}
	for name, fail := range failures {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, googleProvider(testClientID))
			if _, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0)); err != nil {
				t.Fatal(err)
			}
			f.srv.set(fail)
			f.clock.Advance(jwksDefaultTTL + time.Minute) // keys stale: a refresh is due
			now := f.clock.Now()
			if _, err := f.verify(t, sign(t, googleClaims(now), "k0", 0)); err != nil {
				t.Fatalf("old key after a failed refresh: %v", err)
			}
			_, err := f.verify(t, sign(t, googleClaims(now), "k1", 1))
			if !errors.Is(err, errKeysUnavailable) || errors.Is(err, errInvalidIDToken) {
				t.Errorf("unknown kid after a failed refresh: err = %v, want %v", err, errKeysUnavailable)
			}
			if n, want := f.srv.hits.Load(), int64(2); name != "server gone" && n != want {
				t.Errorf("%d fetches, want %d (the failed refresh is not retried at once)", n, want)
			}
		})
	}
}

// TestColdFetchFailure: without keys and without a provider nothing is
// judged, and the failure is not a refusal.
func TestColdFetchFailure(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	f.srv.set(func(s *jwksServer) { s.status = http.StatusServiceUnavailable })
	tok := sign(t, googleClaims(epoch), "k0", 0)
	for range 2 {
		_, err := f.verify(t, tok)
		if !errors.Is(err, errKeysUnavailable) || !strings.Contains(err.Error(), "503") {
			t.Fatalf("err = %v, want %v with the status", err, errKeysUnavailable)
		}
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
	f.srv.set(func(s *jwksServer) { s.status = 0 })
	f.clock.Advance(jwksMinRefetch)
	if _, err := f.verify(t, tok); err != nil {
		t.Errorf("after the provider is back: %v", err)
	}
}

// TestOversizedJWKS: a key set over jwksMaxBytes is refused even when it
// is valid JSON holding the right key, announced or not by Content-Length.
func TestOversizedJWKS(t *testing.T) {
	doc := jwksDoc(map[string]*rsa.PublicKey{"k0": &testKeys()[0].PublicKey})
	padded := append(bytes.Repeat([]byte(" "), jwksMaxBytes+1-len(doc)), doc...)
	for _, chunked := range []bool{false, true} {
		f := newFixture(t, googleProvider(testClientID))
		f.srv.set(func(s *jwksServer) {
			s.handler = func(w http.ResponseWriter, r *http.Request) {
				if chunked {
					w.Write(padded[:10])
					w.(http.Flusher).Flush()
					w.Write(padded[10:])
					return
				}
				w.Header().Set("Content-Length", fmt.Sprint(len(padded)))
				w.Write(padded)
			}
		})
		_, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0))
		if !errors.Is(err, errJWKSTooLarge) || !errors.Is(err, errKeysUnavailable) {
			t.Errorf("chunked %v: err = %v, want %v", chunked, err, errJWKSTooLarge)
		}
	}
	// One byte less is accepted: the limit is what refused it.
	f := newFixture(t, googleProvider(testClientID))
	f.srv.set(func(s *jwksServer) { s.body = padded[1:] })
	if _, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0)); err != nil {
		t.Errorf("a key set of exactly 1 MiB: %v", err)
	}
}

// TestMaxAgeHonoured: the keys are refetched when the provider's max-age
// (bounded to [1 min, 24 h]) runs out, not before.
func TestMaxAgeHonoured(t *testing.T) {
	cases := []struct {
		cacheControl string
		ttl          time.Duration
	}{
		{"public, max-age=19970, must-revalidate, no-transform", 19970 * time.Second},
		{"max-age=5", jwksMinTTL},
		{"max-age=999999999", jwksMaxTTL},
		{"", jwksDefaultTTL},
	}
	for _, tc := range cases {
		t.Run(tc.cacheControl, func(t *testing.T) {
			f := newFixture(t, googleProvider(testClientID))
			f.srv.set(func(s *jwksServer) { s.cacheControl = tc.cacheControl })
			check := func(wantHits int64) {
				t.Helper()
				if _, err := f.verify(t, sign(t, googleClaims(f.clock.Now()), "k0", 0)); err != nil {
					t.Fatal(err)
				}
				f.settle()
				if n := f.srv.hits.Load(); n != wantHits {
					t.Fatalf("at %v: %d fetches, want %d", f.clock.Now().Sub(epoch), n, wantHits)
				}
			}
			check(1)
			f.clock.Advance(tc.ttl - time.Second)
			check(1)
			f.clock.Advance(time.Second)
			check(2)
			check(2)
		})
	}
}

// TestStaleKeyServes: a stale set's key verifies at once while the
// refresh it triggers waits for the provider.
func TestStaleKeyServes(t *testing.T) {
	f := newFixture(t, googleProvider(testClientID))
	if _, err := f.verify(t, sign(t, googleClaims(epoch), "k0", 0)); err != nil {
		t.Fatal(err)
	}
	release := f.srv.hold(t)
	f.srv.set(func(s *jwksServer) { s.keys = map[string]*rsa.PublicKey{"k1": &testKeys()[1].PublicKey} })
	f.clock.Advance(jwksDefaultTTL)
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := f.v.verify(ctx, sign(t, googleClaims(f.clock.Now()), "k0", 0))
		cancel()
		if err != nil {
			t.Fatalf("stale key during the refresh: %v", err)
		}
	}
	release()
	f.settle()
	if n := f.srv.hits.Load(); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
	if _, err := f.verify(t, sign(t, googleClaims(f.clock.Now()), "k0", 0)); !errors.Is(err, errUnknownKey) {
		t.Errorf("a key the refresh removed: err = %v, want %v", err, errUnknownKey)
	}
	if _, err := f.verify(t, sign(t, googleClaims(f.clock.Now()), "k1", 1)); err != nil {
		t.Errorf("the key the refresh brought: %v", err)
	}
}

func TestCacheTTL(t *testing.T) {
	cases := []struct {
		cacheControl, age string
		want              time.Duration
	}{
		{"", "", jwksDefaultTTL},
		{"max-age=600", "", 10 * time.Minute},
		{"Public, MAX-AGE=600", "", 10 * time.Minute},
		{`max-age="600"`, "", 10 * time.Minute},
		{"max-age=600", "100", 500 * time.Second},
		{"max-age=600", "9999", jwksMinTTL},
		{"max-age=600", "junk", 10 * time.Minute},
		{"max-age=0", "", jwksMinTTL},
		{"max-age=-5", "", jwksDefaultTTL},
		{"max-age=abc", "", jwksDefaultTTL},
		{"max-age=99999999999999999999", "", jwksDefaultTTL}, // does not parse
		{"max-age=9223372036854775807", "", jwksMaxTTL},
		{"no-cache", "", jwksMinTTL},
		{"max-age=600, no-store", "", jwksMinTTL},
	}
	for _, tc := range cases {
		h := http.Header{}
		if tc.cacheControl != "" {
			h.Set("Cache-Control", tc.cacheControl)
		}
		if tc.age != "" {
			h.Set("Age", tc.age)
		}
		if got := cacheTTL(h); got != tc.want {
			t.Errorf("Cache-Control %q, Age %q: %v, want %v", tc.cacheControl, tc.age, got, tc.want)
		}
	}
}

// TestParseJWKS: which entries of a key set are kept.
func TestParseJWKS(t *testing.T) {
	k := &testKeys()[0].PublicKey
	n, e := b64(k.N.Bytes()), b64(big.NewInt(int64(k.E)).Bytes())
	entry := func(fields string) string {
		return `{"kty":"RSA","n":"` + n + `","e":"` + e + `",` + fields + `}`
	}
	weak := b64(new(big.Int).Rsh(k.N, 1100).Bytes()) // under 1000 bits
	cases := []struct {
		name, entries string
		kids          []string // kept; none means an error
	}{
		{"google", entry(`"kid":"a","alg":"RS256","use":"sig"`), []string{"a"}},
		{"apple, no use", entry(`"kid":"a","alg":"RS256"`), []string{"a"}},
		{"no alg", entry(`"kid":"a"`), []string{"a"}},
		{"padded base64", `{"kty":"RSA","kid":"a","n":"` + n + `==","e":"` + e + `="}`, []string{"a"}},
		{"two keys", entry(`"kid":"a"`) + "," + entry(`"kid":"b"`), []string{"a", "b"}},
		{"encryption key", entry(`"kid":"a","use":"enc"`) + "," + entry(`"kid":"b"`), []string{"b"}},
		{"other alg", entry(`"kid":"a","alg":"RS512"`), nil},
		{"no kid", entry(`"alg":"RS256"`), nil},
		{"EC", `{"kty":"EC","kid":"a","crv":"P-256","x":"AA","y":"AA"}`, nil},
		{"duplicate kid", entry(`"kid":"a"`) + "," + entry(`"kid":"a"`) + "," + entry(`"kid":"a"`) + "," + entry(`"kid":"b"`), []string{"b"}},
		{"weak key", `{"kty":"RSA","kid":"a","n":"` + weak + `","e":"` + e + `"}`, nil},
		{"bad modulus", `{"kty":"RSA","kid":"a","n":"!!","e":"` + e + `"}`, nil},
		{"even exponent", `{"kty":"RSA","kid":"a","n":"` + n + `","e":"` + b64([]byte{1, 0, 0}) + `"}`, nil},
		{"exponent 1", `{"kty":"RSA","kid":"a","n":"` + n + `","e":"AQ"}`, nil},
		{"huge exponent", `{"kty":"RSA","kid":"a","n":"` + n + `","e":"` + b64([]byte{1, 0, 0, 0, 1}) + `"}`, nil},
		{"no exponent", `{"kty":"RSA","kid":"a","n":"` + n + `"}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := parseJWKS([]byte(`{"keys":[` + tc.entries + `]}`))
			if len(tc.kids) == 0 {
				if err == nil {
					t.Fatalf("kept %v, want an error", keys)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != len(tc.kids) {
				t.Errorf("kept %d keys, want %v", len(keys), tc.kids)
			}
			for _, kid := range tc.kids {
				if got := keys[kid]; got == nil || !got.Equal(k) {
					t.Errorf("key %q = %v, want the test key", kid, got)
				}
			}
		})
	}
}
