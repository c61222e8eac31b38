package pod

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// binaryArray is PostgreSQL's binary form of a one-dimensional array, as
// pgx encodes it.
func binaryArray(t testing.TB, oid uint32, v any) []byte {
	t.Helper()
	b, err := pgtype.NewMap().Encode(oid, pgtype.BinaryFormatCode, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadArray(t *testing.T) {
	c, n, err := readArray(binaryArray(t, pgtype.TextArrayOID, []*string{new("a"), nil, new("")}))
	if err != nil || n != 3 || c.oid != pgtype.TextOID {
		t.Fatalf("readArray = %+v, %d, %v", c, n, err)
	}
	var got [][]byte
	for range n {
		e, err := c.next()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if string(got[0]) != "a" || got[1] != nil || got[2] == nil || len(got[2]) != 0 {
		t.Fatalf("elements = %q: want a, NULL, an empty string", got)
	}
	if _, err := c.next(); err == nil {
		t.Fatal("an element past the end was read")
	}
	// array_agg of no rows is NULL; an empty array has no dimension.
	for _, b := range [][]byte{nil, binaryArray(t, pgtype.Int8ArrayOID, []int64{})} {
		if _, n, err := readArray(b); err != nil || n != 0 {
			t.Fatalf("readArray(%x) = %d, %v; want no rows", b, n, err)
		}
	}
	two := binaryArray(t, pgtype.Int8ArrayOID, [][]int64{{1, 2}, {3, 4}})
	if _, _, err := readArray(two); err == nil {
		t.Fatal("a two-dimensional array was read as a level")
	}
}

// FuzzReadArray: bytes that are no array are an error, never a panic or
// a read past the end.
func FuzzReadArray(f *testing.F) {
	f.Add(binaryArray(f, pgtype.Int8ArrayOID, []int64{1, 2, 3}))
	f.Add(binaryArray(f, pgtype.TextArrayOID, []string{"x", "yz"}))
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, n, err := readArray(b)
		if err != nil {
			return
		}
		for range n {
			e, err := c.next()
			if err != nil {
				return
			}
			if len(e) > len(b) {
				t.Fatalf("an element of %d bytes in %d", len(e), len(b))
			}
		}
	})
}

// bigintKey is n as the binary form of a bigint column.
func bigintKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func TestKeyIndex(t *testing.T) {
	ints := newKeyIndex([][]byte{bigintKey(7), nil, bigintKey(9)})
	if ints.ints == nil {
		t.Fatal("bigint keys are not indexed as integers")
	}
	for _, c := range []struct {
		key  []byte
		want int32
		ok   bool
	}{{bigintKey(7), 0, true}, {bigintKey(9), 2, true}, {bigintKey(8), 0, false}, {nil, 0, false}, {[]byte("short"), 0, false}} {
		if got, ok := ints.find(c.key); ok != c.ok || ok && got != c.want {
			t.Fatalf("find(%x) = %d, %v; want %d, %v", c.key, got, ok, c.want, c.ok)
		}
	}
	// Other keys (a UUID, a text) by their bytes; NULL and "" differ.
	u1, u2 := bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 16)
	strs := newKeyIndex([][]byte{u1, {}, u2, nil})
	if strs.strs == nil {
		t.Fatal("16-byte keys indexed as integers")
	}
	if got, ok := strs.find(u2); !ok || got != 2 {
		t.Fatalf("find(u2) = %d, %v", got, ok)
	}
	if got, ok := strs.find([]byte{}); !ok || got != 1 {
		t.Fatalf("find(empty) = %d, %v", got, ok)
	}
	if _, ok := strs.find(bytes.Repeat([]byte{3}, 16)); ok {
		t.Fatal("found a key that is not there")
	}
}

func TestOwners(t *testing.T) {
	got, err := owners([][]byte{bigintKey(1), bigintKey(2)}, [][]byte{bigintKey(2), bigintKey(1), bigintKey(2)}, "book")
	if err != nil || len(got) != 3 || got[0] != 1 || got[1] != 0 || got[2] != 1 {
		t.Fatalf("owners = %v, %v", got, err)
	}
	if _, err := owners([][]byte{bigintKey(1)}, [][]byte{bigintKey(3)}, "book"); err == nil {
		t.Fatal("a row without its parent was placed")
	}
}

func TestPartition(t *testing.T) {
	// Rows of parents 1, 0, 1, 2 (of four parents, the last without rows).
	start, pos := partition([]int32{1, 0, 1, 2}, 4)
	if want := []int32{0, 1, 3, 4, 4}; !slices.Equal(start, want) {
		t.Fatalf("start = %v, want %v", start, want)
	}
	if want := []int32{1, 0, 2, 3}; !slices.Equal(pos, want) {
		t.Fatalf("pos = %v, want %v", pos, want)
	}
}
