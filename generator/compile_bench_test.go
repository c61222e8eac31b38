package generator

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// issue14App is the synthetic app of issue 14: classes of 8 to 14 fields
// over every scalar kind, lists and maps, 30% of them nullable; a quarter
// of the classes tables with two indexes; a third holding a child and a
// list of the next class; enums; endpoints of four methods. edited adds a
// field to class C7, the "edit one class" of the rebuild figure.
func issue14App(classes, enums, endpoints int, edited bool) (protocol, eps []schema.File) {
	return syntheticApp(classes, enums, endpoints, edited, true)
}

// syntheticApp is issue14App, with or without its tables.
func syntheticApp(classes, enums, endpoints int, edited, tables bool) (protocol, eps []schema.File) {
	for e := 0; e < enums; e++ {
		protocol = append(protocol, schema.File{Path: fmt.Sprintf("protocol/e%d.yaml", e),
			Data: []byte(fmt.Sprintf("enum: E%d\nvalues:\n  - low\n  - medium\n  - high\n", e))})
	}
	kinds := []string{"String", "int", "double", "bool", "DateTime", "Duration", "ByteData",
		"UuidValue", "Uri", "BigInt", "List<String>", "Map<String,int>", "E"}
	for i := 0; i < classes; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "class: C%d\n", i)
		table := tables && i%4 == 0
		if table {
			fmt.Fprintf(&b, "table: c%d\n", i)
		}
		b.WriteString("fields:\n  name: String\n  count: int\n") // the indexed two
		n := 8 + i%7
		if edited && i == 7 {
			n++
		}
		for j := 2; j < n; j++ {
			kind := kinds[(i+j)%len(kinds)]
			if kind == "E" {
				kind = fmt.Sprintf("E%d", (i+j)%enums)
			}
			if (i*7+j)%10 < 3 {
				kind += "?"
			}
			fmt.Fprintf(&b, "  f%d: %s\n", j, kind)
		}
		if i%3 == 0 && i+1 < classes {
			fmt.Fprintf(&b, "  child: C%d?\n  children: List<C%d>?\n", i+1, i+1)
		}
		if table {
			fmt.Fprintf(&b, "indexes:\n  c%[1]d_name_idx:\n    fields: name\n  c%[1]d_count_idx:\n    fields: count, name\n    unique: true\n", i)
		}
		protocol = append(protocol, schema.File{Path: fmt.Sprintf("protocol/c%d.yaml", i), Data: []byte(b.String())})
	}
	for i := 0; i < endpoints; i++ {
		c, e := i*classes/endpoints, i%enums
		src := fmt.Sprintf(`package endpoints

import "example.com/bench/out/pod"

// X%[1]dEndpoint is a synthetic endpoint.
type X%[1]dEndpoint struct{}

// Get returns a C%[2]d.
func (x *X%[1]dEndpoint) Get(s *pod.Session, id int64, name *string) (pod.C%[2]d, error) {
	return pod.C%[2]d{}, nil
}

// Put stores one.
func (x *X%[1]dEndpoint) Put(s *pod.Session, v pod.C%[2]d, tags []string) error { return nil }

// List returns some.
func (x *X%[1]dEndpoint) List(s *pod.Session, limit int64) ([]pod.C%[2]d, error) { return nil, nil }

// Level echoes a level.
func (x *X%[1]dEndpoint) Level(s *pod.Session, l pod.E%[3]d) (map[string]pod.E%[3]d, error) { return nil, nil }
`, i, c, e)
		eps = append(eps, schema.File{Path: fmt.Sprintf("endpoints/x%d.go", i), Data: []byte(src)})
	}
	return protocol, eps
}

// TestTablelessAppCompiles: an app without a table class gets no typed
// query layer, and what its other parts use of the layer's files (a
// cached class's BigInt is copied with cloneBigInt) lives elsewhere.
func TestTablelessAppCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	protocol, endpoints := syntheticApp(14, 3, 2, false, false)
	mod := t.TempDir()
	writeBenchModule(t, mod)
	if _, ok := writeApp(t, mod, protocol, endpoints)["pod/db_columns.go"]; ok {
		t.Error("a table-less app got the typed query layer")
	}
	cmd := exec.Command("go", "vet", "./out/...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
}

