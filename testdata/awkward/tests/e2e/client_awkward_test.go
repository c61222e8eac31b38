package e2e

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"example.com/awkward/out/client"
)

// TestClientAwkwardNames calls, through the generated client, methods whose
// parameters are named like the locals of generated code and whose types
// are named like Go keywords, and checks that each value arrives where it
// belongs.
func TestClientAwkwardNames(t *testing.T) {
	c := client.New(clientServerURL(t)).HTTPService
	ctx := clientCtx(t)

	v, buf, p := "vee", time.Second, client.KeywordNil
	got, err := c.Locals(ctx, "e-r-r", 2, []byte("bee"), 0.5, &v, true, []string{"r"},
		map[string]int64{"q": 1}, &buf, client.KeywordDefault, &p, "res", "key", true, 3)
	if want := "e-r-r|bee|default|res|key|vee"; err != nil || got != want {
		t.Errorf("Locals = %q, %v; want %q", got, err, want)
	}
	got, err = c.Locals(ctx, "", 0, nil, 0, nil, false, nil, nil, nil, client.KeywordGo, nil, "", "", false, 0)
	if want := "||go||"; err != nil || got != want {
		t.Errorf("Locals with every optional nil = %q, %v; want %q", got, err, want)
	}

	kw := client.Keywords{
		Type: "t", Func: -1, Range: 2.5, Map: map[string]string{"map": "m"}, Chan: []int64{1},
		Go: true, Default: ptr("d"), Interface: time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC),
		Package: time.Minute, Import: []byte{0}, Const: client.KeywordType, Return: ptr(client.KeywordTrue),
		String: "s", Len: 3, Nil: ptr(false), Error: ptr("e"), Err: "err", S: 1, Ctx: true,
		B: []byte("b"), D: 1.5, V: ptr("v"), Buf: []string{"buf"}, Data: map[string]int64{"data": 1},
	}
	gotKW, err := c.Keywords(ctx, kw)
	if err != nil || !reflect.DeepEqual(gotKW, kw) {
		t.Errorf("Keywords:\n got %+v, %v\nwant %+v", gotKW, err, kw)
	}

	info := &client.URLInfo{
		Server:      client.HTTPServer{URL: "https://x", HostName: "x", TLSEnabled: true},
		Servers:     []client.HTTPServer{},
		RawURL:      "https://x/?q=1&q=2",
		QueryParams: map[string][]string{"q": {"1", "2"}},
	}
	gotInfo, err := c.URLInfo(ctx, info)
	if err != nil || !reflect.DeepEqual(gotInfo, info) {
		t.Errorf("URLInfo:\n got %+v, %v\nwant %+v", gotInfo, err, info)
	}
	if gotInfo, err := c.URLInfo(ctx, nil); err != nil || gotInfo != nil {
		t.Errorf("URLInfo(nil) = %+v, %v; want nil", gotInfo, err)
	}

	err = c.Fail(ctx, 418)
	var he *client.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 418 || he.Err != "failed" || he.Type != "awkward" {
		t.Errorf("Fail: got %T %v, want *client.HTTPError{418, failed, awkward}", err, err)
	}
}

func ptr[T any](v T) *T { return &v }
