package schema

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileYAML are seeds that once broke YAML loaders elsewhere: aliases
// and anchors, merge keys, exponential alias expansion, deep nesting of
// YAML and of types, tabs, NUL bytes and invalid UTF-8.
var hostileYAML = []string{
	"class: A\nfields:\n  x: &t String\n  y: *t\n",
	"class: A\nfields:\n  <<: &m {x: int}\n  y: String\n",
	"class: &c A\nfields: *c\n",
	billionLaughs(),
	"class: A\nfields:\n  x: " + strings.Repeat("List<", 200) + "int" + strings.Repeat(">", 200) + "\n",
	"class: A\nfields:\n  x: " + strings.Repeat("Map<String,", 50) + "int" + strings.Repeat(">", 50) + "\n",
	"class: A\nfields: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n",
	"class: A\nfields: " + strings.Repeat("{a: ", 20000) + "\n",
	"class:\tA\nfields:\n\tx: int\n",
	"class: A\x00\nfields:\n  x: int\n",
	"class: \xff\xfe\nfields:\n  \xc3x: int\n",
	"enum: E\nvalues: [a, *x]\n",
	"class: A\nfields: {x: int}\n---\nclass: B\n...\n",
	"? [a, b]\n: c\n",
	"!!binary class: A\n",
	"class: A\ntable: a\nfields:\n  x: int\nindexes:\n  a: {fields: [x, *y]}\n",
	"class: A\nfields:\n  x: List<>>,,\n",
	"class: A\nfields:\n  x: Map<String,int>?, api, database, !persist, scope=\n",
	"%YAML 1.1\n---\nclass: A\nfields: {}\n",
	"class: A\nextends: A\ntable: a\nfields:\n  x: (int, (String, {int y}))?, column=\n  y: ((((int\n",
	"class: A\nfields:\n  x: Vector(, module::\n  y: a:b:c<int>(\n  z: List<)>, column = \t, scope=none\n",
	"class: A\ntable: a\nfields:\n  a: A?, relation(name=r, field=a)\n  b: List<A>?, relation(name=r, optional=, ((\n  c: A, relation(\n  aId: A?, parent=a, relation\n",
	"class: A\ntable: a\nidType: uuidV7\nfields:\n  x: List<A>?, relation\n  y: List<A>?, relation\n  z: A?, relation(field=z)\n  w: int, parent=\n",
}

// billionLaughs is the classic exponential alias document, nine levels
// deep: expanded it would hold 10^9 strings.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("class: A\nfields: *a9\n")
	return b.String()
}

// FuzzLoadProtocol feeds arbitrary bytes to the protocol loader as one
// file: it must never panic, and return either a consistent Protocol or an
// ErrorList.
func FuzzLoadProtocol(f *testing.F) {
	_ = filepath.WalkDir("../testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isProtocolFile(p) && strings.Contains(p, "/protocol/") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	for _, s := range hostileYAML {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadFiles([]File{{Path: "f.yaml", Data: data}}, nil)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not an ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.File != "f.yaml" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
					t.Fatalf("malformed error %q", e.Error())
				}
			}
			return
		}
		checkResolved(t, p)
	})
}

// checkResolved asserts what emitters rely on: every type resolved, every
// reference a pointer into the same Protocol.
func checkResolved(t *testing.T, p *Protocol) {
	t.Helper()
	classes := map[*Class]bool{}
	for _, c := range p.Classes {
		classes[c] = true
	}
	enums := map[*Enum]bool{}
	for _, e := range p.Enums {
		enums[e] = true
	}
	var check func(*Type)
	check = func(ty *Type) {
		switch {
		case ty == nil:
			t.Fatal("nil type")
		case ty.Kind == ClassKind && !classes[ty.Class]:
			t.Fatalf("class type points outside the protocol: %+v", ty)
		case ty.Kind == EnumKind && !enums[ty.Enum]:
			t.Fatalf("enum type points outside the protocol: %+v", ty)
		case ty.Kind == List || ty.Kind == Map:
			check(ty.Elem)
		}
	}
	for _, c := range append(p.Classes, p.Exceptions...) {
		for _, f := range c.Fields {
			if f.GoName == "" {
				t.Fatalf("field %q has no Go name", f.Name)
			}
			check(f.Type)
		}
	}
}

// TestHostileYAMLIsFast makes sure no seed costs real time: alias
// expansion or deep nesting would show up here first.
func TestHostileYAMLIsFast(t *testing.T) {
	for _, s := range hostileYAML {
		start := time.Now()
		_, err := LoadFiles([]File{{Path: "f.yaml", Data: []byte(s)}}, nil)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%.40q took %v", s, d)
		}
		if err == nil && strings.Contains(s, "*") {
			t.Errorf("%.40q: an alias was accepted", s)
		}
	}
}
