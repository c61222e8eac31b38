package models

import "strconv"

// Int reads an integral number in int64 range into p. Like encoding/json,
// it rejects fractions and exponents (1.0, 1e3).
func (d *JSONDecoder) Int(p *int64) error {
	return d.int(p, "int")
}

func (d *JSONDecoder) int(p *int64, want string) error {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return d.typeError(want)
	}
	if v, ok := d.shortInt(); ok {
		*p = v
		return nil
	}
	start := d.pos
	end, integral, err := d.scanNumber()
	if err != nil {
		return err
	}
	lit := d.data[start:end]
	if !integral {
		return &JSONError{Msg: "expected " + want + ", got number " + string(lit)}
	}
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	var u uint64
	for _, c := range lit {
		if u > (1<<64-1)/10 {
			return d.rangeError(want, start, end)
		}
		u = u*10 + uint64(c-'0')
		if u < uint64(c-'0') {
			return d.rangeError(want, start, end)
		}
	}
	switch {
	case neg && u <= 1<<63:
		*p = -int64(u-1) - 1 // -(1<<63) without overflowing
	case !neg && u <= 1<<63-1:
		*p = int64(u)
	default:
		return d.rangeError(want, start, end)
	}
	return nil
}

// shortInt reads an integer of at most 19 digits (which fit in a uint64)
// in int64 range in one pass, as most are. Anything else, valid or not, is
// left for the checks of int.
func (d *JSONDecoder) shortInt() (int64, bool) {
	data, i := d.data, d.pos
	neg := data[i] == '-'
	if neg {
		i++
	}
	start := i
	var u uint64
	for ; i < len(data) && i-start < 19; i++ {
		c := data[i] - '0'
		if c > 9 {
			break
		}
		u = u*10 + uint64(c)
	}
	if n := i - start; n == 0 || n > 1 && data[start] == '0' || i < len(data) && numberByte[data[i]] {
		return 0, false
	}
	var v int64
	switch {
	case neg && u <= 1<<63:
		v = -int64(u-1) - 1 // -(1<<63) without overflowing
	case !neg && u <= 1<<63-1:
		v = int64(u)
	default:
		return 0, false
	}
	d.pos = i
	return v, true
}

// numberByte marks the bytes that may continue a number after its digits.
var numberByte = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true,
	'6': true, '7': true, '8': true, '9': true, '.': true, 'e': true, 'E': true}

func (d *JSONDecoder) rangeError(want string, start, end int) error {
	return &JSONError{Msg: "expected " + want + ", got number " + string(d.data[start:end]) + " (out of range)"}
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// Float reads a number into p. Short decimals take an exact fast path
// (mantissa below 2^53, power of ten up to 22); others go to strconv.
func (d *JSONDecoder) Float(p *float64) error {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return d.typeError("double")
	}
	if f, ok := d.shortFloat(); ok {
		*p = f
		return nil
	}
	start := d.pos
	end, _, err := d.scanNumber()
	if err != nil {
		return err
	}
	f, err := strconv.ParseFloat(string(d.data[start:end]), 64)
	if err != nil {
		return d.rangeError("double", start, end)
	}
	*p = f
	return nil
}

// shortFloat reads, in one pass, a decimal of at most 15 digits with at
// most 22 after the point and no exponent, which Clinger's fast path
// converts exactly: the mantissa and the power of ten are exact doubles,
// so one division rounds correctly. Anything else, valid or not, is left
// for scanNumber and strconv.
func (d *JSONDecoder) shortFloat() (float64, bool) {
	data, i := d.data, d.pos
	neg := data[i] == '-'
	if neg {
		i++
	}
	start := i
	var mant uint64
	for ; i < len(data) && data[i]-'0' <= 9; i++ {
		mant = mant*10 + uint64(data[i]-'0') // wraps past 19 digits: refused below
	}
	digits, frac := i-start, 0
	if digits == 0 || digits > 1 && data[start] == '0' {
		return 0, false
	}
	if i < len(data) && data[i] == '.' {
		i++
		point := i
		for ; i < len(data) && data[i]-'0' <= 9; i++ {
			mant = mant*10 + uint64(data[i]-'0')
		}
		if frac = i - point; frac == 0 {
			return 0, false
		}
		digits += frac
	}
	if digits > 15 || frac > 22 || i < len(data) && numberByte[data[i]] {
		return 0, false
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	d.pos = i
	return f, true
}

// scanNumber checks the number at d.pos against RFC 8259's grammar and
// consumes it; integral is false when it has a fraction or an exponent.
func (d *JSONDecoder) scanNumber() (end int, integral bool, err error) {
	data, i := d.data, d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		d.pos = i
		return 0, false, d.syntaxError("invalid number")
	}
	integral = true
	if i < len(data) && data[i] == '.' {
		integral = false
		if j := digits(data, i+1); j > i+1 {
			i = j
		} else {
			d.pos = j
			return 0, false, d.syntaxError("invalid number")
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integral = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if j := digits(data, i); j > i {
			i = j
		} else {
			d.pos = j
			return 0, false, d.syntaxError("invalid number")
		}
	}
	d.pos = i
	return i, integral, nil
}

// digits returns the index after the run of decimal digits at data[i].
func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}
