package pod

import (
	"testing"
	"time"
)

var fixedToken = UUID{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00}

// checkModelDefaults checks the fields of d that have a model default;
// created must lie in [from, to].
func checkModelDefaults(t *testing.T, what string, d *Defaults, from, to time.Time) {
	t.Helper()
	if d.Count != 42 || d.Ratio != 1.5 || !d.Enabled || d.Greeting != "hello, world" || d.Quoted != "it's" ||
		d.Status != DefaultStatusArchived || d.Timeout != 26*time.Hour+10*time.Minute+30*time.Second+100*time.Millisecond ||
		!d.Since.Equal(time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC)) || d.FixedToken != fixedToken ||
		d.Maybe == nil || *d.Maybe != 3 {
		t.Errorf("%s: model defaults not applied: %+v", what, d)
	}
	if d.Created.Before(from) || d.Created.After(to) || d.Created.Location() != time.UTC {
		t.Errorf("%s: created = %v, want now (between %v and %v), UTC", what, d.Created, from, to)
	}
	if d.Token[6]>>4 != 4 {
		t.Errorf("%s: token = %s, want a random (version 4) UUID", what, d.Token)
	}
	if d.DbCount != nil || d.DbNote != nil || d.DbCreated != nil || d.DbToken != nil || d.Plain != nil {
		t.Errorf("%s: fields without a model default are set: %+v", what, d)
	}
}

func TestNewAppliesModelDefaults(t *testing.T) {
	from := time.Now().UTC()
	a, b := NewDefaults(), NewDefaults()
	checkModelDefaults(t, "NewDefaults", a, from, time.Now().UTC())
	if a.Token == b.Token || a.Maybe == b.Maybe {
		t.Errorf("two NewDefaults share a token or a pointer: %s %p, %s %p", a.Token, a.Maybe, b.Token, b.Maybe)
	}
	if s := NewSettings(); s.Retries != 3 || s.Mode == nil || *s.Mode != "fast" {
		t.Errorf("NewSettings() = %+v", s)
	}
}

// TestDecodeAppliesModelDefaults: an absent key gets the model default, a
// present one (null included) keeps what it says, in the wire form and in
// the stored form.
func TestDecodeAppliesModelDefaults(t *testing.T) {
	from := time.Now().UTC()
	var d Defaults
	if err := d.UnmarshalJSON([]byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	checkModelDefaults(t, "decoding {}", &d, from, time.Now().UTC())

	var e Defaults
	if err := e.UnmarshalJSON([]byte(`{"count":1,"maybe":null,"status":"active","greeting":""}`)); err != nil {
		t.Fatal(err)
	}
	if e.Count != 1 || e.Maybe != nil || e.Status != DefaultStatusActive || e.Greeting != "" || e.Ratio != 1.5 {
		t.Errorf("present keys must win over defaults: %+v", e)
	}
	if err := e.UnmarshalJSON([]byte(`{"count":null}`)); err == nil {
		t.Errorf("null for the non-nullable count with a default: want an error")
	}

	dec := NewJSONDecoder([]byte(`{"mode":null}`))
	dec.ReadStoredForm()
	var s Settings
	if err := s.DecodeJSON(dec); err != nil || s.Retries != 3 || s.Mode != nil {
		t.Errorf("stored form {\"mode\":null}: %+v, %v; want retries 3 and mode nil", s, err)
	}
}

// TestDatabaseDefaults inserts rows whose defaultPersist fields are nil:
// each gets the column's default, read back into the Go value by Insert
// and InsertMany, and stored (FindByID sees the same).
func TestDatabaseDefaults(t *testing.T) {
	db := testDB(t)
	from := time.Now().UTC().Add(-time.Second)
	v := NewDefaults()
	if err := db.Defaults.Insert(v); err != nil {
		t.Fatal(err)
	}
	to := time.Now().UTC().Add(time.Second)
	check := func(what string, d *Defaults) {
		t.Helper()
		if d.DbCount == nil || *d.DbCount != 7 || d.DbNote == nil || *d.DbNote != "from the database" ||
			d.DbStatus == nil || *d.DbStatus != DefaultStatusActive || d.DbTimeout == nil || *d.DbTimeout != 30*time.Second ||
			d.DbLevel == nil || *d.DbLevel != LevelHigh || d.Level != LevelMedium {
			t.Errorf("%s: column defaults not read back: %+v", what, d)
		}
		if d.DbCreated == nil || d.DbCreated.Before(from) || d.DbCreated.After(to) {
			t.Errorf("%s: dbCreated = %v, want the database's now() in UTC (between %v and %v)", what, d.DbCreated, from, to)
		}
		if d.DbToken == nil || d.DbToken[6]>>4 != 4 {
			t.Errorf("%s: dbToken = %v, want gen_random_uuid()", what, d.DbToken)
		}
		if d.DbOrderedToken == nil || d.DbOrderedToken[6]>>4 != 7 {
			t.Errorf("%s: dbOrderedToken = %v, want a version 7 UUID", what, d.DbOrderedToken)
		}
		if d.Plain != nil {
			t.Errorf("%s: plain = %q, want nil (no default)", what, *d.Plain)
		}
	}
	check("Insert", v)
	got, err := db.Defaults.FindByID(v.ID)
	if err != nil || got == nil {
		t.Fatalf("FindByID(%d) = %v, %v", v.ID, got, err)
	}
	check("FindByID", got)
	if *got.DbToken != *v.DbToken || *got.DbOrderedToken != *v.DbOrderedToken || !got.DbCreated.Equal(*v.DbCreated) {
		t.Errorf("the values read back by Insert differ from the stored ones: %+v vs %+v", v, got)
	}

	// Set fields keep their values: the default applies to nil only.
	w := NewDefaults()
	n, note, tok := int64(-1), "mine", NewUUIDv7()
	w.DbCount, w.DbNote, w.DbToken = &n, &note, &tok
	if err := db.Defaults.Insert(w); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Defaults.FindByID(w.ID); got == nil || *got.DbCount != -1 || *got.DbNote != "mine" || *got.DbToken != tok {
		t.Errorf("explicit values overwritten by defaults: %+v", got)
	}

	vs := []*Defaults{NewDefaults(), NewDefaults()}
	if err := db.Defaults.InsertMany(vs); err != nil {
		t.Fatal(err)
	}
	for _, x := range vs {
		check("InsertMany", x)
	}
	if *vs[0].DbToken == *vs[1].DbToken {
		t.Errorf("two rows got the same random default %s", *vs[0].DbToken)
	}
}

// TestColumnDefaultsInSQL: the DEFAULTs of tables.pgsql are those of the
// protocol, for a row inserted by plain SQL that names only the columns
// without one.
func TestColumnDefaultsInSQL(t *testing.T) {
	db := testDB(t)
	rows, err := db.Query(`INSERT INTO "defaults" ("quoted", "since", "created", "token") ` +
		`VALUES ('q', now(), now(), gen_random_uuid()) RETURNING "id"`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Defaults.FindByID(rows[0][0].(int64))
	if err != nil || got == nil {
		t.Fatal(got, err)
	}
	if got.Count != 42 || got.Ratio != 1.5 || !got.Enabled || got.Greeting != "hello, world" ||
		got.Status != DefaultStatusArchived || got.Timeout != 94230100*time.Millisecond || got.FixedToken != fixedToken ||
		got.DbCount == nil || *got.DbCount != 7 || got.Maybe != nil || got.Level != LevelMedium ||
		got.DbLevel == nil || *got.DbLevel != LevelHigh {
		t.Errorf("column defaults: %+v", got)
	}
}
