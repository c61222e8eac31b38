package pod

import (
	"math"
	"math/big"
	"net/url"
	"strings"
	"time"
)

func ptr[T any](v T) *T { return &v }

// awkwardStrings are strings every codec must carry exactly (or, for
// invalid UTF-8, replace the way encoding/json does). No NUL: decoders refuse
// it, as Postgres text cannot hold it (hardening_test.go).
var awkwardStrings = []string{"", "plain", "quote \" backslash \\ slash /", "<script>&amp;</script>",
	"\x01\x1f\x7f control", "tab\tnewline\n", "é 日本語 😀", "\u2028\u2029", "bad \xff utf8 \xc3",
	strings.Repeat("x", 1000)}

var (
	plus2    = time.FixedZone("plus2", 2*3600)
	someDate = time.Date(2024, 2, 29, 23, 59, 59, 123456789, plus2)
	uuid1    = UUID{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}
)

// mustURL parses s, which must be a URL.
func mustURL(s string) url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return *u
}

// bigInt is the integer of decimal s.
func bigInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return v
}

func sampleAddress(i int) Address {
	a := Address{Street: awkwardStrings[i%len(awkwardStrings)], City: "Zürich", Country: "CH"}
	if i%2 == 0 {
		a.Zip = ptr("8000")
	}
	return a
}

func sampleEmployee(i int) Employee {
	e := Employee{ID: int64(i), Name: "Ada Lovelace", Email: "ada@example.com", Age: 36, Salary: 1234.5 * float64(i+1),
		Role: RoleEngineer, StartDate: someDate.Add(time.Duration(i) * time.Hour), Skills: []string{"math", "engines"}}
	if i%3 == 1 {
		e.Manager = &Employee{ID: 99, Name: "Boss", Role: RoleManager, StartDate: someDate, Skills: nil}
	}
	return e
}

func sampleCompany(employees int) Company {
	c := Company{ID: 7, Name: "Serverpod corp. <&>", FoundedDate: ptr(someDate), NumEmployees: int64(employees),
		Headquarters: sampleAddress(0), Offices: []Address{sampleAddress(1), sampleAddress(2)},
		Tags: []string{"a", "b\u2028"}, Status: StatusActive, Password: "never sent", DraftNote: ptr("draft")}
	for i := 0; i < employees; i++ {
		c.Employees = append(c.Employees, sampleEmployee(i))
	}
	return c
}

func sampleFlat() Flat {
	return Flat{Active: true, Count: math.MaxInt64, Ratio: 0.1, Title: "Hello, <World> & \"friends\"",
		CreatedAt: someDate, Timeout: 1500 * time.Millisecond, Payload: []byte("\x00\x01binary\xff"),
		Ref: uuid1, Status: StatusArchived, Note: ptr("note")}
}

// companies covers required/nullable, present/null and empty/nil values.
func companies() []Company {
	empty := Company{Name: "", Offices: []Address{}, Tags: []string{}, Status: StatusSuspended, Employees: []Employee{}}
	nilLists := Company{Name: "nil lists", Status: StatusArchived}
	out := []Company{sampleCompany(0), sampleCompany(3), empty, nilLists}
	for i, s := range awkwardStrings {
		c := sampleCompany(1)
		c.Name, c.Tags = s, []string{s, s}
		c.NumEmployees = []int64{math.MinInt64, math.MaxInt64, 0, -1}[i%4]
		out = append(out, c)
	}
	return out
}

func flats() []Flat {
	zero := Flat{Status: StatusActive} // a zero enum is not a value: it encodes as "" and fails to decode
	neg := sampleFlat()
	neg.Count, neg.Ratio, neg.Timeout, neg.Note, neg.Payload = math.MinInt64, -1e-300, -time.Hour, nil, []byte{}
	out := []Flat{sampleFlat(), zero, neg}
	for _, r := range []float64{1e21, 1e20, 1e-6, 1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64, -0.0, 123456789.123456789} {
		f := sampleFlat()
		f.Ratio = r
		out = append(out, f)
	}
	for _, t := range []time.Time{time.Unix(0, 1), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, plus2)} {
		f := sampleFlat()
		f.CreatedAt = t
		out = append(out, f)
	}
	return out
}

func allTypes() []AllTypes {
	full := AllTypes{ID: 1, BoolVal: true, BoolOpt: ptr(false), IntVal: math.MaxInt64, IntOpt: ptr(int64(math.MinInt64)),
		DoubleVal: 1.5e300, DoubleOpt: ptr(-2.5e-10), StringVal: "é\u2028<", StringOpt: ptr("\xff"),
		DateTimeVal: someDate, DateTimeOpt: ptr(time.Unix(1700000000, 1).UTC()), DurationVal: 90 * time.Minute,
		DurationOpt: ptr(time.Duration(-5 * time.Millisecond)), BytesVal: []byte("bytes"), BytesOpt: []byte{},
		UUIDVal: uuid1, UUIDOpt: ptr(UUID{}), EnumVal: StatusArchived, EnumOpt: ptr(RoleDesigner),
		ClassVal: sampleAddress(0), ClassOpt: ptr(sampleAddress(1)), ListVal: []int64{1, -2, 3}, ListOpt: []string{},
		MapVal: map[string]float64{"b": 2, "a": 1, "ä": 0.5, "<": 3}, MapOpt: map[string]Address{"home": sampleAddress(3)},
		ListOfOpt: []*string{ptr("x"), nil}, MapOfOpt: map[string]*int64{"n": nil, "one": ptr(int64(1))},
		EnumList: []Role{RoleEngineer, RoleManager},
		URIVal:   mustURL("https://user:pw@example.com:8080/a%20b/c?q=1&r=%C3%A4#frag"), URIOpt: ptr(mustURL("mailto:x@y.z")),
		BigVal: bigInt("-123456789012345678901234567890"), BigOpt: bigInt("18446744073709551616"),
		URIList: []url.URL{mustURL("/relative?x"), {}}, BigList: []*big.Int{big.NewInt(-1), nil, bigInt("1" + strings.Repeat("0", 40))},
		Nested: []map[string][]Reminder{{"r": {{Message: "m", RemindAt: someDate, Recipient: ptr("you")}}, "empty": {}}, {}},
		Secret: "s3cret", Token: ptr("tok"), Draft: ptr("d"), Scratch: ptr(int64(3))}
	var manyKeys = map[string]float64{}
	for i := 0; i < 20; i++ {
		manyKeys[strings.Repeat("k", 20-i)] = float64(i)
	}
	wide := full
	wide.MapVal = manyKeys
	return []AllTypes{full, {EnumVal: StatusActive}, wide}
}
