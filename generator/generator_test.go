package generator

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// withArtifacts replaces the emit table for one test.
func withArtifacts(t *testing.T, arts ...emit.Artifact) {
	t.Helper()
	saved := emit.Artifacts
	emit.Artifacts = arts
	t.Cleanup(func() { emit.Artifacts = saved })
}

func files(fs ...emit.File) func(*schema.Protocol, emit.Options) ([]emit.File, error) {
	return func(*schema.Protocol, emit.Options) ([]emit.File, error) { return fs, nil }
}

func jenFile(pkg string, body ...jen.Code) *jen.File {
	f := jen.NewFile(pkg)
	f.Add(body...)
	return f
}

func TestGenerateRendersWithHeader(t *testing.T) {
	withArtifacts(t, emit.Artifact{Name: "a", Files: files(
		emit.File{Path: "pod/x.go", Jen: jenFile("pod", jen.Func().Id("X").Params().Block())},
		emit.File{Path: "tables.pgsql", Raw: []byte("-- " + emit.Header + "\nCREATE TABLE t ();\n")},
	)})
	got, err := Generate(&schema.Protocol{}, emit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "// " + emit.Header + "\n\npackage pod\n\nfunc X() {}\n"
	if string(got["pod/x.go"]) != want {
		t.Errorf("pod/x.go = %q, want %q", got["pod/x.go"], want)
	}
	if !IsGenerated(got["tables.pgsql"]) || len(got) != 2 {
		t.Errorf("got files %v", keys(got))
	}
}

func TestGenerateFailures(t *testing.T) {
	bad := jenFile("pod", jen.Id("x").Op("+")) // does not parse: gofmt fails
	for _, tc := range []struct {
		name string
		arts []emit.Artifact
		want string
	}{
		{"render", []emit.Artifact{{Name: "a", Files: files(emit.File{Path: "pod/bad.go", Jen: bad})}}, "render pod/bad.go"},
		{"raw without header", []emit.Artifact{{Name: "a", Files: files(emit.File{Path: "x.sql", Raw: []byte("x")})}}, "lacks the"},
		{"duplicate", []emit.Artifact{
			{Name: "a", Files: files(emit.File{Path: "p.sql", Raw: []byte("-- " + emit.Header)})},
			{Name: "b", Files: files(emit.File{Path: "p.sql", Raw: []byte("-- " + emit.Header)})},
		}, `"p.sql" is also written by "a"`},
		{"panicking emitter", []emit.Artifact{{Name: "a", Files: func(*schema.Protocol, emit.Options) ([]emit.File, error) {
			panic("boom")
		}}}, `artifact "a": emitter panic: boom`},
		{"failing emitter", []emit.Artifact{{Name: "a", Files: func(*schema.Protocol, emit.Options) ([]emit.File, error) {
			return nil, errors.New("no")
		}}}, `artifact "a": no`},
		{"escaping path", []emit.Artifact{{Name: "a", Files: files(emit.File{Path: "../x.go", Raw: []byte("// " + emit.Header)})}}, "invalid output path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withArtifacts(t, tc.arts...)
			got, err := Generate(&schema.Protocol{}, emit.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
				t.Errorf("err = %v (files %v), want it to contain %q and no files", err, keys(got), tc.want)
			}
		})
	}
}

// TestGenerateDeterministic renders many files in parallel twice.
func TestGenerateDeterministic(t *testing.T) {
	many := func(*schema.Protocol, emit.Options) ([]emit.File, error) {
		var fs []emit.File // fresh files each run, as real emitters make them
		for i := 0; i < 200; i++ {
			name := "F" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26))
			fs = append(fs, emit.File{Path: "pod/" + strings.ToLower(name) + ".go",
				Jen: jenFile("pod", jen.Func().Id(name).Params().Qual("time", "Duration").Block(jen.Return(jen.Lit(i))))})
		}
		return fs, nil
	}
	withArtifacts(t, emit.Artifact{Name: "many", Files: many})
	a, err := Generate(&schema.Protocol{}, emit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(&schema.Protocol{}, emit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 200 || len(b) != 200 {
		t.Fatalf("got %d and %d files", len(a), len(b))
	}
	for p := range a {
		if !bytes.Equal(a[p], b[p]) {
			t.Errorf("%s differs between runs", p)
		}
	}
}

func TestIsGenerated(t *testing.T) {
	for in, want := range map[string]bool{
		"// " + emit.Header + "\npackage x":             true,
		"-- " + emit.Header + "\r\nCREATE":              true,
		"# " + emit.Header:                              true,
		`{"x-generated": "` + emit.Header + `",` + "\n": true,
		`{"x-generated": "` + emit.Header + `"}`:        false,
		"//" + emit.Header:                              false,
		"package x // " + emit.Header:                   false,
		"\n// " + emit.Header:                           false,
		"":                                              false,
	} {
		if got := IsGenerated([]byte(in)); got != want {
			t.Errorf("IsGenerated(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestGofmtCache: a cached result is what go/format says, and a corrupt
// or missing cache never changes the output.
func TestGofmtCache(t *testing.T) {
	dir := t.TempDir()
	withCacheDir(t, dir)
	src := []byte("package p\nfunc  F( ) {  }\n")
	want := "package p\n\nfunc F() {}\n"
	for i := 0; i < 2; i++ { // miss, then hit
		got, err := gofmt(src)
		if err != nil || string(got) != want {
			t.Fatalf("run %d: gofmt = %q, %v", i, got, err)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(entries) != 1 || strings.Contains(entries[0], ".tmp-") {
		t.Fatalf("cache entries %v", entries)
	}
	if _, err := gofmt([]byte("package p\nfunc {")); err == nil {
		t.Errorf("bad source formatted")
	}
	withCacheDir(t, filepath.Join(dir, entries[0], "not-a-dir")) // unusable cache
	if got, err := gofmt(src); err != nil || string(got) != want {
		t.Errorf("with an unusable cache: %q, %v", got, err)
	}
}
