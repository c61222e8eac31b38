package server

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"
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

// unavailable answers a call that overran requestTimeout, or failed
// because the database (or another serviceUnavailable) cannot be reached,
// with a 503 (the client may retry; nothing is wrong with the call) and
// reports whether it did. They come in floods when the database hangs,
// so their warnings are rate-limited.
func unavailable(c *call, err error) bool {
	var du *pod.DatabaseUnavailableError
	var su serviceUnavailable
	warnings, msg, cause := unavailableWarnings, "", err
	switch {
	case errors.Is(err, context.DeadlineExceeded) || c.session != nil && errors.Is(c.session.Err(), context.DeadlineExceeded):
		warnings, msg = timeoutWarnings, "request timed out"
	case errors.As(err, &du):
		msg, cause = "database unavailable", du.Err
	case errors.As(err, &su):
		msg = su.ServiceUnavailable() + " unavailable"
	default:
		return false
	}
	warnings.warn(c, msg, cause)
	if !c.wrote {
		c.busy(msg)
	}
	return true
}

// serviceUnavailable is an error of another service a call needs being down
// for now, such as the auth module's fetch of Google's or Apple's keys:
// a 503 like the database's.
type serviceUnavailable interface {
	error
	ServiceUnavailable() string
}

var timeoutWarnings, unavailableWarnings = &warnLimiter{every: 5 * time.Second}, &warnLimiter{every: 5 * time.Second}

// warnLimiter writes at most one warning per interval; the next one says
// how many it left out.
type warnLimiter struct {
	every      time.Duration
	next       atomic.Int64 // UnixNano before which warnings are counted, not written
	suppressed atomic.Int64
}

// allow reports whether a warning may be written now, and how many were
// left out since the last one.
func (l *warnLimiter) allow(now time.Time) (bool, int64) {
	n, next := now.UnixNano(), l.next.Load()
	if n < next || !l.next.CompareAndSwap(next, n+int64(l.every)) {
		l.suppressed.Add(1)
		return false, 0
	}
	return true, l.suppressed.Swap(0)
}

func (l *warnLimiter) warn(c *call, msg string, err error) {
	ok, left := l.allow(time.Now())
	if !ok {
		return
	}
	attrs := []slog.Attr{slog.String("request", c.id), slog.String("endpoint", c.endpoint),
		slog.String("method", c.method), slog.String("error", err.Error())}
	if left > 0 {
		attrs = append(attrs, slog.Int64("suppressed", left), slog.Duration("in", l.every))
	}
	c.rt.Logger.LogAttrs(c.r.Context(), slog.LevelWarn, msg, attrs...)
}
