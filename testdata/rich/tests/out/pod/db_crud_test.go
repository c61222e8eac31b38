package pod

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// TestRoundTripEveryKind stores every sample AllTypes and reads it back
// equal, but for the api-only fields (never stored) and what Postgres
// cannot keep: DateTime has microsecond precision, Duration millisecond.
// (Invalid UTF-8 in a String is an error from Postgres, see TestBadText.)
func TestRoundTripEveryKind(t *testing.T) {
	db := testDB(t)
	for i, v := range allTypes() {
		v.Draft, v.Scratch = ptr("not stored"), ptr(int64(7))
		if v.StringOpt != nil { // Postgres text holds valid UTF-8 only
			v.StringOpt = ptr(strings.ToValidUTF8(*v.StringOpt, "?"))
		}
		if err := db.AllTypes.Insert(&v); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if v.ID == 0 {
			t.Fatalf("sample %d: Insert left ID 0", i)
		}
		got, err := db.AllTypes.FindByID(v.ID)
		if err != nil || got == nil {
			t.Fatalf("sample %d: FindByID = %v, %v", i, got, err)
		}
		want := storedAllTypes(v)
		canonBigInts(got)
		canonBigInts(&want)
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("sample %d:\n got %+v\nwant %+v", i, *got, want)
		}
	}
}

// storedAllTypes is v as the database gives it back.
func storedAllTypes(v AllTypes) AllTypes {
	v.Draft, v.Scratch = nil, nil
	v.DateTimeVal = v.DateTimeVal.UTC().Truncate(time.Microsecond)
	if v.DateTimeOpt != nil {
		v.DateTimeOpt = ptr(v.DateTimeOpt.UTC().Truncate(time.Microsecond))
	}
	v.DurationVal = v.DurationVal.Truncate(time.Millisecond)
	if v.DurationOpt != nil {
		v.DurationOpt = ptr(v.DurationOpt.Truncate(time.Millisecond))
	}
	if v.BytesVal == nil {
		v.BytesVal = []byte{}
	}
	if v.BigVal == nil {
		v.BigVal = new(big.Int) // a required column stores nil as 0
	}
	// JSON columns go through the generated codecs, which normalise like
	// the wire does: decode the encoding of v.
	b, err := v.AppendJSON(nil)
	if err != nil {
		panic(err)
	}
	var w AllTypes
	if err := w.UnmarshalJSON(b); err != nil {
		panic(err)
	}
	v.ClassVal, v.ClassOpt, v.ListVal, v.ListOpt = w.ClassVal, w.ClassOpt, w.ListVal, w.ListOpt
	v.MapVal, v.MapOpt, v.ListOfOpt, v.MapOfOpt = w.MapVal, w.MapOpt, w.ListOfOpt, w.MapOfOpt
	v.EnumList, v.Nested = w.EnumList, w.Nested
	v.URIList, v.BigList = w.URIList, w.BigList
	return v
}

// canonBigInts gives the BigInts of v one representation of each value
// (a big.Int's words may differ for one value), for reflect.DeepEqual.
func canonBigInts(v *AllTypes) {
	canon := func(b *big.Int) *big.Int {
		if b == nil {
			return nil
		}
		return new(big.Int).Set(b)
	}
	v.BigVal, v.BigOpt = canon(v.BigVal), canon(v.BigOpt)
	for i, b := range v.BigList {
		v.BigList[i] = canon(b)
	}
}

