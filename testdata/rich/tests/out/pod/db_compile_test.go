package pod

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueriesTypeCheck builds small programs against this package: a
// column of one table in a query on another, or an operator that does not
// fit a column, must not compile; the control program must.
func TestQueriesTypeCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	cases := []struct {
		name, body, want string // want: "" compiles, else part of the error
	}{
		{"control", `w := pod.CompanyT.Name.Equals("x").And(pod.CompanyT.NumEmployees.GreaterThan(3))
			_, _ = db.Company.Find(w, pod.OrderBy(pod.CompanyT.Name.Desc()), pod.Limit(5))
			_ = pod.CompanyT.FoundedDate.IsNull()
			_ = pod.CompanyT.Employees.IsNotNull()
			_ = db.Employee.Upsert(&pod.Employee{}, pod.EmployeeT.Email)
			_ = db.Employee.InsertMany(nil, pod.UpdateExisting(pod.EmployeeT.Email, pod.EmployeeT.Name))
			_ = db.Company.UpdateColumns(&pod.Company{}, pod.CompanyT.Headquarters, pod.CompanyT.Name)
			_, _ = db.Company.UpdateWhere(nil, pod.CompanyT.Name.Set("x"), pod.CompanyT.FoundedDate.SetNull())
			_, _ = db.Company.Find(nil, pod.OrderBy(pod.CompanyT.Name.Asc()), pod.After(&pod.Company{}), pod.ForUpdate(), pod.SkipLocked())`, ""},
		{"and across tables", `_ = pod.CompanyT.Name.Equals("x").And(pod.EmployeeT.Name.Equals("y"))`,
			"*pod.Expr[pod.Employee]) as *pod.Expr[pod.Company]"},
		{"find with another table's column", `_, _ = db.Company.Find(pod.EmployeeT.Age.Equals(1))`,
			"*pod.Expr[pod.Employee]) as *pod.Expr[pod.Company]"},
		{"not across tables", `_, _ = db.Employee.Count(pod.Not(pod.CompanyT.Name.Equals("x")))`,
			"as *pod.Expr[pod.Employee]"},
		{"like on an int", `_ = pod.CompanyT.NumEmployees.Like("1%")`, "has no field or method Like"},
		{"null check on a non-nullable column", `_ = pod.CompanyT.Name.IsNull()`, "has no field or method IsNull"},
		{"comparing a json column", `_ = pod.CompanyT.Headquarters.Equals(pod.Address{})`, "has no field or method Equals"},
		{"ordering an enum", `_ = pod.CompanyT.Status.GreaterThan(pod.StatusActive)`, "has no field or method GreaterThan"},
		{"wrong value type", `_ = pod.CompanyT.NumEmployees.Equals("3")`, "cannot use \"3\""},
		{"wrong enum", `_ = pod.CompanyT.Status.Equals(pod.RoleEngineer)`, "cannot use pod.RoleEngineer"},
		{"upsert key of another table", `_ = db.Company.Upsert(&pod.Company{}, pod.EmployeeT.Email)`,
			"as pod.Column[pod.Company] value"},
		{"conflict of another table", `_ = db.Company.InsertMany(nil, pod.KeepExisting(pod.EmployeeT.Email))`,
			"as pod.Conflict[pod.Company] value"},
		{"update column of another table", `_ = db.Employee.UpdateColumns(&pod.Employee{}, pod.CompanyT.Name)`,
			"as pod.Column[pod.Employee] value"},
		{"assignment of another table", `_, _ = db.Company.UpdateWhere(nil, pod.EmployeeT.Age.Set(1))`,
			"as pod.Assignment[pod.Company] value"},
		{"setting a json column", `_ = pod.CompanyT.Headquarters.Set(pod.Address{})`, "has no field or method Set"},
		{"null into a non-nullable column", `_ = pod.CompanyT.Name.SetNull()`, "has no field or method SetNull"},
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(root, "zz_typecheck_")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// Two builds: the control program, then every bad line at once, each in
	// its own function (-gcflags=-e: the compiler reports every error).
	build := func(body string) string {
		src := "package main\n\nimport \"example.com/rich/out/pod\"\n\nvar db *pod.DB\n\n" + body + "func main() {}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-gcflags=-e", "-o", os.DevNull, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err == nil {
			return ""
		}
		return string(out)
	}
	var bad strings.Builder
	for i, tc := range cases {
		fn := fmt.Sprintf("func case%d() {\n\t%s\n}\n\n", i, tc.body)
		if tc.want == "" {
			if out := build(fn); out != "" {
				t.Fatalf("%s: does not compile:\n%s", tc.name, out)
			}
			continue
		}
		bad.WriteString(fn)
	}
	out := build(bad.String())
	for _, tc := range cases[1:] {
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s: no error mentions %q:\n%s", tc.name, tc.want, out)
		}
	}

}
