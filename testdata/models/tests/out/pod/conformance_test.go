package pod

import (
	"context"
	"testing"
)

// TestIDTypeShorthand: `idType: uuidV7` is a UUID id made in Go at insert,
// time-ordered, and the typed layer finds rows by it.
func TestIDTypeShorthand(t *testing.T) {
	db := testDB(t)
	a, b := IdTyped{Name: "a"}, IdTyped{Name: "b"}
	if err := db.IdTyped.Insert(&a); err != nil {
		t.Fatal(err)
	}
	if err := db.IdTyped.Insert(&b); err != nil {
		t.Fatal(err)
	}
	if a.ID.IsZero() || a.ID[6]>>4 != 7 || a.ID.Compare(b.ID) >= 0 {
		t.Fatalf("ids %s, %s: want version-7 UUIDs in insert order", a.ID, b.ID)
	}
	got, err := db.IdTyped.FindByID(b.ID)
	if err != nil || got == nil || got.Name != "b" {
		t.Fatalf("FindByID = %+v, %v", got, err)
	}
}

// TestMixedDefaults: the model gets defaultModel's value, the column
// default's (from `default` or defaultPersist/defaultDatabase) applies to
// rows written without the field.
func TestMixedDefaults(t *testing.T) {
	m := NewMixedDefaults()
	if m.Both != "model" || m.Split != "model" || m.Old != nil {
		t.Errorf("NewMixedDefaults = %+v", m)
	}
	cfg := freshDatabase(t)
	pool, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ctx := context.Background()
	var both, split string
	var old int64
	if err := pool.pgx.QueryRow(ctx, `INSERT INTO mixed_defaults DEFAULT VALUES RETURNING "both", "split", "old"`).Scan(&both, &split, &old); err != nil {
		t.Fatal(err)
	}
	if both != "column" || split != "column" || old != 7 {
		t.Errorf("column defaults: %q, %q, %d", both, split, old)
	}
	db := NewDB(ctx, pool)
	v := MixedDefaults{Both: "x", Split: "y"}
	if err := db.MixedDefaults.Insert(&v); err != nil {
		t.Fatal(err)
	}
	if v.Old == nil || *v.Old != 7 {
		t.Errorf("a nil old at insert read back %v, want the column default 7", v.Old)
	}
}
