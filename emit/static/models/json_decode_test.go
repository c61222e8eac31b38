package models

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/bits"
	"strings"
	"testing"
	"time"
)

func TestDecodeScalars(t *testing.T) {
	var (
		b   bool
		i   int64
		f   float64
		s   string
		bs  []byte
		tm  time.Time
		dur time.Duration
	)
	tests := []struct {
		in   string
		read func(d *JSONDecoder) error
		want any
		got  func() any
	}{
		{" true ", func(d *JSONDecoder) error { return d.Bool(&b) }, true, func() any { return b }},
		{"false", func(d *JSONDecoder) error { return d.Bool(&b) }, false, func() any { return b }},
		{"-9223372036854775808", func(d *JSONDecoder) error { return d.Int(&i) }, int64(math.MinInt64), func() any { return i }},
		{"9223372036854775807", func(d *JSONDecoder) error { return d.Int(&i) }, int64(math.MaxInt64), func() any { return i }},
		{"-0", func(d *JSONDecoder) error { return d.Int(&i) }, int64(0), func() any { return i }},
		{"1.5e3", func(d *JSONDecoder) error { return d.Float(&f) }, 1500.0, func() any { return f }},
		{"0.1", func(d *JSONDecoder) error { return d.Float(&f) }, 0.1, func() any { return f }},
		{"1.7976931348623157e308", func(d *JSONDecoder) error { return d.Float(&f) }, math.MaxFloat64, func() any { return f }},
		{"5e-324", func(d *JSONDecoder) error { return d.Float(&f) }, 5e-324, func() any { return f }},
		{`"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"`, func(d *JSONDecoder) error { return d.String(&s) }, "a\"\\/\b\f\n\r\té😀", func() any { return s }},
		{`"\ud83d x"`, func(d *JSONDecoder) error { return d.String(&s) }, "\ufffd x", func() any { return s }},
		{"\"\xff\"", func(d *JSONDecoder) error { return d.String(&s) }, "\ufffd", func() any { return s }},
		{`"aGk="`, func(d *JSONDecoder) error { return d.Bytes(&bs) }, "hi", func() any { return string(bs) }},
		{`"2024-02-29T23:59:59.123456789+02:00"`, func(d *JSONDecoder) error { return d.Time(&tm) },
			time.Date(2024, 2, 29, 21, 59, 59, 123456789, time.UTC), func() any { return tm }},
		{"1500", func(d *JSONDecoder) error { return d.Duration(&dur) }, 1500 * time.Millisecond, func() any { return dur }},
	}
	for _, tt := range tests {
		d := NewJSONDecoder([]byte(tt.in))
		if err := tt.read(d); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if err := d.End(); err != nil {
			t.Errorf("%s: End: %v", tt.in, err)
		}
		if got := tt.got(); got != tt.want {
			t.Errorf("%s: got %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	var (
		i  int64
		f  float64
		s  string
		tm time.Time
	)
	tests := []struct {
		in   string
		read func(d *JSONDecoder) error
		want string
	}{
		{`"7"`, func(d *JSONDecoder) error { return d.Int(&i) }, "expected int, got string"},
		{"1e3", func(d *JSONDecoder) error { return d.Int(&i) }, "expected int, got number 1e3"},
		{"1.0", func(d *JSONDecoder) error { return d.Int(&i) }, "expected int, got number 1.0"},
		{"9223372036854775808", func(d *JSONDecoder) error { return d.Int(&i) }, "out of range"},
		{"-9223372036854775809", func(d *JSONDecoder) error { return d.Int(&i) }, "out of range"},
		{"99999999999999999999999", func(d *JSONDecoder) error { return d.Int(&i) }, "out of range"},
		{"1e400", func(d *JSONDecoder) error { return d.Float(&f) }, "out of range"},
		{"01", func(d *JSONDecoder) error { return d.Float(&f) }, "unexpected data"},
		{"-", func(d *JSONDecoder) error { return d.Float(&f) }, "invalid number"},
		{"1.", func(d *JSONDecoder) error { return d.Float(&f) }, "invalid number"},
		{".5", func(d *JSONDecoder) error { return d.Float(&f) }, "unexpected character"},
		{"null", func(d *JSONDecoder) error { return d.Float(&f) }, "expected double, got null"},
		{`"\x"`, func(d *JSONDecoder) error { return d.String(&s) }, "invalid escape"},
		{`"\u12g4"`, func(d *JSONDecoder) error { return d.String(&s) }, "invalid \\u escape"},
		{"\"a\nb\"", func(d *JSONDecoder) error { return d.String(&s) }, "control character"},
		{`"abc`, func(d *JSONDecoder) error { return d.String(&s) }, "unterminated"},
		{`"2024-01-01"`, func(d *JSONDecoder) error { return d.Time(&tm) }, "expected DateTime"},
		{`"9999-12-31T23:30:00-01:00"`, func(d *JSONDecoder) error { return d.Time(&tm) }, "outside years 0001-9999 in UTC"},
		{`"0000-12-31T23:30:00Z"`, func(d *JSONDecoder) error { return d.Time(&tm) }, "outside years 0001-9999 in UTC"},
		{`"0001-01-01T00:30:00+01:00"`, func(d *JSONDecoder) error { return d.Time(&tm) }, "outside years 0001-9999 in UTC"},
		{`"a\u0000b"`, func(d *JSONDecoder) error { return d.String(&s) }, "NUL character"},
		{`{"a\u0000":1}`, func(d *JSONDecoder) error { return d.Skip() }, "NUL character"},
		{"tru", func(d *JSONDecoder) error { var b bool; return d.Bool(&b) }, "invalid literal"},
		{"", func(d *JSONDecoder) error { var b bool; return d.Bool(&b) }, "end of input"},
	}
	for _, tt := range tests {
		d := NewJSONDecoder([]byte(tt.in))
		err := tt.read(d)
		if err == nil {
			err = d.End()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got error %v, want one containing %q", tt.in, err, tt.want)
		}
		var je *JSONError
		if err != nil && !errors.As(err, &je) {
			t.Errorf("%q: error %T is not a *JSONError", tt.in, err)
		}
	}
}

// readAll walks any value with the decoder's own object and array
// iteration, returning what encoding/json's any would hold.
func readAll(d *JSONDecoder) (any, error) {
	switch d.peek() {
	case '{':
		m := map[string]any{}
		if err := d.BeginObject(); err != nil {
			return nil, err
		}
		for {
			key, ok, err := d.Key()
			if err != nil || !ok {
				return m, err
			}
			k := string(key)
			if m[k], err = readAll(d); err != nil {
				return nil, err
			}
		}
	case '[':
		l := []any{}
		if err := d.BeginArray(); err != nil {
			return nil, err
		}
		for {
			ok, err := d.More()
			if err != nil || !ok {
				return l, err
			}
			v, err := readAll(d)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
	case '"':
		var s string
		return s, d.String(&s)
	case 't', 'f':
		var b bool
		return b, d.Bool(&b)
	case 'n':
		d.Null()
		return nil, nil
	}
	var f float64
	return f, d.Float(&f)
}

func TestObjectsAndArrays(t *testing.T) {
	in := `{"a": [1, 2, {"b": null}], "c": {}, "d": [], "a": [3], "e\u0041": "x"}`
	d := NewJSONDecoder([]byte(in))
	got, err := readAll(d)
	if err == nil {
		err = d.End()
	}
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("got %s, want %s", g, w)
	}
	for _, bad := range []string{`{"a":1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `{a:1}`, `{"a":1`, `[`, `{,}`, `[,1]`} {
		d := NewJSONDecoder([]byte(bad))
		if _, err := readAll(d); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestSkip(t *testing.T) {
	good := []string{`1`, `"x\n"`, `[]`, `{}`, `[1,[2,[3,{"a":[{}]}]],"x",true,false,null]`, `{"a":{"b":{"c":[]}},"d":-1.5e-3}`}
	for _, in := range good {
		d := NewJSONDecoder([]byte(in))
		if err := d.Skip(); err != nil {
			t.Errorf("%s: %v", in, err)
		} else if err := d.End(); err != nil {
			t.Errorf("%s: End: %v", in, err)
		}
		if d.depth != 0 {
			t.Errorf("%s: depth %d after skip", in, d.depth)
		}
	}
	bad := []string{`[1,]`, `{"a":}`, `{"a":1,}`, `[1 2]`, `{"a" 1}`, `tru`, `[`, `]`, `{"a":1]`, `[}`, `-`, `"\q"`}
	for _, in := range bad {
		d := NewJSONDecoder([]byte(in))
		err := d.Skip()
		if err == nil {
			err = d.End()
		}
		if err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	for _, n := range []int{maxJSONDepth, maxJSONDepth + 1, 1_000_000} {
		in := strings.Repeat("[", n) + strings.Repeat("]", n)
		d := NewJSONDecoder([]byte(in))
		err := d.Skip()
		if n <= maxJSONDepth && err != nil {
			t.Errorf("depth %d: %v", n, err)
		}
		if n > maxJSONDepth && (err == nil || !strings.Contains(err.Error(), "nesting deeper")) {
			t.Errorf("depth %d: got %v, want a nesting error", n, err)
		}
		d = NewJSONDecoder([]byte(in))
		_, err = readAll(d)
		if n > maxJSONDepth && err == nil {
			t.Errorf("depth %d via BeginArray: no error", n)
		}
	}
}

func TestErrorPaths(t *testing.T) {
	err := error(&JSONError{Msg: "expected int, got string"})
	err = JSONIndexError(err, 2)
	err = JSONFieldError(err, "field", "tags")
	err = JSONFieldError(err, "parameter", "author")
	if got, want := err.Error(), `parameter "author.tags[2]": expected int, got string`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := JSONMissingError("field", "name").Error(); got != `field "name": required, but missing` {
		t.Errorf("missing: %s", got)
	}
}

// TestSpecialBytesFindsTheFirst puts one byte among plain ones, and maybe
// a special byte after it, and checks that specialBytes finds the first
// special byte exactly (none: a zero mask).
func TestSpecialBytesFindsTheFirst(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			for _, fill := range []byte{'a', 0x20, '~', '#', '[', ']'} {
				for later := pos + 1; later <= 8; later++ { // 8: no later special byte
					var w [9]byte
					for i := range w {
						w[i] = fill
					}
					w[pos], w[later] = byte(c), 0x1f
					want := pos
					if strPlain[c] {
						want = later
					}
					m := specialBytes(binary.LittleEndian.Uint64(w[:8]))
					if got := bits.TrailingZeros64(m) >> 3; got != want {
						t.Fatalf("byte %#x at %d and 0x1f at %d among %q: first special at %d, want %d",
							c, pos, later, fill, got, want)
					}
				}
			}
		}
	}
}

// TestIntAgreesWithEncodingJSON runs literals around the one-pass path of
// shortInt (19 digits, leading zeros, signs, fractions) through Int and
// encoding/json: both accept the same ones, with the same value.
func TestIntAgreesWithEncodingJSON(t *testing.T) {
	lits := []string{"0", "-0", "7", "-7", "00", "01", "-01", "-", "--1", "1.", "1.0", "1e3", "1E3", "1x",
		"123456789012345678", "-123456789012345678", "12345678901234567", "999999999999999999",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
		"9999999999999999999", "-9999999999999999999", "1234567890123456789", "-1234567890123456789",
		"18446744073709551616", "123456789012345678901234567890"}
	for _, lit := range lits {
		for _, doc := range []string{lit, "[" + lit + "]", " " + lit + " "} {
			var want int64
			var wantErr error
			if doc[0] == '[' {
				var list []int64
				if wantErr = json.Unmarshal([]byte(doc), &list); wantErr == nil {
					want = list[0]
				}
			} else {
				wantErr = json.Unmarshal([]byte(doc), &want)
			}
			var got int64
			d := NewJSONDecoder([]byte(doc))
			var err error
			if doc[0] == '[' {
				if err = d.BeginArray(); err == nil {
					if _, err = d.More(); err == nil {
						err = d.Int(&got)
					}
					if err == nil {
						_, err = d.More()
					}
				}
			} else {
				err = d.Int(&got)
			}
			if err == nil {
				err = d.End()
			}
			if (err != nil) != (wantErr != nil) || err == nil && got != want {
				t.Errorf("%q: got %d, %v; encoding/json %d, %v", doc, got, err, want, wantErr)
			}
		}
	}
}

// TestFloatAgreesWithEncodingJSON runs literals on both sides of the
// limits of shortFloat through Float and encoding/json: the same ones are
// accepted, with the same bits.
func TestFloatAgreesWithEncodingJSON(t *testing.T) {
	lits := []string{"0", "-0", "-0.0", "0.1", "0.3", "1.5", "-2.25", "1234.5", "123456789012345", "-12345678.9012345",
		"1234567890123456", "12345678901234567890123", "0.000000000000000000001", "0.0000000000000000000001",
		"9007199254740993", "3.14159265358979", "2.718281828459045", "1e5", "1E-5", "1.5e3", "1.", ".5", "-", "01.5",
		"00", "1.5x", "1..5", "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
	for _, lit := range lits {
		for _, doc := range []string{lit, " " + lit + " "} {
			var want float64
			wantErr := json.Unmarshal([]byte(doc), &want)
			var got float64
			d := NewJSONDecoder([]byte(doc))
			err := d.Float(&got)
			if err == nil {
				err = d.End()
			}
			if (err != nil) != (wantErr != nil) || err == nil && math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("%q: got %v, %v; encoding/json %v, %v", doc, got, err, want, wantErr)
			}
		}
	}
}

// readExpecting reads an object of ints the way generated code does, with
// KeyExpect expecting the keys in the order a, b, c.
func readExpecting(doc string) (map[string]int64, error) {
	d := NewJSONDecoder([]byte(doc))
	if err := d.BeginObject(); err != nil {
		return nil, err
	}
	next := map[string]string{"a": `,"b":`, "b": `,"c":`, "c": ""}
	got := map[string]int64{}
	expect := `"a":`
	for {
		key, ok, err := d.KeyExpect(expect)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		var v int64
		if err := d.Int(&v); err != nil {
			return nil, err
		}
		got[string(key)] = v
		expect = next[string(key)]
	}
	return got, d.End()
}

// TestKeyExpect checks that the expected key is only a shortcut: any order,
// white space and escapes read as with Key, and bad JSON (a missing comma
// where the expected key would match) is still refused.
func TestKeyExpect(t *testing.T) {
	for _, doc := range []string{`{"a":1,"b":2,"c":3}`, `{"c":3,"a":1,"b":2}`, `{ "a" : 1 , "b":2,"c":3}`,
		`{"\u0061":1,"b":2,"c":3}`, `{"b":2,"a":1,"c":3}`, `{"a":1,"b":2,"c":3,"d":4}`} {
		got, err := readExpecting(doc)
		if err != nil || got["a"] != 1 || got["b"] != 2 || got["c"] != 3 {
			t.Errorf("%s: got %v, %v", doc, got, err)
		}
	}
	for _, doc := range []string{`{"a":1"b":2}`, `{,"a":1}`, `{"a":1,,"b":2}`, `{"a":1,"b"2}`, `{"a":1,"b":`} {
		if got, err := readExpecting(doc); err == nil {
			t.Errorf("%s: no error, got %v", doc, got)
		}
	}
}
