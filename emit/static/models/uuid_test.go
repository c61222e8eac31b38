package models

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestUUID(t *testing.T) {
	const s = "123e4567-e89b-12d3-a456-426614174000"
	u, err := ParseUUID(strings.ToUpper(s))
	if err != nil {
		t.Fatal(err)
	}
	if u.String() != s || u.IsZero() {
		t.Errorf("got %s", u)
	}
	out, _ := json.Marshal(map[string]UUID{"id": u})
	if string(out) != `{"id":"`+s+`"}` {
		t.Errorf("marshal: %s", out)
	}
	var back struct{ ID UUID }
	if err := json.Unmarshal([]byte(`{"ID":"`+s+`"}`), &back); err != nil || back.ID != u {
		t.Errorf("unmarshal: %v %v", back.ID, err)
	}
	for _, bad := range []string{"", s[:35], s + "0", strings.Replace(s, "-", "_", 1), strings.Replace(s, "a", "g", 1), "{" + s[1:]} {
		if _, err := ParseUUID(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for i := range s { // a bad byte anywhere, digit or dash
		for _, c := range []byte{'x', '-', '0' - 1, '9' + 1, 'a' - 1, 'f' + 1, 'A' - 1, 'F' + 1, 0xff} {
			if c == '-' && s[i] == '-' {
				continue
			}
			bad := []byte(s)
			bad[i] = c
			if _, err := ParseUUID(string(bad)); err == nil {
				t.Errorf("%q: no error", bad)
			}
		}
	}
	var v UUID
	if err := v.UnmarshalJSON([]byte(`12`)); err == nil || !strings.Contains(err.Error(), "expected UuidValue, got number") {
		t.Errorf("number: %v", err)
	}
	if !(UUID{}).IsZero() {
		t.Error("zero UUID not IsZero")
	}
}
