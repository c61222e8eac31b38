package e2e

import (
	"bytes"
	"context"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/relations/out/pod"
	"example.com/relations/out/podtest"
)

// The query layer of relations (docs/DATABASE.md "Loading relations"):
// typed includes, nested, with where/order/limit/offset on lists; the
// filters Any, None, Every and Count; attach and detach; and that each
// query, includes and all, is one SQL statement.

type library struct {
	ada, bob, cy    *pod.Author
	notes, big, odd *pod.Book // ada's: 50, 150 and 600 pages
	epic            *pod.Book // bob's: 700 pages
	ed              *pod.Editor
	label           *pod.Label
}

func seed(t *testing.T, db *pod.DB) library {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var l library
	l.ada, l.bob, l.cy = &pod.Author{Name: "Ada"}, &pod.Author{Name: "Bob"}, &pod.Author{Name: "Cy"}
	must(db.Author.InsertMany([]*pod.Author{l.ada, l.bob, l.cy}))
	l.ed = &pod.Editor{Name: "Ed"}
	must(db.Editor.Insert(l.ed))
	since := time.Date(1999, 12, 31, 23, 59, 58, 123456000, time.UTC)
	l.label = &pod.Label{Name: "classic", Since: &since, Logo: []byte{0, 1, 2, 250, 251, 252, 253, 254, 255}, Rank: big.NewInt(-12345678901234567)}
	l.label.Rank.Mul(l.label.Rank, big.NewInt(1000000007))
	must(db.Label.Insert(l.label))
	l.notes = &pod.Book{Title: "Notes", Pages: 50, AuthorID: l.ada.ID, EditorID: &l.ed.ID, LabelID: &l.label.ID}
	l.big = &pod.Book{Title: "Big", Pages: 150, AuthorID: l.ada.ID}
	l.odd = &pod.Book{Title: "Odd", Pages: 600, AuthorID: l.ada.ID}
	l.epic = &pod.Book{Title: "Epic", Pages: 700, AuthorID: l.bob.ID}
	must(db.Book.InsertMany([]*pod.Book{l.notes, l.big, l.odd, l.epic}))
	return l
}

// statements counts what the pool runs, to prove one statement a query.
func statements(env *podtest.Env) func() int {
	var mu sync.Mutex
	n := 0
	env.Runtime.DB.SetQueryHook(func(context.Context, pod.QueryEvent) {
		mu.Lock()
		n++
		mu.Unlock()
	})
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		got := n
		n = 0
		return got
	}
}

func titles(bs []pod.Book) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.Title)
	}
	return out
}

func names(as []*pod.Author) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Name)
	}
	sort.Strings(out)
	return out
}

