package pod

import (
	"encoding/json"
	"testing"
)

// The benchmarks run the generated codecs and encoding/json (on the mirror
// types a hand-written app would declare) side by side on the same values:
// Flat is ten scalar fields; Nested is a Company with five employees, two
// offices, tags and a nested address. Goal: 4x faster both ways, and no
// allocation when marshalling into a reused buffer.

func BenchmarkMarshalFlat(b *testing.B) {
	f := sampleFlat()
	benchMarshal(b, &f, mirrorFlat(f))
}

func BenchmarkMarshalNested(b *testing.B) {
	c := sampleCompany(5)
	benchMarshal(b, &c, mirrorCompany(c))
}

func BenchmarkUnmarshalFlat(b *testing.B) {
	f := sampleFlat()
	benchUnmarshal(b, &f, func() codec { return new(Flat) }, func() any { return new(mFlat) })
}

func BenchmarkUnmarshalNested(b *testing.B) {
	c := sampleCompany(5)
	benchUnmarshal(b, &c, func() codec { return new(Company) }, func() any { return new(mCompany) })
}

func benchMarshal(b *testing.B, v codec, mirror any) {
	b.Run("podgen", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 16<<10)
		for b.Loop() {
			var err error
			if buf, err = v.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encodingjson", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			out, err := json.Marshal(mirror)
			if err != nil {
				b.Fatal(err)
			}
			n = len(out)
		}
		b.SetBytes(int64(n))
	})
}

func benchUnmarshal(b *testing.B, v codec, fresh func() codec, freshMirror func() any) {
	data, err := v.AppendJSON(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("podgen", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		var d JSONDecoder
		for b.Loop() {
			d.Reset(data)
			if err := fresh().DecodeJSON(&d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encodingjson", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := json.Unmarshal(data, freshMirror()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
