package schema

import (
	"strings"
	"testing"
)

func TestGeneratedNames(t *testing.T) {
	e := &Endpoint{GoName: "HTTPServiceEndpoint"}
	m := &Method{GoName: "GetURL"}
	c := &Class{Name: "HTTPServer"}
	f := &Field{GoName: "Tags"}
	for _, tc := range []struct{ got, want string }{
		{e.BaseName(), "HTTPService"},
		{e.HandlerName(m), "handleHTTPServiceGetURL"},
		{e.ResultEncoderName(m), "encodeHTTPServiceGetURL"},
		{e.ParamsTypeName(m), "httpServiceGetURLParams"},
		{c.DescriptorName(), "HTTPServerT"},
		{c.TableTypeName(), "HTTPServerTable"},
		{c.ColumnsTypeName(), "HTTPServerColumns"},
		{c.TableInfoName(), "httpServerTable"},
		{c.RowValuesName(), "httpServerValues"},
		{c.RowScanName(), "scanHTTPServer"},
		{c.ColumnDecoderName(f), "decodeHTTPServerTags"},
		{c.ColumnEncoderName(f), "encodeHTTPServerTags"},
		{(&Enum{Name: "Status"}).ParserName(), "ParseStatus"},
		{(&FutureCall{Name: "Remind"}).ArgEncoderName(), "appendRemindArg"},
		{(&FutureCall{Name: "Remind"}).RunnerName(), "runRemind"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestPlanClashes: names podgen derives from two definitions, or from a
// definition and podgen's own code, are reported at the definitions'
// positions instead of compiling into a redeclaration.
func TestPlanClashes(t *testing.T) {
	const header = "package endpoints\n\nimport \"example.com/app/out/pod\"\n\n"
	cases := []struct {
		name      string
		protocol  map[string]string
		endpoints string
		want      []string
	}{{
		name: "json column codecs",
		protocol: map[string]string{
			"foo.yaml":     "class: Foo\ntable: foo\nfields:\n  barBaz: List<int>\n",
			"foo_bar.yaml": "class: FooBar\ntable: foo_bar\nfields:\n  baz: List<int>\n",
		},
		want: []string{
			`foo_bar.yaml:4:3: the json column codec of field "baz" of class "FooBar" would be named "decodeFooBarBaz" in package pod, which is already used by the json column codec of field "barBaz" of class "Foo" at foo.yaml:4:3: rename one of them`,
		},
	}, {
		name:     "a static helper",
		protocol: map[string]string{"prune.yaml": "class: Prune\ntable: prune\nfields:\n  name: String\n"},
		want:     []string{`prune.yaml:2:8: the table info of table class "Prune" would be named "pruneTable" in package pod, which is already used by podgen's own code in package pod`},
	}, {
		name: "server names of two endpoints",
		endpoints: header +
			"type FooEndpoint struct{}\n\nfunc (e *FooEndpoint) BarBaz(s *pod.Session) error { return nil }\n\n" +
			"type FooBarEndpoint struct{}\n\nfunc (e *FooBarEndpoint) Baz(s *pod.Session) error { return nil }\n",
		want: []string{
			`a.go:11:26: the server code of method FooBarEndpoint.Baz would be named "handleFooBarBaz" in package server, which is already used by the server code of method FooEndpoint.BarBaz at a.go:7:23: rename one of them`,
		},
	}, {
		name:      "an endpoint and a class in the client",
		protocol:  map[string]string{"notes_endpoint.yaml": "class: NotesEndpoint\nfields:\n  n: int\n"},
		endpoints: header + "type NotesEndpoint struct{}\n\nfunc (e *NotesEndpoint) List(s *pod.Session) error { return nil }\n",
		want:      []string{`a.go:5:6: endpoint "NotesEndpoint" has the name of the class "NotesEndpoint" at notes_endpoint.yaml:1:8; both would be types of package client: rename one`},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var protocol, endpoints []File
			for path, src := range tc.protocol {
				protocol = append(protocol, File{Path: path, Data: []byte(src)})
			}
			if tc.endpoints != "" {
				endpoints = []File{{Path: "a.go", Data: []byte(tc.endpoints)}}
			}
			_, err := LoadFiles(protocol, endpoints)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks\n%s", err, w)
				}
			}
		})
	}
}
