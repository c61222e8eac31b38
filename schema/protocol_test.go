package schema

import (
	"slices"
	"strings"
	"testing"
)

// loadApp loads testdata/<app>/protocol from the repository root.
func loadApp(t *testing.T, app string) *Protocol {
	t.Helper()
	t.Chdir("..")
	p, err := Load("testdata/"+app+"/protocol", "")
	if err != nil {
		t.Fatalf("%s: %v", app, err)
	}
	return p
}

func findClass(t *testing.T, cs []*Class, name string) *Class {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no class %q", name)
	return nil
}

func findField(t *testing.T, c *Class, name string) *Field {
	t.Helper()
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("class %q has no field %q", c.Name, name)
	return nil
}

func TestLoadHello(t *testing.T) {
	p := loadApp(t, "hello")
	if len(p.Classes) != 1 || len(p.Enums) != 0 || len(p.Exceptions) != 0 {
		t.Fatalf("got %d classes, %d enums, %d exceptions", len(p.Classes), len(p.Enums), len(p.Exceptions))
	}
	g := p.Classes[0]
	var got []string
	for _, f := range g.Fields {
		got = append(got, f.Name+":"+f.GoName)
	}
	if want := []string{"message:Message", "author:Author", "timestamp:Timestamp"}; !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v (YAML order)", got, want)
	}
	if g.Doc != "A greeting sent by someone at some time." || g.Fields[0].Doc != "The text of the greeting." {
		t.Errorf("docs = %q, %q", g.Doc, g.Fields[0].Doc)
	}
	if g.Pos.String() != "testdata/hello/protocol/greeting.yaml:2:8" {
		t.Errorf("pos = %s", g.Pos)
	}
	if g.Fields[2].Type.Kind != DateTime || g.Fields[2].Column != "" || g.Fields[2].Persist {
		t.Errorf("timestamp = %+v", g.Fields[2])
	}
}

func TestLoadRich(t *testing.T) {
	p := loadApp(t, "rich")
	var names []string
	for _, c := range p.Classes {
		names = append(names, c.Name)
	}
	if want := []string{"Address", "AllTypes", "Company", "Employee", "Flat", "Reminder", "Secret", "Vault"}; !slices.Equal(names, want) {
		t.Errorf("classes = %v, want %v (sorted)", names, want)
	}
	if len(p.Exceptions) != 2 || p.Exceptions[0].Name != "InvalidInput" || !p.Exceptions[1].IsException {
		t.Errorf("exceptions = %v", p.Exceptions)
	}
	if len(p.Enums) != 2 || p.Enums[0].Name != "Role" || p.Enums[1].Values[1].GoName != "StatusArchived" {
		t.Errorf("enums = %v", p.Enums)
	}
	if got := len(p.Tables()); got != 4 {
		t.Errorf("%d tables, want 4", got)
	}

	c := findClass(t, p.Classes, "Company")
	id := c.IDField()
	if id == nil || !id.IsID || id.GoName != "ID" || id.Column != "id" || id.Type.Kind != Int || !id.Persist {
		t.Errorf("Company's first field = %+v, want the implicit id", c.Fields[0])
	}
	emp := findField(t, c, "employees")
	if emp.Type.Kind != List || !emp.Type.Nullable || emp.Type.Elem.Class != findClass(t, p.Classes, "Employee") {
		t.Errorf("employees = %+v", emp.Type)
	}
	if f := findField(t, c, "password"); !f.ServerOnly || !f.Persist || f.Column != "password" {
		t.Errorf("password = %+v", f)
	}
	if f := findField(t, c, "draftNote"); f.ServerOnly || f.Persist || f.Column != "" {
		t.Errorf("draftNote = %+v", f)
	}
	ix := c.Indexes[0]
	if ix.Name != "company_name_idx" || !ix.Unique || ix.Type != "btree" || len(ix.Fields) != 2 || ix.Fields[1] != findField(t, c, "foundedDate") {
		t.Errorf("index = %+v", ix)
	}

	all := findClass(t, p.Classes, "AllTypes")
	kinds := map[Kind]bool{}
	nullable := map[Kind]bool{}
	for _, f := range all.Fields {
		kinds[f.Type.Kind] = true
		nullable[f.Type.Kind] = nullable[f.Type.Kind] || f.Type.Nullable
	}
	for k := Bool; k <= Map; k++ {
		if !kinds[k] || !nullable[k] {
			t.Errorf("AllTypes lacks kind %d (required %v, nullable %v)", k, kinds[k], nullable[k])
		}
	}
	n := findField(t, all, "nested").Type // List<Map<String,List<Reminder>>>?
	if n.Kind != List || !n.Nullable || n.Elem.Kind != Map || n.Elem.Elem.Kind != List || n.Elem.Elem.Elem.Class.Name != "Reminder" {
		t.Errorf("nested = %+v", n)
	}
	if f := findField(t, all, "listOfOpt").Type; f.Nullable || !f.Elem.Nullable || f.Elem.Pointer() != true {
		t.Errorf("listOfOpt = %+v", f)
	}
	if f := findField(t, all, "token"); !f.ServerOnly || !f.Persist {
		t.Errorf("token (scope=serverOnly) = %+v", f)
	}
	if f := findField(t, all, "scratch"); f.Persist || f.ServerOnly {
		t.Errorf("scratch (!persist) = %+v", f)
	}
	types := map[string]bool{}
	for _, c := range p.Tables() {
		for _, ix := range c.Indexes {
			types[ix.Type] = true
		}
	}
	for _, want := range indexTypes {
		if !types[want] {
			t.Errorf("no index of type %q in rich", want)
		}
	}
}

