package schema

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// relationOf spells a field's resolved relation on one line.
func relationOf(c *Class, f *Field) string {
	r := f.Relation
	s := fmt.Sprintf("%s.%s → %s", c.Name, f.Name, r.Target.Name)
	if r.List {
		s += " list"
	}
	owner := c
	if r.FK != nil && fieldNamed(c, r.FK.Name) != r.FK {
		owner = r.Target
	}
	s += fmt.Sprintf(" fk=%s.%s", owner.Name, r.FK.Name)
	if r.Other != nil {
		s += " other=" + r.Other.Name
	}
	if r.Optional {
		s += " optional"
	}
	return s + " " + r.OnDelete + "/" + r.OnUpdate
}

// TestRelationsApp resolves every form of SPEC §10 in testdata/relations:
// both sides point at their key and at each other.
func TestRelationsApp(t *testing.T) {
	p, err := Load("../testdata/relations/protocol", "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	fks := map[string][]string{}
	for _, c := range p.Classes {
		for _, f := range c.Fields {
			if f.Relation != nil {
				got = append(got, relationOf(c, f))
			}
		}
		for _, fk := range c.ForeignKeys {
			fks[c.Name] = append(fks[c.Name], fk.Name+"("+fk.Field.Column+"→"+fk.Target.Table+" via "+fk.Relation.Name+")")
		}
	}
	want := []string{
		"Author.books → Book list fk=Book.authorId other=author CASCADE/NO ACTION",
		"Author.profile → Profile fk=Profile.authorId other=author optional RESTRICT/NO ACTION",
		"Book.author → Author fk=Book.authorId other=books CASCADE/NO ACTION",
		"Book.editor → Editor fk=Book.editorId other=books optional SET NULL/NO ACTION",
		"Book.label → Label fk=Book.labelId optional SET NULL/CASCADE",
		"Course.enrollments → Enrollment list fk=Enrollment.courseId other=course CASCADE/NO ACTION",
		"Editor.books → Book list fk=Book.editorId other=editor optional SET NULL/NO ACTION",
		"Enrollment.student → Student fk=Enrollment.studentId other=enrollments CASCADE/NO ACTION",
		"Enrollment.course → Course fk=Enrollment.courseId other=enrollments CASCADE/NO ACTION",
		"Novel.writer → Writer fk=Novel.writerId other=novels CASCADE/NO ACTION",
		"Novel.tags → Tag list fk=Tag.novelId other=novel CASCADE/NO ACTION",
		"Person.manager → Person fk=Person.managerId other=reports optional SET NULL/NO ACTION",
		"Person.reports → Person list fk=Person.managerId other=manager optional SET NULL/NO ACTION",
		"Profile.author → Author fk=Profile.authorId other=profile RESTRICT/NO ACTION",
		"Review.bookId → Book fk=Review.bookId NO ACTION/NO ACTION",
		"Review.reviewerId → Person fk=Review.reviewerId SET DEFAULT/NO ACTION",
		"Review.approverId → Person fk=Review.approverId optional NO ACTION/RESTRICT",
		"Student.enrollments → Enrollment list fk=Enrollment.studentId other=student CASCADE/NO ACTION",
		"Tag.novel → Novel fk=Tag.novelId other=tags CASCADE/NO ACTION",
		"Writer.novels → Novel list fk=Novel.writerId other=writer CASCADE/NO ACTION",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("relations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantFKs := map[string][]string{
		"Book": {"book_author_id_fkey(author_id→author via author)", "book_editor_id_fkey(editor_id→editor via editor)",
			"book_label_id_fkey(label_id→label via label)"},
		"Enrollment": {"enrollment_course_id_fkey(course_id→course via course)", "enrollment_student_id_fkey(student_id→student via student)"},
		"Novel":      {"novel_writer_id_fkey(writer_id→writer via writer)"},
		"Person":     {"person_manager_id_fkey(manager_id→person via manager)"},
		"Profile":    {"profile_author_id_fkey(author_id→author via author)"},
		"Review": {"review_approver_id_fkey(approver_id→person via approverId)", "review_book_id_fkey(book_id→book via bookId)",
			"review_reviewer_id_fkey(reviewer_id→person via reviewerId)"},
		"Tag": {"tag_novel_id_fkey(novel_id→novel via novel)"},
	}
	if !reflect.DeepEqual(fks, wantFKs) {
		t.Errorf("foreign keys:\n%v\nwant\n%v", fks, wantFKs)
	}
}

// TestRelationFieldsAndColumns: the object field is not stored and the
// key it adds follows it, typed after the target's id; a list is not
// stored either.
func TestRelationFieldsAndColumns(t *testing.T) {
	p, err := Load("../testdata/relations/protocol", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ class, fields string }{
		{"Book", "id/id/id title/title pages/pages author/ authorId/author_id editorId/editor_id editor/ label/ labelId/label_id"},
		{"Author", "id/id/id name/name books/ profile/"},
		{"Person", "id/id/id name/name manager/ managerId/manager_id reports/"},
	} {
		var c *Class
		for _, x := range p.Classes {
			if x.Name == tc.class {
				c = x
			}
		}
		if got := fieldsOf(c); got != tc.fields {
			t.Errorf("%s fields %q, want %q", tc.class, got, tc.fields)
		}
	}
	book := p.Classes[1]
	if book.Name != "Book" {
		t.Fatalf("class 1 is %s", book.Name)
	}
	for name, want := range map[string]string{"authorId": "int", "editorId": "int?", "labelId": "UuidValue?"} {
		if f := fieldNamed(book, name); f == nil || f.Type.String() != want || !f.Persist || !f.Serialized() {
			t.Errorf("Book.%s = %+v, want a stored, serialized %s", name, f, want)
		}
	}
	if f := fieldNamed(book, "author"); f.Persist || !f.Serialized() {
		t.Errorf("Book.author: Persist %v, Serialized %v; want an unstored, serialized field", f.Persist, f.Serialized())
	}
}

// TestRelationDefaults: object and id relations (parent=) default to
// NoAction (SPEC §10, Serverpod 4); spaces are allowed around the arguments.
func TestRelationDefaults(t *testing.T) {
	p, err := loadYAML(t,
		"a.yaml", "class: A\ntable: a\nfields:\n  name: String\n",
		"b.yaml", "class: B\ntable: b\nfields:\n  a: A?, relation\n  aId2: int?, parent = a\n  a3: A?, relation ( optional , onUpdate = SetNull )\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fk := range p.Classes[1].ForeignKeys {
		got = append(got, fk.Name+" "+fk.OnDelete+"/"+fk.OnUpdate)
	}
	want := []string{"b_a3_id_fkey NO ACTION/SET NULL", "b_a_id2_fkey NO ACTION/NO ACTION", "b_a_id_fkey NO ACTION/NO ACTION"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("foreign keys %q, want %q", got, want)
	}
}

// TestIDRelationPairsWithList: Serverpod's id relation may carry the name
// of a list on the other side (`companyId: int, relation(name=company_employees,
// parent=company)`); the list's key is then that field.
func TestIDRelationPairsWithList(t *testing.T) {
	p, err := loadYAML(t,
		"company.yaml", "class: Company\ntable: company\nfields:\n  employees: List<Employee>?, relation(name=company_employees)\n",
		"employee.yaml", "class: Employee\ntable: employee\nfields:\n  companyId: int, relation(name=company_employees, parent=company)\n")
	if err != nil {
		t.Fatal(err)
	}
	company, employee := p.Classes[0], p.Classes[1]
	list := fieldNamed(company, "employees").Relation
	key := fieldNamed(employee, "companyId")
	if list == nil || !list.List || list.FK != key || list.Other != key || key.Relation.Other != fieldNamed(company, "employees") {
		t.Fatalf("employees relation %+v, companyId relation %+v", list, key.Relation)
	}
	if got := fieldsOf(employee); got != "id/id/id companyId/company_id" {
		t.Errorf("Employee fields %q: an id relation adds no field", got)
	}
	if fks := employee.ForeignKeys; len(fks) != 1 || fks[0].OnDelete != "NO ACTION" || fks[0].Relation != key {
		t.Errorf("Employee foreign keys %+v", fks)
	}
}
