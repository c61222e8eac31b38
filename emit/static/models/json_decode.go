package models

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/bits"
	"time"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of arrays and objects, so that hostile
// input fails with an error instead of exhausting the stack.
const maxJSONDepth = 10000

// JSONDecoder reads one JSON document from a byte slice in a single pass.
// The generated DecodeJSON methods pull typed values from it: there is no
// token stream, no reflection and no intermediate map. Strings are only
// allocated when they are stored; object keys are compared in place.
//
// Its methods return *JSONError values; after an error the decoder must be
// abandoned. It accepts exactly the JSON of RFC 8259 and unescapes strings
// as encoding/json does (invalid UTF-8 and lone surrogates become U+FFFD).
type JSONDecoder struct {
	data  []byte
	pos   int
	depth int
	first bool   // the next Key or More opens its object or array
	buf   []byte // scratch for strings with escapes
	// strs is the chunk decoded strings and bytes are copied into, one
	// allocation for many of them (json_keep.go): up to len its bytes were
	// handed out and are never written again; the rest is free.
	strs []byte
	// scratch holds the lists being decoded (json_list.go).
	scratch []jsonScratch
	// stored: the document is the server's own stored form, so the
	// server-only fields of classes are read instead of skipped.
	stored bool
	// budget, when set, bounds what decoding allocates (json_budget.go):
	// alloc bytes were charged, granted were taken from it.
	budget         *JSONBudget
	alloc, granted int64
	err            error // a budget failure, returned by the next read
}

// NewJSONDecoder returns a decoder reading data.
func NewJSONDecoder(data []byte) *JSONDecoder {
	return &JSONDecoder{data: data}
}

// Reset makes d read data from the start as the wire form, without a
// budget, keeping its scratch buffer and what is left of its string chunk,
// and releasing what a failed decode left in its scratch lists. The
// server resets a decoder before it goes back to the pool.
func (d *JSONDecoder) Reset(data []byte) {
	d.data, d.pos, d.depth, d.first = data, 0, 0, false
	d.stored, d.budget, d.alloc, d.granted, d.err = false, nil, 0, 0, nil
	for _, s := range d.scratch {
		s.list.release()
	}
}

// ReadStoredForm makes d read what the server itself stored (json
// columns, the Global cache, future-call arguments): the server-only
// fields of classes are read too. Never call it for a client's JSON,
// which must not set them.
func (d *JSONDecoder) ReadStoredForm() { d.stored = true }

// StoredForm reports whether d reads the stored form; the generated
// decoders skip server-only fields, like unknown keys, when it does not.
func (d *JSONDecoder) StoredForm() bool { return d.stored }

// End checks that only white space follows the value just read.
func (d *JSONDecoder) End() error {
	if d.err != nil {
		return d.err
	}
	if d.peek() != 0 || d.pos < len(d.data) {
		return d.syntaxError("unexpected data after the value")
	}
	return nil
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *JSONDecoder) peek() byte {
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return d.data[d.pos] // compact JSON: inlined, no loop
	}
	return d.skipSpace()
}

