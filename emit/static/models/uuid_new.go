package models

import (
	"crypto/rand"
	"sync"
	"time"
)

// NewRandomUUID returns a random UUID (version 4, RFC 9562), the value of
// a `random` default.
func NewRandomUUID() UUID {
	var u UUID
	rand.Read(u[:]) //nolint:errcheck // crypto/rand never fails on supported platforms
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// v7 is the state that keeps NewUUIDv7 increasing within the process.
var v7 struct {
	mu  sync.Mutex
	ms  int64 // the Unix milliseconds of the last UUID
	seq int64 // its 12-bit counter
}

// NewUUIDv7 returns a time-ordered UUID (version 7, RFC 9562), the value of
// a `random_v7` default: 48 bits of Unix milliseconds, a 12-bit counter
// (method 1 of RFC 9562 §6.2), then 62 random bits. UUIDs made by one
// process are strictly increasing, even within one millisecond or when the
// clock steps back; Postgres before 18 has no uuidv7(), so podgen makes
// them in Go.
func NewUUIDv7() UUID {
	return newUUIDv7(time.Now().UnixMilli())
}

func newUUIDv7(now int64) UUID {
	var u UUID
	rand.Read(u[:]) //nolint:errcheck // crypto/rand never fails on supported platforms
	v7.mu.Lock()
	switch {
	case now > v7.ms:
		v7.ms, v7.seq = now, int64(u[6]&0x01)<<8|int64(u[7]) // a random start leaves room to count
	case v7.seq < 0xfff:
		v7.seq++
	default: // counter exhausted: borrow the next millisecond
		v7.ms, v7.seq = v7.ms+1, 0
	}
	ms, seq := v7.ms, v7.seq
	v7.mu.Unlock()
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | byte(seq>>8)
	u[7] = byte(seq)
	u[8] = u[8]&0x3f | 0x80
	return u
}

// defaultPtr is a pointer to a copy of v, for the default of a `T?` field.
func defaultPtr[T any](v T) *T { return &v }