func TestIncludes(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	l := seed(t, db)
	count := statements(env)

	b, err := db.Book.FindByID(l.notes.ID, pod.BookT.Author.Include(), pod.BookT.Editor.Include(), pod.BookT.Label.Include())
	if err != nil || b == nil || b.Author == nil || b.Author.Name != "Ada" || b.Editor == nil || b.Editor.Name != "Ed" {
		t.Fatalf("FindByID with includes = %+v, %v", b, err)
	}
	if n := count(); n != 1 {
		t.Fatalf("FindByID with three includes ran %d statements, want 1", n)
	}
	// The label's DateTime, ByteData and BigInt come through their wire form.
	if got := b.Label; got == nil || got.ID != l.label.ID || !got.Since.Equal(*l.label.Since) ||
		!bytes.Equal(got.Logo, l.label.Logo) || got.Rank.Cmp(l.label.Rank) != 0 {
		t.Fatalf("included label = %+v, want %+v", got, l.label)
	}
	// Absent: a NULL key gives nil.
	if b, _ := db.Book.FindByID(l.big.ID, pod.BookT.Editor.Include()); b.Editor != nil {
		t.Fatalf("book without an editor got %+v", b.Editor)
	}
	count()

	// SPEC §10: a list include with where, order and limit.
	as, err := db.Author.Find(nil, pod.OrderBy(pod.AuthorT.Name.Asc()),
		pod.AuthorT.Books.Include(pod.BookT.Pages.GreaterThan(100), pod.OrderBy(pod.BookT.Title.Asc()), pod.Limit(3)))
	if err != nil || len(as) != 3 {
		t.Fatalf("Find with a list include = %v, %v", as, err)
	}
	if got := [][]string{titles(as[0].Books), titles(as[1].Books), titles(as[2].Books)}; !reflect.DeepEqual(got,
		[][]string{{"Big", "Odd"}, {"Epic"}, {}}) {
		t.Fatalf("books per author = %v", got)
	}
	if as[2].Books == nil {
		t.Fatal("an author without books got nil, want an empty list")
	}
	if n := count(); n != 1 {
		t.Fatalf("Find with a list include ran %d statements, want 1", n)
	}
	// Order, offset and limit inside the list.
	a, _ := db.Author.FindByID(l.ada.ID, pod.AuthorT.Books.Include(nil, pod.OrderBy(pod.BookT.Pages.Desc()), pod.Offset(1), pod.Limit(1)))
	if got := titles(a.Books); !reflect.DeepEqual(got, []string{"Big"}) {
		t.Fatalf("second-longest book = %v", got)
	}

	// SPEC §10: nested includes, to any depth.
	b, err = db.Book.FindFirst(pod.BookT.Title.Equals("Odd"),
		pod.BookT.Author.Include(pod.AuthorT.Books.Include(nil, pod.OrderBy(pod.BookT.Pages.Asc()),
			pod.BookT.Author.Include(pod.AuthorT.Books.Include(pod.BookT.Pages.LessThan(100))))))
	if err != nil || b == nil || b.Author == nil {
		t.Fatalf("nested includes = %+v, %v", b, err)
	}
	if got := titles(b.Author.Books); !reflect.DeepEqual(got, []string{"Notes", "Big", "Odd"}) {
		t.Fatalf("book.author.books = %v", got)
	}
	deep := b.Author.Books[2].Author
	if deep == nil || deep.Name != "Ada" || !reflect.DeepEqual(titles(deep.Books), []string{"Notes"}) {
		t.Fatalf("book.author.books[2].author = %+v", deep)
	}
	if n := count(); n != 2 {
		t.Fatalf("two queries ran %d statements", n)
	}
}

