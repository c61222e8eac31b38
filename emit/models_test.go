package emit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/podgen/podgen/schema"
)

// renderModels renders the models of testdata/<app> for module
// example.com/<app> with the static JSON helpers (static/models) they use,
// keyed by path under out/. The rest of pod and client belongs to other
// artifacts and is left out, so that this test checks the models alone.
func renderModels(t *testing.T, app string) map[string][]byte {
	t.Helper()
	p, err := schema.Load(filepath.Join("..", "testdata", app, "protocol"), "")
	if err != nil {
		t.Fatalf("load %s: %v", app, err)
	}
	o := Options{Base: "example.com/" + app + "/out", App: app}
	out := map[string][]byte{}
	helpers := func(pkg string) func(*schema.Protocol, Options) ([]File, error) {
		return func(*schema.Protocol, Options) ([]File, error) { return staticFiles("models", pkg, pkg) }
	}
	for _, files := range []func(*schema.Protocol, Options) ([]File, error){podModels, helpers("pod"), clientModels, helpers("client")} {
		fs, err := files(p, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Raw != nil {
				out[f.Path] = f.Raw
				continue
			}
			f.Jen.HeaderComment(Header)
			var b bytes.Buffer
			if err := f.Jen.Render(&b); err != nil {
				t.Fatalf("render %s: %v", f.Path, err)
			}
			out[f.Path] = b.Bytes()
		}
	}
	return out
}

// edgeProtocol has the shapes the testdata apps lack: an empty class and
// exception, deep nesting of lists, maps and nullables, a one-value enum.
var edgeProtocol = []schema.File{
	{Path: "protocol/empty.yaml", Data: []byte("class: Empty\nfields: {}\n")},
	{Path: "protocol/oops.yaml", Data: []byte("exception: Oops\nfields: {}\n")},
	{Path: "protocol/one.yaml", Data: []byte("enum: One\nvalues: [only]\n")},
	{Path: "protocol/deep.yaml", Data: []byte(`class: Deep
fields:
  grid: List<List<int>>
  maps: Map<String, Map<String, One?>>?
  empties: List<Empty?>
  opt: Map<String, List<Map<String, ByteData?>>?>
  self: Deep?
  selves: List<Deep>
`)},
}

func TestModelsEdgeShapesCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	p, err := schema.LoadFiles(edgeProtocol, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Base: "example.com/edge/out", App: "edge"}
	files := map[string][]byte{}
	for _, fn := range []func(*schema.Protocol, Options) ([]File, error){podModels, clientModels} {
		fs, err := fn(p, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			var b bytes.Buffer
			if err := f.Jen.Render(&b); err != nil {
				t.Fatalf("render %s: %v", f.Path, err)
			}
			files[f.Path] = b.Bytes()
		}
	}
	for _, pkg := range []string{"pod", "client"} {
		fs, err := staticFiles("models", pkg, pkg)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			files[f.Path] = f.Raw
		}
	}
	files["pod/edge_test.go"] = []byte(edgeTest)
	dir := writeModule(t, "edge", files)
	cmd := exec.Command("go", "test", "./out/pod", "./out/client")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
}

const edgeTest = `package pod

import (
	"reflect"
	"testing"
)

func TestEdgeRoundTrip(t *testing.T) {
	one := OneOnly
	v := Deep{Grid: [][]int64{{1, 2}, {}}, Maps: map[string]map[string]*One{"a": {"x": &one, "y": nil}},
		Empties: []*Empty{{}, nil}, Opt: map[string][]map[string][]byte{"n": nil, "l": {{"b": []byte("hi"), "z": nil}}},
		Self: &Deep{Grid: [][]int64{}, Empties: []*Empty{}, Opt: map[string][]map[string][]byte{}, Selves: []Deep{}}, Selves: []Deep{}}
	data, err := v.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var back Deep
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if !reflect.DeepEqual(back, v) {
		t.Errorf("round trip of %s:\n got %+v\nwant %+v", data, back, v)
	}
	var e Oops
	if err := e.UnmarshalJSON([]byte(` + "`" + `{"x":1}` + "`" + `)); err != nil || e.Error() != "Oops {}" {
		t.Errorf("empty exception: %v %q", err, e.Error())
	}
}
`

