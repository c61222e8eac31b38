package models

import (
	"fmt"
	"math/big"
	"strconv"
)

// maxBigIntDigits bounds the digits of a decoded BigInt: parsing decimal
// costs more than linear time, so a long enough string would keep a
// server busy. Postgres numeric holds at most 131,072 digits before the
// point.
const maxBigIntDigits = 4096

// AppendJSONBigInt appends v as a JSON string of decimal digits
// ("-123"); nil, a BigInt's zero value, is "0". Only a value beyond int64
// allocates (math/big spells it in a new buffer).
func AppendJSONBigInt(b []byte, v *big.Int) []byte {
	b = append(b, '"')
	switch {
	case v == nil:
		b = append(b, '0')
	case v.IsInt64():
		b = strconv.AppendInt(b, v.Int64(), 10)
	default:
		b = v.Append(b, 10)
	}
	return append(b, '"')
}

// BigInt reads a string of decimal digits, with an optional leading '-',
// into *p (a new big.Int, never the one *p pointed to).
func (d *JSONDecoder) BigInt(p **big.Int) error {
	if d.peek() != '"' {
		return d.typeError("BigInt")
	}
	s, err := d.readString()
	if err != nil {
		return err
	}
	if !decimalInteger(s) {
		return &JSONError{Msg: fmt.Sprintf("expected BigInt (a string of decimal digits), got %q", truncated(s))}
	}
	n := len(s)
	if s[0] == '-' {
		n--
	}
	if n > maxBigIntDigits {
		return &JSONError{Msg: fmt.Sprintf("BigInt of %d digits is longer than %d", n, maxBigIntDigits)}
	}
	d.charge(32 + int64(len(s))/2) // the big.Int and its words (0.42 bytes a digit)
	v, ok := new(big.Int).SetString(string(s), 10)
	if !ok {
		return &JSONError{Msg: fmt.Sprintf("expected BigInt, got %q", truncated(s))}
	}
	*p = v
	return nil
}

// decimalInteger reports whether s is -?[0-9]+ (leading zeros allowed, as
// big.Int.SetString allows them; no '+', no spaces, no '_').
func decimalInteger(s []byte) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// truncated is s cut to 40 bytes for an error message.
func truncated(s []byte) []byte {
	if len(s) > 40 {
		return append(s[:40:40], "..."...)
	}
	return s
}
