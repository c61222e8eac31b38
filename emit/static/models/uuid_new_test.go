package models

import (
	"bytes"
	"testing"
	"time"
)

func TestNewRandomUUID(t *testing.T) {
	a, b := NewRandomUUID(), NewRandomUUID()
	if a == b || a.IsZero() {
		t.Fatalf("two random UUIDs: %s, %s", a, b)
	}
	if a[6]>>4 != 4 || a[8]>>6 != 2 {
		t.Errorf("%s: version %d, variant %b; want 4 and 10", a, a[6]>>4, a[8]>>6)
	}
}

func TestNewUUIDv7(t *testing.T) {
	before := time.Now().UnixMilli()
	u := NewUUIDv7()
	after := time.Now().UnixMilli()
	if u[6]>>4 != 7 || u[8]>>6 != 2 {
		t.Errorf("%s: version %d, variant %b; want 7 and 10", u, u[6]>>4, u[8]>>6)
	}
	ms := int64(u[0])<<40 | int64(u[1])<<32 | int64(u[2])<<24 | int64(u[3])<<16 | int64(u[4])<<8 | int64(u[5])
	if ms < before || ms > after+1 {
		t.Errorf("%s holds %d ms, want between %d and %d", u, ms, before, after)
	}
}

// TestNewUUIDv7Increases makes many UUIDs within one millisecond, past the
// 12-bit counter, and with the clock stepping back: each is above the last.
func TestNewUUIDv7Increases(t *testing.T) {
	now := time.Now().UnixMilli() + 1000
	last := newUUIDv7(now)
	for i := 0; i < 10000; i++ {
		clock := now
		if i == 5000 {
			clock = now - 10 // a step back
		}
		u := newUUIDv7(clock)
		if bytes.Compare(u[:], last[:]) <= 0 {
			t.Fatalf("UUID %d: %s is not above %s", i, u, last)
		}
		if u[6]>>4 != 7 {
			t.Fatalf("UUID %d: %s is not version 7", i, u)
		}
		last = u
	}
}

func TestDefaultPtr(t *testing.T) {
	p, q := defaultPtr("a"), defaultPtr("a")
	if *p != "a" || p == q {
		t.Errorf("defaultPtr: %p %p", p, q)
	}
}
