package models

import (
	"testing"
	"time"
)

func TestRFC3339MatchesTimePackage(t *testing.T) {
	for _, s := range []string{"2024-02-29T23:59:59.123456789+02:00", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
		"0000-01-01T00:00:00Z", "0000-02-29T12:00:00Z", "1600-02-29T00:00:00-01:00", "1900-02-29T00:00:00Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999999999Z",
		"9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00", "0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:60Z",
		"2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567891Z", "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00-23:59",
		"2024-01-01t00:00:00z", "2024-01-01T00:00:00", "2024-1-01T00:00:00Z", "2024-01-01T00:00:00.5-01:30", "+024-01-01T00:00:00Z"} {
		var want time.Time
		werr := want.UnmarshalText([]byte(s))
		got, ok := parseRFC3339([]byte(s))
		if ok && (werr != nil || !got.Equal(want)) {
			t.Errorf("%s: fast path gave %v, time package %v (%v)", s, got, want, werr)
		}
		var viaDecoder time.Time
		derr := NewJSONDecoder([]byte(`"` + s + `"`)).Time(&viaDecoder)
		inRange := werr == nil && want.UTC().Year() >= 1 && want.UTC().Year() <= 9999
		if (derr == nil) != inRange || (derr == nil && !viaDecoder.Equal(want)) {
			t.Errorf("%s: decoder %v (%v), time package %v (%v)", s, viaDecoder, derr, want, werr)
		}
	}
	for _, tm := range []time.Time{{}, time.Date(2024, 2, 29, 1, 2, 3, 120, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 100000000, time.UTC), time.Unix(1700000000, 1).UTC()} {
		y, mo, d := tm.Date()
		if got, want := string(appendRFC3339(nil, tm, y, mo, d)), tm.Format(time.RFC3339Nano); got != want {
			t.Errorf("format: got %s, want %s", got, want)
		}
	}
}

func FuzzRFC3339(f *testing.F) {
	f.Add("2024-02-29T23:59:59.123456789+02:00")
	f.Add("2024-01-01T00:00:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		var want time.Time
		werr := want.UnmarshalText([]byte(s))
		got, ok := parseRFC3339([]byte(s))
		if ok && (werr != nil || !got.Equal(want)) {
			t.Fatalf("%q: fast path %v, time package %v (%v)", s, got, want, werr)
		}
		if werr == nil && want.UTC().Year() >= 0 && want.UTC().Year() <= 9999 {
			u := want.UTC()
			y, mo, d := u.Date()
			if f := string(appendRFC3339(nil, u, y, mo, d)); f != u.Format(time.RFC3339Nano) {
				t.Fatalf("%q: format %s", s, f)
			}
		}
	})
}

func TestExtendJSONSlice(t *testing.T) {
	d := NewJSONDecoder(nil)
	var s []int
	for i := 0; i < 10; i++ {
		s = ExtendJSONSlice(d, s)
		s[i] = i
	}
	if len(s) != 10 || s[9] != 9 || cap(s) != 16 {
		t.Errorf("got len %d cap %d %v", len(s), cap(s), s)
	}
	s = ExtendJSONSlice(d, s[:1])
	if len(s) != 2 || s[1] != 0 {
		t.Errorf("reused element not zeroed: %v", s)
	}
}

func TestDateUnixBounds(t *testing.T) {
	if got := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix(); got != minDateUnix {
		t.Errorf("minDateUnix = %d, want %d", int64(minDateUnix), got)
	}
	if got := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(); got != endDateUnix {
		t.Errorf("endDateUnix = %d, want %d", int64(endDateUnix), got)
	}
}
