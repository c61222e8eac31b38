package models

import (
	"bytes"
	"encoding/hex"
	"fmt"
)

// UUID is a UUID (protocol type UuidValue), sent as its canonical string
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lower case.
type UUID [16]byte

// ParseUUID parses the canonical form, in either case.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	if !u.parse([]byte(s)) {
		return UUID{}, fmt.Errorf("invalid UUID %q (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", s)
	}
	return u, nil
}

// parse fills u from the canonical form and reports whether s had it.
// It decodes all 16 bytes through a table and checks for a bad digit once,
// at the end.
func (u *UUID) parse(s []byte) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	var bad byte
	for j, i := range uuidDigits {
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		bad |= hi | lo
		u[j] = hi<<4 | lo
	}
	return bad < 16
}

// uuidDigits are where the 16 pairs of hex digits of the canonical form
// start.
var uuidDigits = [16]byte{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// hexValue is the value of a hex digit, 0xff for any other byte.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c-'a') + 10
		case 'A' <= c && c <= 'F':
			t[c] = byte(c-'A') + 10
		default:
			t[c] = 0xff
		}
	}
	return t
}()

// String returns the canonical lower-case form.
func (u UUID) String() string {
	var buf [36]byte
	return string(u.appendText(buf[:0]))
}

// IsZero reports whether u is the all-zero UUID.
func (u UUID) IsZero() bool { return u == UUID{} }

func (u UUID) appendText(b []byte) []byte {
	var buf [36]byte
	hex.Encode(buf[0:8], u[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], u[10:])
	return append(b, buf[:]...)
}

// AppendJSONUUID appends u as a JSON string.
func AppendJSONUUID(b []byte, u UUID) []byte {
	b = append(b, '"')
	b = u.appendText(b)
	return append(b, '"')
}

// AppendJSON appends u as a JSON string; it never fails.
func (u UUID) AppendJSON(b []byte) ([]byte, error) { return AppendJSONUUID(b, u), nil }

// DecodeJSON reads a UUID string from d.
func (u *UUID) DecodeJSON(d *JSONDecoder) error {
	// The canonical form has no escapes: parsed in place when it is there.
	if d.peek() == '"' && d.pos+37 < len(d.data) && d.data[d.pos+37] == '"' && u.parse(d.data[d.pos+1:d.pos+37]) {
		d.pos += 38
		return nil
	}
	s, err := d.StringBytesAs("UuidValue")
	if err != nil {
		return err
	}
	if !u.parse(s) {
		return &JSONError{Msg: fmt.Sprintf("expected UuidValue, got %q", s)}
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (u UUID) MarshalJSON() ([]byte, error) { return AppendJSONUUID(nil, u), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (u *UUID) UnmarshalJSON(data []byte) error {
	return decodeJSONDocument(data, u)
}

// MarshalText implements encoding.TextMarshaler (map keys, flags, logs).
func (u UUID) MarshalText() ([]byte, error) { return u.appendText(nil), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (u *UUID) UnmarshalText(s []byte) error {
	if !u.parse(s) {
		return fmt.Errorf("invalid UUID %q", s)
	}
	return nil
}

// Compare orders UUIDs by their bytes (for sorted sets and map keys);
// it returns -1, 0 or +1.
func (u UUID) Compare(v UUID) int { return bytes.Compare(u[:], v[:]) }
