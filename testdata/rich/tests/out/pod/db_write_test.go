package pod

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The write operations beyond Insert/Update/Delete (docs/DATABASE.md):
// InsertMany over multi-row INSERTs with conflicts, Upsert, UpdateColumns,
// UpdateWhere, DeleteReturning, row locks, isolation, savepoints, keyset
// pages and the typed errors, against the real Postgres.

func emp(i int) *Employee {
	return &Employee{Name: fmt.Sprintf("e%04d", i), Email: fmt.Sprintf("e%d@example.com", i), Age: int64(20 + i%40),
		Salary: float64(i), Role: RoleEngineer, StartDate: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Skills: []string{"go"}}
}

func emps(from, n int) []*Employee {
	es := make([]*Employee, n)
	for i := range es {
		es[i] = emp(from + i)
	}
	return es
}

// TestInsertManyGivesEachRowItsID inserts lengths around the chunk sizes
// (one statement of 512 rows, then powers of two) and checks that every Go
// row got the id of the stored row that holds its values.
func TestInsertManyGivesEachRowItsID(t *testing.T) {
	db := testDB(t)
	next := 0
	for _, n := range []int{1, 2, 3, 511, 512, 513, 1000, 1500} {
		es := emps(next, n)
		next += n
		if err := db.Employee.InsertMany(es); err != nil {
			t.Fatalf("%d rows: %v", n, err)
		}
		for _, e := range es {
			got, err := db.Employee.FindByID(e.ID)
			if err != nil || got == nil || got.Email != e.Email || got.Name != e.Name {
				t.Fatalf("%d rows: row %s got id %d, which holds %+v (%v)", n, e.Email, e.ID, got, err)
			}
		}
	}
	if c, _ := db.Employee.Count(nil); c != int64(next) {
		t.Fatalf("count %d, want %d", c, next)
	}
	// One bad row fails the whole call: nothing of it is stored.
	es := emps(next, 700)
	es[650].Email = es[3].Email
	var dup *UniqueViolationError
	if err := db.Employee.InsertMany(es); !errors.As(err, &dup) || dup.Constraint != "employee_email_idx" {
		t.Fatalf("duplicate in the batch: %v", err)
	}
	if c, _ := db.Employee.Count(nil); c != int64(next) {
		t.Fatalf("a failed InsertMany left rows: count %d, want %d", c, next)
	}
	if err := db.Employee.InsertMany([]*Employee{emp(1), nil}); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Fatalf("nil row: %v", err)
	}
}

// TestInsertManyWideRows: AllTypes has more columns than 65535/512, so
// its statements hold fewer rows; every row still round-trips.
func TestInsertManyWideRows(t *testing.T) {
	db := testDB(t)
	if n := chunkRows(&allTypesTable.tableDef, 10000); n*len(allTypesTable.insert) > maxParams || n < 64 {
		t.Fatalf("chunk of %d rows of %d columns", n, len(allTypesTable.insert))
	}
	var rows []*AllTypes
	for i := 0; i < 2100; i++ {
		rows = append(rows, &AllTypes{IntVal: int64(i), StringVal: fmt.Sprint("s", i), EnumVal: StatusActive, Secret: "x"})
	}
	if err := db.AllTypes.InsertMany(rows); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1023, 2099} {
		got, err := db.AllTypes.FindByID(rows[i].ID)
		if err != nil || got == nil || got.IntVal != int64(i) {
			t.Fatalf("row %d: %+v %v", i, got, err)
		}
	}
}

