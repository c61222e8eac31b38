package pod

import (
	"regexp"
	"strings"
	"testing"
)

// TestPasswordHash: the PHC string has OWASP's parameters, a 16-byte salt
// and a 32-byte hash; it verifies the password only, with the pepper only.
func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("correct horse", "")
	if err != nil {
		t.Fatal(err)
	}
	// 16 bytes are 22 base64 characters without padding, 32 bytes 43.
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("hash %q", h)
	}
	if h2, _ := hashPassword("correct horse", ""); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if ok, current := verifyPassword(h, "correct horse", ""); !ok || !current {
		t.Fatalf("verify = %v %v", ok, current)
	}
	for _, wrong := range []string{"correct horsE", "correct horse ", ""} {
		if ok, _ := verifyPassword(h, wrong, ""); ok {
			t.Errorf("%q verifies", wrong)
		}
	}
	peppered, _ := hashPassword("correct horse", "pepper-0123456789")
	if ok, _ := verifyPassword(peppered, "correct horse", "pepper-0123456789"); !ok {
		t.Fatal("peppered hash does not verify")
	}
	if ok, _ := verifyPassword(peppered, "correct horse", ""); ok {
		t.Fatal("a peppered hash verifies without the pepper")
	}
	if ok, _ := verifyPassword(h, "correct horse", "pepper-0123456789"); ok {
		t.Fatal("a hash verifies with a pepper it was not made with")
	}
}

// TestPasswordHashParameters: parameters are read from the string (old
// ones verify, and are reported as not current); malformed or absurd
// strings match nothing.
func TestPasswordHashParameters(t *testing.T) {
	saved := authArgon2
	authArgon2 = argon2Params{memory: 8 * 1024, time: 1, threads: 2}
	old, _ := hashPassword("pw-12345678", "")
	authArgon2 = saved
	if !strings.HasPrefix(old, "$argon2id$v=19$m=8192,t=1,p=2$") {
		t.Fatalf("old hash %q", old)
	}
	if ok, current := verifyPassword(old, "pw-12345678", ""); !ok || current {
		t.Fatalf("old parameters: ok %v, current %v", ok, current)
	}
	good, _ := hashPassword("pw-12345678", "")
	parts := strings.Split(good, "$")
	for name, bad := range map[string]string{
		"empty":         "",
		"argon2i":       strings.Replace(good, "argon2id", "argon2i", 1),
		"version":       strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":   strings.Replace(good, "m=19456", "m=4194304", 1),
		"zero time":     strings.Replace(good, "t=2", "t=0", 1),
		"unknown param": strings.Replace(good, "p=1", "p=1,x=2", 1),
		"short hash":    strings.Join(append(parts[:5:5], parts[5][:10]), "$"),
		"bad base64":    strings.Join(append(parts[:4:4], "!!!!", parts[5]), "$"),
		"extra part":    good + "$x",
	} {
		if ok, _ := verifyPassword(bad, "pw-12345678", ""); ok {
			t.Errorf("%s: %q verifies", name, bad)
		}
	}
}

func TestValidPassword(t *testing.T) {
	for p, want := range map[string]bool{
		"1234567": false, "12345678": true, strings.Repeat("é", 8): true, strings.Repeat("é", 7): false,
		strings.Repeat("x", 128): true, strings.Repeat("x", 129): false,
	} {
		if authValidPassword(p) != want {
			t.Errorf("authValidPassword(%q) = %v", p, !want)
		}
	}
}

// TestAuthCodes: codes are 10 characters of the alphabet, differ, and
// hash alike however they are typed.
func TestAuthCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		c, err := newAuthCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != authCodeLength || strings.Trim(c, authCodeAlphabet) != "" || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if string(authCodeHash("abcd-efgh jk")) != string(authCodeHash("ABCDEFGHJK")) ||
		string(authCodeHash("ABCDEFGHJK")) == string(authCodeHash("ABCDEFGHJL")) {
		t.Fatal("code hashes")
	}
}
