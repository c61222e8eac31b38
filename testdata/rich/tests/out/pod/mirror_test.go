package pod

import (
	"time"
)

// The mirror types are what a hand-written app would declare for the same
// JSON with encoding/json tags. The tests compare the generated codecs
// with encoding/json on them, byte for byte; the benchmarks use them as
// the baseline. Server-only fields are absent: they are never sent.

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

type mReminder struct {
	Message   string    `json:"message"`
	RemindAt  time.Time `json:"remindAt"`
	Recipient *string   `json:"recipient"`
}

type mAllTypes struct {
	ID          int64                    `json:"id"`
	BoolVal     bool                     `json:"boolVal"`
	BoolOpt     *bool                    `json:"boolOpt"`
	IntVal      int64                    `json:"intVal"`
	IntOpt      *int64                   `json:"intOpt"`
	DoubleVal   float64                  `json:"doubleVal"`
	DoubleOpt   *float64                 `json:"doubleOpt"`
	StringVal   string                   `json:"stringVal"`
	StringOpt   *string                  `json:"stringOpt"`
	DateTimeVal time.Time                `json:"dateTimeVal"`
	DateTimeOpt *time.Time               `json:"dateTimeOpt"`
	DurationVal int64                    `json:"durationVal"`
	DurationOpt *int64                   `json:"durationOpt"`
	BytesVal    []byte                   `json:"bytesVal"`
	BytesOpt    []byte                   `json:"bytesOpt"`
	UUIDVal     string                   `json:"uuidVal"`
	UUIDOpt     *string                  `json:"uuidOpt"`
	URIVal      string                   `json:"uriVal"`
	URIOpt      *string                  `json:"uriOpt"`
	BigVal      string                   `json:"bigVal"`
	BigOpt      *string                  `json:"bigOpt"`
	EnumVal     string                   `json:"enumVal"`
	EnumOpt     *string                  `json:"enumOpt"`
	ClassVal    mAddress                 `json:"classVal"`
	ClassOpt    *mAddress                `json:"classOpt"`
	ListVal     []int64                  `json:"listVal"`
	ListOpt     []string                 `json:"listOpt"`
	MapVal      map[string]float64       `json:"mapVal"`
	MapOpt      map[string]mAddress      `json:"mapOpt"`
	ListOfOpt   []*string                `json:"listOfOpt"`
	MapOfOpt    map[string]*int64        `json:"mapOfOpt"`
	EnumList    []string                 `json:"enumList"`
	URIList     []string                 `json:"uriList"`
	BigList     []*string                `json:"bigList"`
	Nested      []map[string][]mReminder `json:"nested"`
	Draft       *string                  `json:"draft"`
	Scratch     *int64                   `json:"scratch"`
}

// The mirror functions convert a generated value to its mirror the way the
// generated encoder sees it: dates in UTC, nil non-nullable lists, maps and
// bytes as empty ones.

func mirrorAddress(a Address) mAddress {
	return mAddress{Street: a.Street, City: a.City, Zip: a.Zip, Country: a.Country}
}

func mirrorEmployee(e Employee) mEmployee {
	m := mEmployee{ID: e.ID, Name: e.Name, Email: e.Email, Age: e.Age, Salary: e.Salary, Role: string(e.Role),
		StartDate: e.StartDate.UTC(), Skills: nonNil(e.Skills)}
	if e.Manager != nil {
		mm := mirrorEmployee(*e.Manager)
		m.Manager = &mm
	}
	return m
}

func mirrorCompany(c Company) mCompany {
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

func mirrorFlat(f Flat) mFlat {
	return mFlat{Active: f.Active, Count: f.Count, Ratio: f.Ratio, Title: f.Title, CreatedAt: f.CreatedAt.UTC(),
		Timeout: f.Timeout.Milliseconds(), Payload: nonNil(f.Payload), Ref: f.Ref.String(), Status: string(f.Status), Note: f.Note}
}

func mirrorReminder(r Reminder) mReminder {
	return mReminder{Message: r.Message, RemindAt: r.RemindAt.UTC(), Recipient: r.Recipient}
}

func mirrorAllTypes(a AllTypes) mAllTypes {
	m := mAllTypes{ID: a.ID, BoolVal: a.BoolVal, BoolOpt: a.BoolOpt, IntVal: a.IntVal, IntOpt: a.IntOpt,
		DoubleVal: a.DoubleVal, DoubleOpt: a.DoubleOpt, StringVal: a.StringVal, StringOpt: a.StringOpt,
		DateTimeVal: a.DateTimeVal.UTC(), DateTimeOpt: utcPtr(a.DateTimeOpt), DurationVal: a.DurationVal.Milliseconds(),
		BytesVal: nonNil(a.BytesVal), BytesOpt: a.BytesOpt, UUIDVal: a.UUIDVal.String(), EnumVal: string(a.EnumVal),
		ClassVal: mirrorAddress(a.ClassVal), ListVal: nonNil(a.ListVal), ListOpt: a.ListOpt, MapVal: a.MapVal,
		ListOfOpt: nonNil(a.ListOfOpt), MapOfOpt: a.MapOfOpt, EnumList: []string{}, Draft: a.Draft, Scratch: a.Scratch}
	if a.DurationOpt != nil {
		ms := a.DurationOpt.Milliseconds()
		m.DurationOpt = &ms
	}
	if a.UUIDOpt != nil {
		s := a.UUIDOpt.String()
		m.UUIDOpt = &s
	}
	if a.EnumOpt != nil {
		s := string(*a.EnumOpt)
		m.EnumOpt = &s
	}
	if a.ClassOpt != nil {
		c := mirrorAddress(*a.ClassOpt)
		m.ClassOpt = &c
	}
	if m.MapVal == nil {
		m.MapVal = map[string]float64{}
	}
	if m.MapOfOpt == nil {
		m.MapOfOpt = map[string]*int64{}
	}
	if a.MapOpt != nil {
		m.MapOpt = map[string]mAddress{}
		for k, v := range a.MapOpt {
			m.MapOpt[k] = mirrorAddress(v)
		}
	}
	for _, e := range a.EnumList {
		m.EnumList = append(m.EnumList, string(e))
	}
	m.URIVal, m.BigVal = a.URIVal.String(), "0"
	if a.BigVal != nil {
		m.BigVal = a.BigVal.String()
	}
	if a.URIOpt != nil {
		m.URIOpt = ptr(a.URIOpt.String())
	}
	if a.BigOpt != nil {
		m.BigOpt = ptr(a.BigOpt.String())
	}
	m.URIList, m.BigList = []string{}, []*string{}
	for _, u := range a.URIList {
		m.URIList = append(m.URIList, u.String())
	}
	for _, b := range a.BigList {
		var s *string
		if b != nil {
			s = ptr(b.String())
		}
		m.BigList = append(m.BigList, s)
	}
	if a.Nested != nil {
		m.Nested = []map[string][]mReminder{}
		for _, mp := range a.Nested {
			var mm map[string][]mReminder = map[string][]mReminder{}
			for k, rs := range mp {
				l := []mReminder{}
				for _, r := range rs {
					l = append(l, mirrorReminder(r))
				}
				mm[k] = l
			}
			m.Nested = append(m.Nested, mm)
		}
	}
	return m
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