func TestCRUD(t *testing.T) {
	db := testDB(t)
	c := sampleCompany(2)
	c.ID = 0
	if err := db.Company.Insert(&c); err != nil || c.ID == 0 {
		t.Fatalf("Insert: id %d, %v", c.ID, err)
	}
	if got, err := db.Company.FindByID(c.ID + 1000); got != nil || err != nil {
		t.Fatalf("FindByID(absent) = %v, %v; want nil, nil", got, err)
	}
	c.Name, c.NumEmployees, c.Status = "Renamed", 42, StatusArchived
	if err := db.Company.Update(&c); err != nil {
		t.Fatal(err)
	}
	got, err := db.Company.FindByID(c.ID)
	if err != nil || got.Name != "Renamed" || got.NumEmployees != 42 || got.Status != StatusArchived ||
		len(got.Employees) != 2 || got.Employees[1].Name != c.Employees[1].Name || got.Password != c.Password {
		t.Fatalf("after Update: %+v, %v", got, err)
	}
	if got.DraftNote != nil {
		t.Errorf("api-only DraftNote came back: %q", *got.DraftNote)
	}
	ghost := Company{ID: c.ID + 1000}
	if err := db.Company.Update(&ghost); err == nil {
		t.Error("Update of an absent row: no error")
	}
	if err := db.Company.DeleteRow(&c); err != nil {
		t.Fatal(err)
	}
	if err := db.Company.DeleteRow(&c); err == nil {
		t.Error("second DeleteRow: no error")
	}
	if n, err := db.Company.Count(nil); n != 0 || err != nil {
		t.Fatalf("Count after DeleteRow = %d, %v", n, err)
	}
}

func TestInsertManyAndDelete(t *testing.T) {
	db := testDB(t)
	var es []*Employee
	for i := 0; i < 250; i++ {
		e := sampleEmployee(i)
		e.Email = fmt.Sprintf("e%d@example.com", i)
		es = append(es, &e)
	}
	if err := db.Employee.InsertMany(es); err != nil {
		t.Fatal(err)
	}
	for i, e := range es {
		if e.ID == 0 || (i > 0 && e.ID <= es[i-1].ID) {
			t.Fatalf("InsertMany: row %d has id %d after %d", i, e.ID, es[max(i-1, 0)].ID)
		}
	}
	got, err := db.Employee.FindByID(es[100].ID)
	if err != nil || got.Email != "e100@example.com" {
		t.Fatalf("FindByID = %+v, %v", got, err)
	}
	// A duplicate email breaks the unique index: all rows or none.
	dup := []*Employee{ptr(sampleEmployee(1)), ptr(sampleEmployee(2))}
	dup[0].Email, dup[1].Email = "new@example.com", "e3@example.com"
	if err := db.Employee.InsertMany(dup); err == nil {
		t.Fatal("InsertMany with a duplicate: no error")
	}
	if n, _ := db.Employee.Count(EmployeeT.Email.Equals("new@example.com")); n != 0 {
		t.Fatal("InsertMany stored part of a failed batch")
	}
	n, err := db.Employee.Delete(EmployeeT.Email.Like("e1%"))
	if err != nil || n != 111 { // e1, e10-e19, e100-e199
		t.Fatalf("Delete = %d, %v; want 111", n, err)
	}
	if n, err := db.Employee.Delete(nil); err != nil || n != 139 {
		t.Fatalf("Delete(nil) = %d, %v; want 139", n, err)
	}
}