// TestIssue14AppLoads keeps the compile benchmark's input valid.
func TestIssue14AppLoads(t *testing.T) {
	protocol, endpoints := issue14App(40, 5, 8, true)
	p, err := schema.LoadFiles(protocol, endpoints)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Classes) != 40 || len(p.Tables()) != 10 || len(p.Enums) != 5 || len(p.Endpoints) != 8 {
		t.Errorf("loaded %d classes, %d tables, %d enums, %d endpoints", len(p.Classes), len(p.Tables()), len(p.Enums), len(p.Endpoints))
	}
}

// BenchmarkCompile500 is issue 14's compile figure: `go build ./out/...`
// of the generated code of the 500-class app, with its dependencies
// already compiled (a fresh build cache holding only them), then the
// rebuild after one class changed. It reports CPU seconds (of every
// process the go command ran) and the peak memory of the largest one.
// Goals: ≤ 30 s CPU, ≤ 1.5 GB; the rebuild a small fraction of it.
// Run with -benchtime 1x: one build is the figure.
func BenchmarkCompile500(b *testing.B) {
	mod := b.TempDir()
	cache := filepath.Join(mod, ".gocache")
	writeBenchModule(b, mod)
	run := func(what string, args ...string) (cpu time.Duration, peakMB float64) {
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%s: go %s: %v\n%s", what, strings.Join(args, " "), err, out)
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), float64(ru.Maxrss) / 1024
	}
	generateInto(b, mod, false)
	run("dependencies", "build", "github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgxpool",
		"github.com/jackc/pgx/v5/pgconn", "github.com/jackc/pgx/v5/pgtype", "github.com/redis/go-redis/v9", "go.yaml.in/yaml/v3")
	for b.Loop() {
		cpu, peak := run("the generated code", "build", "./out/...")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.ReportMetric(peak, "peak-MB")
		generateInto(b, mod, true)
		cpu, _ = run("the rebuild after editing C7", "build", "./out/...")
		b.ReportMetric(cpu.Seconds(), "rebuild-cpu-s")
		generateInto(b, mod, false)
	}
	b.ReportMetric(float64(lines(b, filepath.Join(mod, "out"))), "lines")
}

// writeBenchModule writes go.mod and go.sum of module example.com/bench,
// with podgen's versions of what generated code imports.
func writeBenchModule(b testing.TB, mod string) {
	ours, err := os.ReadFile("../go.mod")
	if err != nil {
		b.Fatal(err)
	}
	var gomod strings.Builder
	gomod.WriteString("module example.com/bench\n\ngo 1.26\n\nrequire (\n")
	for _, line := range strings.Split(string(ours), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && strings.HasPrefix(line, "\t") && strings.Contains(f[0], ".") {
			fmt.Fprintf(&gomod, "\t%s %s\n", f[0], f[1]) // podgen's require lines, direct and indirect
		}
	}
	gomod.WriteString(")\n")
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		b.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod.String()), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(mod, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// generateInto writes the app's endpoints and generated code into mod.
func generateInto(b *testing.B, mod string, edited bool) {
	protocol, endpoints := issue14App(500, 20, 100, edited)
	writeApp(b, mod, protocol, endpoints)
}

// writeApp generates the app of protocol and endpoints and writes its
// endpoints and generated code into mod, leaving a file that did not
// change untouched (the go command then sees the same file). It returns
// the generated files by path.
func writeApp(tb testing.TB, mod string, protocol, endpoints []schema.File) map[string][]byte {
	p, err := schema.LoadFiles(protocol, endpoints)
	if err != nil {
		tb.Fatal(err)
	}
	files, err := Generate(p, emit.Options{Base: "example.com/bench/out", Endpoints: "example.com/bench/endpoints", App: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	all := map[string][]byte{}
	for path, data := range files {
		all[path] = data
	}
	for _, f := range endpoints {
		all["../"+f.Path] = f.Data
	}
	for path, data := range all {
		dst := filepath.Join(mod, "out", filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			tb.Fatal(err)
		}
		if old, err := os.ReadFile(dst); err == nil && string(old) == string(data) {
			continue
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return files
}

// lines counts the lines of the Go files under dir.
func lines(b *testing.B, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			data, _ := os.ReadFile(p)
			n += strings.Count(string(data), "\n")
		}
		return nil
	})
	return n
}
