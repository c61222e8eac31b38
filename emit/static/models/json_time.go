package models

import "time"

// appendRFC3339 appends t (already UTC, with date y-mo-d and y in 1..9999)
// as time.RFC3339Nano does, digit by digit: it is the hot part of encoding
// a date.
func appendRFC3339(b []byte, t time.Time, y int, mo time.Month, d int) []byte {
	h, mi, s := t.Clock()
	n := len(b)
	b = append(b, "0000-00-00T00:00:00"...)
	x := b[n : n+19]
	x[0], x[1], x[2], x[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	x[5], x[6] = byte('0'+mo/10), byte('0'+mo%10)
	x[8], x[9] = byte('0'+d/10), byte('0'+d%10)
	x[11], x[12] = byte('0'+h/10), byte('0'+h%10)
	x[14], x[15] = byte('0'+mi/10), byte('0'+mi%10)
	x[17], x[18] = byte('0'+s/10), byte('0'+s%10)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		end := 10
		for frac[end-1] == '0' {
			end-- // RFC3339Nano drops trailing zeros
		}
		b = append(b, frac[:end]...)
	}
	return append(b, 'Z')
}

// parseRFC3339 is a fast path for the usual shape of a date,
// "2006-01-02T15:04:05[.fraction](Z|±07:00)", with every field in range.
// ok is false for anything else, which the caller hands to the time
// package to accept or reject.
func parseRFC3339(s []byte) (t time.Time, ok bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	h, ok4 := num(s[11:13])
	mi, ok5 := num(s[14:16])
	sec, ok6 := num(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 ||
		d > daysIn(time.Month(mo), y) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, ns := 19, 0
	if s[i] == '.' {
		j := i + 1
		for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			if j-i <= 9 {
				ns = ns*10 + int(s[j]-'0')
			}
		}
		if j == i+1 || j-i-1 > 9 {
			return time.Time{}, false
		}
		for k := j - i - 1; k < 9; k++ {
			ns *= 10
		}
		i = j
	}
	var offset int
	switch rest := s[i:]; {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(rest[1:3])
		om, ok2 := num(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	secs := daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+sec-offset)
	return time.Unix(secs, int64(ns)).UTC(), true
}

// daysFromCivil counts the days from 1970-01-01 to y-m-d in the proleptic
// Gregorian calendar (Howard Hinnant's algorithm); cheaper than time.Date.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// num parses a short run of decimal digits.
func num(s []byte) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int((m-1)%7%2)
}
