package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testProtocol is a small hand-built protocol that endpoint sources refer to.
func testProtocol() *Protocol {
	return &Protocol{
		Classes: []*Class{
			{Name: "Author", Pos: Pos{File: "protocol/author.yaml", Line: 1, Col: 8}},
			{Name: "Reminder", Pos: Pos{File: "protocol/reminder.yaml", Line: 1, Col: 8}},
		},
		Exceptions: []*Class{{Name: "NotFound", IsException: true}},
		Enums:      []*Enum{{Name: "Status"}},
	}
}

// parseSources runs parseEndpoints on sources named endpoints/a.go,
// endpoints/b.go, ...
func parseSources(srcs ...string) (*Protocol, ErrorList) {
	var files []File
	for i, src := range srcs {
		files = append(files, File{Path: fmt.Sprintf("endpoints/%c.go", 'a'+i), Data: []byte(src)})
	}
	p := testProtocol()
	var errs ErrorList
	parseEndpoints(files, "", p, &errs)
	errs.Sort()
	return p, errs
}

// typeString spells a Type the way the tests expect it: "List<Reminder?>?".
func typeString(t *Type) string {
	if t == nil {
		return "<nil>"
	}
	var s string
	switch t.Kind {
	case Bool, Int, Double, String, DateTime, Duration, ByteData, UUID:
		s = [...]string{Bool: "bool", Int: "int", Double: "double", String: "String",
			DateTime: "DateTime", Duration: "Duration", ByteData: "ByteData", UUID: "UuidValue"}[t.Kind]
	case EnumKind:
		s = "enum " + t.Enum.Name
	case ClassKind:
		s = "class " + t.Class.Name
	case List:
		s = "List<" + typeString(t.Elem) + ">"
	case Map:
		s = "Map<String," + typeString(t.Elem) + ">"
	default:
		s = fmt.Sprintf("kind(%d)", t.Kind)
	}
	if t.Nullable {
		s += "?"
	}
	return s
}

const header = "package endpoints\n\nimport (\n\t\"time\"\n\n\t\"example.com/app/out/pod\"\n)\n\nvar _ time.Time\n\n"

func TestParseEndpointsHello(t *testing.T) {
	p, errs := parseSources(header + `// ExampleEndpoint is served as "example".
//
//podgen:ignore-not-a-verb-here
type ExampleEndpoint struct{}

// Hello says hello.
func (e *ExampleEndpoint) Hello(s *pod.Session, name string) (string, error) {
	return "Hello " + name, nil
}
`)
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, `unknown directive "//podgen:ignore-not-a-verb-here"`) {
		t.Fatalf("errors: %v", errs)
	}
	p, errs = parseSources(header + `// ExampleEndpoint is served as "example".
type ExampleEndpoint struct{}

// Hello says hello.
func (e *ExampleEndpoint) Hello(s *pod.Session, name string) (string, error) {
	return "Hello " + name, nil
}
`)
	if errs != nil {
		t.Fatalf("unexpected errors:\n%v", errs)
	}
	if p.EndpointsPkg != "endpoints" || len(p.Endpoints) != 1 {
		t.Fatalf("got pkg %q, %d endpoints", p.EndpointsPkg, len(p.Endpoints))
	}
	e := p.Endpoints[0]
	if e.GoName != "ExampleEndpoint" || e.WireName != "example" || e.Doc != `ExampleEndpoint is served as "example".` {
		t.Errorf("endpoint = %+v", e)
	}
	if e.Pos != (Pos{File: "endpoints/a.go", Line: 12, Col: 6}) {
		t.Errorf("endpoint pos = %v", e.Pos)
	}
	if len(e.Methods) != 1 {
		t.Fatalf("methods = %d", len(e.Methods))
	}
	m := e.Methods[0]
	if m.GoName != "Hello" || m.WireName != "hello" || m.Doc != "Hello says hello." || typeString(m.Result) != "String" {
		t.Errorf("method = %+v", m)
	}
	if m.Pos.String() != "endpoints/a.go:15:27" || len(m.Params) != 1 {
		t.Fatalf("method pos %v, params %d", m.Pos, len(m.Params))
	}
	if pr := m.Params[0]; pr.Name != "name" || typeString(pr.Type) != "String" || pr.Optional() || pr.Pos.String() != "endpoints/a.go:15:49" {
		t.Errorf("param = %+v at %v", pr, pr.Pos)
	}
}

