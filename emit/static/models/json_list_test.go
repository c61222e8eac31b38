package models

import (
	"reflect"
	"strings"
	"testing"
)

// decodeStrings reads a List<String> into *dst the way generated code does.
func decodeStrings(d *JSONDecoder, dst *[]string) error {
	if err := d.BeginArray(); err != nil {
		return err
	}
	list := JSONList(d, *dst)
	for i := 0; ; i++ {
		ok, err := d.More()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		list.Elems = ExtendJSONSlice(d, list.Elems)
		if err := d.String(&list.Elems[i]); err != nil {
			return JSONIndexError(err, i)
		}
	}
	*dst = FinishJSONList(d, *dst, list)
	return nil
}

// decodeGrid reads a List<List<String>>: lists of one type at two depths.
func decodeGrid(d *JSONDecoder, dst *[][]string) error {
	if err := d.BeginArray(); err != nil {
		return err
	}
	list := JSONList(d, *dst)
	for i := 0; ; i++ {
		ok, err := d.More()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		list.Elems = ExtendJSONSlice(d, list.Elems)
		if err := decodeStrings(d, &list.Elems[i]); err != nil {
			return JSONIndexError(err, i)
		}
	}
	*dst = FinishJSONList(d, *dst, list)
	return d.End()
}

func TestScratchListsReused(t *testing.T) {
	var d JSONDecoder
	docs := []string{`[["a","b"],[],["c"]]`, `[["d"],["e","f","g","h","i"]]`, `[]`, `[[],["j"]]`}
	want := [][][]string{{{"a", "b"}, {}, {"c"}}, {{"d"}, {"e", "f", "g", "h", "i"}}, {}, {{}, {"j"}}}
	var got [][][]string
	for _, doc := range docs {
		d.Reset([]byte(doc))
		var v [][]string
		if err := decodeGrid(&d, &v); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if v == nil {
			t.Errorf("%s: nil list, want empty", doc)
		}
		for _, row := range v {
			if row == nil {
				t.Errorf("%s: nil row, want empty", doc)
			}
		}
		got = append(got, v)
	}
	if !reflect.DeepEqual(got, want) { // every result is still intact: none shares a scratch list
		t.Fatalf("got %q, want %q", got, want)
	}
	if n := len(d.scratch); n != 2 {
		t.Errorf("%d scratch lists, want one per depth: 2", n)
	}
	if c := cap(got[1][1]); c != 5 {
		t.Errorf("a list from a kept scratch list has cap %d, want its length 5", c)
	}
	got[1][1] = append(got[1][1], "x") // must not write into anything the decoder holds
	d.Reset([]byte(`[["k","l","m","n","o","p"]]`))
	var v [][]string
	if err := decodeGrid(&d, &v); err != nil || !reflect.DeepEqual(v, [][]string{{"k", "l", "m", "n", "o", "p"}}) {
		t.Fatalf("got %q, %v", v, err)
	}
}

func TestScratchListIntoDestination(t *testing.T) {
	var d JSONDecoder
	for round := range 3 { // the first list of its kind, then kept scratch lists
		dst := make([]string, 1, 8)
		d.Reset([]byte(`["a","b","c"]`))
		if err := decodeStrings(&d, &dst); err != nil {
			t.Fatal(err)
		}
		if len(dst) != 3 || cap(dst) != 8 || dst[2] != "c" {
			t.Errorf("round %d: got %q (cap %d), want it in the destination's array", round, dst, cap(dst))
		}
	}
}

// TestScratchListAfterAFailure checks that a list abandoned by a failed
// decode is never written to by the next one: the destination of the
// failed decode keeps what it had.
func TestScratchListAfterAFailure(t *testing.T) {
	var d JSONDecoder
	old := make([]string, 2, 8)
	old[0], old[1] = "keep", "these"
	d.Reset([]byte(`["a",1]`))
	if err := decodeStrings(&d, &old); err == nil {
		t.Fatal("no error for a number in a List<String>")
	}
	kept := old[:2:2]
	first := append([]string(nil), kept...)
	d.Reset([]byte(`["x","y","z"]`))
	var v []string
	if err := decodeStrings(&d, &v); err != nil || !reflect.DeepEqual(v, []string{"x", "y", "z"}) {
		t.Fatalf("got %q, %v", v, err)
	}
	if full := old[:3]; full[2] != "" || !reflect.DeepEqual(kept, first) {
		t.Errorf("the next decode wrote into the failed one's destination: %q", full)
	}
}

// TestLargeScratchListHandedOver checks that a list too large to keep is
// the result itself (no copy), and that the decoder keeps nothing of it.
func TestLargeScratchListHandedOver(t *testing.T) {
	var d JSONDecoder
	doc := []byte("[" + strings.Repeat(`"x",`, 9999) + `"y"]`) // 10,000 strings: 160 KB of elements
	for round := range 3 {
		d.Reset(doc)
		var v []string
		if err := decodeStrings(&d, &v); err != nil || len(v) != 10000 || v[9999] != "y" {
			t.Fatalf("round %d: %d elements, %v", round, len(v), err)
		}
		if round > 0 && cap(v) == len(v) {
			t.Errorf("round %d: a copy of a large list (cap %d): the scratch list should be the result", round, cap(v))
		}
		for _, s := range d.scratch {
			if l := s.list.(*JSONScratch[string]); cap(l.Elems) != 0 {
				t.Errorf("round %d: the decoder kept a scratch list of %d", round, cap(l.Elems))
			}
		}
	}
}

// TestFailedDecodeReleased: a decode that fails mid-list leaves its
// elements in the decoder's scratch list; Reset lets go of them, so that a
// pooled decoder does not pin the largest body that ever failed (the
// server's 64 concurrent 1 MiB bodies went from 196 to 335 MB of RSS
// without it).
func TestFailedDecodeReleased(t *testing.T) {
	var d JSONDecoder
	var first []string
	d.Reset([]byte(`["warm","up"]`)) // the next list of its kind is kept scratch
	if err := decodeStrings(&d, &first); err != nil {
		t.Fatal(err)
	}
	scratch := func() *JSONScratch[string] { return d.scratch[0].list.(*JSONScratch[string]) }

	small := `["kept", "secret", 7]` // fails at the third element
	d.Reset([]byte(small))
	var got []string
	if err := decodeStrings(&d, &got); err == nil {
		t.Fatal("decoded a list with a number in it")
	}
	if l := scratch(); len(l.Elems) == 0 || l.Elems[1] != "secret" {
		t.Fatalf("the failed decode left %q: the test no longer sees the case it guards", l.Elems)
	}
	d.Reset(nil)
	if l := scratch(); len(l.Elems) != 0 || l.Elems[:cap(l.Elems)][1] != "" {
		t.Errorf("after Reset the scratch list still holds %q", l.Elems[:cap(l.Elems)])
	}

	big := "[" + strings.Repeat(`"x",`, 10000) + "7]" // grows past maxScratchBytes
	d.Reset([]byte(big))
	if err := decodeStrings(&d, &got); err == nil {
		t.Fatal("decoded a list with a number in it")
	}
	d.Reset(nil)
	if l := scratch(); l.Elems != nil {
		t.Errorf("after Reset a scratch list of %d bytes is kept", cap(l.Elems)*16)
	}
	d.Reset([]byte(`["again"]`)) // and it still works
	if err := decodeStrings(&d, &got); err != nil || !reflect.DeepEqual(got, []string{"again"}) {
		t.Errorf("after release: %q, %v", got, err)
	}
}
