package emit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// helperFile uses decodeMembers, decodeValue and appendValue the way the
// server and client emitters do, on nested and nullable types.
func helperFile(p *schema.Protocol, models string) *jen.File {
	var company *schema.Class
	for _, c := range p.Classes {
		if c.Name == "Company" {
			company = c
		}
	}
	str := &schema.Type{Kind: schema.String}
	class := &schema.Type{Kind: schema.ClassKind, Class: company, Nullable: true}
	nested := &schema.Type{Kind: schema.List, Elem: &schema.Type{Kind: schema.Map, Elem: &schema.Type{
		Kind: schema.List, Nullable: true, Elem: &schema.Type{Kind: schema.Double, Nullable: true}}}}
	f := jen.NewFilePathName(models, "pod")
	f.Type().Id("params").Struct(jen.Id("Name").String(), jen.Id("Company").Op("*").Id("Company"), jen.Id("Nested").Add(goType(nested, models)))
	members := []jsonMember{
		{Key: "name", Label: "parameter", Type: str, Dst: jen.Id("p").Dot("Name"), Required: true},
		{Key: "company", Label: "parameter", Type: class, Dst: jen.Id("p").Dot("Company")},
		{Key: "nested", Label: "parameter", Type: nested, Dst: jen.Id("p").Dot("Nested"), Required: true},
	}
	f.Func().Id("decodeParams").Params(jen.Id("d").Op("*").Id("JSONDecoder"), jen.Id("p").Op("*").Id("params")).Error().
		Block(append(decodeMembers(jen.Id("d"), members, models), jen.Return(jen.Nil()))...)
	f.Func().Id("decodeNested").Params(jen.Id("d").Op("*").Id("JSONDecoder"), jen.Id("res").Op("*").Add(goType(nested, models))).Error().
		Block(append(decodeValue(jen.Id("d"), nested, jen.Parens(jen.Op("*").Id("res")), models), jen.Return(jen.Nil()))...)
	body := []jen.Code{jen.Var().Err().Error()}
	body = append(body, appendValue(jen.Id("b"), nested, jen.Id("res"), models)...)
	f.Func().Id("appendNested").Params(jen.Id("b").Index().Byte(), jen.Id("res").Add(goType(nested, models))).
		Params(jen.Index().Byte(), jen.Error()).Block(append(body, jen.Return(jen.Id("b"), jen.Nil()))...)
	return f
}

const helperTest = `package pod

import (
	"math"
	"strings"
	"testing"
)

func TestHelpers(t *testing.T) {
	var p params
	in := ` + "`" + `{"nested":[{"a":[1.5,null],"b":null},{}],"company":null,"name":"n"}` + "`" + `
	if err := decodeParams(NewJSONDecoder([]byte(in)), &p); err != nil {
		t.Fatal(err)
	}
	out, err := appendNested(nil, p.Nested)
	if err != nil || string(out) != ` + "`" + `[{"a":[1.5,null],"b":null},{}]` + "`" + ` || p.Name != "n" || p.Company != nil {
		t.Fatalf("%s %v %+v", out, err, p)
	}
	var again [](map[string][]*float64)
	if err := decodeNested(NewJSONDecoder(out), &again); err != nil || len(again) != 2 || *again[0]["a"][0] != 1.5 {
		t.Fatalf("%v %v", again, err)
	}
	bad := strings.Replace(in, "1.5", ` + "`" + `"x"` + "`" + `, 1)
	if err := decodeParams(NewJSONDecoder([]byte(bad)), &p); err == nil || err.Error() != ` + "`" + `parameter "nested[0].a[0]": expected double, got string` + "`" + ` {
		t.Errorf("bad: %v", err)
	}
	if err := decodeParams(NewJSONDecoder([]byte(` + "`" + `{"name":"n"}` + "`" + `)), &p); err == nil || err.Error() != ` + "`" + `parameter "nested": required, but missing` + "`" + ` {
		t.Errorf("missing: %v", err)
	}
	nan := math.NaN()
	if _, err := appendNested(nil, [](map[string][]*float64){{"k": {&nan}}}); err == nil || err.Error() != ` + "`" + `field "[0].k[0]": unsupported value NaN (JSON has no NaN or infinity)` + "`" + ` {
		t.Errorf("NaN: %v", err)
	}
}
`

// TestSharedHelpersCompileAndRun builds decodeMembers, decodeValue and
// appendValue code into the rich app's pod package and runs it.
func TestSharedHelpersCompileAndRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	p, err := schema.Load(filepath.Join("..", "testdata", "rich", "protocol"), "")
	if err != nil {
		t.Fatal(err)
	}
	files := renderModels(t, "rich")
	var b bytes.Buffer
	if err := helperFile(p, "example.com/rich/out/pod").Render(&b); err != nil {
		t.Fatal(err)
	}
	files["pod/zz_helpers.go"] = b.Bytes()
	files["pod/zz_helpers_test.go"] = []byte(helperTest)
	dir := writeModule(t, "rich", files)
	cmd := exec.Command("go", "test", "-run", "TestHelpers", "./out/pod")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test: %v\n%s\n%s", err, out, b.Bytes())
	}
}