// TestParseEndpointsTypes maps every Go type of SPEC §2, as a parameter
// (where nil-able kinds become optional) and as a result.
func TestParseEndpointsTypes(t *testing.T) {
	tests := []struct{ goType, param, result string }{
		{"bool", "bool", "bool"},
		{"int64", "int", "int"},
		{"float64", "double", "double"},
		{"string", "String", "String"},
		{"time.Time", "DateTime", "DateTime"},
		{"time.Duration", "Duration", "Duration"},
		{"[]byte", "ByteData?", "ByteData"},
		{"pod.UUID", "UuidValue", "UuidValue"},
		{"pod.Status", "enum Status", "enum Status"},
		{"pod.Author", "class Author", "class Author"},
		{"*pod.Author", "class Author?", "class Author?"},
		{"*int64", "int?", "int?"},
		{"*time.Time", "DateTime?", "DateTime?"},
		{"[]int64", "List<int>?", "List<int>"},
		{"map[string]bool", "Map<String,bool>?", "Map<String,bool>"},
		{"[]map[string]*pod.Reminder", "List<Map<String,class Reminder?>>?", "List<Map<String,class Reminder?>>"},
		{"map[string][][]byte", "Map<String,List<ByteData>>?", "Map<String,List<ByteData>>"},
		{"[]*pod.Status", "List<enum Status?>?", "List<enum Status?>"},
		{"(string)", "String", "String"},
	}
	for _, tt := range tests {
		t.Run(tt.goType, func(t *testing.T) {
			p, errs := parseSources(header + "type XEndpoint struct{}\n\nfunc (XEndpoint) M(s *pod.Session, v " +
				tt.goType + ") (" + tt.goType + ", error) { panic(0) }\n")
			if errs != nil {
				t.Fatalf("unexpected errors:\n%v", errs)
			}
			m := p.Endpoints[0].Methods[0]
			if got := typeString(m.Params[0].Type); got != tt.param {
				t.Errorf("param type = %s, want %s", got, tt.param)
			}
			if got := typeString(m.Result); got != tt.result {
				t.Errorf("result type = %s, want %s", got, tt.result)
			}
		})
	}
}

