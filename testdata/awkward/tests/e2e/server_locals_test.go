package e2e

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/awkward/out/pod"
	"example.com/awkward/out/server"
)

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestParamsNamedLikeLocals calls a method whose parameters are named like
// the generated handler's locals: each must reach its own argument.
func TestParamsNamedLikeLocals(t *testing.T) {
	rt := &pod.Runtime{Config: pod.DefaultConfig("test", "awkward"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ts := httptest.NewServer(server.New(rt).Handler())
	defer ts.Close()
	status, body := post(t, ts.URL+"/httpService/locals", `{"err":"E","ctx":1,"b":"Qg==","d":2.5,"v":"V",`+
		`"w":true,"r":["x"],"req":{"k":1},"buf":100,"c":"type","p":null,"res":"RES","key":"K","ok":true,"seen":3}`)
	if status != 200 || body != `"E|B|type|RES|K|V"` {
		t.Fatalf("got %d %s", status, body)
	}
	status, body = post(t, ts.URL+"/httpService/locals", `{"err":"E"}`)
	if status != 400 || !strings.Contains(body, `parameter \"ctx\"`) {
		t.Fatalf("missing ctx: got %d %s", status, body)
	}
	status, body = post(t, ts.URL+"/httpService/fail", `{"statusCode":418}`)
	if status != 400 || !strings.Contains(body, `"class":"HTTPError"`) || !strings.Contains(body, `"statusCode":418`) {
		t.Fatalf("exception: got %d %s", status, body)
	}
}
