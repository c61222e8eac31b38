package models

import (
	"unicode/utf16"
	"unicode/utf8"
)

// readEscaped finishes readString from data[i] on, copying into d.buf and
// unescaping as it goes.
func (d *JSONDecoder) readEscaped(i int) ([]byte, error) {
	data := d.data
	buf := append(d.buf[:0], data[d.pos+1:i]...)
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.buf = buf
			d.pos = i + 1
			return buf, nil
		case c == '\\':
			var err error
			if buf, i, err = d.unescape(buf, i); err != nil {
				return nil, err
			}
		case c < 0x20:
			d.pos = i
			return nil, d.syntaxError("control character in string")
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			buf = utf8.AppendRune(buf, r) // RuneError for invalid UTF-8
			i += size
		}
	}
	d.pos = i
	return nil, d.syntaxError("unterminated string")
}

// unescape appends the escape sequence at data[i] ('\\') to buf and returns
// the index after it.
func (d *JSONDecoder) unescape(buf []byte, i int) ([]byte, int, error) {
	data := d.data
	if i+1 >= len(data) {
		d.pos = i
		return nil, 0, d.syntaxError("unterminated string")
	}
	switch c := data[i+1]; c {
	case '"', '\\', '/':
		return append(buf, c), i + 2, nil
	case 'b':
		return append(buf, '\b'), i + 2, nil
	case 'f':
		return append(buf, '\f'), i + 2, nil
	case 'n':
		return append(buf, '\n'), i + 2, nil
	case 'r':
		return append(buf, '\r'), i + 2, nil
	case 't':
		return append(buf, '\t'), i + 2, nil
	case 'u':
		r := hex4(data[i+2:])
		if r < 0 {
			d.pos = i
			return nil, 0, d.syntaxError("invalid \\u escape")
		}
		if r == 0 {
			// Postgres text cannot hold it (SQLSTATE 22021): refuse it here,
			// where the error can name the field.
			return nil, 0, &JSONError{Msg: nulMessage}
		}
		i += 6
		if utf16.IsSurrogate(r) {
			// A pair makes one rune; a lone half becomes U+FFFD, as in encoding/json.
			r2 := rune(-1)
			if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
				r2 = hex4(data[i+2:])
			}
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return utf8.AppendRune(buf, dec), i + 6, nil
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(buf, r), i, nil
	}
	d.pos = i
	return nil, 0, d.syntaxError("invalid escape in string")
}

// nulMessage reports a \u0000 in a string.
const nulMessage = "text may not contain a NUL character (\\u0000)"

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