func TestRelationFilters(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	seed(t, db)
	find := func(w *pod.Expr[pod.Author]) []string {
		t.Helper()
		as, err := db.Author.Find(w)
		if err != nil {
			t.Fatal(err)
		}
		return names(as)
	}
	for _, tc := range []struct {
		name string
		w    *pod.Expr[pod.Author]
		want []string
	}{
		{"Any(pages > 500)", pod.AuthorT.Books.Any(pod.BookT.Pages.GreaterThan(500)), []string{"Ada", "Bob"}},
		{"Any(nil)", pod.AuthorT.Books.Any(nil), []string{"Ada", "Bob"}},
		{"None(nil)", pod.AuthorT.Books.None(nil), []string{"Cy"}},
		{"None(pages < 100)", pod.AuthorT.Books.None(pod.BookT.Pages.LessThan(100)), []string{"Bob", "Cy"}},
		{"Every(pages > 100)", pod.AuthorT.Books.Every(pod.BookT.Pages.GreaterThan(100)), []string{"Bob", "Cy"}},
		{"Every(nil)", pod.AuthorT.Books.Every(nil), []string{"Ada", "Bob", "Cy"}},
		{"Every(editor is null)", pod.AuthorT.Books.Every(pod.BookT.EditorID.IsNull()), []string{"Bob", "Cy"}},
		{"Count(nil) > 2", pod.AuthorT.Books.Count(nil).GreaterThan(2), []string{"Ada"}},
		{"Count(pages >= 150) = 1", pod.AuthorT.Books.Count(pod.BookT.Pages.GreaterOrEqual(150)).Equals(1), []string{"Bob"}},
		{"Count(nil) = 0 or name = Bob", pod.AuthorT.Books.Count(nil).Equals(0).Or(pod.AuthorT.Name.Equals("Bob")), []string{"Bob", "Cy"}},
		{"Not(Any) and nested", pod.Not(pod.AuthorT.Books.Any(pod.BookT.Author.Is(pod.AuthorT.Name.Equals("Bob")))), []string{"Ada", "Cy"}},
	} {
		if got := find(tc.w); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// A filter in a list include, and on a self-relation.
	a, _ := db.Author.FindFirst(pod.AuthorT.Name.Equals("Ada"),
		pod.AuthorT.Books.Include(pod.BookT.Author.Is(pod.AuthorT.Books.Count(nil).GreaterThan(2))))
	if len(a.Books) != 3 {
		t.Fatalf("include filtered by its own author's count: %v", titles(a.Books))
	}
	if n, err := db.Author.Delete(pod.AuthorT.Books.None(nil)); err != nil || n != 1 {
		t.Fatalf("Delete by a relation filter: %d, %v", n, err)
	}
}

// TestSelfAndManyToMany: a self-relation both ways, and m:n through the
// junction class with a nested include.
func TestSelfAndManyToMany(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	boss := &pod.Person{Name: "Boss"}
	must(db.Person.Insert(boss))
	x, y := &pod.Person{Name: "X", ManagerID: &boss.ID}, &pod.Person{Name: "Y", ManagerID: &boss.ID}
	must(db.Person.InsertMany([]*pod.Person{y, x}))
	p, err := db.Person.FindByID(boss.ID, pod.PersonT.Reports.Include(nil, pod.OrderBy(pod.PersonT.Name.Asc()),
		pod.PersonT.Manager.Include()))
	if err != nil || len(p.Reports) != 2 || p.Reports[0].Name != "X" || p.Reports[1].Manager == nil || p.Reports[1].Manager.Name != "Boss" {
		t.Fatalf("self-relation includes = %+v, %v", p, err)
	}
	managers, _ := db.Person.Find(pod.PersonT.Reports.Any(nil))
	if len(managers) != 1 || managers[0].ID != boss.ID {
		t.Fatalf("people with reports: %+v", managers)
	}

	s := &pod.Student{Name: "Sam"}
	must(db.Student.Insert(s))
	c1, c2 := &pod.Course{Title: "Go", Topics: []string{"types", "generics"}}, &pod.Course{Title: "SQL"}
	must(db.Course.InsertMany([]*pod.Course{c1, c2}))
	must(db.Enrollment.InsertMany([]*pod.Enrollment{{StudentID: s.ID, CourseID: c2.ID}, {StudentID: s.ID, CourseID: c1.ID}}))
	got, err := db.Student.FindByID(s.ID, pod.StudentT.Enrollments.Include(nil, pod.OrderBy(pod.EnrollmentT.CourseID.Asc()),
		pod.EnrollmentT.Course.Include(pod.CourseT.Enrollments.Include(nil))))
	if err != nil || len(got.Enrollments) != 2 {
		t.Fatalf("m:n include = %+v, %v", got, err)
	}
	var courses []string
	for _, e := range got.Enrollments {
		if e.Course == nil || len(e.Course.Enrollments) != 1 {
			t.Fatalf("enrollment without its course: %+v", e)
		}
		courses = append(courses, e.Course.Title)
	}
	if !reflect.DeepEqual(courses, []string{"Go", "SQL"}) {
		t.Fatalf("courses = %v", courses)
	}
	if got := got.Enrollments[0].Course.Topics; !reflect.DeepEqual(got, []string{"types", "generics"}) {
		t.Fatalf("an included row's json column = %v", got)
	}
	taking, _ := db.Course.Find(pod.CourseT.Enrollments.Any(pod.EnrollmentT.Student.Is(pod.StudentT.Name.Equals("Sam"))))
	if len(taking) != 2 {
		t.Fatalf("courses Sam takes: %d", len(taking))
	}
}

func TestAttachDetach(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	l := seed(t, db)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Object side, key on this row.
	must(db.Book.AttachEditor(l.big, l.ed))
	if l.big.EditorID == nil || *l.big.EditorID != l.ed.ID || l.big.Editor != l.ed {
		t.Fatalf("AttachEditor left %+v", l.big)
	}
	got, _ := db.Book.FindByID(l.big.ID, pod.BookT.Editor.Include())
	if got.Editor == nil || got.Editor.ID != l.ed.ID || got.Title != "Big" {
		t.Fatalf("after AttachEditor: %+v", got)
	}
	must(db.Book.DetachEditor(l.big))
	if got, _ := db.Book.FindByID(l.big.ID); got.EditorID != nil || l.big.Editor != nil {
		t.Fatalf("after DetachEditor: %+v", got)
	}
	must(db.Book.AttachAuthor(l.epic, l.cy))
	if got, _ := db.Book.FindByID(l.epic.ID); got.AuthorID != l.cy.ID {
		t.Fatalf("after AttachAuthor: %+v", got)
	}
	// List side: one UPDATE for all.
	count := statements(env)
	must(db.Editor.AttachBooks(l.ed, l.notes, l.odd, l.epic))
	if n := count(); n != 1 {
		t.Fatalf("AttachBooks ran %d statements", n)
	}
	e, _ := db.Editor.FindByID(l.ed.ID, pod.EditorT.Books.Include(nil, pod.OrderBy(pod.BookT.Title.Asc())))
	if got := titles(e.Books); !reflect.DeepEqual(got, []string{"Epic", "Notes", "Odd"}) {
		t.Fatalf("editor's books after AttachBooks = %v", got)
	}
	must(db.Editor.DetachBooks(l.ed, l.odd, l.big))
	e, _ = db.Editor.FindByID(l.ed.ID, pod.EditorT.Books.Include(nil, pod.OrderBy(pod.BookT.Title.Asc())))
	if got := titles(e.Books); !reflect.DeepEqual(got, []string{"Epic", "Notes"}) || l.odd.EditorID != nil {
		t.Fatalf("editor's books after DetachBooks = %v", got)
	}
	// 1:1 with the key on the other row (Profile.authorId).
	p := &pod.Profile{Bio: "b", AuthorID: l.bob.ID}
	must(db.Profile.Insert(p))
	must(db.Author.AttachProfile(l.ada, p))
	a, _ := db.Author.FindByID(l.ada.ID, pod.AuthorT.Profile.Include())
	if a.Profile == nil || a.Profile.ID != p.ID || p.AuthorID != l.ada.ID {
		t.Fatalf("after AttachProfile: %+v", a.Profile)
	}
	if b, _ := db.Author.FindByID(l.bob.ID, pod.AuthorT.Profile.Include()); b.Profile != nil {
		t.Fatalf("bob kept the profile: %+v", b.Profile)
	}
	if err := db.Book.AttachEditor(l.big, nil); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Fatalf("AttachEditor(nil): %v", err)
	}
}

