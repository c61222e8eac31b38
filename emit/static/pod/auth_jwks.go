package pod

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The JWKS cache policy. A provider's keys are kept as long as its
// Cache-Control max-age says, within [jwksMinTTL, jwksMaxTTL]; an unknown
// kid refetches them early, but never twice within jwksMinRefetch, so a
// flood of tokens with made-up kids costs the provider one request per
// interval. A fetch reads at most jwksMaxBytes and gives up after
// jwksTimeout.
const (
	jwksMinTTL     = time.Minute
	jwksMaxTTL     = 24 * time.Hour
	jwksDefaultTTL = time.Hour
	jwksMinRefetch = 30 * time.Second
	jwksTimeout    = 10 * time.Second
	jwksMaxBytes   = 1 << 20

	// rsaMinBits refuses keys too weak to trust; rsaMaxBits bounds the cost
	// of a verification. Google and Apple publish 2048-bit keys.
	rsaMinBits = 2048
	rsaMaxBits = 8192
)

// errKeysUnavailable is returned when a token could not be judged because
// the provider's keys could not be fetched: the caller answers 503, not
// 401. It wraps the cause (errJWKSTooLarge, a status, a network error).
var errKeysUnavailable = errors.New("id token keys unavailable")

// keysUnavailableError is errKeysUnavailable with its cause. The server
// answers it with a 503 and Retry-After, like a database that is down: the
// client may try again, and nothing is wrong with its token.
type keysUnavailableError struct{ err error }

func (e *keysUnavailableError) Error() string { return e.err.Error() }

func (e *keysUnavailableError) Unwrap() error { return e.err }

// ServiceUnavailable names what is down, for the 503's message.
func (e *keysUnavailableError) ServiceUnavailable() string { return "sign-in keys" }

// errJWKSTooLarge is a key set document over jwksMaxBytes.
var errJWKSTooLarge = errors.New("key set larger than 1 MiB")

// keySet is one fetched key set. It is never modified once stored, so
// readers use it without a lock.
type keySet struct {
	keys    map[string]*rsa.PublicKey // by kid
	expires time.Time
}

// jwksCache holds one provider's signing keys.
type jwksCache struct {
	url string
	hc  *http.Client
	now func() time.Time // time.Now; tests move it

	set atomic.Pointer[keySet] // nil until the first fetch succeeds

	mu          sync.Mutex
	lastAttempt time.Time  // start of the last fetch, failed or not
	lastErr     error      // outcome of that fetch
	inflight    *jwksFetch // the fetch running now, nil when none
}

// jwksFetch is one fetch that any number of callers wait for.
type jwksFetch struct {
	done chan struct{} // closed when err is set
	err  error
}

