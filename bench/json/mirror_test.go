package jsonbench

import (
	"strings"
	"time"

	"golden.invalid/rich/pod"
)

// The peers decode by reflection into these mirrors of the generated
// types: the same fields in the same order, with the JSON keys as struct
// tags and each kind as its JSON shape (Duration in milliseconds, UUID and
// enums as strings). pod's own types cannot be used: their MarshalJSON and
// UnmarshalJSON would make every peer call podgen. They are the mirrors of
// testdata/rich/tests/out/pod/mirror_test.go.

type mAddress struct {
	Street  string  `json:"street"`
	City    string  `json:"city"`
	Zip     *string `json:"zip"`
	Country string  `json:"country"`
}

type mEmployee struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Age       int64      `json:"age"`
	Salary    float64    `json:"salary"`
	Role      string     `json:"role"`
	StartDate time.Time  `json:"startDate"`
	Manager   *mEmployee `json:"manager"`
	Skills    []string   `json:"skills"`
}

type mCompany struct {
	ID           int64       `json:"id"`
	Name         string      `json:"name"`
	FoundedDate  *time.Time  `json:"foundedDate"`
	Employees    []mEmployee `json:"employees"`
	NumEmployees int64       `json:"numEmployees"`
	Headquarters mAddress    `json:"headquarters"`
	Offices      []mAddress  `json:"offices"`
	Tags         []string    `json:"tags"`
	Status       string      `json:"status"`
	DraftNote    *string     `json:"draftNote"`
}

type mFlat struct {
	Active    bool      `json:"active"`
	Count     int64     `json:"count"`
	Ratio     float64   `json:"ratio"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"createdAt"`
	Timeout   int64     `json:"timeout"` // milliseconds
	Payload   []byte    `json:"payload"`
	Ref       string    `json:"ref"`
	Status    string    `json:"status"`
	Note      *string   `json:"note"`
}

// The mirror functions convert a generated value to its mirror as the
// wire carries it: dates in UTC, nil non-nullable lists as empty ones.

func mirrorAddress(a pod.Address) mAddress {
	return mAddress{Street: a.Street, City: a.City, Zip: a.Zip, Country: a.Country}
}

func mirrorEmployee(e pod.Employee) mEmployee {
	m := mEmployee{ID: e.ID, Name: e.Name, Email: e.Email, Age: e.Age, Salary: e.Salary, Role: string(e.Role),
		StartDate: e.StartDate.UTC(), Skills: nonNil(e.Skills)}
	if e.Manager != nil {
		mm := mirrorEmployee(*e.Manager)
		m.Manager = &mm
	}
	return m
}

func mirrorCompany(c pod.Company) mCompany {
	m := mCompany{ID: c.ID, Name: c.Name, FoundedDate: utcPtr(c.FoundedDate), NumEmployees: c.NumEmployees,
		Headquarters: mirrorAddress(c.Headquarters), Offices: []mAddress{}, Tags: nonNil(c.Tags),
		Status: string(c.Status), DraftNote: c.DraftNote}
	if c.Employees != nil {
		m.Employees = []mEmployee{}
		for _, e := range c.Employees {
			m.Employees = append(m.Employees, mirrorEmployee(e))
		}
	}
	for _, o := range c.Offices {
		m.Offices = append(m.Offices, mirrorAddress(o))
	}
	return m
}

func mirrorFlat(f pod.Flat) mFlat {
	return mFlat{Active: f.Active, Count: f.Count, Ratio: f.Ratio, Title: f.Title, CreatedAt: f.CreatedAt.UTC(),
		Timeout: f.Timeout.Milliseconds(), Payload: nonNil(f.Payload), Ref: f.Ref.String(), Status: string(f.Status), Note: f.Note}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func ptr[T any](v T) *T { return &v }

// The samples are those of testdata/rich/tests/out/pod/samples_test.go
// (sampleFlat, sampleCompany(5)): escapes, non-ASCII, a nested manager.

var (
	awkwardStrings = []string{"", "plain", "quote \" backslash \\ slash /", "<script>&amp;</script>",
		"\x01\x1f\x7f control", "tab\tnewline\n", "é 日本語 😀", "\u2028\u2029", "bad \xff utf8 \xc3",
		strings.Repeat("x", 1000)}
	plus2    = time.FixedZone("plus2", 2*3600)
	someDate = time.Date(2024, 2, 29, 23, 59, 59, 123456789, plus2)
	uuid1    = pod.UUID{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}
)

func sampleAddress(i int) pod.Address {
	a := pod.Address{Street: awkwardStrings[i%len(awkwardStrings)], City: "Zürich", Country: "CH"}
	if i%2 == 0 {
		a.Zip = ptr("8000")
	}
	return a
}

func sampleEmployee(i int) pod.Employee {
	e := pod.Employee{ID: int64(i), Name: "Ada Lovelace", Email: "ada@example.com", Age: 36, Salary: 1234.5 * float64(i+1),
		Role: pod.RoleEngineer, StartDate: someDate.Add(time.Duration(i) * time.Hour), Skills: []string{"math", "engines"}}
	if i%3 == 1 {
		e.Manager = &pod.Employee{ID: 99, Name: "Boss", Role: pod.RoleManager, StartDate: someDate, Skills: nil}
	}
	return e
}

func sampleCompany(employees int) pod.Company {
	c := pod.Company{ID: 7, Name: "Serverpod corp. <&>", FoundedDate: ptr(someDate), NumEmployees: int64(employees),
		Headquarters: sampleAddress(0), Offices: []pod.Address{sampleAddress(1), sampleAddress(2)},
		Tags: []string{"a", "b\u2028"}, Status: pod.StatusActive, Password: "never sent", DraftNote: ptr("draft")}
	for i := 0; i < employees; i++ {
		c.Employees = append(c.Employees, sampleEmployee(i))
	}
	return c
}

func sampleFlat() pod.Flat {
	return pod.Flat{Active: true, Count: 1<<63 - 1, Ratio: 0.1, Title: "Hello, <World> & \"friends\"",
		CreatedAt: someDate, Timeout: 1500 * time.Millisecond, Payload: []byte("\x00\x01binary\xff"),
		Ref: uuid1, Status: pod.StatusArchived, Note: ptr("note")}
}
