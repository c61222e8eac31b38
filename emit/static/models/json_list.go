package models

import "unsafe"

// Lists are decoded into scratch lists that a decoder keeps, one per array
// depth and element type, and then copied into a slice of their exact
// length: one allocation per list instead of the growth by doubling that
// appending needs (a list of five classes allocated room for twelve). The
// server pools its decoders, so their scratch lists are allocated once.
//
// The first list of its depth and type that a decoder reads is decoded
// straight into the destination, as appending would, so that a decoder
// used once costs what it did before scratch lists.

// JSONScratch is a list being decoded: generated code extends Elems with
// ExtendJSONSlice and decodes each element in place.
type JSONScratch[T any] struct {
	Elems []T
	kept  bool // Elems is the decoder's: FinishJSONList copies out of it
	busy  bool // handed out by JSONList and not yet finished
}

// jsonScratch is the scratch list (a *JSONScratch[T]) of arrays at depth.
type jsonScratch struct {
	depth int
	list  scratchList
}

// scratchList is what Reset needs of a kept list.
type scratchList interface{ release() }

// release forgets what a decode that failed (and so never finished the
// list) left in it: the elements decoded so far, and memory grown past
// maxScratchBytes. Without it, a pooled decoder would pin the elements of
// the largest body that ever failed, up to its budget, per decoder.
func (l *JSONScratch[T]) release() {
	if !l.busy {
		return
	}
	var zero T
	switch {
	case !l.kept, cap(l.Elems)*int(unsafe.Sizeof(zero)) > maxScratchBytes:
		l.Elems = nil // the caller's slice, or too large to keep
	default:
		clear(l.Elems[:cap(l.Elems)])
		l.Elems = l.Elems[:0]
	}
	l.busy = false
}

const (
	// maxScratchLists bounds the scratch lists a decoder keeps.
	maxScratchLists = 32
	// maxScratchBytes: a larger scratch list is dropped after use, so that
	// one huge request does not pin its memory in a pooled decoder.
	maxScratchBytes = 64 << 10
)

// JSONList returns the list to decode the array just begun into, empty;
// dst is where the elements end up (FinishJSONList).
func JSONList[T any](d *JSONDecoder, dst []T) *JSONScratch[T] {
	for _, s := range d.scratch {
		if s.depth == d.depth {
			if l, ok := s.list.(*JSONScratch[T]); ok {
				l.busy = true
				if l.kept {
					l.Elems = l.Elems[:0]
				} else {
					l.Elems = dst[:0] // what a failed decode left is not ours
				}
				return l
			}
		}
	}
	l := &JSONScratch[T]{Elems: dst[:0], busy: true}
	if len(d.scratch) < maxScratchLists {
		d.scratch = append(d.scratch, jsonScratch{d.depth, l})
	}
	return l
}

// FinishJSONList returns the elements of l, in dst's backing array when
// they fit or else in a new one of their length (an empty array gives an
// empty, non-nil slice), and leaves l empty, holding no value decoded.
func FinishJSONList[T any](d *JSONDecoder, dst []T, l *JSONScratch[T]) []T {
	var zero T
	size, n := int(unsafe.Sizeof(zero)), len(l.Elems)
	l.busy = false
	switch {
	case !l.kept: // the first of its kind: decoded in place, as appending would
		out := l.Elems
		l.Elems, l.kept = nil, true
		if out == nil {
			out = []T{}
		}
		return out
	case cap(l.Elems)*size > maxScratchBytes && cap(dst) < n:
		// Too large to keep: the scratch list itself is the result, as
		// appending would have made it, instead of a copy of it.
		out := l.Elems
		l.Elems = nil
		return out
	}
	if dst == nil || cap(dst) < n {
		d.charge(int64(n) * int64(size))
		dst = make([]T, n)
	}
	dst = dst[:n]
	copy(dst, l.Elems)
	clear(l.Elems)
	if cap(l.Elems)*size > maxScratchBytes {
		l.Elems = nil
	}
	return dst
}