func TestUpsertAndConflicts(t *testing.T) {
	db := testDB(t)
	a := emp(1)
	if err := db.Employee.Upsert(a, EmployeeT.Email); err != nil || a.ID == 0 {
		t.Fatalf("upsert of a new row: id %d, %v", a.ID, err)
	}
	b := emp(1)
	b.Name, b.Age = "renamed", 99
	if err := db.Employee.Upsert(b, EmployeeT.Email); err != nil {
		t.Fatal(err)
	}
	if b.ID != a.ID {
		t.Fatalf("upsert on a stored key made row %d, want %d", b.ID, a.ID)
	}
	got, _ := db.Employee.FindByID(a.ID)
	if got.Name != "renamed" || got.Age != 99 {
		t.Fatalf("upsert did not update: %+v", got)
	}
	// UpdateExisting: the stored key is overwritten, the new ones inserted.
	batch := []*Employee{emp(1), emp(2), emp(3)}
	batch[0].Name = "third name"
	if err := db.Employee.InsertMany(batch, UpdateExisting(EmployeeT.Email)); err != nil {
		t.Fatal(err)
	}
	if batch[0].ID != a.ID || batch[1].ID == 0 || batch[2].ID == 0 || batch[1].ID == batch[2].ID {
		t.Fatalf("ids %d %d %d (stored %d)", batch[0].ID, batch[1].ID, batch[2].ID, a.ID)
	}
	if got, _ := db.Employee.FindByID(a.ID); got.Name != "third name" {
		t.Fatalf("UpdateExisting kept %q", got.Name)
	}
	// KeepExisting: stored rows are left alone and the Go rows get them.
	keep := []*Employee{emp(2), emp(4)}
	keep[0].Name, keep[0].Age = "ignored", 1
	if err := db.Employee.InsertMany(keep, KeepExisting(EmployeeT.Email)); err != nil {
		t.Fatal(err)
	}
	if keep[0].ID != batch[1].ID || keep[0].Name != batch[1].Name || keep[0].Age != batch[1].Age || keep[1].ID == 0 {
		t.Fatalf("KeepExisting: %+v (stored %+v)", keep[0], batch[1])
	}
	if got, _ := db.Employee.FindByID(batch[1].ID); got.Name != batch[1].Name {
		t.Fatalf("KeepExisting overwrote the stored row: %+v", got)
	}
	if n, _ := db.Employee.Count(nil); n != 4 {
		t.Fatalf("%d rows, want 4", n)
	}
	// A key without a unique index is PostgreSQL's error, returned.
	if err := db.Employee.Upsert(emp(9), EmployeeT.Name); err == nil || !strings.Contains(err.Error(), "no unique or exclusion constraint") {
		t.Fatalf("upsert on a column without a unique index: %v", err)
	}
	if err := db.Employee.InsertMany(emps(10, 2), UpdateExisting(EmployeeT.ID)); err == nil || !strings.Contains(err.Error(), "made by the database") {
		t.Fatalf("bigserial id as key: %v", err)
	}
	if err := db.Employee.InsertMany(emps(10, 2), KeepExisting(EmployeeT.Email), KeepExisting(EmployeeT.Email)); err == nil {
		t.Fatal("two conflicts accepted")
	}
}

func TestUpdateColumnsAndWhere(t *testing.T) {
	db := testDB(t)
	es := emps(0, 5)
	if err := db.Employee.InsertMany(es); err != nil {
		t.Fatal(err)
	}
	e := *es[0]
	e.Name, e.Age, e.Salary = "only the name", 77, 1e6
	if err := db.Employee.UpdateColumns(&e, EmployeeT.Name); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Employee.FindByID(e.ID)
	if got.Name != "only the name" || got.Age != es[0].Age || got.Salary != es[0].Salary {
		t.Fatalf("UpdateColumns(Name) stored %+v", got)
	}
	if err := db.Employee.UpdateColumns(&e, EmployeeT.Age, EmployeeT.Skills); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Employee.FindByID(e.ID); got.Age != 77 || got.Salary != es[0].Salary {
		t.Fatalf("UpdateColumns(Age, Skills) stored %+v", got)
	}
	if err := db.Employee.UpdateColumns(&e, EmployeeT.ID); err == nil {
		t.Fatal("UpdateColumns of the id accepted")
	}
	gone := Employee{ID: 1 << 40}
	if err := db.Employee.UpdateColumns(&gone, EmployeeT.Name); err == nil || !strings.Contains(err.Error(), "no row") {
		t.Fatalf("UpdateColumns of a missing row: %v", err)
	}
	n, err := db.Employee.UpdateWhere(EmployeeT.ID.InSet(es[1].ID, es[2].ID), EmployeeT.Role.Set(RoleManager), EmployeeT.Salary.Set(5))
	if err != nil || n != 2 {
		t.Fatalf("UpdateWhere: %d, %v", n, err)
	}
	managers, _ := db.Employee.Find(EmployeeT.Role.Equals(RoleManager).And(EmployeeT.Salary.Equals(5)), OrderBy(EmployeeT.ID.Asc()))
	if !reflect.DeepEqual(ids(managers, func(e *Employee) int64 { return e.ID }), []int64{es[1].ID, es[2].ID}) {
		t.Fatalf("UpdateWhere changed %v", managers)
	}
	if n, err := db.Employee.UpdateWhere(nil, EmployeeT.Age.Set(1)); err != nil || n != 5 {
		t.Fatalf("UpdateWhere(nil): %d, %v", n, err)
	}
	// SetNull on a nullable column, through another table.
	c := &Company{Name: "n", FoundedDate: ptr(time.Now().UTC()), Headquarters: Address{City: "x"}, Offices: []Address{}, Tags: []string{}, Status: StatusActive}
	if err := db.Company.Insert(c); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Company.UpdateWhere(CompanyT.ID.Equals(c.ID), CompanyT.FoundedDate.SetNull()); err != nil || n != 1 {
		t.Fatalf("SetNull: %d %v", n, err)
	}
	if got, _ := db.Company.FindByID(c.ID); got.FoundedDate != nil {
		t.Fatalf("SetNull left %v", got.FoundedDate)
	}
}

