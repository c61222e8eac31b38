package pod

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// columnsOf lists the columns of table in their order in Postgres.
func columnsOf(t *testing.T, db *DB, table string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, r := range rows {
		cols = append(cols, r[0].(string))
	}
	return cols
}

// jsonOf is v's AppendJSON as a string.
func jsonOf(t *testing.T, v interface{ AppendJSON([]byte) ([]byte, error) }) string {
	t.Helper()
	b, err := v.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// TestExtendsFieldOrder: a class that extends another has the parent's
// fields first, in its JSON and in its table, and a class extending a table
// class carries the id as a plain field.
func TestExtendsFieldOrder(t *testing.T) {
	e := Employee{ID: 3, Name: "Ada", Email: ptr("ada@example.com"), Title: "engineer", Salary: 100}
	if got, want := jsonOf(t, &e), `{"id":3,"name":"Ada","email":"ada@example.com","title":"engineer","salary":100}`; got != want {
		t.Errorf("Employee JSON = %s, want %s", got, want)
	}
	m := Manager{ID: 4, Name: "Grace", Title: "lead", Salary: 200, Reports: []Person{{Name: "Ada"}}}
	if got, want := jsonOf(t, &m), `{"id":4,"name":"Grace","email":null,"title":"lead","salary":200,"reports":[{"name":"Ada","email":null}]}`; got != want {
		t.Errorf("Manager JSON = %s, want %s", got, want)
	}
	var back Manager
	if err := back.UnmarshalJSON([]byte(`{"name":"G","title":"t","salary":1,"reports":[]}`)); err != nil {
		t.Errorf("a Manager without id must decode (the inherited id is optional): %v", err)
	}

	db := testDB(t)
	if got, want := columnsOf(t, db, "employee"), []string{"id", "name", "email", "title", "salary"}; !reflect.DeepEqual(got, want) {
		t.Errorf("employee columns = %v, want %v", got, want)
	}
	if got := columnsOf(t, db, "manager"); len(got) != 0 {
		t.Errorf("Manager has no table, yet found columns %v", got)
	}
	if err := db.Employee.Insert(&e); err != nil {
		t.Fatal(err)
	}
	found, err := db.Employee.FindFirst(EmployeeT.Name.Equals("Ada").And(EmployeeT.Salary.GreaterThan(50)))
	if err != nil || found == nil || !reflect.DeepEqual(*found, e) {
		t.Fatalf("FindFirst on inherited and own columns = %+v, %v; want %+v", found, err, e)
	}
	rows, err := db.Query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'employee_name_idx'`)
	if err != nil || len(rows) != 1 || !strings.Contains(rows[0][0].(string), "(name, title)") {
		t.Errorf("index on an inherited and an own field: %v, %v", rows, err)
	}
}

// TestExceptionExtends: an exception that extends another carries the
// parent's fields first.
func TestExceptionExtends(t *testing.T) {
	x := &NotAllowed{Code: 403, Reason: "no"}
	if got, want := jsonOf(t, x), `{"code":403,"reason":"no"}`; got != want {
		t.Errorf("NotAllowed JSON = %s, want %s", got, want)
	}
	if got, want := x.Error(), `NotAllowed {"code":403,"reason":"no"}`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestServerOnlyOnServer: a server-only table class works on the server
// like any other, and a client-visible class keeps a server-only class in
// its server-only field out of its JSON.
func TestServerOnlyOnServer(t *testing.T) {
	db := testDB(t)
	a := AuditEntry{Action: "login", Level: SecrecyHigh}
	if err := db.AuditEntry.Insert(&a); err != nil {
		t.Fatal(err)
	}
	got, err := db.AuditEntry.FindFirst(AuditEntryT.Level.Equals(SecrecyHigh))
	if err != nil || got == nil || *got != a {
		t.Fatalf("FindFirst = %+v, %v; want %+v", got, err, a)
	}
	r := Report{Title: "q3", Audit: &a, Secrecy: ptr(SecrecyLow)}
	if got, want := jsonOf(t, &r), `{"title":"q3"}`; got != want {
		t.Errorf("Report JSON = %s, want %s", got, want)
	}
}

// TestUnmanagedTable: a table class with managedMigration: false is not in
// tables.pgsql, so the database starts without it; once the app creates it
// (here by hand), the typed layer works on it, with its column= name.
func TestUnmanagedTable(t *testing.T) {
	sql, err := os.ReadFile("../tables.pgsql")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sql), "legacy_row") {
		t.Errorf("tables.pgsql creates the unmanaged table legacy_row")
	}
	db := testDB(t)
	if err := db.Legacy.Insert(&Legacy{Code: "x"}); err == nil {
		t.Fatal("Insert before the table exists succeeded")
	}
	if _, err := db.Exec(`CREATE TABLE legacy_row (id bigserial PRIMARY KEY, legacy_code text NOT NULL, note text)`); err != nil {
		t.Fatal(err)
	}
	l := Legacy{Code: "A-1", Note: ptr("kept")}
	if err := db.Legacy.Insert(&l); err != nil {
		t.Fatal(err)
	}
	l.Code = "A-2"
	if err := db.Legacy.Update(&l); err != nil {
		t.Fatal(err)
	}
	got, err := db.Legacy.FindFirst(LegacyT.Code.Equals("A-2"))
	if err != nil || got == nil || got.ID != l.ID || *got.Note != "kept" {
		t.Fatalf("FindFirst = %+v, %v", got, err)
	}
	rows, err := db.Query(`SELECT legacy_code FROM legacy_row WHERE id = $1`, l.ID)
	if err != nil || len(rows) != 1 || rows[0][0] != "A-2" {
		t.Errorf("legacy_code column = %v, %v", rows, err)
	}
}

// TestColumnNames: column= names the column in every statement the typed
// layer writes (insert, update, where, order), case kept, and an index
// name keeps its capitals.
func TestColumnNames(t *testing.T) {
	db := testDB(t)
	if got, want := columnsOf(t, db, "renamed"), []string{"id", "login", "MixedCase", "plain_field"}; !reflect.DeepEqual(got, want) {
		t.Errorf("renamed columns = %v, want %v", got, want)
	}
	a, b := Renamed{UserName: "ann", MixedCase: 2}, Renamed{UserName: "bob", MixedCase: 1, PlainField: true}
	if err := db.Renamed.InsertMany([]*Renamed{&a, &b}); err != nil {
		t.Fatal(err)
	}
	a.MixedCase = 5
	if err := db.Renamed.Update(&a); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT login, "MixedCase" FROM renamed ORDER BY id`)
	if err != nil || len(rows) != 2 || rows[0][0] != "ann" || rows[0][1] != int64(5) || rows[1][0] != "bob" {
		t.Fatalf("rows = %v, %v", rows, err)
	}
	got, err := db.Renamed.Find(RenamedT.MixedCase.GreaterThan(0), OrderBy(RenamedT.UserName.Desc()))
	if err != nil || len(got) != 2 || got[0].UserName != "bob" || got[1].MixedCase != 5 {
		t.Fatalf("Find = %v, %v", got, err)
	}
	if err := db.Renamed.Insert(&Renamed{UserName: "ann"}); err == nil {
		t.Error("a second \"ann\" was stored despite the unique index Renamed_Login_IDX")
	}
	idx, err := db.Query(`SELECT indexname FROM pg_indexes WHERE tablename = 'renamed' ORDER BY indexname`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range idx {
		names = append(names, r[0].(string))
	}
	if want := []string{"Renamed_Login_IDX", "renamedMixedIdx", "renamed_pkey"}; !reflect.DeepEqual(names, want) {
		t.Errorf("indexes = %v, want %v", names, want)
	}
}

// TestScopeNone: a scope=none field is in no JSON (the class's, a json
// column's, the caches'), yet a table class stores it in its column.
func TestScopeNone(t *testing.T) {
	s := Scratch{Label: "l", Secret: "s3cret", Note: Note{Text: "t", Draft: ptr("d")}, Local: ptr(int64(1))}
	if got, want := jsonOf(t, &s), `{"id":0,"label":"l","note":{"text":"t"}}`; got != want {
		t.Errorf("Scratch JSON = %s, want %s", got, want)
	}
	var in Scratch
	if err := in.UnmarshalJSON([]byte(`{"label":"l","secret":"x","local":3,"note":{"text":"t","draft":"y"}}`)); err != nil {
		t.Fatal(err)
	}
	if in.Secret != "" || in.Local != nil || in.Note.Draft != nil {
		t.Errorf("decoding set scope=none fields: %+v", in)
	}

	db := testDB(t)
	if got, want := columnsOf(t, db, "scratch"), []string{"id", "label", "secret", "note"}; !reflect.DeepEqual(got, want) {
		t.Errorf("scratch columns = %v, want %v", got, want)
	}
	if err := db.Scratch.Insert(&s); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT secret, note::text FROM scratch WHERE id = $1`, s.ID)
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if rows[0][0] != "s3cret" || rows[0][1] != `{"text":"t"}` {
		t.Errorf("stored secret, note = %q, %q; want the secret and a note without draft", rows[0][0], rows[0][1])
	}
	got, err := db.Scratch.FindByID(s.ID)
	if err != nil || got == nil || got.Secret != "s3cret" || got.Note.Draft != nil || got.Local != nil {
		t.Fatalf("FindByID = %+v, %v", got, err)
	}

	local := NewLocalCache(10)
	if err := local.Put("s", &s, 0); err != nil {
		t.Fatal(err)
	}
	v, err := local.Get("s")
	c, _ := v.(*Scratch)
	if err != nil || c == nil || c.Label != "l" || c.Secret != "" || c.Local != nil || c.Note.Draft != nil || c.Note.Text != "t" {
		t.Errorf("Local cache gave %+v, %v; want scope=none fields zero", c, err)
	}
	if s.Secret != "s3cret" || s.Note.Draft == nil {
		t.Errorf("Put changed the value it copied: %+v", s)
	}
}

// TestScopeNoneGlobalCache: the Global cache stores JSON, which lacks the
// scope=none fields.
func TestScopeNoneGlobalCache(t *testing.T) {
	addr := os.Getenv("PODGEN_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	var r RedisConfig
	if err := r.setURL("redis://" + addr); err != nil {
		t.Fatal(err)
	}
	g := NewGlobalCache(r, "podgen-models-test")
	defer g.Close()
	if err := g.Put("scratch", &Scratch{Label: "l", Secret: "s", Note: Note{Text: "t", Draft: ptr("d")}}, 0); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("Redis unreachable: %v", err)
		}
		t.Fatal(err)
	}
	defer g.Invalidate("scratch")
	v, err := g.Get("scratch")
	c, _ := v.(*Scratch)
	if err != nil || c == nil || c.Label != "l" || c.Secret != "" || c.Note.Draft != nil {
		t.Errorf("Global cache gave %+v, %v; want scope=none fields zero", c, err)
	}
}

// TestEmptyClass: a class without fields is "{}" in JSON and round-trips
// through json columns.
func TestEmptyClass(t *testing.T) {
	if got := jsonOf(t, &Nothing{}); got != "{}" {
		t.Errorf("Nothing JSON = %s, want {}", got)
	}
	var n Nothing
	if err := n.UnmarshalJSON([]byte(`{"unknown":[1,2]}`)); err != nil {
		t.Errorf("decoding an object with unknown keys: %v", err)
	}
	if err := n.UnmarshalJSON([]byte(`[]`)); err == nil {
		t.Error("an array decoded as an empty class")
	}
	db := testDB(t)
	w := WithEmpty{Many: []Nothing{{}, {}}}
	if err := db.WithEmpty.Insert(&w); err != nil {
		t.Fatal(err)
	}
	got, err := db.WithEmpty.FindByID(w.ID)
	if err != nil || got == nil || len(got.Many) != 2 {
		t.Fatalf("FindByID = %+v, %v", got, err)
	}
	rows, err := db.Query(`SELECT nothing::text, many::text FROM with_empty`)
	if err != nil || len(rows) != 1 || rows[0][0] != "{}" || rows[0][1] != "[{},{}]" {
		t.Errorf("stored = %v, %v", rows, err)
	}
}
