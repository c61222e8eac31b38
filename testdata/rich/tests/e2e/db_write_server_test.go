package e2e

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/rich/out/client"
	"example.com/rich/out/server"
)

func employee(email string, age int64) client.Employee {
	return client.Employee{Name: "n " + email, Email: email, Age: age, Role: client.RoleEngineer,
		StartDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Skills: []string{}}
}

// TestDataLayerThroughServer calls the endpoints that use InsertMany with
// a conflict, UpdateColumns with a typed error, row locks in a
// repeatable-read transaction, keyset pages and DeleteReturning.
func TestDataLayerThroughServer(t *testing.T) {
	c, _ := dbServer(t)
	ctx := context.Background()
	ids, err := c.Store.ImportEmployees(ctx, []client.Employee{employee("a@x", 30), employee("b@x", 40), employee("c@x", 50)})
	if err != nil || len(ids) != 3 || ids[0] == 0 || ids[0] == ids[1] {
		t.Fatalf("ImportEmployees = %v, %v", ids, err)
	}
	again, err := c.Store.ImportEmployees(ctx, []client.Employee{employee("b@x", 41), employee("d@x", 60)})
	if err != nil || len(again) != 2 || again[0] != ids[1] {
		t.Fatalf("ImportEmployees over a stored email = %v (first import %v), %v", again, ids, err)
	}
	page, err := c.Store.EmployeesAfter(ctx, "a@x", 2)
	if err != nil || len(page) != 2 || page[0].Email != "b@x" || page[0].Age != 41 || page[1].Email != "c@x" {
		t.Fatalf("EmployeesAfter = %+v, %v", page, err)
	}
	before, err := c.Store.GiveRaise(ctx, client.RoleEngineer, 10)
	if err != nil || len(before) != 4 {
		t.Fatalf("GiveRaise = %d rows, %v", len(before), err)
	}
	gone, err := c.Store.PurgeEmployees(ctx, 45)
	if err != nil || len(gone) != 2 || gone[0].Salary != 10 {
		t.Fatalf("PurgeEmployees = %+v, %v", gone, err)
	}

	founded := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	a := client.Company{Name: "A", FoundedDate: &founded, Headquarters: client.Address{City: "x"},
		Offices: []client.Address{}, Tags: []string{}, Status: client.StatusActive}
	b := a
	b.Name = "B"
	if _, err := c.Store.CreateCompany(ctx, a); err != nil {
		t.Fatal(err)
	}
	mb, err := c.Store.CreateCompany(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	// A handled unique violation: the endpoint's InvalidInput.
	var bad *client.InvalidInput
	if err := c.Store.RenameCompany(ctx, mb.ID, "A"); !errors.As(err, &bad) || bad.Reason != "taken" {
		t.Fatalf("RenameCompany to a taken name: %v", err)
	}
	if err := c.Store.RenameCompany(ctx, mb.ID, "C"); err != nil {
		t.Fatal(err)
	}
}

// TestUnhandledViolationIs500: an endpoint that returns a typed database
// error unhandled answers 500 with nothing of the constraint, the table
// or the values in the body.
func TestUnhandledViolationIs500(t *testing.T) {
	ts := httptest.NewServer(server.New(testRuntime(t, freshDatabase(t), nil)).Handler())
	t.Cleanup(ts.Close)
	c := client.New(ts.URL + "/")
	ctx := context.Background()
	// Two rows with one email in one InsertMany: PostgreSQL refuses to
	// update a row twice in a statement, an error the endpoint does not handle.
	_, err := c.Store.ImportEmployees(ctx, []client.Employee{employee("twice@x", 1), employee("twice@x", 2)})
	if err == nil {
		t.Fatal("no error")
	}
	same := `{"name":"Same","numEmployees":1,"foundedDate":"2020-01-01T00:00:00Z","headquarters":{"street":"s","city":"x","country":"c"},"offices":[],"tags":[],"status":"active"}`
	body := `{"a":` + same + `,"b":` + same + `,"fail":false}`
	res, err := http.Post(ts.URL+"/store/createTwo", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 {
		t.Fatalf("status %d: %s", res.StatusCode, got)
	}
	for _, leak := range []string{"company_name_idx", "company", "unique", "Same", "23505"} {
		if strings.Contains(strings.ToLower(string(got)), strings.ToLower(leak)) {
			t.Fatalf("the 500 body leaks %q: %s", leak, got)
		}
	}
}
