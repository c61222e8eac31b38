package models

import (
	"errors"
	"sync/atomic"
	"unsafe"
)

// A tiny JSON document can describe a lot of memory: each "{}" of a
// 1 MiB `[{},{},…]` is a map, and 64 such bodies at once once took a server
// to 2.4 GB. A JSONBudget bounds what decoding one request may allocate,
// and a JSONPool bounds what all requests in flight hold together. The
// decoder charges what it allocates (slice growth, maps and their entries,
// strings, pointees of nullable values) as it goes, and takes from the
// budget in chunks, so that a decode with a budget costs an add and a
// compare per allocation.

// ErrJSONTooLarge is the cause of a decoding error when the document
// needed more memory than its budget's Max.
var ErrJSONTooLarge = errors.New("decoding needs more memory than the size of the request allows")

// ErrJSONBusy is the cause of a decoding error when the shared pool had
// no memory left: other requests hold it, and a retry may succeed.
var ErrJSONBusy = errors.New("the server is busy: too much request memory in use")

// JSONPool is memory shared by the requests in flight, in bytes.
type JSONPool struct{ free atomic.Int64 }

// NewJSONPool returns a pool of size bytes.
func NewJSONPool(size int64) *JSONPool {
	p := &JSONPool{}
	p.free.Store(size)
	return p
}

// Free returns the bytes not taken.
func (p *JSONPool) Free() int64 { return p.free.Load() }

// JSONBudget is one request's share of a pool: at most Max bytes, taken as
// they are needed and given back by Release.
type JSONBudget struct {
	Max   int64
	Pool  *JSONPool // nil: only Max bounds the request
	taken int64
}

// Take takes n more bytes, or fails with ErrJSONTooLarge or ErrJSONBusy
// taking nothing.
func (b *JSONBudget) Take(n int64) error {
	if b.taken+n > b.Max {
		return ErrJSONTooLarge
	}
	if b.Pool != nil {
		if b.Pool.free.Add(-n) < 0 {
			b.Pool.free.Add(n)
			return ErrJSONBusy
		}
	}
	b.taken += n
	return nil
}

// Taken returns the bytes taken and not yet released.
func (b *JSONBudget) Taken() int64 { return b.taken }

// Release gives everything taken back to the pool.
func (b *JSONBudget) Release() {
	if b.Pool != nil && b.taken > 0 {
		b.Pool.free.Add(b.taken)
	}
	b.taken = 0
}

// jsonBudgetChunk is how much a decoder takes from its budget at a time.
const jsonBudgetChunk = 16 << 10

// SetBudget makes d charge what it allocates to b until the next Reset.
// Going over b makes the next read fail with an error wrapping
// ErrJSONTooLarge or ErrJSONBusy.
func (d *JSONDecoder) SetBudget(b *JSONBudget) { d.budget, d.alloc, d.granted = b, 0, 0 }

// charge counts n bytes allocated for the values decoded.
func (d *JSONDecoder) charge(n int64) {
	if d.budget == nil {
		return
	}
	d.alloc += n
	if d.alloc > d.granted {
		d.grant()
	}
}

// grant takes another chunk from the budget, or records why it cannot.
func (d *JSONDecoder) grant() {
	if d.err != nil {
		return
	}
	need := d.alloc - d.granted
	chunk := min(max(need, jsonBudgetChunk), d.budget.Max-d.budget.taken)
	if chunk < need {
		chunk = need // fails with ErrJSONTooLarge
	}
	if err := d.budget.Take(chunk); err != nil {
		d.err = &JSONError{Msg: err.Error(), Err: err}
		return
	}
	d.granted += chunk
}

// ExtendJSONSlice returns s with one more, zeroed element that a decoder
// fills in place, charging d for any growth. It grows at least to 4 and
// then doubles, as encoding/json does, instead of append's 1, 2, 4.
func ExtendJSONSlice[T any](d *JSONDecoder, s []T) []T {
	var zero T
	if n := len(s); n < cap(s) {
		s = s[:n+1]
		s[n] = zero
		return s
	}
	grown := make([]T, len(s)+1, max(4, 2*cap(s)))
	d.charge(int64(cap(grown)-cap(s)) * int64(unsafe.Sizeof(zero)))
	copy(grown, s)
	return grown
}

// NewJSONMap returns an empty map for a decoded value, charging d for it.
func NewJSONMap[K comparable, V any](d *JSONDecoder) map[K]V {
	d.charge(mapHeaderSize)
	return map[K]V{}
}

// mapHeaderSize is about what an empty map costs.
const mapHeaderSize = 48

// PutJSONMap sets m[k] = v, charging d for the entry: a map's first
// entry allocates a group of eight slots, later ones about two slots each
// on average, counting the growth.
func PutJSONMap[K comparable, V any](d *JSONDecoder, m map[K]V, k K, v V) {
	n := len(m)
	m[k] = v
	slot := int64(unsafe.Sizeof(k)+unsafe.Sizeof(v)) + 1
	switch {
	case n == 0:
		d.charge(8 * slot)
	case len(m) > n:
		d.charge(2 * slot)
	}
}

// NewJSONValue returns a new zero T for a nullable decoded value,
// charging d for it.
func NewJSONValue[T any](d *JSONDecoder) *T {
	p := new(T)
	d.charge(int64(unsafe.Sizeof(*p)))
	return p
}

// MapKey returns a map key read by Key as a string, charging d for it.
func (d *JSONDecoder) MapKey(key []byte) string {
	return d.keepString(key)
}
