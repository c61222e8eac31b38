package pod

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeCompany feeds arbitrary bytes to the generated Company decoder:
// it must never panic, and whenever both it and encoding/json (on the
// mirror type) accept a document, they must read the same value.
//
// Documents with duplicate keys or keys that differ from a field name only
// in case are not compared: encoding/json matches keys case-insensitively
// and merges repeated objects into one another, which podgen does not.
func FuzzDecodeCompany(f *testing.F) {
	for _, c := range companies() {
		data, err := c.AppendJSON(nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"name":"x","numEmployees":1,"headquarters":{"street":"s","city":"c","country":"x"},"offices":[],"tags":[],"status":"active","extra":[1,{"a":null}]}`))
	f.Add([]byte(`{"name":"\ud83d\ude00\u00e9\ud800","numEmployees":-0,"headquarters":{"street":"","city":"","country":""},"offices":[],"tags":["\u2028"],"status":"archived","foundedDate":"2024-02-29T23:59:59.5+01:00"}`))
	f.Add([]byte(`{"NAME":"x"}`))
	f.Add([]byte(`[[[[[]]]]]`))
	names := fieldNames(reflect.TypeOf(mCompany{}), map[string]bool{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Company
		err := got.UnmarshalJSON(data)
		var want mCompany
		jerr := json.Unmarshal(data, &want)
		if err != nil || jerr != nil || !plainKeys(data, names) {
			return
		}
		if m := mirrorCompany(got); !reflect.DeepEqual(m, normalizeCompany(want)) {
			t.Fatalf("%s:\npodgen:        %+v\nencoding/json: %+v", data, m, want)
		}
	})
}

// normalizeCompany puts what encoding/json read into the shape the
// generated decoder gives: dates in UTC.
func normalizeCompany(c mCompany) mCompany {
	c.FoundedDate = utcPtr(c.FoundedDate)
	for i := range c.Employees {
		c.Employees[i] = normalizeEmployee(c.Employees[i])
	}
	return c
}

func normalizeEmployee(e mEmployee) mEmployee {
	e.StartDate = e.StartDate.UTC()
	if e.Manager != nil {
		m := normalizeEmployee(*e.Manager)
		e.Manager = &m
	}
	return e
}

// fieldNames collects the JSON names of t and of the structs it holds.
func fieldNames(t reflect.Type, names map[string]bool) map[string]bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || names[t.Name()] {
		return names
	}
	names[t.Name()] = true // visited (type names never equal-fold a key here)
	for i := 0; i < t.NumField(); i++ {
		names[strings.Split(t.Field(i).Tag.Get("json"), ",")[0]] = true
		fieldNames(t.Field(i).Type, names)
	}
	return names
}

// plainKeys reports whether every object key in data is unique within its
// object and, if it equal-folds a known name, is exactly that name.
func plainKeys(data []byte, names map[string]bool) bool {
	type frame struct {
		object, keyNext bool
		seen            map[string]bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				stack = append(stack, frame{object: tok == '{', keyNext: true, seen: map[string]bool{}})
				continue
			}
			stack = stack[:len(stack)-1]
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].keyNext {
				top := &stack[n-1]
				if top.seen[tok] {
					return false
				}
				top.seen[tok] = true
				for name := range names {
					if name != tok && strings.EqualFold(name, tok) {
						return false
					}
				}
				top.keyNext = false
				continue
			}
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].keyNext = true // a member's value ended
		}
	}
}
