package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRelationsTypeCheck builds small programs against out/pod: an
// include, relation filter or attach of one table used on another must
// not compile; the control program must.
func TestRelationsTypeCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	cases := []struct {
		name, body, want string // want: "" compiles, else part of the error
	}{
		{"control", `_, _ = db.Book.FindByID(1, pod.BookT.Author.Include(pod.AuthorT.Books.Include(nil)))
			_, _ = db.Author.Find(pod.AuthorT.Books.Any(pod.BookT.Pages.GreaterThan(500)),
				pod.AuthorT.Books.Include(pod.BookT.Pages.GreaterThan(100), pod.OrderBy(pod.BookT.Title.Asc()), pod.Limit(3)))
			_, _ = db.Author.Find(pod.AuthorT.Books.Count(nil).GreaterThan(3).And(pod.AuthorT.Books.None(nil)))
			_, _ = db.Book.Find(pod.BookT.Author.Is(pod.AuthorT.Name.Equals("Ada")))
			_ = db.Book.AttachAuthor(&pod.Book{}, &pod.Author{})
			_ = db.Editor.DetachBooks(&pod.Editor{}, &pod.Book{})`, ""},
		{"include of another table", `_, _ = db.Author.FindByID(1, pod.BookT.Author.Include())`,
			"pod.Option[pod.Book]) as pod.Option[pod.Author] value"},
		{"nested include of another table", `_, _ = db.Book.FindByID(1, pod.BookT.Author.Include(pod.BookT.Editor.Include()))`,
			"pod.Option[pod.Book]) as pod.Option[pod.Author] value"},
		{"list include's where on another table", `_, _ = db.Author.Find(nil, pod.AuthorT.Books.Include(pod.AuthorT.Name.Equals("x")))`,
			"*pod.Expr[pod.Author]) as *pod.Expr[pod.Book] value"},
		{"list include's option of another table", `_, _ = db.Author.Find(nil, pod.AuthorT.Books.Include(nil, pod.AuthorT.Profile.Include()))`,
			"pod.Option[pod.Author]) as pod.Option[pod.Book] value"},
		{"filter of another table", `_, _ = db.Book.Find(pod.AuthorT.Books.Any(nil))`,
			"*pod.Expr[pod.Author]) as *pod.Expr[pod.Book] value"},
		{"filter's condition on another table", `_ = pod.AuthorT.Books.Any(pod.AuthorT.Name.Equals("x"))`,
			"*pod.Expr[pod.Author]) as *pod.Expr[pod.Book] value"},
		{"count of another table", `_, _ = db.Book.Count(pod.AuthorT.Books.Count(nil).Equals(1))`,
			"*pod.Expr[pod.Author]) as *pod.Expr[pod.Book] value"},
		{"attach a row of the wrong table", `_ = db.Book.AttachAuthor(&pod.Book{}, &pod.Editor{})`,
			"as *pod.Author value"},
		{"detach a required key", `_ = db.Book.DetachAuthor(&pod.Book{})`, "has no field or method DetachAuthor"},
		{"list filters on an object relation", `_ = pod.BookT.Author.Any(nil)`, "has no field or method Any"},
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(root, "zz_typecheck_")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	build := func(body string) string {
		src := "package main\n\nimport \"example.com/relations/out/pod\"\n\nvar db *pod.DB\n\n" + body + "func main() {}\n"
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
	if n := strings.Count(out, "\n./main.go:"); n < len(cases)-1 {
		t.Errorf("%d errors for %d bad cases:\n%s", n, len(cases)-1, out)
	}
}
