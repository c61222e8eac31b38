package pod

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// Fields named after Go keywords and after the locals of generated code
// (err, s, b, d, v, key, data, buf) must not confuse the codecs.
func TestKeywordsRoundTrip(t *testing.T) {
	k := Keywords{ID: 3, Type: "t", Func: -1, Range: 2.5, Map: map[string]string{"z": "1", "a": "<"}, Chan: []int64{1},
		Go: true, Default: ptr("d"), Select: ptr(int64(7)), Interface: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC),
		Package: time.Second, Import: []byte{1, 2}, Var: UUID{1}, Const: KeywordNil, Return: ptr(KeywordTrue),
		String: "Grüße 🚀", Len: 4, Nil: ptr(false), Error: ptr("e"), Err: "err", S: 5, Ctx: true, B: []byte{},
		D: 0.5, V: nil, Buf: []string{"x"}, Data: map[string]int64{"n": 1}, Key: &UUID{2}}
	data, err := k.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got Keywords
	if err := got.UnmarshalJSON(data); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if !reflect.DeepEqual(got, k) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, k)
	}
	// Spot-check the wire names against encoding/json's reading.
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{"type": "t", "func": -1.0, "err": "err", "s": 5.0, "const": "nil", "return": "true", "v": nil, "string": "Grüße 🚀"} {
		if !reflect.DeepEqual(m[key], want) {
			t.Errorf("%q: got %#v, want %#v", key, m[key], want)
		}
	}
}

func TestKeywordEnum(t *testing.T) {
	for _, v := range []Keyword{KeywordType, KeywordDefault, KeywordNil, KeywordTrue, KeywordGo} {
		b, _ := v.AppendJSON(nil)
		var back Keyword
		if err := back.UnmarshalJSON(b); err != nil || back != v || !v.Valid() {
			t.Errorf("%s: %v %v", v, back, err)
		}
	}
	var k Keyword
	if err := k.UnmarshalJSON([]byte(`true`)); err == nil || err.Error() != "expected Keyword, got bool" {
		t.Errorf("bool for enum: %v", err)
	}
}

func TestHTTPErrorIsAnError(t *testing.T) {
	var err error = &HTTPError{StatusCode: 418, Err: "teapot", Type: "<x>"}
	if got := err.Error(); got != `HTTPError {"statusCode":418,"err":"teapot","ctx":null,"type":"\u003cx\u003e"}` {
		t.Errorf("Error() = %s", got)
	}
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 418 {
		t.Error("errors.As")
	}
}

func TestURLInfoNested(t *testing.T) {
	u := URLInfo{Server: HTTPServer{ID: 1, URL: "http://x", HostName: "x", TLSEnabled: true},
		RawURL: "http://x/?a=1&b=2", QueryParams: map[string][]string{"a": {"1"}, "b": {}}}
	data, err := u.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"server":{"id":1,"url":"http://x","hostName":"x","tlsEnabled":true},"servers":null,"rawUrl":"http://x/?a=1\u0026b=2","queryParams":{"a":["1"],"b":[]}}`
	if !bytes.Equal(data, []byte(want)) {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	var back URLInfo
	if err := back.UnmarshalJSON(data); err != nil || !reflect.DeepEqual(back, u) {
		t.Errorf("round trip: %v\n%+v", err, back)
	}
}