// TestIncludeLevels: the cases of the levels of one statement (the rows
// of each level are read at once and matched to their parents by key).
func TestIncludeLevels(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	l := seed(t, db)
	count := statements(env)

	// Books of one author share the included author: the level holds it once.
	bs, err := db.Book.Find(pod.BookT.AuthorID.Equals(l.ada.ID), pod.OrderBy(pod.BookT.Title.Asc()), pod.BookT.Author.Include())
	if err != nil || len(bs) != 3 || bs[0].Author == nil || bs[0].Author != bs[1].Author || bs[0].Author.Name != "Ada" {
		t.Fatalf("books of Ada with their author = %+v, %v", bs, err)
	}

	// No rows at all: nil, and the levels below read nothing.
	none, err := db.Author.Find(pod.AuthorT.Name.Equals("nobody"), pod.AuthorT.Books.Include(nil, pod.BookT.Author.Include()))
	if err != nil || none != nil {
		t.Fatalf("no authors = %+v, %v", none, err)
	}
	// Rows whose lists are all empty, with nested includes below them.
	cy, err := db.Author.Find(pod.AuthorT.ID.Equals(l.cy.ID), pod.AuthorT.Books.Include(nil, pod.BookT.Editor.Include()))
	if err != nil || len(cy) != 1 || cy[0].Books == nil || len(cy[0].Books) != 0 {
		t.Fatalf("an author without books = %+v, %v", cy, err)
	}

	// Offset alone, and Limit and Offset counted per parent, each list
	// its own part of one array: appending to one leaves the next alone.
	as, err := db.Author.Find(nil, pod.OrderBy(pod.AuthorT.Name.Asc()),
		pod.AuthorT.Books.Include(nil, pod.OrderBy(pod.BookT.Pages.Asc()), pod.Offset(1)))
	if err != nil || len(as) != 3 {
		t.Fatalf("offset include = %+v, %v", as, err)
	}
	if got := [][]string{titles(as[0].Books), titles(as[1].Books), titles(as[2].Books)}; !reflect.DeepEqual(got,
		[][]string{{"Big", "Odd"}, {}, {}}) {
		t.Fatalf("books after the first, per author = %v", got)
	}
	as, _ = db.Author.Find(nil, pod.OrderBy(pod.AuthorT.Name.Asc()), pod.AuthorT.Books.Include(nil, pod.OrderBy(pod.BookT.Pages.Desc()), pod.Limit(1)))
	if got := [][]string{titles(as[0].Books), titles(as[1].Books)}; !reflect.DeepEqual(got, [][]string{{"Odd"}, {"Epic"}}) {
		t.Fatalf("longest book per author = %v", got)
	}
	as[0].Books = append(as[0].Books, pod.Book{Title: "appended"})
	if as[1].Books[0].Title != "Epic" {
		t.Fatalf("an append to one author's books changed the next's: %v", titles(as[1].Books))
	}
	if _, err := db.Author.Find(nil, pod.AuthorT.Books.Include(nil, pod.Limit(-1))); err == nil {
		t.Fatal("a negative Limit of an include was taken")
	}
	if n := count(); n != 5 { // the negative Limit ran none
		t.Fatalf("five queries ran %d statements", n)
	}

	// A row lock with includes, in a transaction: the lock is on the
	// query's own rows.
	err = db.Transaction(func(tx *pod.DB) error {
		a, err := tx.Author.FindFirst(pod.AuthorT.ID.Equals(l.ada.ID), pod.ForUpdate(), pod.AuthorT.Books.Include(nil))
		if err != nil || a == nil || len(a.Books) != 3 {
			t.Errorf("locked author with books = %+v, %v", a, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Includes under a relation filter and a where of the list, nested
	// three deep, against the same rows read one by one.
	got, err := db.Author.Find(pod.AuthorT.Books.Any(pod.BookT.Pages.GreaterThan(100)), pod.OrderBy(pod.AuthorT.ID.Asc()),
		pod.AuthorT.Books.Include(pod.BookT.Pages.GreaterThan(100), pod.OrderBy(pod.BookT.ID.Asc()),
			pod.BookT.Author.Include(pod.AuthorT.Books.Include(nil, pod.OrderBy(pod.BookT.ID.Asc())))))
	if err != nil || len(got) != 2 {
		t.Fatalf("nested = %+v, %v", got, err)
	}
	for _, a := range got {
		for _, b := range a.Books {
			want, _ := db.Book.Find(pod.BookT.AuthorID.Equals(a.ID), pod.OrderBy(pod.BookT.ID.Asc()))
			if b.Pages <= 100 || b.Author == nil || b.Author.ID != a.ID || len(b.Author.Books) != len(want) {
				t.Fatalf("%s's book %s: %+v", a.Name, b.Title, b.Author)
			}
			for i := range want {
				if b.Author.Books[i].ID != want[i].ID {
					t.Fatalf("%s's books in the wrong order", a.Name)
				}
			}
		}
	}
}