// skipSpace is peek past white space.
func (d *JSONDecoder) skipSpace() byte {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

func (d *JSONDecoder) syntaxError(msg string) error {
	return &JSONError{Msg: fmt.Sprintf("invalid JSON: %s at offset %d", msg, d.pos)}
}

// typeError reports that the next value is not of the expected kind.
func (d *JSONDecoder) typeError(want string) error {
	var got string
	switch c := d.peek(); c {
	case '"':
		got = "string"
	case '{':
		got = "object"
	case '[':
		got = "array"
	case 't', 'f':
		got = "bool"
	case 'n':
		got = "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		got = "number"
	case 0:
		return d.syntaxError("unexpected end of input")
	default:
		return d.syntaxError(fmt.Sprintf("unexpected character %q", c))
	}
	return &JSONError{Msg: "expected " + want + ", got " + got}
}

// literal consumes word (true, false or null) or fails.
func (d *JSONDecoder) literal(word string) error {
	end := d.pos + len(word)
	if end > len(d.data) || string(d.data[d.pos:end]) != word {
		return d.syntaxError("invalid literal")
	}
	d.pos = end
	return nil
}

// Null consumes a null and reports whether there was one. Anything else
// is left for the next read.
func (d *JSONDecoder) Null() bool {
	if d.peek() != 'n' {
		return false
	}
	return d.literal("null") == nil
}

// Bool reads true or false into p.
func (d *JSONDecoder) Bool(p *bool) error {
	switch d.peek() {
	case 't':
		*p = true
		return d.literal("true")
	case 'f':
		*p = false
		return d.literal("false")
	}
	return d.typeError("bool")
}

// BeginObject consumes the '{' of an object; Key then iterates it.
func (d *JSONDecoder) BeginObject() error {
	if d.peek() != '{' {
		return d.typeError("object")
	}
	return d.open()
}

// BeginArray consumes the '[' of an array; More then iterates it.
func (d *JSONDecoder) BeginArray() error {
	if d.peek() != '[' {
		return d.typeError("array")
	}
	return d.open()
}

func (d *JSONDecoder) open() error {
	if d.depth >= maxJSONDepth {
		return d.syntaxError(fmt.Sprintf("nesting deeper than %d levels", maxJSONDepth))
	}
	d.depth++
	d.pos++
	d.first = true
	return nil
}

// next consumes the separator before the next member or element. It
// reports false, having consumed the closing byte, at the end.
func (d *JSONDecoder) next(closing byte) (bool, error) {
	if d.err != nil {
		return false, d.err
	}
	c := d.peek()
	if c == closing { // after '[' or a value; after ',' the value read fails
		d.first = false
		d.pos++
		d.depth--
		return false, nil
	}
	if d.first {
		d.first = false
		return true, nil
	}
	if c != ',' {
		return false, d.syntaxError(fmt.Sprintf("expected ',' or '%c'", closing))
	}
	d.pos++
	return true, nil
}

// Key reads the next member key of the object begun by BeginObject and the
// ':' after it. It returns ok == false at the closing '}'. The key is only
// valid until the next read.
func (d *JSONDecoder) Key() (key []byte, ok bool, err error) {
	if ok, err = d.next('}'); !ok || err != nil {
		return nil, false, err
	}
	// The usual key, plain and followed by ':', is found word by word here
	// instead of through readString and two more peeks.
	data, i := d.data, d.pos
	if i < len(data) && data[i] == '"' {
		j := i + 1
		for j+8 <= len(data) {
			if m := specialBytes(binary.LittleEndian.Uint64(data[j:])); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				if j+1 < len(data) && data[j] == '"' && data[j+1] == ':' {
					d.pos = j + 2
					return data[i+1 : j], true, nil
				}
				break
			}
			j += 8
		}
	}
	return d.slowKey()
}

// KeyExpect is Key for a member that is likely next: expected is that
// member as an encoder writes it after the one before, `,"name":` (no
// comma for the first), which is tried first with one comparison. The
// generated decoders expect the members in their order, as AppendJSON
// writes them.
func (d *JSONDecoder) KeyExpect(expected string) (key []byte, ok bool, err error) {
	end := d.pos + len(expected)
	if len(expected) > 3 && end <= len(d.data) && d.err == nil && (expected[0] == ',') != d.first &&
		string(d.data[d.pos:end]) == expected {
		start := d.pos + 1 // after the '"'
		if !d.first {
			start++ // and the ','
		}
		d.first = false
		d.pos = end
		return d.data[start : end-2], true, nil
	}
	return d.Key()
}

// slowKey is Key after the separator, for any key.
func (d *JSONDecoder) slowKey() (key []byte, ok bool, err error) {
	if d.peek() != '"' {
		return nil, false, d.syntaxError("expected a string key")
	}
	if key, err = d.readString(); err != nil {
		return nil, false, err
	}
	if d.peek() != ':' {
		return nil, false, d.syntaxError("expected ':' after the key")
	}
	d.pos++
	return key, true, nil
}

// More reports whether the array begun by BeginArray has another element,
// consuming the ',' before it or the closing ']'.
func (d *JSONDecoder) More() (bool, error) {
	return d.next(']')
}

// String reads a string into p.
func (d *JSONDecoder) String(p *string) error {
	if d.peek() != '"' {
		return d.typeError("String")
	}
	s, err := d.readString()
	if err != nil {
		return err
	}
	*p = d.keepString(s)
	return nil
}

// StringBytes reads a string without allocating; the bytes are only valid
// until the next read.
func (d *JSONDecoder) StringBytes() ([]byte, error) {
	return d.StringBytesAs("String")
}

// StringBytesAs is StringBytes for a string-shaped type named want (an
// enum, UuidValue), which a type error names.
func (d *JSONDecoder) StringBytesAs(want string) ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.typeError(want)
	}
	return d.readString()
}

// Bytes reads a base64 string (standard alphabet, padded) into p.
func (d *JSONDecoder) Bytes(p *[]byte) error {
	if d.peek() != '"' {
		return d.typeError("ByteData")
	}
	s, err := d.readString()
	if err != nil {
		return err
	}
	out := d.keepSpace(base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		return &JSONError{Msg: "expected ByteData, got a string that is not base64"}
	}
	*p = out[:n:n] // full: an append must not run into the chunk's next value
	return nil
}

