package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podgen/podgen/emit"
)

func TestModulePath(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"module example.com/mypod\n\ngo 1.26\n", "example.com/mypod", ""},
		{"// header comment\nmodule   example.com/x // trailing\n", "example.com/x", ""},
		{"go 1.26\nmodule \"example.com/quoted\"\n", "example.com/quoted", ""},
		{"module `example.com/raw`\n", "example.com/raw", ""},
		{"module (\n\t// c\n\texample.com/block\n)\n", "example.com/block", ""},
		{"\tmodule\tmypod\r\n", "mypod", ""},
		{"modules x\ngo 1.26\n", "", "go.mod: no module directive"},
		{"// module commented.out\n", "", "no module directive"},
		{"module a b\n", "", "go.mod:1:1: malformed module directive"},
		{"module \"unterminated\n", "", "go.mod:1:1: malformed module path"},
		{"module \"\"\n", "", "malformed module path"},
	} {
		got, err := ModulePath("go.mod", []byte(tc.in))
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ModulePath(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestAppName(t *testing.T) {
	for in, want := range map[string]string{
		"mypod": "mypod", "example.com/mypod": "mypod", "example.com/mypod/v2": "mypod", "v2": "v2", "example.com/v": "v",
	} {
		if got := AppName(in); got != want {
			t.Errorf("AppName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/shop\n")
	writeFile(t, filepath.Join(root, "svc/endpoints/e.go"), "package endpoints\n")
	t.Chdir(filepath.Join(root, "svc"))
	// The output folder does not exist yet; the module is found above it.
	o, err := Discover("gen/out", "endpoints")
	want := emit.Options{Base: "example.com/shop/svc/gen/out", Endpoints: "example.com/shop/svc/endpoints", App: "shop"}
	if err != nil || o != want {
		t.Errorf("Discover = %+v, %v; want %+v", o, err, want)
	}
	// Spelled through a symlink, the paths still resolve inside the module.
	link := filepath.Join(t.TempDir(), "link")
	if os.Symlink(root, link) == nil {
		if o, err := Discover(filepath.Join(link, "svc/gen/out"), "endpoints"); err != nil || o != want {
			t.Errorf("Discover via symlink = %+v, %v", o, err)
		}
	}
	for _, tc := range []struct{ out, ep, err string }{
		{"gen/out", t.TempDir(), "is outside module"},
		{"..", "endpoints", "must be a subfolder of the module root"},
		{filepath.Join(t.TempDir(), "out"), "endpoints", "no go.mod in"},
	} {
		if _, err := Discover(tc.out, tc.ep); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Discover(%q, %q) err = %v, want %q", tc.out, tc.ep, err, tc.err)
		}
	}
}

// TestFindModuleIrregularGoMod: a go.mod that is a device or a FIFO is an
// error naming it, never read or waited on.
func TestFindModuleIrregularGoMod(t *testing.T) {
	for name, mk := range irregular {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			if err := mk(filepath.Join(root, "go.mod")); err != nil {
				t.Skip(err)
			}
			err := within(t, func() error { _, _, err := FindModule(filepath.Join(root, "out")); return err })
			if want := filepath.Join(root, "go.mod") + ":1:1: not a regular file"; err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %v, want %s...", err, want)
			}
		})
	}
}
