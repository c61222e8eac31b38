package pod

import "testing"

// TestPlainRoundTrip is the baseline the §2.1 tests build on: a plain
// table class stores and finds a row.
func TestPlainRoundTrip(t *testing.T) {
	db := testDB(t)
	p := Plain{Name: "first"}
	if err := db.Plain.Insert(&p); err != nil {
		t.Fatal(err)
	}
	got, err := db.Plain.FindByID(p.ID)
	if err != nil || got == nil || got.Name != "first" {
		t.Fatalf("FindByID(%d) = %+v, %v", p.ID, got, err)
	}
}