// key returns the key named kid. A key of a stale set still serves while
// a refresh runs in the background (a removed key is accepted for one
// fetch longer, and no caller waits for the provider); a kid the set
// lacks waits for a refresh and is looked up again. A failed refresh
// keeps the old keys.
func (c *jwksCache) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if set := c.set.Load(); set != nil {
		if k, ok := set.keys[kid]; ok {
			if !c.now().Before(set.expires) {
				c.refresh(ctx) // not waited for: the stale key answers now
			}
			return k, nil
		}
	}
	f, err := c.refresh(ctx)
	if f != nil {
		select {
		case <-f.done:
			err = f.err
		case <-ctx.Done():
			return nil, &keysUnavailableError{fmt.Errorf("%w: %w", errKeysUnavailable, ctx.Err())}
		}
	}
	if set := c.set.Load(); set != nil {
		if k, ok := set.keys[kid]; ok {
			return k, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, errUnknownKey
}

// refresh returns the fetch of the key set to wait for: the one running,
// or a new one unless the last started less than jwksMinRefetch ago, in
// which case it returns that fetch's error instead. A fetch runs on its
// own goroutine, so a caller that gives up does not cancel it for the
// others.
func (c *jwksCache) refresh(ctx context.Context) (*jwksFetch, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight != nil {
		return c.inflight, nil
	}
	now := c.now()
	if !c.lastAttempt.IsZero() && now.Sub(c.lastAttempt) < jwksMinRefetch {
		return nil, c.lastErr
	}
	c.lastAttempt = now
	c.inflight = &jwksFetch{done: make(chan struct{})}
	go c.run(context.WithoutCancel(ctx), c.inflight)
	return c.inflight, nil
}

// run does fetch f and publishes its result; a failure keeps the old set.
func (c *jwksCache) run(ctx context.Context, f *jwksFetch) {
	ctx, cancel := context.WithTimeout(ctx, jwksTimeout)
	defer cancel()
	set, err := c.fetch(ctx)
	if err != nil {
		err = &keysUnavailableError{fmt.Errorf("%w: %s: %w", errKeysUnavailable, c.url, err)}
	}
	c.mu.Lock()
	if err == nil {
		c.set.Store(set)
	}
	c.lastErr, f.err = err, err
	c.inflight = nil
	c.mu.Unlock()
	close(f.done)
}

// fetch downloads and parses the key set.
func (c *jwksCache) fetch(ctx context.Context) (*keySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	if resp.ContentLength > jwksMaxBytes {
		return nil, errJWKSTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > jwksMaxBytes {
		return nil, errJWKSTooLarge
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return nil, err
	}
	return &keySet{keys: keys, expires: c.now().Add(cacheTTL(resp.Header))}, nil
}

// jwk is the part of a JSON Web Key (RFC 7517) an RSA signing key uses.
type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// parseJWKS reads a key set document, keeping the RSA keys that may sign
// RS256 tokens and have a kid. Other keys are skipped, not errors: a
// provider may publish keys of other kinds next to the ones it signs
// with. A kid listed twice is dropped, since a token naming it would be
// ambiguous. A document without any usable key is an error, so that the
// keys already cached stay.
func parseJWKS(body []byte) (map[string]*rsa.PublicKey, error) {
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	keys := make(map[string]*rsa.PublicKey, len(doc.Keys))
	dup := map[string]bool{}
	for _, k := range doc.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") || k.Kid == "" {
			continue
		}
		pub, ok := rsaKey(k.N, k.E)
		if !ok {
			continue
		}
		if _, seen := keys[k.Kid]; seen || dup[k.Kid] {
			delete(keys, k.Kid)
			dup[k.Kid] = true
			continue
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, errors.New("key set holds no usable RS256 key")
	}
	return keys, nil
}

// rsaKey decodes a JWK's modulus and exponent (base64url big-endian
// integers), refusing sizes out of [rsaMinBits, rsaMaxBits] and exponents
// that are even, below 3 or above 2^31-1.
func rsaKey(n64, e64 string) (*rsa.PublicKey, bool) {
	nb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(n64, "="))
	if err != nil {
		return nil, false
	}
	eb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(e64, "="))
	if err != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, false
	}
	n := new(big.Int).SetBytes(nb)
	if bits := n.BitLen(); bits < rsaMinBits || bits > rsaMaxBits {
		return nil, false
	}
	var e int64
	for _, b := range eb {
		e = e<<8 | int64(b)
	}
	if e < 3 || e > 1<<31-1 || e%2 == 0 {
		return nil, false
	}
	return &rsa.PublicKey{N: n, E: int(e)}, true
}

// cacheTTL is how long a key set fetched with response header h stays
// fresh: Cache-Control max-age less the Age header, jwksMinTTL for
// no-cache or no-store, jwksDefaultTTL without either, always within
// [jwksMinTTL, jwksMaxTTL].
func cacheTTL(h http.Header) time.Duration {
	ttl := jwksDefaultTTL
	for _, d := range strings.Split(h.Get("Cache-Control"), ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "no-cache" || d == "no-store" {
			return jwksMinTTL
		}
		if v, ok := strings.CutPrefix(d, "max-age="); ok {
			secs, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
			if err != nil || secs < 0 {
				continue
			}
			if age, err := strconv.ParseInt(h.Get("Age"), 10, 64); err == nil && age > 0 {
				secs -= age
			}
			ttl = time.Duration(min(max(secs, 0), int64(jwksMaxTTL/time.Second))) * time.Second
		}
	}
	return min(max(ttl, jwksMinTTL), jwksMaxTTL)
}
