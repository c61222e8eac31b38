package models

import "unsafe"

// Decoded strings and ByteData are copied out of the document (which the
// caller may reuse) into chunks that the decoder allocates: one allocation
// for the strings of a small document, or of several documents when the
// decoder is reused, instead of one per string. A chunk's bytes are
// written once, when handed out, and never again, so the strings made over
// them are as immutable as any; a chunk stays alive while any of them does.

const (
	// strChunk is the largest chunk; strMin the smallest, so that a short
	// last string does not make a chunk of its own size.
	strChunk = 4 << 10
	strMin   = 128
	// strAlone: a longer value gets an allocation of its own, so that it
	// neither wastes a chunk nor keeps one alive.
	strAlone = 512
)

// keepString returns s as a string that outlives the document.
func (d *JSONDecoder) keepString(s []byte) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > strAlone {
		d.charge(int64(len(s)))
		return string(s)
	}
	b := d.keepSpace(len(s))
	copy(b, s)
	return unsafe.String(&b[0], len(b))
}

// keepSpace returns n bytes that are the caller's to fill, with no room
// after them (an append copies).
func (d *JSONDecoder) keepSpace(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	if n > strAlone {
		d.charge(int64(n))
		return make([]byte, n)
	}
	if cap(d.strs)-len(d.strs) < n {
		// What is left of the document bounds the strings still to come.
		size := min(max(len(d.data)-d.pos+n, strMin), strChunk)
		d.charge(int64(size))
		d.strs = make([]byte, 0, size)
	}
	start := len(d.strs)
	d.strs = d.strs[:start+n]
	return d.strs[start : start+n : start+n]
}