func TestTransaction(t *testing.T) {
	db := testDB(t)
	insert := func(tx *DB, name string) {
		c := sampleCompany(0)
		c.Name = name
		if err := tx.Company.Insert(&c); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int64 {
		n, err := db.Company.Count(nil)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := db.Transaction(func(tx *DB) error { insert(tx, "kept"); return nil }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.Transaction(func(tx *DB) error {
		insert(tx, "rolled back")
		if n, _ := tx.Company.Count(nil); n != 2 {
			t.Errorf("inside the transaction Count = %d, want 2", n)
		}
		return boom
	})
	if !errors.Is(err, boom) || count() != 1 {
		t.Fatalf("rollback on error: err %v, %d rows", err, count())
	}
	func() {
		defer func() {
			if v := recover(); v != "panic in tx" {
				t.Fatalf("recovered %v, want the transaction's panic", v)
			}
		}()
		db.Transaction(func(tx *DB) error {
			insert(tx, "panicked")
			panic("panic in tx")
		})
	}()
	if count() != 1 {
		t.Fatalf("rollback on panic: %d rows", count())
	}
	// A nested Transaction is a savepoint.
	err = db.Transaction(func(tx *DB) error {
		insert(tx, "outer")
		_ = tx.Transaction(func(tx2 *DB) error { insert(tx2, "inner"); return boom })
		return nil
	})
	if err != nil || count() != 2 {
		t.Fatalf("savepoint: err %v, %d rows, want 2", err, count())
	}
}

func TestConcurrentInserts(t *testing.T) {
	db := testDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := 0; g < 100; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			e := sampleEmployee(g)
			e.Email = fmt.Sprintf("g%d@example.com", g)
			if err := db.Employee.Insert(&e); err != nil {
				errs <- err
				return
			}
			got, err := db.Employee.FindFirst(EmployeeT.Email.Equals(e.Email))
			if err != nil || got == nil || got.ID != e.ID {
				errs <- fmt.Errorf("goroutine %d: FindFirst = %v, %v", g, got, err)
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, _ := db.Employee.Count(nil); n != 100 {
		t.Fatalf("Count = %d, want 100", n)
	}
}

func TestRawQueryExecAndHook(t *testing.T) {
	pool, err := OpenDBPool(freshDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var mu sync.Mutex
	var events []QueryEvent
	pool.SetQueryHook(func(_ context.Context, e QueryEvent) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	db := NewDB(context.Background(), pool)
	c := sampleCompany(0)
	if err := db.Company.Insert(&c); err != nil {
		t.Fatal(err)
	}
	n, err := db.Exec(`UPDATE company SET name = $1 WHERE id = $2`, "'; DROP TABLE company; --", c.ID)
	if err != nil || n != 1 {
		t.Fatalf("Exec = %d, %v", n, err)
	}
	rows, err := db.Query(`SELECT name, num_employees FROM company WHERE id = $1`, c.ID)
	if err != nil || len(rows) != 1 || rows[0][0] != "'; DROP TABLE company; --" || rows[0][1] != c.NumEmployees {
		t.Fatalf("Query = %v, %v", rows, err)
	}
	if _, err := db.Query(`SELECT nope FROM company`); err == nil {
		t.Fatal("bad SQL: no error")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 4 || !strings.HasPrefix(events[0].SQL, `INSERT INTO "company"`) || events[1].Rows != 1 ||
		events[2].Rows != 1 || events[3].Err == nil || events[2].Duration <= 0 {
		t.Fatalf("hook saw %+v", events)
	}
}

func TestSQLShapesAreReused(t *testing.T) {
	db := testDB(t)
	find := func(n int64) string {
		q, err := readQuery(employeeTable, EmployeeT.Age.GreaterThan(n).And(EmployeeT.Role.InSet(RoleEngineer, RoleManager)),
			[]Option[Employee]{Limit(int(n))})
		if err != nil {
			t.Fatal(err)
		}
		q.prefix = employeeTable.selectSQL
		sql, _, err := build(db, &employeeTable.tableDef, &q)
		if err != nil {
			t.Fatal(err)
		}
		return sql
	}
	a, b := find(1), find(2)
	if a != b || !sameString(a, b) {
		t.Fatalf("two queries of one shape got different SQL texts:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, `"age" > $1`) || !strings.Contains(a, `"role" IN ($2, $3)`) || !strings.HasSuffix(a, "LIMIT $4") {
		t.Fatalf("SQL = %s", a)
	}
	// The conditions and the options of find allocate 6 times, the
	// parameters 3; the SQL text of a known shape nothing.
	if allocs := testing.AllocsPerRun(100, func() { find(3) }); allocs > 9 {
		t.Errorf("building a cached shape allocates %.0f times", allocs)
	}
}

// sameString reports whether a and b share their bytes: the cache handed
// out one interned string.
func sameString(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

func TestBadText(t *testing.T) {
	db := testDB(t)
	v := allTypes()[1]
	v.StringVal = "bad \xff"
	if err := db.AllTypes.Insert(&v); err == nil || !strings.Contains(err.Error(), "UTF8") {
		t.Fatalf("invalid UTF-8: err %v, want Postgres's encoding error", err)
	}
}