func TestDeleteReturning(t *testing.T) {
	db := testDB(t)
	es := emps(0, 6)
	if err := db.Employee.InsertMany(es); err != nil {
		t.Fatal(err)
	}
	gone, err := db.Employee.DeleteReturning(EmployeeT.Age.LessThan(23))
	if err != nil || len(gone) != 3 {
		t.Fatalf("DeleteReturning: %d rows, %v", len(gone), err)
	}
	for _, g := range gone {
		if g.Age >= 23 || g.Email == "" || len(g.Skills) != 1 {
			t.Fatalf("returned %+v", g)
		}
	}
	if n, _ := db.Employee.Count(nil); n != 3 {
		t.Fatalf("%d rows left, want 3", n)
	}
	if rest, err := db.Employee.DeleteReturning(nil); err != nil || len(rest) != 3 {
		t.Fatalf("DeleteReturning(nil): %d, %v", len(rest), err)
	}
}

// TestRowLocks: FOR UPDATE outside a transaction is refused; inside one
// it holds the row, SKIP LOCKED passes it over and NOWAIT fails at once.
func TestRowLocks(t *testing.T) {
	db := testDB(t)
	es := emps(0, 3)
	if err := db.Employee.InsertMany(es); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Employee.Find(nil, ForUpdate()); err == nil || !strings.Contains(err.Error(), "outside a transaction") {
		t.Fatalf("lock outside a transaction: %v", err)
	}
	if _, err := db.Employee.FindByID(es[0].ID, ForShare()); err == nil {
		t.Fatal("FindByID with a lock outside a transaction accepted")
	}
	locked := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := db.Transaction(func(tx *DB) error {
			if e, err := tx.Employee.FindByID(es[0].ID, ForUpdate()); err != nil || e == nil {
				return fmt.Errorf("lock: %v %v", e, err)
			}
			close(locked)
			<-release
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}()
	<-locked
	err := db.Transaction(func(tx *DB) error {
		free, err := tx.Employee.Find(nil, OrderBy(EmployeeT.ID.Asc()), ForUpdate(), SkipLocked())
		if err != nil {
			return err
		}
		if got := ids(free, func(e *Employee) int64 { return e.ID }); !reflect.DeepEqual(got, []int64{es[1].ID, es[2].ID}) {
			return fmt.Errorf("SKIP LOCKED found %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Transaction(func(tx *DB) error {
		_, err := tx.Employee.FindByID(es[0].ID, ForUpdate(), NoWait())
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "could not obtain lock") {
		t.Fatalf("NOWAIT on a locked row: %v", err)
	}
	close(release)
	wg.Wait()
}

// TestIsolation: two serializable transactions that each read what the
// other writes cannot both commit; one gets a *SerializationError. A
// read-only transaction refuses writes.
func TestIsolation(t *testing.T) {
	db := testDB(t)
	es := emps(0, 2)
	if err := db.Employee.InsertMany(es); err != nil {
		t.Fatal(err)
	}
	ser := TxOptions{Isolation: Serializable}
	read := make(chan struct{}, 2)
	proceed := make(chan struct{})
	errs := make(chan error, 2)
	swap := func(mine, theirs int64) {
		errs <- db.Transaction(func(tx *DB) error {
			other, err := tx.Employee.FindByID(theirs)
			if err != nil {
				return err
			}
			read <- struct{}{}
			<-proceed
			_, err = tx.Employee.UpdateWhere(EmployeeT.ID.Equals(mine), EmployeeT.Salary.Set(other.Salary+1))
			return err
		}, ser)
	}
	go swap(es[0].ID, es[1].ID)
	go swap(es[1].ID, es[0].ID)
	<-read
	<-read
	close(proceed)
	var failed int
	for i := 0; i < 2; i++ {
		var se *SerializationError
		if err := <-errs; errors.As(err, &se) {
			failed++
		} else if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if failed != 1 {
		t.Fatalf("%d of 2 serializable transactions failed, want 1", failed)
	}
	err := db.Transaction(func(tx *DB) error { return tx.Employee.Insert(emp(7)) }, TxOptions{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Fatalf("write in a read-only transaction: %v", err)
	}
	err = db.Transaction(func(tx *DB) error {
		return tx.Transaction(func(*DB) error { return nil }, ser)
	})
	if err == nil || !strings.Contains(err.Error(), "inside a transaction") {
		t.Fatalf("TxOptions on a savepoint: %v", err)
	}
	if err := db.Transaction(func(*DB) error { return nil }, TxOptions{Isolation: "sometimes"}); err == nil {
		t.Fatal("unknown isolation level accepted")
	}
	err = db.Transaction(func(tx *DB) error {
		rows, err := tx.Query("SHOW transaction_isolation")
		if err == nil && rows[0][0] != "repeatable read" {
			err = fmt.Errorf("isolation %v", rows[0][0])
		}
		return err
	}, TxOptions{Isolation: RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSavepoint: a failed savepoint undoes its own writes only.
func TestSavepoint(t *testing.T) {
	db := testDB(t)
	if err := db.Savepoint(func(*DB) error { return nil }); err == nil {
		t.Fatal("Savepoint outside a transaction accepted")
	}
	boom := errors.New("boom")
	err := db.Transaction(func(tx *DB) error {
		if err := tx.Employee.Insert(emp(1)); err != nil {
			return err
		}
		if err := tx.Savepoint(func(sp *DB) error {
			if err := sp.Employee.Insert(emp(2)); err != nil {
				return err
			}
			return boom
		}); err != boom {
			return fmt.Errorf("savepoint returned %v", err)
		}
		// A unique violation inside a savepoint does not doom the transaction.
		var dup *UniqueViolationError
		if err := tx.Savepoint(func(sp *DB) error { return sp.Employee.Insert(emp(1)) }); !errors.As(err, &dup) {
			return fmt.Errorf("duplicate in a savepoint: %v", err)
		}
		return tx.Employee.Insert(emp(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := db.Employee.Find(nil, OrderBy(EmployeeT.Email.Asc()))
	var emails []string
	for _, e := range all {
		emails = append(emails, e.Email)
	}
	if !reflect.DeepEqual(emails, []string{"e1@example.com", "e3@example.com"}) {
		t.Fatalf("stored %v", emails)
	}
}

// TestKeysetPages walks the rows in pages of After(last) in a two-column
// order (one of them descending) and sees each row exactly once, in order.
func TestKeysetPages(t *testing.T) {
	db := testDB(t)
	es := emps(0, 95) // ages repeat: the id breaks the ties
	if err := db.Employee.InsertMany(es); err != nil {
		t.Fatal(err)
	}
	order := OrderBy(EmployeeT.Age.Desc(), EmployeeT.ID.Asc())
	want, err := db.Employee.Find(nil, order)
	if err != nil {
		t.Fatal(err)
	}
	var got []*Employee
	var last *Employee
	for pages := 0; pages < 20; pages++ {
		opts := []Option[Employee]{order, Limit(10)}
		if last != nil {
			opts = append(opts, After(last))
		}
		page, err := db.Employee.Find(EmployeeT.Age.GreaterOrEqual(0), opts...)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		last = page[len(page)-1]
	}
	key := func(e *Employee) int64 { return e.ID }
	if !reflect.DeepEqual(ids(got, key), ids(want, key)) {
		t.Fatalf("pages gave %v\nwant %v", ids(got, key), ids(want, key))
	}
	if _, err := db.Employee.Find(nil, After(es[0])); err == nil || !strings.Contains(err.Error(), "without OrderBy") {
		t.Fatalf("After without an order: %v", err)
	}
	if _, err := db.Company.Find(nil, OrderBy(CompanyT.FoundedDate.Asc()), After(&Company{})); err == nil ||
		!strings.Contains(err.Error(), "nullable") {
		t.Fatalf("After on a nullable column: %v", err)
	}
}

// TestTypedErrors: unique and foreign-key violations name their
// constraint, and their messages hold no values.
func TestTypedErrors(t *testing.T) {
	db := testDB(t)
	e := emp(1)
	if err := db.Employee.Insert(e); err != nil {
		t.Fatal(err)
	}
	var dup *UniqueViolationError
	err := db.Employee.Insert(emp(1))
	if !errors.As(err, &dup) || dup.Constraint != "employee_email_idx" || dup.Table != "employee" {
		t.Fatalf("unique violation: %#v", err)
	}
	if strings.Contains(err.Error(), "e1@example.com") {
		t.Fatalf("the message leaks the value: %s", err)
	}
	if _, err := db.Exec(`CREATE TABLE badge (id bigserial PRIMARY KEY, employee_id bigint NOT NULL
		CONSTRAINT badge_employee_fk REFERENCES employee (id))`); err != nil {
		t.Fatal(err)
	}
	var fk *ForeignKeyViolationError
	if _, err := db.Exec("INSERT INTO badge (employee_id) VALUES ($1)", int64(1<<40)); !errors.As(err, &fk) || fk.Constraint != "badge_employee_fk" {
		t.Fatalf("foreign key violation: %v", err)
	}
	if _, err := db.Exec("INSERT INTO badge (employee_id) VALUES ($1)", e.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Employee.DeleteRow(e); !errors.As(err, &fk) || fk.Constraint != "badge_employee_fk" {
		t.Fatalf("delete of a referenced row: %v", err)
	}
}
