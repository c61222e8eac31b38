package emit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/podgen/podgen/schema"
)

func TestServerStaticImportsTheAppsPod(t *testing.T) {
	files, err := serverStatic(Options{Base: "example.com/app/out"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no static server files")
	}
	for _, f := range files {
		if strings.HasPrefix(f.Path, "server/zz_") || strings.HasSuffix(f.Path, "_test.go") {
			t.Errorf("%s: test-only file copied", f.Path)
		}
		if bytes.Contains(f.Raw, []byte("github.com/podgen/podgen")) {
			t.Errorf("%s still imports podgen", f.Path)
		}
		if bytes.Contains(f.Raw, []byte("/pod\"")) && !bytes.Contains(f.Raw, []byte(`"example.com/app/out/pod"`)) {
			t.Errorf("%s: pod import not rewritten", f.Path)
		}
	}
}

func TestServerSkippedWithoutEndpoints(t *testing.T) {
	for _, fn := range []func(*schema.Protocol, Options) ([]File, error){serverAPI, cmdServer} {
		files, err := fn(&schema.Protocol{}, Options{Base: "m/out"})
		if err != nil || len(files) != 0 {
			t.Errorf("got %d files, %v", len(files), err)
		}
	}
}
