package models

import (
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// jsonSafe marks the ASCII bytes that a JSON string holds as they are.
// Like encoding/json, <, > and & are escaped so that output is safe to
// embed in HTML.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, escaped byte for byte as
// encoding/json.Marshal does (invalid UTF-8 becomes \ufffd).
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && safeWord(s[i:i+8]) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			}
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// safeWord reports whether the eight bytes of s are all in jsonSafe, testing
// them at once as specialBytes does; it never passes an unsafe byte.
func safeWord(s string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	q, bs := w^(lo*'"'), w^(lo*'\\')
	lt, gt, amp := w^(lo*'<'), w^(lo*'>'), w^(lo*'&')
	return ((q-lo)|(bs-lo)|(lt-lo)|(gt-lo)|(amp-lo)|(w-lo*0x20)|w)&hi == 0
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// AppendJSONFloat appends f as encoding/json does (shortest form, with an
// exponent below 1e-6 and from 1e21). NaN and ±Inf are errors.
func AppendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, &JSONError{Msg: "unsupported value " + strconv.FormatFloat(f, 'g', -1, 64) + " (JSON has no NaN or infinity)"}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 → 1e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// AppendJSONTime appends t in UTC as an RFC 3339 string with nanoseconds
// as needed. Years outside 0001-9999 are errors, as in the decoder: RFC 3339 has no
// form for most of them, and year 0 is 1 BC.
func AppendJSONTime(b []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 1 || y > 9999 {
		return b, &JSONError{Msg: "DateTime year " + strconv.Itoa(y) + " is outside 0001-9999"}
	}
	b = append(b, '"')
	b = appendRFC3339(b, t, y, mo, d)
	return append(b, '"'), nil
}

// AppendJSONDuration appends d as whole milliseconds.
func AppendJSONDuration(b []byte, d time.Duration) []byte {
	return strconv.AppendInt(b, d.Milliseconds(), 10)
}

// AppendJSONBytes appends p as a padded standard base64 string.
func AppendJSONBytes(b []byte, p []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, p)
	return append(b, '"')
}

// SortedKeys appends the keys of m to buf in sorted order, so that maps
// encode deterministically (as encoding/json sorts them). Pass a stack
// array's slice as buf to avoid allocating for small maps.
func SortedKeys[V any](buf []string, m map[string]V) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}
