package generator

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// syntheticProtocol is a protocol of n classes (every fifth a table with
// an index, each with the scalar kinds, a list, a map, an enum and a link
// to the next class) and m endpoints of three methods each.
func syntheticProtocol(n, m int) (protocol, endpoints []schema.File) {
	protocol = append(protocol, schema.File{Path: "protocol/level.yaml",
		Data: []byte("enum: Level\nvalues:\n  - low\n  - medium\n  - high\n")})
	for i := 0; i < n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "class: C%d\n", i)
		if i%5 == 0 {
			fmt.Fprintf(&b, "table: c%d\n", i)
		}
		fmt.Fprintf(&b, "fields:\n  name: String\n  count: int\n  ratio: double?\n  active: bool\n"+
			"  createdAt: DateTime\n  ttl: Duration?\n  blob: ByteData\n  ref: UuidValue?\n"+
			"  tags: List<String>\n  scores: Map<String,int>?\n  level: Level\n  secret: String, database\n")
		if i+1 < n {
			fmt.Fprintf(&b, "  next: C%d?\n  many: List<C%d>?\n", i+1, i+1)
		}
		if i%5 == 0 {
			fmt.Fprintf(&b, "indexes:\n  c%d_name_idx:\n    fields: name, count\n    unique: true\n", i)
		}
		protocol = append(protocol, schema.File{Path: fmt.Sprintf("protocol/c%d.yaml", i), Data: []byte(b.String())})
	}
	for i := 0; i < m; i++ {
		c := i * n / m
		src := fmt.Sprintf(`package endpoints

import "example.com/bench/out/pod"

// E%[1]dEndpoint is a synthetic endpoint.
type E%[1]dEndpoint struct{}

// Get returns a C%[2]d.
func (e *E%[1]dEndpoint) Get(s *pod.Session, id int64, name *string) (pod.C%[2]d, error) {
	return pod.C%[2]d{}, nil
}

// Put stores some.
func (e *E%[1]dEndpoint) Put(s *pod.Session, v pod.C%[2]d, tags []string) error { return nil }

// Level echoes a level.
func (e *E%[1]dEndpoint) Level(s *pod.Session, l pod.Level) (map[string]pod.Level, error) { return nil, nil }
`, i, c)
		endpoints = append(endpoints, schema.File{Path: fmt.Sprintf("endpoints/e%d.go", i), Data: []byte(src)})
	}
	return protocol, endpoints
}

// BenchmarkBuild is `podgen build` without the disk: load, validate and
// generate 500 classes and 100 endpoints. Goal: under 1 s per op.
// "cold" formats every file; "cached" is a rebuild with the gofmt cache
// filled, the usual case while developing.
func BenchmarkBuild(b *testing.B) {
	protocol, endpoints := syntheticProtocol(500, 100)
	b.Run("cold", func(b *testing.B) {
		withCacheDir(b, "")
		benchBuild(b, protocol, endpoints)
	})
	b.Run("cached", func(b *testing.B) {
		withCacheDir(b, b.TempDir())
		benchBuild(b, protocol, endpoints)
	})
}

func withCacheDir(tb testing.TB, dir string) {
	saved := cacheDir
	cacheDir = func() string { return dir }
	tb.Cleanup(func() { cacheDir = saved })
}

func benchBuild(b *testing.B, protocol, endpoints []schema.File) {
	o := emit.Options{Base: "example.com/bench/out", Endpoints: "example.com/bench/endpoints", App: "bench"}
	build := func() int {
		p, err := schema.LoadFiles(protocol, endpoints)
		if err != nil {
			b.Fatal(err)
		}
		out, err := Generate(p, o)
		if err != nil {
			b.Fatal(err)
		}
		return len(out)
	}
	build() // warm-up: fills the cache when there is one
	files := 0
	cpu0 := cpuTime()
	for b.Loop() {
		files = build()
	}
	b.ReportMetric(float64(files), "files")
	// CPU time per build tells what the build costs on a busy machine,
	// where ns/op also counts waiting for a core.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// TestSyntheticProtocolLoads keeps the benchmark's input valid.
func TestSyntheticProtocolLoads(t *testing.T) {
	protocol, endpoints := syntheticProtocol(20, 4)
	p, err := schema.LoadFiles(protocol, endpoints)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Classes) != 20 || len(p.Endpoints) != 4 {
		t.Errorf("loaded %d classes and %d endpoints", len(p.Classes), len(p.Endpoints))
	}
}

func BenchmarkLoadOnly(b *testing.B) {
	protocol, endpoints := syntheticProtocol(500, 100)
	for b.Loop() {
		if _, err := schema.LoadFiles(protocol, endpoints); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