// TestParseEndpointsShapes covers what is served, what is ignored, and how
// the IR is ordered.
func TestParseEndpointsShapes(t *testing.T) {
	a := `package endpoints

import (
	p "example.com/app/out/pod"
	clock "time"
)

type (
	// HTTPStatusEndpoint has its doc on the spec.
	HTTPStatusEndpoint struct{}
	// Endpoint alone is not an endpoint.
	Endpoint struct{}
	helperEndpoint struct{}
	// SkippedEndpoint is not served.
	//podgen:ignore
	SkippedEndpoint struct{}
)

// BookEndpoint serves books.
type BookEndpoint struct{}

func (b BookEndpoint) Zap(s *p.Session) error         { return nil }
func (b *BookEndpoint) Add(s *p.Session, at clock.Time) error { return nil }
func (b *BookEndpoint) helper(s *p.Session) error     { return nil }
func (b *BookEndpoint) Plain(x int) error             { return nil }

// Hidden is not served.
//podgen:ignore
func (b *BookEndpoint) Hidden(s *p.Session, x int) error { return nil }
func (h helperEndpoint) Get(s *p.Session) error          { return nil }
func (SkippedEndpoint) Get(s *p.Session) error           { return nil }
func Free(s *p.Session) error                            { return nil }
`
	b := `package endpoints

import "example.com/app/out/pod"

func (e *HTTPStatusEndpoint) GetURL(s *pod.Session, tags []string, opt *pod.Author) (*pod.Author, error) {
	return nil, nil
}

// SendReminderFutureCall reminds.
type SendReminderFutureCall struct{}

func (f *SendReminderFutureCall) Invoke(s *pod.Session, r pod.Reminder) error { return nil }

type AuditFutureCall int

func (AuditFutureCall) Invoke(_ *pod.Session, ids []int64) error { return nil }

//podgen:ignore
type OldFutureCall struct{}
`
	p, errs := parseSources(a, b)
	if errs != nil {
		t.Fatalf("unexpected errors:\n%v", errs)
	}
	var got []string
	for _, e := range p.Endpoints {
		got = append(got, e.WireName+"="+e.GoName+" "+strings.ReplaceAll(e.Doc, "\n", `\n`))
		for _, m := range e.Methods {
			var ps []string
			for _, pr := range m.Params {
				ps = append(ps, fmt.Sprintf("%s %s optional=%v", pr.Name, typeString(pr.Type), pr.Optional()))
			}
			got = append(got, fmt.Sprintf("  %s=%s(%s) %s @%v", m.WireName, m.GoName, strings.Join(ps, ", "), typeString(m.Result), m.Pos))
		}
	}
	for _, c := range p.FutureCalls {
		got = append(got, fmt.Sprintf("call %s=%s(%s) %q @%v", c.Name, c.GoName, typeString(c.Arg), c.Doc, c.Pos))
	}
	want := []string{
		"book=BookEndpoint BookEndpoint serves books.",
		"  add=Add(at DateTime optional=false) <nil> @endpoints/a.go:23:24",
		"  zap=Zap() <nil> @endpoints/a.go:22:23",
		"httpStatus=HTTPStatusEndpoint HTTPStatusEndpoint has its doc on the spec.",
		"  getURL=GetURL(tags List<String>? optional=true, opt class Author? optional=true) class Author? @endpoints/b.go:5:30",
		`call Audit=AuditFutureCall(List<int>) "" @endpoints/b.go:14:6`,
		`call SendReminder=SendReminderFutureCall(class Reminder) "SendReminderFutureCall reminds." @endpoints/b.go:10:6`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.Endpoints[0].Methods[0].Params[0].Type.Kind != DateTime {
		t.Errorf("aliased time import not recognised")
	}
}

// TestParseEndpointsNoFiles leaves the protocol without endpoints.
func TestParseEndpointsNoFiles(t *testing.T) {
	p, errs := parseSources()
	if errs != nil || p.EndpointsPkg != "" || p.Endpoints != nil || p.FutureCalls != nil {
		t.Errorf("got %+v, %v", p, errs)
	}
}

// withHeader prefixes each source with header, whose 10 lines import pod
// and time: a source's first own line is line 11.
func withHeader(srcs ...string) []string {
	for i := range srcs {
		srcs[i] = header + srcs[i]
	}
	return srcs
}

const xEndpoint = "type XEndpoint struct{}\n\n"

// TestParseEndpointsErrors checks each user error's position and wording.
func TestParseEndpointsErrors(t *testing.T) {
	tests := []struct {
		name string
		srcs []string
		want string
	}{
		{"syntax error", []string{"package endpoints\n\nfunc (e *X) Hello( {\n}\n"},
			"endpoints/a.go:3:20: expected ')', found '{'\n" +
				"endpoints/a.go:4:1: missing ',' in parameter list"},
		{"int param", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, n int) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"int\" (use int64)"},
		{"float32 result", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session) (float32, error) { return 0, nil }\n"),
			"endpoints/a.go:13:37: unsupported type \"float32\" (use float64)"},
		{"pointer to slice", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v *[]string) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"*[]string\" (slices are already optional)"},
		{"pointer to map", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v map[string]*map[string]int64) error { return nil }\n"),
			"endpoints/a.go:13:49: unsupported type \"*map[string]int64\" (maps are already optional)"},
		{"double pointer", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v **int64) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"**int64\" (use a single pointer)"},
		{"array", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v [4]int64) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"[4]int64\" (use a slice)"},
		{"variadic", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v ...int64) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"...int64\" (use a slice)"},
		{"map key", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v map[[]byte]string) error { return nil }\n"),
			"endpoints/a.go:13:42: unsupported map key type \"[]byte\" (keys must be bool, int64, float64, string, time.Time, time.Duration, pod.UUID or an enum)"},
		{"unknown pod type", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v pod.Autor) error { return nil }\n"),
			"endpoints/a.go:13:38: unknown type \"pod.Autor\" (did you mean \"pod.Author\"?)"},
		{"unqualified class", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v []Author) error { return nil }\n"),
			"endpoints/a.go:13:40: unsupported type \"Author\" (did you mean \"pod.Author\"?)"},
		{"typo in basic type", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v strng) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"strng\" (did you mean \"string\"?)"},
		{"exception param", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v pod.NotFound) error { return nil }\n"),
			"endpoints/a.go:13:38: exception \"pod.NotFound\" cannot be a parameter (exceptions travel only as errors)"},
		{"exception result", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session) (*pod.NotFound, error) { return nil, nil }\n"),
			"endpoints/a.go:13:38: exception \"pod.NotFound\" cannot be a result (exceptions travel only as errors)"},
		{"other package", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v strings.Builder) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"strings.Builder\" (only the types of pod, time, net/url and math/big are supported)"},
		{"time month", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v time.Month) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"time.Month\" (use time.Time or time.Duration)"},
		{"interface", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, v any, w interface{}) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"any\" (use a protocol class)\n" +
				"endpoints/a.go:13:45: unsupported type \"interface{}\" (use a protocol class)"},
		{"session later", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, t *pod.Session) error { return nil }\n"),
			"endpoints/a.go:13:38: unsupported type \"*pod.Session\" (the session is the first parameter)"},
		{"session by value", withHeader(xEndpoint + "func (XEndpoint) M(s pod.Session) error { return nil }\n"),
			"endpoints/a.go:13:22: the session must be a pointer: \"*pod.Session\""},
		{"unnamed params", withHeader(xEndpoint + "func (XEndpoint) M(*pod.Session, int64) error { return nil }\n"),
			"endpoints/a.go:13:34: parameter 2 of method \"M\" has no name (the name is its JSON key)"},
		{"blank param", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, _ int64) error { return nil }\n"),
			"endpoints/a.go:13:36: parameter 2 of method \"M\" is named \"_\" (the name is its JSON key)"},
		{"duplicate param", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session, a int64, a string) error { return nil }\n"),
			"endpoints/a.go:13:45: duplicate parameter \"a\""},
		{"no results", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session) {}\n"),
			"endpoints/a.go:13:18: method \"M\" takes *pod.Session but returns nothing (want error or (T, error))"},
		{"result not error", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session) string { return \"\" }\n"),
			"endpoints/a.go:13:36: the last result of method \"M\" must be error (want error or (T, error))"},
		{"three results", withHeader(xEndpoint + "func (XEndpoint) M(s *pod.Session) (a, b string, err error) { return }\n"),
			"endpoints/a.go:13:36: method \"M\" returns 3 results (want error or (T, error))"},
		{"endpoint not struct", withHeader("type XEndpoint int\n"),
			"endpoints/a.go:11:6: endpoint \"XEndpoint\" must be a struct type (rename it, or add //podgen:ignore)"},
		{"endpoint alias", withHeader("type XEndpoint = struct{}\n"),
			"endpoints/a.go:11:6: endpoint \"XEndpoint\" cannot be a type alias (declare it as a new type)"},
		{"generic endpoint", withHeader("type XEndpoint[T any] struct{}\n"),
			"endpoints/a.go:11:6: endpoint \"XEndpoint\" cannot be generic"},
		{"same wire name", withHeader("type HttpEndpoint struct{}\n", "type HTTPEndpoint struct{}\n"),
			"endpoints/b.go:11:6: endpoint \"HTTPEndpoint\" has wire name \"http\", already used by \"HttpEndpoint\" at endpoints/a.go:11:6"},
		{"same method wire name", withHeader(xEndpoint +
			"func (XEndpoint) HTTPGet(s *pod.Session) error { return nil }\n" +
			"func (XEndpoint) HttpGet(s *pod.Session) error { return nil }\n"),
			"endpoints/a.go:14:18: method \"HttpGet\" has wire name \"httpGet\", already used by \"HTTPGet\" at endpoints/a.go:13:18"},
		{"package mismatch", []string{"package endpoints\n", "package other\n"},
			"endpoints/b.go:1:9: package \"other\" differs from package \"endpoints\" of endpoints/a.go (one folder holds one package)"},
		{"package main", []string{"package main\n"},
			"endpoints/a.go:1:9: the endpoints package cannot be \"main\" (the generated server imports it)"},
		{"dot import", []string{"package endpoints\n\nimport . \"example.com/app/out/pod\"\n"},
			"endpoints/a.go:3:8: dot-import of \"example.com/app/out/pod\" is not supported (import it by name)"},
		{"invoke missing", withHeader("type SendFutureCall struct{}\n"),
			"endpoints/a.go:11:6: future call \"SendFutureCall\" has no method \"Invoke\" (want Invoke(s *pod.Session, arg T) error)"},
		{"invoke params", withHeader("type SendFutureCall struct{}\n\nfunc (SendFutureCall) Invoke(s *pod.Session) error { return nil }\n"),
			"endpoints/a.go:13:29: SendFutureCall.Invoke must be Invoke(s *pod.Session, arg T) error (it has 1 parameter)"},
		{"invoke session", withHeader("type SendFutureCall struct{}\n\nfunc (SendFutureCall) Invoke(s string, r pod.Reminder) error { return nil }\n"),
			"endpoints/a.go:13:32: SendFutureCall.Invoke must be Invoke(s *pod.Session, arg T) error (its first parameter is not *pod.Session)"},
		{"invoke results", withHeader("type SendFutureCall struct{}\n\nfunc (SendFutureCall) Invoke(s *pod.Session, r pod.Reminder) (int64, error) { return 0, nil }\n"),
			"endpoints/a.go:13:63: SendFutureCall.Invoke must be Invoke(s *pod.Session, arg T) error (it must return only error)"},
		{"invoke no results", withHeader("type SendFutureCall struct{}\n\nfunc (SendFutureCall) Invoke(s *pod.Session, r pod.Reminder) {}\n"),
			"endpoints/a.go:13:23: SendFutureCall.Invoke must be Invoke(s *pod.Session, arg T) error (it returns nothing)"},
		{"invoke arg", withHeader("type SendFutureCall struct{}\n\nfunc (SendFutureCall) Invoke(s *pod.Session, r int) error { return nil }\n"),
			"endpoints/a.go:13:48: unsupported type \"int\" (use int64)"},
		{"cancel future call", withHeader("type CancelFutureCall struct{}\n\nfunc (CancelFutureCall) Invoke(s *pod.Session, r int64) error { return nil }\n"),
			"endpoints/a.go:11:6: future call name \"Cancel\" is taken by s.FutureCalls.Cancel (rename \"CancelFutureCall\")"},
		{"unknown directive", withHeader("//podgen:foo\ntype XEndpoint struct{}\n"),
			"endpoints/a.go:11:1: unknown directive \"//podgen:foo\" (known: ignore, login, scope)"},
		{"directive typo", withHeader("// X is.\n//podgen:ignor\ntype XEndpoint struct{}\n"),
			"endpoints/a.go:12:1: unknown directive \"//podgen:ignor\" (did you mean \"//podgen:ignore\"?)"},
		{"directive args", withHeader("//podgen:ignore please\ntype XEndpoint struct{}\n"),
			"endpoints/a.go:11:1: directive \"//podgen:ignore\" takes no arguments"},
		{"directive with space", withHeader("// podgen:ignore\ntype XEndpoint struct{}\n"),
			"endpoints/a.go:11:1: \"// podgen:ignore\" is not a directive (write \"//podgen:ignore\", without a space)"},
		{"misplaced directive", withHeader("//podgen:ignore\nfunc Helper() {}\n"),
			"endpoints/a.go:11:1: directive \"//podgen:ignore\" has no effect here (put it in the doc comment of an endpoint or future call type, or of one of its methods)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parseSources(tt.srcs...)
			if got := errs.Error(); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// sampleModules reads a sample app's podgen.yaml and, when it turns the
// auth module on, the module's files from emit/static (every sign-in
// method's: the sample apps that use the module enable all of them).
func sampleModules(t *testing.T, app string) (Config, []Module) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(app, ConfigFile))
	if os.IsNotExist(err) {
		return Config{}, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ReadConfig(ConfigFile, data)
	if err != nil || cfg.Auth == nil {
		t.Fatalf("%s: %v", app, err)
	}
	m := Module{Name: "auth"}
	for _, pattern := range []string{"../emit/static/authmod/*.yaml", "../emit/static/authapi/*.go"} {
		paths, _ := filepath.Glob(pattern)
		for _, path := range paths {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := File{Path: "podgen:auth/" + filepath.Base(path), Data: b}
			if strings.HasSuffix(path, ".go") {
				m.Endpoints = append(m.Endpoints, f)
			} else {
				m.Protocol = append(m.Protocol, f)
			}
		}
	}
	return cfg, []Module{m}
}

