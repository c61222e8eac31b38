package schema

import (
	"strings"
	"testing"
)

// loadYAML loads protocol files given as name → text.
func loadYAML(t *testing.T, files ...string) (*Protocol, error) {
	t.Helper()
	var fs []File
	for i := 0; i+1 < len(files); i += 2 {
		fs = append(fs, File{Path: files[i], Data: []byte(files[i+1])})
	}
	return LoadFiles(fs, nil)
}

// fieldsOf spells c's fields as name/column/flags, in order.
func fieldsOf(c *Class) string {
	var parts []string
	for _, f := range c.Fields {
		s := f.Name + "/" + f.Column
		if f.IsID {
			s += "/id"
		}
		if f.NotSerialized {
			s += "/none"
		}
		if f.ServerOnly {
			s += "/server"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// TestExtendsPlacesTheTable: inherited fields come first wherever the
// table of the hierarchy sits; below the table the id is a plain field.
func TestExtendsPlacesTheTable(t *testing.T) {
	p, err := loadYAML(t,
		"a.yaml", "class: A\nfields:\n  a: int, column=a_col\n  s: String, scope=serverOnly\n",
		"b.yaml", "class: B\nextends: A\ntable: b\nfields:\n  b: int, scope=none\n",
		"c.yaml", "class: C\nextends: B\nfields:\n  c: int\n",
		"e.yaml", "class: E\n",
	)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "a/ s//server",
		"B": "id/id/id a/a_col s/s/server b/b/none",
		"C": "id//id a/ s//server b//none c/",
		"E": "",
	}
	for _, c := range p.Classes {
		if got := fieldsOf(c); got != want[c.Name] {
			t.Errorf("%s fields = %q, want %q", c.Name, got, want[c.Name])
		}
	}
	if c := findClass(t, p.Classes, "C"); c.Extends == nil || c.Extends.Name != "B" || c.Table != "" || !c.HoldsServerOnly {
		t.Errorf("C: extends %v, table %q, holds server-only %v", c.Extends, c.Table, c.HoldsServerOnly)
	}
}

// TestUnmanagedTables: ManagedTables leaves out managedMigration: false.
func TestUnmanagedTables(t *testing.T) {
	p, err := loadYAML(t,
		"a.yaml", "class: A\ntable: a\nmanagedMigration: false\nfields: {}\n",
		"b.yaml", "class: B\ntable: b\nmanagedMigration: true\nfields: {}\n",
	)
	if err != nil {
		t.Fatal(err)
	}
	if ts, ms := p.Tables(), p.ManagedTables(); len(ts) != 2 || len(ms) != 1 || ms[0].Name != "B" || !ts[0].Unmanaged {
		t.Errorf("Tables %v, ManagedTables %v", ts, ms)
	}
}

// TestColumnFlag: the column name is read with its case, spaces around it
// removed, and a name with a space inside is refused.
func TestColumnFlag(t *testing.T) {
	p, err := loadYAML(t, "a.yaml", "class: A\ntable: a\nfields:\n  x: int, column = Xcol \n")
	if err != nil {
		t.Fatal(err)
	}
	if f := findField(t, p.Classes[0], "x"); f.Column != "Xcol" {
		t.Errorf("column = %q", f.Column)
	}
	_, err = loadYAML(t, "a.yaml", "class: A\ntable: a\nfields:\n  x: int, column=my col\n")
	if err == nil || err.Error() != `a.yaml:4:18: invalid column name "my col": want an SQL name (^[A-Za-z_][A-Za-z0-9_]*$, at most 63 bytes)` {
		t.Errorf("err = %v", err)
	}
}

// TestServerOnlyFutureCallArg: a future call may take a server-only class
// (it never leaves the server), and an ignored method may use one too.
func TestServerOnlyFutureCallArg(t *testing.T) {
	p, err := LoadFiles([]File{{Path: "secret.yaml", Data: []byte("class: Secret\nserverOnly: true\nfields:\n  key: String\n")}},
		[]File{{Path: "e.go", Data: []byte(`package endpoints

import "example.com/app/out/pod"

type KeepFutureCall struct{}

func (f *KeepFutureCall) Invoke(s *pod.Session, v pod.Secret) error { return nil }

type VaultEndpoint struct{}

//podgen:ignore
func (e *VaultEndpoint) Open(s *pod.Session) (pod.Secret, error) { return pod.Secret{}, nil }

func (e *VaultEndpoint) Count(s *pod.Session) (int64, error) { return 0, nil }
`)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.FutureCalls) != 1 || p.FutureCalls[0].Arg.Class == nil || !p.FutureCalls[0].Arg.Class.ServerOnly {
		t.Errorf("future calls = %+v", p.FutureCalls)
	}
	if len(p.Endpoints) != 1 || len(p.Endpoints[0].Methods) != 1 {
		t.Errorf("endpoints = %+v", p.Endpoints)
	}
}