func TestLoadAwkward(t *testing.T) {
	p := loadApp(t, "awkward")
	in := findClass(t, p.Classes, "Initialisms")
	for name, goName := range map[string]string{
		"userUrl": "UserURL", "httpId": "HTTPID", "apiKey": "APIKey",
		"jsonData": "JSONData", "uuidValue": "UUIDValue",
	} {
		if f := findField(t, in, name); f.GoName != goName {
			t.Errorf("%s → %s, want %s", name, f.GoName, goName)
		}
	}
	if f := findField(t, in, "httpId"); f.Column != "http_id" {
		t.Errorf("httpId column = %q", f.Column)
	}
	kw := findClass(t, p.Classes, "Keywords")
	for _, f := range kw.Fields {
		if f.GoName == "" || f.GoName[0] < 'A' || f.GoName[0] > 'Z' {
			t.Errorf("field %q has Go name %q", f.Name, f.GoName)
		}
	}
	if !strings.Contains(kw.Doc, "日本語") {
		t.Errorf("doc lost its unicode: %q", kw.Doc)
	}
	if f := findField(t, findClass(t, p.Classes, "URLInfo"), "server"); f.Type.Class != findClass(t, p.Classes, "HTTPServer") {
		t.Errorf("URLInfo.server = %+v", f.Type)
	}
	var values []string
	for _, v := range p.Enums[0].Values {
		values = append(values, v.GoName)
	}
	if want := []string{"KeywordType", "KeywordDefault", "KeywordNil", "KeywordTrue", "KeywordGo"}; !slices.Equal(values, want) {
		t.Errorf("values = %v, want %v", values, want)
	}
}

// TestTypePositions checks that an error inside a type points at the bad
// name, also in quoted values and after multi-byte characters.
func TestTypePositions(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"class: A\nfields:\n  x: List<Strin>\n", "a.yaml:3:11: unknown type \"Strin\""},
		{"class: A\nfields:\n  x: \"Map<String, Nope>\"\n", "a.yaml:3:19: unknown type \"Nope\""},
		{"class: A\nfields:\n  é: int\n  x: List<int, Bad>\n", "a.yaml:3:3: invalid field name"},
		{"class: A\nfields:\n  x: |\n    List<Nope>\n", "a.yaml:3:6: unknown type \"Nope\""},
	}
	for _, tt := range tests {
		_, err := LoadFiles([]File{{Path: "a.yaml", Data: []byte(tt.yaml)}}, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want prefix %q", tt.yaml, err, tt.want)
		}
	}
}

func TestHoldsServerOnly(t *testing.T) {
	p, err := LoadFiles([]File{
		{Path: "a.yaml", Data: []byte("class: A\nfields:\n  secret: String, database\n")},
		{Path: "b.yaml", Data: []byte("class: B\nfields:\n  as: Map<String, List<A?>>\n")},
		{Path: "c.yaml", Data: []byte("class: C\nfields:\n  b: B?\n  self: C?\n")},
		{Path: "d.yaml", Data: []byte("class: D\nfields:\n  d: D?\n  note: String, api\n")},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"A": true, "B": true, "C": true, "D": false}
	for _, c := range p.Classes {
		if c.HoldsServerOnly != want[c.Name] {
			t.Errorf("%s.HoldsServerOnly = %v, want %v", c.Name, c.HoldsServerOnly, want[c.Name])
		}
	}
}
