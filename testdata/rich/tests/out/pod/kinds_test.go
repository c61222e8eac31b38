package pod

import (
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// allTypesJSON is the wire JSON of the first sample with the JSON value
// of key replaced by value.
func allTypesJSON(t *testing.T, key, value string) []byte {
	t.Helper()
	a := allTypes()[0]
	b, err := a.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, `"`+key+`":`)
	if i < 0 {
		t.Fatalf("no key %q in %s", key, s)
	}
	j := i + len(key) + 3
	return []byte(s[:j] + value + s[j+skipLen(t, s[j:]):])
}

// skipLen is the length of the JSON value at the start of s.
func skipLen(t *testing.T, s string) int {
	t.Helper()
	for n := 1; n <= len(s); n++ {
		d := NewJSONDecoder([]byte(s[:n]))
		if d.Skip() == nil && d.End() == nil {
			return n
		}
	}
	t.Fatalf("no JSON value at the start of %.40s", s)
	return 0
}

func TestBigIntJSON(t *testing.T) {
	a := allTypes()[0]
	b, err := a.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"bigVal":"-123456789012345678901234567890"`, `"bigOpt":"18446744073709551616"`,
		`"bigList":["-1",null,"1` + strings.Repeat("0", 40) + `"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	var got AllTypes
	if err := got.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if got.BigVal.Cmp(a.BigVal) != 0 || got.BigOpt.Cmp(a.BigOpt) != 0 || got.BigList[1] != nil ||
		got.BigList[2].Cmp(a.BigList[2]) != 0 {
		t.Errorf("decoded %v %v %v, want %v %v %v", got.BigVal, got.BigOpt, got.BigList, a.BigVal, a.BigOpt, a.BigList)
	}
	if got.BigVal == a.BigVal {
		t.Error("decoding shares the big.Int it was given")
	}
	// A nil BigInt of a required field is its zero value, "0".
	var zero AllTypes
	if b, _ := zero.AppendJSON(nil); !strings.Contains(string(b), `"bigVal":"0","bigOpt":null`) {
		t.Errorf("zero AllTypes: %s", b)
	}
	for _, tt := range []struct{ value, want string }{
		{`123`, `field "bigVal": expected BigInt, got number`},
		{`"1.5"`, `field "bigVal": expected BigInt (a string of decimal digits), got "1.5"`},
		{`"+1"`, `expected BigInt (a string of decimal digits)`},
		{`" 1"`, `expected BigInt (a string of decimal digits)`},
		{`""`, `expected BigInt (a string of decimal digits)`},
		{`"-"`, `expected BigInt (a string of decimal digits)`},
		{`"1e3"`, `expected BigInt (a string of decimal digits)`},
		{`null`, `field "bigVal": expected BigInt, got null`},
		{`"` + strings.Repeat("9", 5000) + `"`, `field "bigVal": BigInt of 5000 digits is longer than 4096`},
	} {
		var v AllTypes
		err := v.UnmarshalJSON(allTypesJSON(t, "bigVal", tt.value))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("bigVal %.20s: got %v, want %s", tt.value, err, tt.want)
		}
	}
	var v AllTypes
	if err := v.UnmarshalJSON(allTypesJSON(t, "bigVal", `"-007"`)); err != nil || v.BigVal.Int64() != -7 {
		t.Errorf(`"-007": %v, %v`, v.BigVal, err)
	}
}

func TestUriJSON(t *testing.T) {
	a := allTypes()[0]
	b, err := a.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"uriVal":"https://user:pw@example.com:8080/a%20b/c?q=1\u0026r=%C3%A4#frag","uriOpt":"mailto:x@y.z"`; !strings.Contains(string(b), want) {
		t.Errorf("JSON lacks %s: %s", want, b)
	}
	var got AllTypes
	if err := got.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.URIVal, a.URIVal) || *got.URIOpt != *a.URIOpt || !reflect.DeepEqual(got.URIList, a.URIList) {
		t.Errorf("decoded %+v %+v %+v", got.URIVal, got.URIOpt, got.URIList)
	}
	for _, tt := range []struct{ key, value, want string }{
		{"uriVal", `"http://[::1"`, `field "uriVal": expected Uri, got "http://[::1"`},
		{"uriVal", `"%zz"`, `field "uriVal": expected Uri, got "%zz"`},
		{"uriOpt", `7`, `field "uriOpt": expected Uri, got number`},
		{"uriList", `["ok", ":bad"]`, `field "uriList[1]": expected Uri, got ":bad"`},
		{"uriVal", `"a\u0000b"`, `NUL`},
	} {
		var v AllTypes
		err := v.UnmarshalJSON(allTypesJSON(t, tt.key, tt.value))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s: got %v, want %s", tt.key, tt.value, err, tt.want)
		}
	}
}

// TestBigIntAndUriColumns queries by the new column types and reads
// numeric values that are integers only in value, or not at all.
func TestBigIntAndUriColumns(t *testing.T) {
	db := testDB(t)
	samples := allTypes()
	for i := range samples {
		if samples[i].StringOpt != nil { // Postgres text holds valid UTF-8 only
			samples[i].StringOpt = ptr(strings.ToValidUTF8(*samples[i].StringOpt, "?"))
		}
		if err := db.AllTypes.Insert(&samples[i]); err != nil {
			t.Fatal(err)
		}
	}
	huge := bigInt("-123456789012345678901234567890")
	n, err := db.AllTypes.Count(AllTypesT.BigVal.Equals(huge))
	if err != nil || n != 2 {
		t.Errorf("BigVal = huge: %d, %v", n, err)
	}
	n, err = db.AllTypes.Count(AllTypesT.BigVal.GreaterThan(big.NewInt(-1)).And(AllTypesT.BigOpt.IsNull()))
	if err != nil || n != 1 { // the minimal sample: 0 and NULL
		t.Errorf("BigVal > -1 and BigOpt IS NULL: %d, %v", n, err)
	}
	n, err = db.AllTypes.Count(AllTypesT.URIVal.Equals(samples[0].URIVal).And(AllTypesT.URIOpt.IsNotNull()))
	if err != nil || n != 2 {
		t.Errorf("URIVal = sample: %d, %v", n, err)
	}
	id := samples[0].ID
	if _, err := db.Exec(`UPDATE all_types SET big_val = 12.000, big_opt = 5e3 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	got, err := db.AllTypes.FindByID(id)
	if err != nil || got.BigVal.Int64() != 12 || got.BigOpt.Int64() != 5000 {
		t.Fatalf("12.000 and 5e3: %v, %v", got, err)
	}
	for _, bad := range []string{"12.5", "'NaN'"} {
		if _, err := db.Exec(`UPDATE all_types SET big_val = `+bad+` WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllTypes.FindByID(id); err == nil || !strings.Contains(err.Error(), "not an integer") {
			t.Errorf("big_val %s: %v", bad, err)
		}
	}
}
