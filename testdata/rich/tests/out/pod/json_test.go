package pod

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

type codec interface {
	AppendJSON(b []byte) ([]byte, error)
	DecodeJSON(d *JSONDecoder) error
}

// checkEncode compares the generated encoder with encoding/json on the
// mirror of the same value: the bytes must be identical.
func checkEncode(t *testing.T, v codec, mirror any) []byte {
	t.Helper()
	got, err := v.AppendJSON(nil)
	if err != nil {
		t.Fatalf("AppendJSON: %v", err)
	}
	want, err := json.Marshal(mirror)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("AppendJSON differs from encoding/json on the mirror:\n got: %s\nwant: %s", got, want)
	}
	return got
}

// checkRoundTrip decodes data into fresh and checks that it encodes back
// to the same bytes and equals want (the original, normalized).
func checkRoundTrip(t *testing.T, data []byte, fresh codec, want any) {
	t.Helper()
	d := NewJSONDecoder(data)
	if err := fresh.DecodeJSON(d); err != nil {
		t.Fatalf("DecodeJSON(%s): %v", data, err)
	}
	if err := d.End(); err != nil {
		t.Fatal(err)
	}
	again, err := fresh.AppendJSON(nil)
	// Invalid UTF-8 was sent as \ufffd and comes back as the rune itself.
	data = bytes.ReplaceAll(data, []byte(`\ufffd`), []byte("\uFFFD"))
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("re-encoded differs:\n got: %s\nwant: %s", again, data)
	}
	if want != nil && !reflect.DeepEqual(fresh, want) {
		t.Errorf("decoded value differs:\n got: %+v\nwant: %+v", fresh, want)
	}
}

func TestCompanyMatchesEncodingJSON(t *testing.T) {
	for _, c := range companies() {
		data := checkEncode(t, &c, mirrorCompany(c))
		var got Company
		checkRoundTrip(t, data, &got, nil)
		// The decoded value: what was sent, with dates in UTC and the
		// server-only password left out.
		var viaJSON mCompany
		if err := json.Unmarshal(data, &viaJSON); err != nil {
			t.Fatal(err)
		}
		if m := mirrorCompany(got); !reflect.DeepEqual(m, viaJSON) {
			t.Errorf("decoded differs from encoding/json:\n got: %+v\nwant: %+v", m, viaJSON)
		}
		if got.Password != "" {
			t.Error("server-only password was sent")
		}
	}
}

func TestFlatMatchesEncodingJSON(t *testing.T) {
	for _, f := range flats() {
		data := checkEncode(t, &f, mirrorFlat(f))
		want := f
		want.CreatedAt = f.CreatedAt.UTC()
		if want.Payload == nil {
			want.Payload = []byte{}
		}
		var got Flat
		checkRoundTrip(t, data, &got, &want)
	}
}

func TestAllTypesMatchesEncodingJSON(t *testing.T) {
	for _, a := range allTypes() {
		data := checkEncode(t, &a, mirrorAllTypes(a))
		var got AllTypes
		checkRoundTrip(t, data, &got, nil)
		var viaJSON mAllTypes
		if err := json.Unmarshal(data, &viaJSON); err != nil {
			t.Fatal(err)
		}
		if m := mirrorAllTypes(got); !reflect.DeepEqual(m, viaJSON) {
			t.Errorf("decoded differs from encoding/json:\n got: %+v\nwant: %+v", m, viaJSON)
		}
		if got.Secret != "" || got.Token != nil {
			t.Error("server-only fields were sent")
		}
	}
}

func TestInteropWithEncodingJSON(t *testing.T) {
	c := sampleCompany(2)
	viaMarshal, err := json.Marshal(c) // value: MarshalJSON has a value receiver
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := c.AppendJSON(nil)
	if !bytes.Equal(viaMarshal, direct) {
		t.Errorf("json.Marshal does not use AppendJSON:\n%s\n%s", viaMarshal, direct)
	}
	var back []Company
	if err := json.Unmarshal([]byte("["+string(direct)+"]"), &back); err != nil || len(back) != 1 || back[0].Name != c.Name {
		t.Errorf("json.Unmarshal: %v %+v", err, back)
	}
	s, _ := json.Marshal(map[string]any{"s": StatusActive, "r": RoleEngineer, "u": uuid1})
	if string(s) != `{"r":"engineer","s":"active","u":"123e4567-e89b-12d3-a456-426614174000"}` {
		t.Errorf("enums and UUID through json.Marshal: %s", s)
	}
}

