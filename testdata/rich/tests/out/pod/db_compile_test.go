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
			_ = pod.CompanyT.Employees.IsNotNull()`, ""},
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
	// its own function (the compiler reports up to ten errors).
	build := func(body string) string {
		src := "package main\n\nimport \"example.com/rich/out/pod\"\n\nvar db *pod.DB\n\n" + body + "func main() {}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
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