func TestModelsRich(t *testing.T) {
	files := renderModels(t, "rich")
	for _, p := range []string{"pod/company.go", "pod/not_found.go", "pod/status.go", "pod/all_types.go", "client/company.go", "pod/json_decode.go", "client/uuid.go"} {
		if files[p] == nil {
			t.Errorf("%s not generated", p)
		}
	}
	pod, client := string(files["pod/company.go"]), string(files["client/company.go"])
	for _, want := range []string{"Password string", "case \"password\":", "b = append(b, `{\"id\":`...)",
		`JSONMissingError("field", "name")`} {
		if !strings.Contains(pod, want) {
			t.Errorf("pod/company.go lacks %s", want)
		}
	}
	// Server-only fields never leave the server: not in the wire JSON, not in
	// the client; only the stored JSON (caches, json columns) keeps them.
	body := funcBody(pod, "appendJSON")
	stored := strings.Index(body, "if stored {")
	if stored < 0 || strings.Index(body, "`,\"password\":`") < stored || strings.Contains(client, "Password") {
		t.Errorf("server-only field password is sent or copied to the client:\n%s", body)
	}
	if strings.Contains(pod, `JSONMissingError("field", "id")`) || strings.Contains(pod, `JSONMissingError("field", "password")`) {
		t.Error("id and server-only fields must not be required")
	}
	for p, src := range files {
		if !bytes.HasPrefix(src, []byte("// "+Header+"\n")) {
			t.Errorf("%s lacks the header", p)
		}
		if regexp.MustCompile(`/(tmp|home|work)/`).Match(src) {
			t.Errorf("%s holds an absolute path", p)
		}
	}
}

// TestModelsCompile writes the rendered models of every app into a
// temporary module and runs go vet on pod and client: generated code that
// does not compile or vet fails here before any golden is looked at.
func TestModelsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	for _, app := range []string{"hello", "rich", "awkward"} {
		t.Run(app, func(t *testing.T) {
			dir := writeModule(t, app, renderModels(t, app))
			cmd := exec.Command("go", "vet", "./out/pod", "./out/client")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go vet: %v\n%s", err, out)
			}
		})
	}
}

// writeModule lays files out under out/ of a new module example.com/<app>
// that requires what podgen requires, so it builds from the module cache.
func writeModule(t *testing.T, app string, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	if d := os.Getenv("PODGEN_H3_KEEP"); d != "" { // debugging aid: keep the module
		dir = filepath.Join(d, app)
		os.RemoveAll(dir)
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	req := gomod[bytes.Index(gomod, []byte("require")):]
	files["go.mod"] = append([]byte("module example.com/"+app+"\n\ngo 1.26.0\n\n"), req...)
	if files["go.sum"], err = os.ReadFile("../go.sum"); err != nil {
		t.Fatal(err)
	}
	// The apps' model tests (json*, mirror, samples); other tests there need
	// the rest of pod, which this module leaves out.
	var tests []string
	for _, pattern := range []string{"json*_test.go", "mirror_test.go", "samples_test.go"} {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", app, "tests", "out", "pod", pattern))
		tests = append(tests, m...)
	}
	for _, p := range tests {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files["out/pod/"+filepath.Base(p)] = src
	}
	for p, src := range files {
		if !strings.HasPrefix(p, "go.") && !strings.HasPrefix(p, "out/") {
			p = "out/" + p
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// funcBody is the text of the method name in src, "" when there is none.
func funcBody(src, name string) string {
	start := strings.Index(src, ") "+name+"(")
	if start < 0 {
		return ""
	}
	end := strings.Index(src[start:], "\n}\n")
	if end < 0 {
		return src[start:]
	}
	return src[start : start+end]
}
