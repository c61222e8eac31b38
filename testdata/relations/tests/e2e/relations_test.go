package e2e

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"example.com/relations/out/client"
	"example.com/relations/out/pod"
	"example.com/relations/out/podtest"
)

// TestForeignKeysExist reads the constraints back from Postgres: every
// relation of the protocol made one, with its referential actions.
func TestForeignKeysExist(t *testing.T) {
	env := podtest.New(t)
	rows, err := env.DB.Query(`
		SELECT conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid)
		  FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
		 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r[0].(string))
	}
	want := []string{
		"book.book_author_id_fkey FOREIGN KEY (author_id) REFERENCES author(id) ON DELETE CASCADE",
		"book.book_editor_id_fkey FOREIGN KEY (editor_id) REFERENCES editor(id) ON DELETE SET NULL",
		"book.book_label_id_fkey FOREIGN KEY (label_id) REFERENCES label(id) ON UPDATE CASCADE ON DELETE SET NULL",
		"enrollment.enrollment_course_id_fkey FOREIGN KEY (course_id) REFERENCES course(id) ON DELETE CASCADE",
		"enrollment.enrollment_student_id_fkey FOREIGN KEY (student_id) REFERENCES student(id) ON DELETE CASCADE",
		"novel.novel_writer_id_fkey FOREIGN KEY (writer_id) REFERENCES writer(id) ON DELETE CASCADE",
		"person.person_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES person(id) ON DELETE SET NULL",
		"profile.profile_author_id_fkey FOREIGN KEY (author_id) REFERENCES author(id) ON DELETE RESTRICT",
		"review.review_approver_id_fkey FOREIGN KEY (approver_id) REFERENCES person(id) ON UPDATE RESTRICT",
		"review.review_book_id_fkey FOREIGN KEY (book_id) REFERENCES book(id)",
		"review.review_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES person(id) ON DELETE SET DEFAULT",
		"tag.tag_novel_id_fkey FOREIGN KEY (novel_id) REFERENCES novel(id) ON DELETE CASCADE",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("foreign keys:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// TestOnDelete deletes referenced rows and checks each action: Cascade
// removes the books, SetNull clears the editor and the manager, SetDefault
// hands the review to person 1, Restrict and NoAction refuse (NoAction is
// also the default of the old parent= spelling).
func TestOnDelete(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	anon, boss, worker := &pod.Person{Name: "anonymous"}, &pod.Person{Name: "boss"}, &pod.Person{Name: "worker"}
	must(db.Person.Insert(anon))
	if anon.ID != 1 {
		t.Fatalf("the SetDefault target must be person 1, got %d", anon.ID)
	}
	must(db.Person.Insert(boss))
	worker.ManagerID = &boss.ID
	must(db.Person.Insert(worker))

	ada, ed := &pod.Author{Name: "Ada"}, &pod.Editor{Name: "Ed"}
	must(db.Author.Insert(ada))
	must(db.Editor.Insert(ed))
	label := &pod.Label{Name: "classic"}
	must(db.Label.Insert(label))
	b1 := &pod.Book{Title: "Notes", Pages: 10, AuthorID: ada.ID, EditorID: &ed.ID, LabelID: &label.ID}
	b2 := &pod.Book{Title: "More notes", Pages: 20, AuthorID: ada.ID}
	must(db.Book.Insert(b1))
	must(db.Book.Insert(b2))
	rv := &pod.Review{BookID: b1.ID, ReviewerID: boss.ID, ApproverID: &worker.ID, Score: 5}
	must(db.Review.Insert(rv))

	// A key that names no row is refused.
	err := db.Book.Insert(&pod.Book{Title: "Orphan", AuthorID: ada.ID + 1000})
	wantFKViolation(t, err, "book_author_id_fkey")

	// SetNull: the editor goes, the book stays without one.
	must(db.Editor.DeleteRow(ed))
	got, err := db.Book.FindByID(b1.ID)
	must(err)
	if got.EditorID != nil {
		t.Errorf("editor_id after deleting the editor = %d, want NULL", *got.EditorID)
	}
	// SetNull on a UUID key.
	must(db.Label.DeleteRow(label))
	if got, _ = db.Book.FindByID(b1.ID); got.LabelID != nil {
		t.Errorf("label_id after deleting the label = %v, want NULL", *got.LabelID)
	}

	// SetDefault: the boss's review goes to person 1; SetNull: the
	// worker loses the manager.
	must(db.Person.DeleteRow(boss))
	r, err := db.Review.FindByID(rv.ID)
	must(err)
	if r.ReviewerID != anon.ID {
		t.Errorf("reviewer_id after deleting the reviewer = %d, want %d (the column default)", r.ReviewerID, anon.ID)
	}
	w, err := db.Person.FindByID(worker.ID)
	must(err)
	if w.ManagerID != nil {
		t.Errorf("manager_id after deleting the manager = %d, want NULL", *w.ManagerID)
	}
	// NoAction: the worker approved a review, so it cannot go.
	wantFKViolation(t, db.Person.DeleteRow(w), "review_approver_id_fkey")

	// Restrict: an author with a profile cannot be deleted.
	p := &pod.Profile{Bio: "b.", AuthorID: ada.ID}
	must(db.Profile.Insert(p))
	wantFKViolation(t, db.Author.DeleteRow(ada), "profile_author_id_fkey")
	must(db.Profile.DeleteRow(p))

	// NoAction, the default of parent=book: a reviewed book stays.
	wantFKViolation(t, db.Author.DeleteRow(ada), "review_book_id_fkey")
	must(db.Review.DeleteRow(r))

	// Cascade: the author's books go with the author.
	must(db.Author.DeleteRow(ada))
	for table, want := range map[string]int64{"book": 0, "review": 0, "person": 2} {
		n, err := db.Query(`SELECT count(*) FROM "` + table + `"`)
		must(err)
		if n[0][0].(int64) != want {
			t.Errorf("%s has %d rows after the deletes, want %d", table, n[0][0], want)
		}
	}
}

// TestJunction: enrollments join students and courses (m:n); one pair
// is one row, and deleting either side removes its enrollments.
func TestJunction(t *testing.T) {
	env := podtest.New(t)
	db := env.DB
	s1, s2 := &pod.Student{Name: "s1"}, &pod.Student{Name: "s2"}
	c1, c2 := &pod.Course{Title: "c1"}, &pod.Course{Title: "c2"}
	for _, err := range []error{db.Student.Insert(s1), db.Student.Insert(s2), db.Course.Insert(c1), db.Course.Insert(c2)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []*pod.Enrollment{{StudentID: s1.ID, CourseID: c1.ID}, {StudentID: s1.ID, CourseID: c2.ID}, {StudentID: s2.ID, CourseID: c2.ID}} {
		if err := db.Enrollment.Insert(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Enrollment.Insert(&pod.Enrollment{StudentID: s1.ID, CourseID: c1.ID}); err == nil {
		t.Error("a second enrollment of the same pair was accepted")
	}
	if err := db.Course.DeleteRow(c2); err != nil {
		t.Fatal(err)
	}
	left, err := db.Enrollment.Find(nil)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, e := range left {
		pairs = append(pairs, string(rune('0'+e.StudentID))+"-"+string(rune('0'+e.CourseID)))
	}
	sort.Strings(pairs)
	if want := []string{"1-1"}; !reflect.DeepEqual(pairs, want) {
		t.Errorf("enrollments after deleting course 2 = %v, want %v", pairs, want)
	}
}

// TestRelationsOnTheWire: the key travels as "authorId", the object as
// "author" when set, and a book stored through an endpoint keeps its key.
func TestRelationsOnTheWire(t *testing.T) {
	env := podtest.New(t)
	ada := &pod.Author{Name: "Ada"}
	if err := env.DB.Author.Insert(ada); err != nil {
		t.Fatal(err)
	}
	in := client.Book{Title: "Notes", Pages: 3, AuthorID: ada.ID, Author: &client.Author{ID: ada.ID, Name: "Ada"}}
	echoed, err := env.Client.Library.Echo(env.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(echoed, in) {
		t.Errorf("Echo:\n got %+v\nwant %+v", echoed, in)
	}
	stored, err := env.Client.Library.AddBook(env.Ctx, client.Book{Title: "T", Pages: 1, AuthorID: ada.ID})
	if err != nil {
		t.Fatal(err)
	}
	row, err := env.DB.Book.FindByID(stored.ID)
	if err != nil || row.AuthorID != ada.ID || row.Author != nil {
		t.Fatalf("stored book = %+v, %v; want author_id %d and no author object (it is not stored)", row, err, ada.ID)
	}
	b, err := (&pod.Book{ID: 7, AuthorID: 3, Author: &pod.Author{ID: 3, Name: "A"}}).AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"authorId":3`, `"author":{"id":3,"name":"A"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON of a book %s lacks %s", b, want)
		}
	}
	if _, err := env.Client.Library.AddBook(env.Ctx, client.Book{Title: "orphan", AuthorID: ada.ID + 99}); err == nil {
		t.Error("AddBook with an author_id that names no author succeeded")
	}
}

// wantFKViolation checks that err is the data layer's typed foreign-key
// violation of the named constraint, wrapping Postgres' 23503.
func wantFKViolation(t *testing.T, err error, constraint string) {
	t.Helper()
	var fk *pod.ForeignKeyViolationError
	var pe *pgconn.PgError
	if !errors.As(err, &fk) || fk.Constraint != constraint || !errors.As(err, &pe) || pe.Code != "23503" {
		t.Errorf("error = %v, want a foreign-key violation (23503) of %s", err, constraint)
	}
}
