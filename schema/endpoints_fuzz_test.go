package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseEndpoints proves that no endpoint file makes parseEndpoints
// panic, that every error it reports has a position in the file, and that
// whatever it accepts is a well-formed, sorted IR.
func FuzzParseEndpoints(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/*/endpoints/*.go")
	more, _ := filepath.Glob("../testdata/errors/*/endpoints/*.go")
	for _, path := range append(seeds, more...) {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	for _, src := range []string{
		"",
		"package",
		"package endpoints\n\x00\xff",
		header + "type XEndpoint struct{}\nfunc (XEndpoint) M(s *pod.Session, v [][][]map[string]*pod.Author) (*[]int, error)\n",
		header + "type XEndpoint[T any] struct{}\nfunc (x *XEndpoint[T]) M(s *pod.Session) error\n",
		header + "type XFutureCall func()\nfunc (XFutureCall) Invoke(*pod.Session, ...int) (error)\n",
		header + "//podgen:\n//podgen:\t\n//podgen:ignore\t x\n/*podgen:x*/\ntype Endpoint struct{}\n",
		"package endpoints\nimport (p \"a/pod\"; _ \"b/pod\"; . \"time\")\nfunc (*) M(s *p.Session)\n",
		header + "func (a, b XEndpoint) M(s, t *pod.Session) (x, y, z error)\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := testProtocol()
		var errs ErrorList
		parseEndpoints([]File{{Path: "e.go", Data: data}}, "", p, &errs)
		for _, e := range errs {
			if e.Pos.File != "e.go" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
				t.Fatalf("error without a position: %#v", e)
			}
		}
		checkIR(t, p)
	})
}

// checkIR fails when the endpoints or future calls are unsorted or hold a
// nil type.
func checkIR(t *testing.T, p *Protocol) {
	for i, e := range p.Endpoints {
		if i > 0 && p.Endpoints[i-1].WireName >= e.WireName {
			t.Fatalf("endpoints not sorted by wire name: %q, %q", p.Endpoints[i-1].WireName, e.WireName)
		}
		for j, m := range e.Methods {
			if j > 0 && e.Methods[j-1].WireName >= m.WireName {
				t.Fatalf("methods of %q not sorted: %q, %q", e.GoName, e.Methods[j-1].WireName, m.WireName)
			}
			for _, pr := range m.Params {
				checkType(t, pr.Type)
			}
			if m.Result != nil {
				checkType(t, m.Result)
			}
		}
	}
	for i, c := range p.FutureCalls {
		if i > 0 && p.FutureCalls[i-1].Name >= c.Name {
			t.Fatalf("future calls not sorted: %q, %q", p.FutureCalls[i-1].Name, c.Name)
		}
		checkType(t, c.Arg)
	}
}

func checkType(t *testing.T, typ *Type) {
	switch {
	case typ == nil:
		t.Fatal("nil type in the IR")
	case (typ.Kind == List || typ.Kind == Map || typ.Kind == Set) != (typ.Elem != nil):
		t.Fatalf("kind %d with elem %v", typ.Kind, typ.Elem)
	case (typ.Kind == ClassKind) != (typ.Class != nil), (typ.Kind == EnumKind) != (typ.Enum != nil):
		t.Fatalf("kind %d with class %v, enum %v", typ.Kind, typ.Class, typ.Enum)
	case typ.Elem != nil:
		checkType(t, typ.Elem)
	}
}
