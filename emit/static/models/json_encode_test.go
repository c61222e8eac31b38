package models

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	inputs := []string{"", "plain", "quote\" back\\slash", "<a href='x'>&amp;</a>", "\x00\x01\x08\x0c\x1f\x7f",
		"tab\tnl\ncr\r", "é 😀 \u2028 \u2029", "bad \xff\xfe utf8 \xe2\x82", strings.Repeat("long ", 100)}
	for _, s := range inputs {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func TestAppendJSONFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e-6, 9.99e-7, 1e-7, 123456789.125, 1e20, 1e21, 1.5e300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64, 1e-100} {
		want, _ := json.Marshal(f)
		got, err := AppendJSONFloat(nil, f)
		if err != nil || string(got) != string(want) {
			t.Errorf("%v: got %s (%v), want %s", f, got, err, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := AppendJSONFloat(nil, f); err == nil {
			t.Errorf("%v: no error", f)
		}
	}
}

func TestAppendJSONTimeAndBytes(t *testing.T) {
	loc := time.FixedZone("x", -5*3600)
	for _, tm := range []time.Time{time.Time{}, time.Date(2024, 2, 29, 1, 2, 3, 120, loc), time.Unix(1700000000, 999999999)} {
		want, _ := json.Marshal(tm.UTC())
		got, err := AppendJSONTime(nil, tm)
		if err != nil || string(got) != string(want) {
			t.Errorf("%v: got %s (%v), want %s", tm, got, err, want)
		}
	}
	if _, err := AppendJSONTime(nil, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("year 10000: no error")
	}
	p := []byte{0, 1, 2, 250, 251, 252, 253, 254, 255}
	want, _ := json.Marshal(p)
	if got := AppendJSONBytes(nil, p); string(got) != string(want) {
		t.Errorf("bytes: got %s, want %s", got, want)
	}
	if got := AppendJSONDuration(nil, 1500*time.Millisecond+999); string(got) != "1500" {
		t.Errorf("duration: got %s", got)
	}
}

func TestSortedKeys(t *testing.T) {
	var buf [8]string
	got := SortedKeys(buf[:0], map[string]int{"b": 1, "a": 2, "c": 3})
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("got %v", got)
	}
}

func TestAppendAllocs(t *testing.T) {
	b := make([]byte, 0, 1024)
	s := "hello <world> é"
	if n := testing.AllocsPerRun(100, func() {
		b = AppendJSONString(b[:0], s)
		b, _ = AppendJSONFloat(b, 1.25)
		b, _ = AppendJSONTime(b, time.Unix(1, 5))
	}); n != 0 {
		t.Errorf("%v allocs per run, want 0", n)
	}
}

func TestSafeWordNeverPassesAnUnsafeByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			safe := c < utf8.RuneSelf && jsonSafe[c]
			if got := safeWord(string(w)); got != safe {
				t.Fatalf("byte %#x at %d: safeWord %v, want %v", c, pos, got, safe)
			}
		}
	}
}
