package server

import (
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/podgen/podgen/emit/static/pod"
)

// errorBody appends the JSON error of SPEC §8 to b:
//
//	{"error":"...","class":"NotFound","data":{...}}   a generated exception
//	{"error":"...","class":null,"data":null}          any other 4xx
//	{"error":"internal server error","class":null,"data":null,"requestId":"..."}
func errorBody(b []byte, msg, class string, data []byte, requestID string) []byte {
	b = append(b, `{"error":`...)
	b = appendString(b, msg)
	b = append(b, `,"class":`...)
	if class == "" {
		b = append(b, "null"...)
	} else {
		b = appendString(b, class)
	}
	b = append(b, `,"data":`...)
	if data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, data...)
	}
	if requestID != "" {
		b = append(b, `,"requestId":`...)
		b = appendString(b, requestID)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD, as
// encoding/json does, so an error that quotes bad input is still valid JSON.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}

// unavailable answers a call that failed because the database cannot be
// reached with a 503 (the client may retry; nothing is wrong with the call)
// and reports whether it did.
func unavailable(c *call, err error) bool {
	var du *pod.DatabaseUnavailableError
	if !errors.As(err, &du) {
		return false
	}
	c.rt.Logger.LogAttrs(c.r.Context(), slog.LevelWarn, "database unavailable",
		slog.String("request", c.id), slog.String("endpoint", c.endpoint),
		slog.String("method", c.method), slog.String("error", du.Err.Error()))
	if !c.wrote {
		c.write(http.StatusServiceUnavailable, errorBody(c.out[:0], "database unavailable", "", nil, ""))
	}
	return true
}