// TestParseEndpointsSampleApps loads every sample app that has endpoints:
// they must parse without errors into at least one endpoint. An app kept
// in several versions (testdata/migrate/v1, v2, ...) is loaded with each.
func TestParseEndpointsSampleApps(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/*/endpoints")
	if len(dirs) == 0 {
		t.Fatal("no sample apps under testdata/")
	}
	for _, dir := range dirs {
		app := filepath.Dir(dir)
		protocols, _ := filepath.Glob(filepath.Join(app, "v*", "protocol"))
		if len(protocols) == 0 {
			protocols = []string{filepath.Join(app, "protocol")}
		}
		cfg, modules := sampleModules(t, app)
		for _, protocol := range protocols {
			p, err := LoadWith(protocol, dir, cfg, modules)
			if err != nil {
				t.Errorf("%s:\n%v", protocol, err)
				continue
			}
			if len(p.Endpoints) == 0 {
				t.Errorf("%s: no endpoints", app)
			}
			checkIR(t, p)
		}
	}
}

// TestParseEndpointsStdKinds reads Uri and BigInt as endpoint files spell
// them, under any local package name.
func TestParseEndpointsStdKinds(t *testing.T) {
	p, errs := parseSources(`package endpoints

import (
	"math/big"
	u "net/url"

	"example.com/app/out/pod"
)

type XEndpoint struct{}

func (XEndpoint) M(s *pod.Session, a u.URL, b *u.URL, c *big.Int, d []*big.Int) (*big.Int, error) {
	return nil, nil
}
`)
	if errs != nil {
		t.Fatalf("unexpected errors:\n%v", errs)
	}
	m := p.Endpoints[0].Methods[0]
	got := []string{}
	for _, prm := range m.Params {
		got = append(got, prm.Type.String())
	}
	got = append(got, m.Result.String())
	if want := "Uri Uri? BigInt? List<BigInt>? BigInt"; strings.Join(got, " ") != want {
		t.Errorf("types = %s, want %s", strings.Join(got, " "), want)
	}
	_, errs = parseSources(`package endpoints

import (
	"math/big"
	"net/url"

	"example.com/app/out/pod"
)

type XEndpoint struct{}

func (XEndpoint) M(s *pod.Session, a big.Int, b url.Values) error { return nil }
`)
	want := "endpoints/a.go:12:38: unsupported type \"big.Int\" (use *big.Int)\n" +
		"endpoints/a.go:12:49: unsupported type \"url.Values\" (use url.URL)"
	if errs == nil || errs.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", errs, want)
	}
}
