package pod

import (
	"encoding/json"
	"testing"
	"time"
)

// TestGreetingMatchesEncodingJSON compares the generated codecs with
// encoding/json on a mirror struct, both ways.
func TestGreetingMatchesEncodingJSON(t *testing.T) {
	type mirror struct {
		Message   string    `json:"message"`
		Author    string    `json:"author"`
		Timestamp time.Time `json:"timestamp"`
	}
	at := time.Date(2024, 5, 6, 7, 8, 9, 10, time.FixedZone("x", 3600))
	for _, msg := range []string{"Hello", "", "日本語 \u2028 <b>", "\xff"} {
		g := Greeting{Message: msg, Author: "me", Timestamp: at}
		got, err := g.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(mirror{msg, "me", at.UTC()})
		if string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		var back Greeting
		if err := back.UnmarshalJSON(want); err != nil {
			t.Fatal(err)
		}
		var viaJSON mirror
		_ = json.Unmarshal(want, &viaJSON)
		if back.Message != viaJSON.Message || !back.Timestamp.Equal(at) || back.Timestamp.Location() != time.UTC {
			t.Errorf("decoded %+v, encoding/json %+v", back, viaJSON)
		}
	}
	var g Greeting
	if err := g.UnmarshalJSON([]byte(`{"message":"m","author":"a"}`)); err == nil || err.Error() != `field "timestamp": required, but missing` {
		t.Errorf("missing timestamp: %v", err)
	}
}