func TestDecodeErrors(t *testing.T) {
	valid := `{"name":"x","numEmployees":1,"headquarters":{"street":"s","city":"c","country":"x"},"offices":[],"tags":[],"status":"active"}`
	tests := []struct{ in, want string }{
		{strings.Replace(valid, `"numEmployees":1`, `"numEmployees":"1"`, 1), `field "numEmployees": expected int, got string`},
		{strings.Replace(valid, `"numEmployees":1`, `"numEmployees":1.5`, 1), `field "numEmployees": expected int, got number 1.5`},
		{strings.Replace(valid, `"numEmployees":1`, `"numEmployees":null`, 1), `field "numEmployees": expected int, got null`},
		{strings.Replace(valid, `"numEmployees":1,`, ``, 1), `field "numEmployees": required, but missing`},
		{strings.Replace(valid, `"tags":[]`, `"tags":["a",2]`, 1), `field "tags[1]": expected String, got number`},
		{strings.Replace(valid, `"status":"active"`, `"status":"gone"`, 1), `field "status": unknown Status "gone" (valid: active, archived, suspended)`},
		{strings.Replace(valid, `"city":"c"`, `"city":[]`, 1), `field "headquarters.city": expected String, got array`},
		{strings.Replace(valid, `"offices":[]`, `"offices":[{"street":"s","city":"c"}]`, 1), `field "offices[0].country": required, but missing`},
		{strings.Replace(valid, `"offices":[]`, `"offices":{}`, 1), `field "offices": expected array, got object`},
		{strings.Replace(valid, `"tags":[]`, `"tags":[,]`, 1), `invalid JSON`},
		{strings.Replace(valid, `"foundedDate":null,`, ``, 1) + "x", `invalid JSON: unexpected data after the value`},
		{`[]`, `expected object, got array`},
		{strings.Replace(valid, `"name":"x"`, `"foundedDate":"2024-13-01T00:00:00Z","name":"x"`, 1), `field "foundedDate": expected DateTime (RFC 3339)`},
	}
	for _, tt := range tests {
		var c Company
		err := c.UnmarshalJSON([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.in, err, tt.want)
		}
		var je *JSONError
		if err != nil && !errors.As(err, &je) {
			t.Errorf("%s: not a *JSONError", tt.in)
		}
	}
	var c Company
	if err := c.UnmarshalJSON([]byte(valid)); err != nil {
		t.Errorf("valid document: %v", err)
	}
	// Unknown keys are skipped (and validated), duplicates: last wins.
	doc := strings.Replace(valid, `"name":"x"`, `"name":"x","extra":{"deep":[1,{"a":null}]},"name":"y"`, 1)
	if err := c.UnmarshalJSON([]byte(doc)); err != nil || c.Name != "y" {
		t.Errorf("unknown/duplicate keys: %v, name %q", err, c.Name)
	}
	deep := strings.Replace(valid, `"name":"x"`, `"name":"x","extra":`+strings.Repeat("[", 100000)+strings.Repeat("]", 100000), 1)
	if err := c.UnmarshalJSON([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("100,000-deep unknown value: %v", err)
	}
}

func TestEncodeErrors(t *testing.T) {
	c := sampleCompany(3)
	c.Employees[2].Salary = math.NaN()
	if _, err := c.AppendJSON(nil); err == nil || !strings.Contains(err.Error(), `field "employees[2].salary": unsupported value NaN`) {
		t.Errorf("NaN: %v", err)
	}
	f := sampleFlat()
	f.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := f.AppendJSON(nil); err == nil || !strings.Contains(err.Error(), `field "createdAt"`) {
		t.Errorf("year 10000: %v", err)
	}
	a := allTypes()[0]
	a.MapVal["bad"] = math.Inf(1)
	if _, err := a.AppendJSON(nil); err == nil || !strings.Contains(err.Error(), `field "mapVal.bad"`) {
		t.Errorf("Inf in map: %v", err)
	}
}

func TestEnumsAndExceptions(t *testing.T) {
	if s, err := ParseStatus("archived"); err != nil || s != StatusArchived || s.String() != "archived" || !s.Valid() {
		t.Errorf("ParseStatus: %v %v", s, err)
	}
	if _, err := ParseRole("Engineer"); err == nil || err.Error() != `unknown Role "Engineer" (valid: engineer, manager, designer)` {
		t.Errorf("ParseRole: %v", err)
	}
	if Status("x").Valid() {
		t.Error(`Status("x") is valid`)
	}
	var err error = &NotFound{ID: 7}
	if err.Error() != `NotFound {"id":7}` {
		t.Errorf("NotFound.Error() = %s", err)
	}
	var nf *NotFound
	if !errors.As(err, &nf) || nf.ID != 7 {
		t.Error("errors.As on NotFound")
	}
}

func TestMarshalAllocs(t *testing.T) {
	c, f := sampleCompany(5), sampleFlat()
	buf := make([]byte, 0, 64<<10)
	for name, v := range map[string]codec{"company": &c, "flat": &f} {
		if n := testing.AllocsPerRun(50, func() { buf, _ = v.AppendJSON(buf[:0]) }); n != 0 {
			t.Errorf("%s: AppendJSON into a reused buffer: %v allocs, want 0", name, n)
		}
	}
	// Uri values and BigInts beyond int64 are spelled by net/url and
	// math/big, which allocate the text: about two allocations each (the
	// sample has three of each).
	a := allTypes()[0]
	if n := testing.AllocsPerRun(50, func() { buf, _ = a.AppendJSON(buf[:0]) }); n > 12 {
		t.Errorf("AllTypes with Uri and BigInt values: %v allocs, want at most 12", n)
	}
	a.URIVal, a.URIOpt, a.URIList, a.BigVal, a.BigOpt = url.URL{}, nil, nil, big.NewInt(-7), nil
	a.BigList = []*big.Int{big.NewInt(math.MaxInt64), nil}
	if n := testing.AllocsPerRun(50, func() { buf, _ = a.AppendJSON(buf[:0]) }); n != 0 {
		t.Errorf("AllTypes (maps of up to 8 keys): %v allocs, want 0", n)
	}
}
