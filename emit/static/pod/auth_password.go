package pod

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2Params are the cost of an Argon2id hash.
type argon2Params struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
}

// authArgon2 is the cost of new password hashes: OWASP's minimum for
// Argon2id (19 MiB, 2 passes, 1 lane; about 30 ms on a server core). Each
// hash stores its own parameters, so raising these later keeps old hashes
// valid: a user's hash is redone with the new cost at their next sign-in.
var authArgon2 = argon2Params{memory: 19 * 1024, time: 2, threads: 1}

// The sizes of a password hash: a 16-byte random salt, a 32-byte hash.
const (
	authSaltBytes = 16
	authHashBytes = 32
)

// The password lengths accepted: at least authPasswordMinRunes
// characters, at most authPasswordMaxBytes bytes (a bound on the work a
// request can ask for, well above any passphrase).
const (
	authPasswordMinRunes = 8
	authPasswordMaxBytes = 128
)

// validPassword reports whether a new password has an accepted length.
func validPassword(p string) bool {
	return len(p) <= authPasswordMaxBytes && utf8.RuneCountInString(p) >= authPasswordMinRunes
}

// hashPassword is the PHC string of password's Argon2id hash with a new
// salt: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (base64 without
// padding, as the PHC format has it).
func hashPassword(password, pepper string) (string, error) {
	salt := make([]byte, authSaltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := authArgon2
	h := argon2.IDKey(pepperedPassword(password, pepper), salt, p.time, p.memory, p.threads, authHashBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(h)), nil
}

// pepperedPassword is what Argon2id hashes: the password, or with a
// pepper its HMAC-SHA256 under the pepper.
func pepperedPassword(password, pepper string) []byte {
	if pepper == "" {
		return []byte(password)
	}
	m := hmac.New(sha256.New, []byte(pepper))
	m.Write([]byte(password))
	return m.Sum(nil)
}

// verifyPassword reports whether password matches the PHC string phc
// (with the parameters phc names), and whether phc has today's
// parameters (if not, the caller stores a new hash). A malformed phc
// matches nothing.
func verifyPassword(phc, password, pepper string) (ok, current bool) {
	p, salt, want, valid := parsePHC(phc)
	if !valid {
		return false, false
	}
	got := argon2.IDKey(pepperedPassword(password, pepper), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, p == authArgon2 && len(want) == authHashBytes
}

// parsePHC reads an Argon2id PHC string, refusing parameters out of the
// bounds a hash of ours can have (so a corrupt row cannot make a sign-in
// allocate gigabytes).
func parsePHC(phc string) (p argon2Params, salt, hash []byte, ok bool) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, false
	}
	var m, t, threads uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, false
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			threads = n
		default:
			return p, nil, nil, false
		}
	}
	if m < 8 || m > 1<<20 || t < 1 || t > 100 || threads < 1 || threads > 64 {
		return p, nil, nil, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	hash, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(hash) < 16 || len(hash) > 64 {
		return p, nil, nil, false
	}
	return argon2Params{memory: uint32(m), time: uint32(t), threads: uint8(threads)}, salt, hash, true
}

// authDummyHash is a hash of a random password with today's parameters.
// A sign-in with an unknown email is checked against it, so that it costs
// what a wrong password costs and the two cannot be told apart by time.
var authDummyHash = sync.OnceValue(func() string {
	pw := make([]byte, 32)
	rand.Read(pw)
	h, err := hashPassword(base64.RawURLEncoding.EncodeToString(pw), "")
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return h
})
