// Package jsonbench compares podgen's generated JSON codecs with
// encoding/json and three fast reflection-based libraries on the rich
// golden app's Flat and Company (five employees), on the same bytes:
//
//	cd bench/json && go test -run '^$' -bench . -benchmem -count 10 | tee new.txt
//
// It is its own module so that the peers never become dependencies of
// podgen or of a generated app. The generated code is golden/rich/pod
// itself (golden/ is the module golden.invalid, replaced by ../../golden),
// so the benchmarks always run what `make golden` last wrote.
package jsonbench

import (
	stdjson "encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bytedance/sonic"
	goccy "github.com/goccy/go-json"
	segmentio "github.com/segmentio/encoding/json"

	"golden.invalid/rich/pod"
)

// codec is a generated class: Flat or Company.
type codec interface {
	AppendJSON([]byte) ([]byte, error)
	DecodeJSON(*pod.JSONDecoder) error
}

// peer is a reflection-based library, called the way its README says.
type peer struct {
	name      string
	marshal   func(any) ([]byte, error)
	unmarshal func([]byte, any) error
}

var peers = []peer{
	{"std", stdjson.Marshal, stdjson.Unmarshal},
	{"goccy", goccy.Marshal, goccy.Unmarshal},
	{"sonic", sonic.Marshal, sonic.Unmarshal},
	{"segmentio", segmentio.Marshal, segmentio.Unmarshal},
}

// jsonCase is one class: a sample value, its mirror for the peers and
// constructors of empty ones to decode into.
type jsonCase struct {
	name        string
	value       codec
	mirror      any
	fresh       func() codec
	freshMirror func() any
	toMirror    func(codec) any // the mirror of a decoded value, for the checks
}

func cases() []jsonCase {
	f, c := sampleFlat(), sampleCompany(5)
	return []jsonCase{
		{"Flat", &f, mirrorFlat(f), func() codec { return new(pod.Flat) }, func() any { return new(mFlat) },
			func(v codec) any { return mirrorFlat(*v.(*pod.Flat)) }},
		{"Company", &c, mirrorCompany(c), func() codec { return new(pod.Company) }, func() any { return new(mCompany) },
			func(v codec) any { return mirrorCompany(*v.(*pod.Company)) }},
	}
}

func caseNamed(name string) jsonCase {
	for _, c := range cases() {
		if c.name == name {
			return c
		}
	}
	panic(name)
}

// input is the document every codec decodes: podgen's encoding of the
// sample, which encoding/json writes byte for byte the same.
func (c jsonCase) input(tb testing.TB) []byte {
	data, err := c.value.AppendJSON(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// decodePodgen reads one document the way the generated server reads a
// request body: a reused decoder, the value, then nothing but white space.
func decodePodgen(d *pod.JSONDecoder, data []byte, v codec) error {
	d.Reset(data)
	if err := v.DecodeJSON(d); err != nil {
		return err
	}
	return d.End()
}

func BenchmarkUnmarshalFlat(b *testing.B)    { benchUnmarshal(b, caseNamed("Flat")) }
func BenchmarkUnmarshalCompany(b *testing.B) { benchUnmarshal(b, caseNamed("Company")) }
func BenchmarkMarshalFlat(b *testing.B)      { benchMarshal(b, caseNamed("Flat")) }
func BenchmarkMarshalCompany(b *testing.B)   { benchMarshal(b, caseNamed("Company")) }

func benchUnmarshal(b *testing.B, c jsonCase) {
	data := c.input(b)
	r := newRound(b)
	b.Run("podgen", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		var d pod.JSONDecoder
		for b.Loop() {
			if err := decodePodgen(&d, data, c.fresh()); err != nil {
				b.Fatal(err)
			}
		}
		r.record(b, "podgen")
	})
	for _, p := range peers {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := p.unmarshal(data, c.freshMirror()); err != nil {
					b.Fatal(err)
				}
			}
			r.record(b, p.name)
		})
	}
	r.print()
}

func benchMarshal(b *testing.B, c jsonCase) {
	r := newRound(b)
	b.Run("podgen", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 16<<10)
		for b.Loop() {
			var err error
			if buf, err = c.value.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(buf)))
		r.record(b, "podgen")
	})
	for _, p := range peers {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				out, err := p.marshal(c.mirror)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.SetBytes(int64(n))
			r.record(b, p.name)
		})
	}
	r.print()
}

// round collects the time per operation of each codec in one run of a
// benchmark and prints how podgen compares with the fastest peer other
// than encoding/json. The line does not start with "Benchmark": benchstat
// ignores it.
type round struct {
	b     *testing.B
	mu    sync.Mutex
	nsOp  map[string]float64
	order []string
}

func newRound(b *testing.B) *round { return &round{b: b, nsOp: map[string]float64{}} }

// record keeps the figure of the sub-benchmark's last (longest) run.
func (r *round) record(b *testing.B, name string) {
	if b.N == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.nsOp[name]; !ok {
		r.order = append(r.order, name)
	}
	r.nsOp[name] = float64(b.Elapsed()) / float64(b.N)
}

func (r *round) print() {
	own, ok := r.nsOp["podgen"]
	if !ok {
		return // filtered out by -bench
	}
	fastest := ""
	for _, name := range r.order {
		if name != "podgen" && name != "std" && (fastest == "" || r.nsOp[name] < r.nsOp[fastest]) {
			fastest = name
		}
	}
	if fastest == "" {
		return
	}
	fmt.Printf("%s: podgen %s/op, fastest peer %s %s/op: podgen is %.2fx as fast (goal >= 1.2x)\n",
		strings.TrimPrefix(r.b.Name(), "Benchmark"), time.Duration(own), fastest, time.Duration(r.nsOp[fastest]), r.nsOp[fastest]/own)
}