// Time reads an RFC 3339 date into p, converted to UTC, which must fall in
// years 0001-9999.
func (d *JSONDecoder) Time(p *time.Time) error {
	if d.peek() != '"' {
		return d.typeError("DateTime")
	}
	// The usual date has no escapes: it is parsed in place, up to the next
	// '"'; anything else is read as a string first.
	if n := bytes.IndexByte(d.data[d.pos+1:], '"'); n >= 0 {
		if t, ok := parseRFC3339(d.data[d.pos+1 : d.pos+1+n]); ok && storableDate(t) {
			d.pos += n + 2
			*p = t
			return nil
		}
	}
	s, err := d.readString()
	if err != nil {
		return err
	}
	t, ok := parseRFC3339(s) // in UTC
	if !ok {
		err = t.UnmarshalText(s) // strict RFC 3339, as encoding/json reads time.Time
		t = t.UTC()
	}
	if err != nil {
		return &JSONError{Msg: fmt.Sprintf("expected DateTime (RFC 3339), got %q", s)}
	}
	if !storableDate(t) {
		// Such a date cannot be written back as RFC 3339: stored, it would
		// poison every read of its row.
		return &JSONError{Msg: fmt.Sprintf("DateTime %q is outside years 0001-9999 in UTC", s)}
	}
	*p = t
	return nil
}

// storableDate reports whether t falls in years 0001-9999 in UTC, testing
// its Unix seconds, which is cheaper than t.Year().
func storableDate(t time.Time) bool {
	u := t.Unix()
	return u >= minDateUnix && u < endDateUnix
}

// The dates a DateTime may hold, years 0001-9999 in UTC, in Unix seconds.
const (
	minDateUnix = -62135596800 // 0001-01-01T00:00:00Z
	endDateUnix = 253402300800 // 10000-01-01T00:00:00Z
)

// Duration reads an integer number of milliseconds into p.
func (d *JSONDecoder) Duration(p *time.Duration) error {
	var ms int64
	if err := d.int(&ms, "Duration"); err != nil {
		return err
	}
	const limit = int64(1<<63-1) / int64(time.Millisecond)
	if ms > limit || ms < -limit {
		return &JSONError{Msg: fmt.Sprintf("expected Duration, got %d ms (out of range)", ms)}
	}
	*p = time.Duration(ms) * time.Millisecond
	return nil
}

// strPlain marks the bytes a string holds as they are: printable ASCII
// other than '"' and '\\'.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// specialBytes finds the bytes of w (eight bytes of a string, the first
// one lowest) that are not plain (see strPlain), testing them at once: a
// byte below 0x20 borrows, a '"' or '\\' becomes zero after the xor and
// borrows, a non-ASCII byte has its high bit set. It is zero when all
// eight are plain, and otherwise its lowest set bit is the high bit of the
// first byte that is not (higher ones may be borrows that ran on).
func specialBytes(w uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q, bs := w^(lo*'"'), w^(lo*'\\')
	return ((q-lo)&^q | (bs-lo)&^bs | (w-lo*0x20)&^w | w) & hi
}

// readString reads the string at d.pos (which holds '"'). Strings without
// escapes or invalid UTF-8 are returned in place.
func (d *JSONDecoder) readString() ([]byte, error) {
	data := d.data
	i := d.pos + 1
	for i < len(data) {
		if i+8 <= len(data) {
			m := specialBytes(binary.LittleEndian.Uint64(data[i:]))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		} else if strPlain[data[i]] {
			i++
			continue
		}
		switch c := data[i]; {
		case c == '"':
			s := data[d.pos+1 : i]
			d.pos = i + 1
			return s, nil
		case c == '\\' || c < 0x20:
			return d.readEscaped(i)
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return d.readEscaped(i)
			}
			i += size
		}
	}
	d.pos = i
	return nil, d.syntaxError("unterminated string")
}

// decodeJSONDocument reads data, which must hold exactly one JSON value,
// into v; the generated UnmarshalJSON methods call it.
func decodeJSONDocument(data []byte, v interface{ DecodeJSON(*JSONDecoder) error }) error {
	return decodeDocument(NewJSONDecoder(data), v)
}

// decodeStoredJSONDocument is decodeJSONDocument for the stored form (see
// ReadStoredForm), such as the Global cache's values.
func decodeStoredJSONDocument(data []byte, v interface{ DecodeJSON(*JSONDecoder) error }) error {
	d := NewJSONDecoder(data)
	d.ReadStoredForm()
	return decodeDocument(d, v)
}

func decodeDocument(d *JSONDecoder, v interface{ DecodeJSON(*JSONDecoder) error }) error {
	if err := v.DecodeJSON(d); err != nil {
		return err
	}
	return d.End()
}
