package models

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzJSONDecoder checks that the decoder never panics, accepts exactly
// the documents encoding/json accepts, and reads the same values from them.
func FuzzJSONDecoder(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u00e9",true,null,{}]}`, `"\ud83d\ude00\ud800"`, `[[[]]]`, `-0.0e+1`,
		"\"\xff\"", `{"a":1,"a":2}`, `[1,]`, `1e400`, `{"k":"\u2028<>&"}`, ` 12 `, `"\/"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewJSONDecoder(data)
		got, err := readAll(d)
		if err == nil {
			err = d.End()
		}
		var want any
		jerr := json.Unmarshal(data, &want)
		if isNUL(err) && jerr == nil {
			return // the one deliberate difference: \u0000 is refused
		}
		if (err == nil) != (jerr == nil) {
			t.Fatalf("%q: podgen error %v, encoding/json error %v", data, err, jerr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: podgen read %#v, encoding/json %#v", data, got, want)
		}
		sd := NewJSONDecoder(data)
		skipErr := sd.Skip()
		if skipErr == nil {
			skipErr = sd.End()
		}
		if valid := json.Valid(data); (skipErr == nil) != valid && !isNUL(skipErr) {
			t.Fatalf("%q: Skip error %v, json.Valid %v", data, skipErr, valid)
		}
	})
}

// isNUL reports the decoder's refusal of a \u0000 escape.
func isNUL(err error) bool { return err != nil && strings.Contains(err.Error(), nulMessage) }

// FuzzAppendJSONString checks the string encoder against encoding/json.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain text here", "<&>\"\\", "\u2028\xff\xc3 é", "12345678<2345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}
