package models

import (
	"math/big"
	"net/url"
	"strings"
	"testing"
)

func TestBigIntCodec(t *testing.T) {
	for _, s := range []string{"0", "-1", "9223372036854775807", "-9223372036854775808",
		"123456789012345678901234567890", "-" + strings.Repeat("9", maxBigIntDigits)} {
		var v *big.Int
		d := NewJSONDecoder([]byte(`"` + s + `"`))
		if err := d.BigInt(&v); err != nil {
			t.Fatalf("%.30s: %v", s, err)
		}
		if got := string(AppendJSONBigInt(nil, v)); got != `"`+s+`"` {
			t.Errorf("%.30s: re-encoded %.30s", s, got)
		}
	}
	if got := string(AppendJSONBigInt(nil, nil)); got != `"0"` {
		t.Errorf("nil: %s", got)
	}
	for in, want := range map[string]string{
		`1`: "expected BigInt, got number", `"1.0"`: "decimal digits", `"0x1"`: "decimal digits",
		`"` + strings.Repeat("1", maxBigIntDigits+1) + `"`: "longer than 4096", `"\u0000"`: "NUL",
	} {
		var v *big.Int
		if err := NewJSONDecoder([]byte(in)).BigInt(&v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.20s: %v, want %s", in, err, want)
		}
	}
}

func TestURLCodec(t *testing.T) {
	for _, s := range []string{"", "https://u:p@h:1/a%20b?x=1&y#f", "mailto:a@b", "/p"} {
		var u url.URL
		if err := NewJSONDecoder([]byte(AppendJSONString(nil, s))).URL(&u); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got, want := string(AppendJSONURL(nil, &u)), string(AppendJSONString(nil, s)); got != want {
			t.Errorf("%q: re-encoded %s, want %s", s, got, want)
		}
	}
	var u url.URL
	if err := NewJSONDecoder([]byte(`"http://[::1"`)).URL(&u); err == nil ||
		err.Error() != `expected Uri, got "http://[::1" (missing ']' in host)` {
		t.Errorf("bad URL: %v", err)
	}
}

func TestURLAndBigIntCharge(t *testing.T) {
	d := NewJSONDecoder([]byte(`"` + strings.Repeat("7", 4000) + `"`))
	d.SetBudget(&JSONBudget{Max: 1000})
	var v *big.Int
	if err := d.BigInt(&v); err != nil {
		t.Fatal(err)
	}
	if d.alloc < 2000 {
		t.Errorf("a 4000-digit BigInt charged %d bytes", d.alloc)
	}
	d = NewJSONDecoder([]byte(`"/` + strings.Repeat("a", 4000) + `"`))
	d.SetBudget(&JSONBudget{Max: 1 << 20})
	var u url.URL
	if err := d.URL(&u); err != nil || d.alloc < 4000 {
		t.Errorf("URL: %v, charged %d", err, d.alloc)
	}
}
