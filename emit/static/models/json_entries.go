package models

import (
	"cmp"
	"slices"
)

// Sets and maps whose keys are not strings (SPEC §2.1). A Set<T> is a Go
// map[T]struct{} and its JSON an array; a Map<K,V> with K other than
// String has Serverpod's JSON form [{"k": key, "v": value}, ...]. Both are
// written in key order, so that a value has one JSON form (for caches,
// json columns and tests) whatever Go's map order.

// SortedKeysFunc appends the keys of m to buf and sorts them with compare.
func SortedKeysFunc[K comparable, V any](buf []K, m map[K]V, compare func(a, b K) int) []K {
	for k := range m {
		buf = append(buf, k)
	}
	slices.SortFunc(buf, compare)
	return buf
}

// CompareBool orders false before true.
func CompareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// CompareEnumIndex orders the values of a byIndex enum by their position,
// the order of their wire form.
func CompareEnumIndex[E interface{ Index() int64 }](a, b E) int {
	return cmp.Compare(a.Index(), b.Index())
}

// Entry keys, as EntryField reports them.
const (
	EntryKey   = 'k'
	EntryValue = 'v'
)

// EntryField reads the next member key of a map entry {"k": …, "v": …}
// begun by BeginObject: EntryKey or EntryValue, with the decoder at the
// member's value, or 0 after the closing '}'. seen records the members
// read so far; a repeated, unknown or (at the end) missing member is an
// error.
func (d *JSONDecoder) EntryField(seen *uint8) (byte, error) {
	key, ok, err := d.Key()
	switch {
	case err != nil:
		return 0, err
	case !ok && *seen != 3:
		return 0, &JSONError{Msg: `a map entry needs both "k" and "v"`}
	case !ok:
		return 0, nil
	case len(key) != 1 || (key[0] != EntryKey && key[0] != EntryValue):
		return 0, &JSONError{Msg: `unexpected member ` + string(AppendJSONString(nil, string(key))) + ` in a map entry (want "k" and "v")`}
	}
	bit := uint8(1)
	if key[0] == EntryValue {
		bit = 2
	}
	if *seen&bit != 0 {
		return 0, &JSONError{Msg: `a map entry has "` + string(key) + `" twice`}
	}
	*seen |= bit
	return key[0], nil
}
