package pod

import (
	"bytes"
	"strings"
	"testing"
)

// TestUUIDPrimaryKey carries a UuidKeyed (id: UuidValue?,
// defaultPersist=random) through the whole typed database layer.
func TestUUIDPrimaryKey(t *testing.T) {
	db := testDB(t)
	a := &UuidKeyed{Name: "a"}
	if err := db.UuidKeyed.Insert(a); err != nil {
		t.Fatal(err)
	}
	if a.ID.IsZero() || a.ID[6]>>4 != 4 || a.Score == nil || *a.Score != 10 {
		t.Fatalf("Insert: id %s (want gen_random_uuid()), score %v (want 10)", a.ID, a.Score)
	}
	mine := NewRandomUUID()
	b := &UuidKeyed{ID: mine, Name: "b"}
	if err := db.UuidKeyed.Insert(b); err != nil || b.ID != mine {
		t.Fatalf("Insert with an id: %v, id %s; want %s kept", err, b.ID, mine)
	}
	got, err := db.UuidKeyed.FindByID(a.ID)
	if err != nil || got == nil || got.ID != a.ID || got.Name != "a" {
		t.Fatalf("FindByID(%s) = %+v, %v", a.ID, got, err)
	}
	if none, err := db.UuidKeyed.FindByID(NewRandomUUID()); none != nil || err != nil {
		t.Errorf("FindByID(unknown) = %+v, %v; want nil, nil", none, err)
	}
	a.Name = "a2"
	if err := db.UuidKeyed.Update(a); err != nil {
		t.Fatal(err)
	}
	found, err := db.UuidKeyed.Find(UuidKeyedT.ID.Equals(a.ID))
	if err != nil || len(found) != 1 || found[0].Name != "a2" {
		t.Fatalf("Find(ID = %s) after Update = %+v, %v", a.ID, found, err)
	}
	if n, err := db.UuidKeyed.Count(UuidKeyedT.ID.InSet(a.ID, b.ID)); n != 2 || err != nil {
		t.Errorf("Count(ID in set) = %d, %v", n, err)
	}
	if err := db.UuidKeyed.DeleteRow(b); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.UuidKeyed.FindByID(b.ID); got != nil {
		t.Errorf("row %s still there after DeleteRow", b.ID)
	}
	err = db.UuidKeyed.Update(b)
	if err == nil || !strings.Contains(err.Error(), b.ID.String()) {
		t.Errorf("Update of a deleted row: %v; want an error naming %s", err, b.ID)
	}
	if n, err := db.UuidKeyed.Delete(UuidKeyedT.ID.Equals(a.ID)); n != 1 || err != nil {
		t.Errorf("Delete(ID = a) = %d, %v", n, err)
	}
	vs := []*UuidKeyed{{Name: "x"}, {Name: "y"}}
	if err := db.UuidKeyed.InsertMany(vs); err != nil || vs[0].ID.IsZero() || vs[0].ID == vs[1].ID {
		t.Errorf("InsertMany: %v, ids %s %s", err, vs[0].ID, vs[1].ID)
	}
}

// TestUUIDv7PrimaryKeyIsTimeOrdered: ids made in Go at insert
// (random_v7) are version 7 and ascend in insertion order, so ordering by
// id is ordering by insertion.
func TestUUIDv7PrimaryKeyIsTimeOrdered(t *testing.T) {
	db := testDB(t)
	var ids []UUID
	for i := 0; i < 20; i++ {
		v := &UuidV7Keyed{Name: string(rune('a' + i))}
		if err := db.UuidV7Keyed.Insert(v); err != nil {
			t.Fatal(err)
		}
		if v.ID[6]>>4 != 7 {
			t.Fatalf("id %s is not version 7", v.ID)
		}
		if len(ids) > 0 && bytes.Compare(v.ID[:], ids[len(ids)-1][:]) <= 0 {
			t.Fatalf("id %s is not above the previous %s", v.ID, ids[len(ids)-1])
		}
		ids = append(ids, v.ID)
	}
	batch := []*UuidV7Keyed{{Name: "u"}, {Name: "v"}}
	if err := db.UuidV7Keyed.InsertMany(batch); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, batch[0].ID, batch[1].ID)
	rows, err := db.UuidV7Keyed.Find(nil, OrderBy(UuidV7KeyedT.ID.Asc()))
	if err != nil || len(rows) != len(ids) {
		t.Fatalf("Find ordered by id: %d rows, %v", len(rows), err)
	}
	for i, r := range rows {
		if r.ID != ids[i] {
			t.Fatalf("row %d by id order is %s, inserted as %s", i, r.ID, ids[i])
		}
	}
	if got, err := db.UuidV7Keyed.FindByID(ids[3]); err != nil || got == nil || got.Name != "d" {
		t.Errorf("FindByID(%s) = %+v, %v", ids[3], got, err)
	}
}

// TestExplicitIntID: `id: int?` is the implicit bigserial id.
func TestExplicitIntID(t *testing.T) {
	db := testDB(t)
	a, b := &ExplicitIntID{Name: "a"}, &ExplicitIntID{Name: "b"}
	if err := db.ExplicitIntID.InsertMany([]*ExplicitIntID{a, b}); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || b.ID != a.ID+1 {
		t.Fatalf("ids %d, %d; want a bigserial", a.ID, b.ID)
	}
	if got, err := db.ExplicitIntID.FindByID(b.ID); err != nil || got == nil || got.Name != "b" {
		t.Errorf("FindByID(%d) = %+v, %v", b.ID, got, err)
	}
}

// TestUUIDModelDefaultID: `id: UuidValue, defaultModel=random` gives New
// an id, which Insert keeps; a row made without New gets one at insert.
func TestUUIDModelDefaultID(t *testing.T) {
	db := testDB(t)
	a := NewUuidModelKeyed()
	a.Name = "a"
	id := a.ID
	if id.IsZero() || id[6]>>4 != 4 {
		t.Fatalf("NewUuidModelKeyed().ID = %s, want a random UUID", id)
	}
	if err := db.UuidModelKeyed.Insert(a); err != nil || a.ID != id {
		t.Fatalf("Insert: %v, id %s; want %s kept", err, a.ID, id)
	}
	b := &UuidModelKeyed{Name: "b"}
	if err := db.UuidModelKeyed.Insert(b); err != nil || b.ID.IsZero() || b.ID == id {
		t.Fatalf("Insert of a zero id: %v, id %s", err, b.ID)
	}
	if got, err := db.UuidModelKeyed.FindByID(b.ID); err != nil || got == nil || got.Name != "b" {
		t.Errorf("FindByID(%s) = %+v, %v", b.ID, got, err)
	}
}
