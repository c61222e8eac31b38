package pod

import (
	"math"
	"slices"
	"testing"
	"time"
)

// opsRows stores three AllTypes rows: a (every value set), b (every
// nullable column NULL, awkward strings) and c (extremes); it returns
// their IDs.
func opsRows(t *testing.T, db *DB) (a, b, c int64) {
	t.Helper()
	base := time.Date(2024, 2, 29, 12, 0, 0, 123456000, time.UTC)
	rows := []*AllTypes{
		{BoolVal: true, BoolOpt: ptr(false), IntVal: 10, IntOpt: ptr(int64(1)), DoubleVal: 1.5, DoubleOpt: ptr(2.5),
			StringVal: "alpha", StringOpt: ptr("x"), DateTimeVal: base, DateTimeOpt: ptr(base),
			DurationVal: 90 * time.Second, DurationOpt: ptr(time.Second), BytesVal: []byte{1, 2}, BytesOpt: []byte{3},
			UUIDVal: UUID{1}, UUIDOpt: &UUID{2}, EnumVal: StatusActive, EnumOpt: ptr(RoleManager),
			ClassVal: Address{City: "Bern"}, ClassOpt: &Address{City: "Genf"}, ListVal: []int64{1}, ListOpt: []string{"a"},
			MapVal: map[string]float64{"k": 1}, MapOpt: map[string]Address{}, ListOfOpt: []*string{nil}, MapOfOpt: map[string]*int64{},
			EnumList: []Role{RoleDesigner}, Nested: []map[string][]Reminder{{"r": {{Message: "m", RemindAt: base}}}},
			Secret: "s", Token: ptr("t")},
		{IntVal: 20, DoubleVal: -0.5, StringVal: "50% off_now 'quoted'; DROP TABLE all_types; --", DateTimeVal: base.Add(time.Hour),
			DurationVal: time.Millisecond, UUIDVal: UUID{9}, EnumVal: StatusArchived, ClassVal: Address{City: "Zürich 🏔"},
			Secret: "Grüße, 世界"},
		{BoolVal: true, IntVal: math.MaxInt64, IntOpt: ptr(int64(math.MinInt64)), DoubleVal: math.MaxFloat64,
			StringVal: "Zürich 🏔 世界", StringOpt: ptr("50%"), DateTimeVal: base.Add(-24 * time.Hour),
			DurationVal: -time.Hour, UUIDVal: UUID{0xff}, EnumVal: StatusSuspended, EnumOpt: ptr(RoleEngineer)},
	}
	for _, r := range rows {
		if err := db.AllTypes.Insert(r); err != nil {
			t.Fatal(err)
		}
	}
	return rows[0].ID, rows[1].ID, rows[2].ID
}

func TestEveryOperator(t *testing.T) {
	db := testDB(t)
	a, b, c := opsRows(t, db)
	base := time.Date(2024, 2, 29, 12, 0, 0, 123456000, time.UTC)
	T := AllTypesT
	cases := []struct {
		name  string
		where *Expr[AllTypes]
		want  []int64
	}{
		{"nil where", nil, []int64{a, b, c}},
		{"bool equals", T.BoolVal.Equals(true), []int64{a, c}},
		{"bool not equals", T.BoolVal.NotEquals(true), []int64{b}},
		{"nullable bool equals", T.BoolOpt.Equals(false), []int64{a}},
		{"nullable bool not equals counts NULL", T.BoolOpt.NotEquals(true), []int64{a, b, c}},
		{"bool is null", T.BoolOpt.IsNull(), []int64{b, c}},
		{"int equals max", T.IntVal.Equals(math.MaxInt64), []int64{c}},
		{"int greater", T.IntVal.GreaterThan(10), []int64{b, c}},
		{"int greater or equal", T.IntVal.GreaterOrEqual(10), []int64{a, b, c}},
		{"int less", T.IntVal.LessThan(20), []int64{a}},
		{"int less or equal", T.IntVal.LessOrEqual(20), []int64{a, b}},
		{"int between", T.IntVal.Between(11, 20), []int64{b}},
		{"int in set", T.IntVal.InSet(10, math.MaxInt64), []int64{a, c}},
		{"int empty in set", T.IntVal.InSet(), []int64{}},
		{"int not in set", T.IntVal.NotInSet(10), []int64{b, c}},
		{"int empty not in set", T.IntVal.NotInSet(), []int64{a, b, c}},
		{"nullable int equals min", T.IntOpt.Equals(math.MinInt64), []int64{c}},
		{"nullable int not in set keeps NULL", T.IntOpt.NotInSet(1), []int64{b, c}},
		{"nullable int in set skips NULL", T.IntOpt.InSet(1, math.MinInt64), []int64{a, c}},
		{"nullable int less", T.IntOpt.LessThan(5), []int64{a, c}},
		{"nullable int is not null", T.IntOpt.IsNotNull(), []int64{a, c}},
		{"double greater", T.DoubleVal.GreaterThan(1), []int64{a, c}},
		{"double equals max", T.DoubleVal.Equals(math.MaxFloat64), []int64{c}},
		{"double between", T.DoubleOpt.Between(2, 3), []int64{a}},
		{"string equals injection", T.StringVal.Equals("50% off_now 'quoted'; DROP TABLE all_types; --"), []int64{b}},
		{"string equals unicode", T.StringVal.Equals("Zürich 🏔 世界"), []int64{c}},
		{"like percent literal", T.StringVal.Like(`50\% off%`), []int64{b}},
		{"like underscore literal", T.StringVal.Like(`%off\_now%`), []int64{b}},
		{"like underscore wildcard", T.StringVal.Like(`alph_`), []int64{a}},
		{"ilike", T.StringVal.ILike(`ZÜRICH%`), []int64{c}},
		{"string order", T.StringVal.LessThan("6"), []int64{b}},
		{"string in set", T.StringVal.InSet("alpha", "nope"), []int64{a}},
		{"nullable string like", T.StringOpt.Like("50%"), []int64{c}},
		{"nullable string is null", T.StringOpt.IsNull(), []int64{b}},
		{"datetime equals (microseconds kept)", T.DateTimeVal.Equals(base), []int64{a}},
		{"datetime in another zone", T.DateTimeVal.Equals(base.In(time.FixedZone("x", 3600))), []int64{a}},
		{"datetime greater", T.DateTimeVal.GreaterThan(base), []int64{b}},
		{"datetime between", T.DateTimeVal.Between(base.Add(-25*time.Hour), base), []int64{a, c}},
		{"nullable datetime is null", T.DateTimeOpt.IsNull(), []int64{b, c}},
		{"duration equals", T.DurationVal.Equals(90 * time.Second), []int64{a}},
		{"duration less", T.DurationVal.LessThan(0), []int64{c}},
		{"duration in set", T.DurationVal.InSet(time.Millisecond, -time.Hour), []int64{b, c}},
		{"nullable duration equals", T.DurationOpt.Equals(time.Second), []int64{a}},
		{"bytes equals", T.BytesVal.Equals([]byte{1, 2}), []int64{a}},
		{"bytes empty equals", T.BytesVal.Equals([]byte{}), []int64{b, c}},
		{"nullable bytes is null", T.BytesOpt.IsNull(), []int64{b, c}},
		{"uuid equals", T.UUIDVal.Equals(UUID{9}), []int64{b}},
		{"uuid not in set", T.UUIDVal.NotInSet(UUID{9}), []int64{a, c}},
		{"nullable uuid not equals", T.UUIDOpt.NotEquals(UUID{2}), []int64{b, c}},
		{"enum equals", T.EnumVal.Equals(StatusArchived), []int64{b}},
		{"enum not equals", T.EnumVal.NotEquals(StatusArchived), []int64{a, c}},
		{"enum in set", T.EnumVal.InSet(StatusActive, StatusSuspended), []int64{a, c}},
		{"enum not in set", T.EnumVal.NotInSet(StatusActive), []int64{b, c}},
		{"nullable enum equals", T.EnumOpt.Equals(RoleEngineer), []int64{c}},
		{"nullable enum not in set keeps NULL", T.EnumOpt.NotInSet(RoleEngineer), []int64{a, b}},
		{"json is null", T.ClassOpt.IsNull(), []int64{b, c}},
		{"json list is not null", T.Nested.IsNotNull(), []int64{a}},
		{"server-only column", T.Secret.Equals("Grüße, 世界"), []int64{b}},
		{"and", T.IntVal.GreaterThan(5).And(T.BoolVal.Equals(true)), []int64{a, c}},
		{"or", T.IntVal.Equals(20).Or(T.EnumVal.Equals(StatusSuspended)), []int64{b, c}},
		{"not", Not(T.IntVal.Equals(20)), []int64{a, c}},
		{"nested", T.BoolVal.Equals(true).And(Not(T.IntVal.Equals(10).Or(T.IntVal.Equals(20)))), []int64{c}},
		{"nil and", (*Expr[AllTypes])(nil).And(T.IntVal.Equals(10)), []int64{a}},
		{"not nil", Not[AllTypes](nil), []int64{a, b, c}},
	}
	for _, tc := range cases {
		rows, err := db.AllTypes.Find(tc.where, OrderBy(T.ID.Asc()))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := ids(rows, func(r *AllTypes) int64 { return r.ID }); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got rows %v, want %v", tc.name, got, tc.want)
		}
		n, err := db.AllTypes.Count(tc.where)
		if err != nil || n != int64(len(tc.want)) {
			t.Errorf("%s: Count = %d, %v; want %d", tc.name, n, err, len(tc.want))
		}
	}
	// The injection string was stored literally: the table is still there.
	if n, err := db.AllTypes.Count(nil); n != 3 || err != nil {
		t.Fatalf("Count(nil) = %d, %v", n, err)
	}
}

func TestOrderLimitOffset(t *testing.T) {
	db := testDB(t)
	a, b, c := opsRows(t, db)
	T := AllTypesT
	check := func(name string, want []int64, opts ...Option[AllTypes]) {
		t.Helper()
		rows, err := db.AllTypes.Find(nil, opts...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := ids(rows, func(r *AllTypes) int64 { return r.ID }); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	check("int desc", []int64{c, b, a}, OrderBy(T.IntVal.Desc()))
	check("two columns", []int64{b, c, a}, OrderBy(T.BoolVal.Asc(), T.IntVal.Desc()))
	check("nulls last asc", []int64{c, a, b}, OrderBy(T.IntOpt.Asc()))
	check("limit", []int64{a, b}, OrderBy(T.ID.Asc()), Limit(2))
	check("offset", []int64{b, c}, OrderBy(T.ID.Asc()), Offset(1))
	check("limit offset", []int64{b}, OrderBy(T.ID.Asc()), Limit(1), Offset(1))
	check("enum order", []int64{a, b, c}, OrderBy(T.EnumVal.Asc()))
	first, err := db.AllTypes.FindFirst(T.IntVal.GreaterThan(10), OrderBy(T.IntVal.Desc()))
	if err != nil || first == nil || first.ID != c {
		t.Fatalf("FindFirst = %v, %v; want row %d", first, err, c)
	}
	none, err := db.AllTypes.FindFirst(T.IntVal.Equals(-1))
	if none != nil || err != nil {
		t.Fatalf("FindFirst of nothing = %v, %v; want nil, nil", none, err)
	}
	// Options are shared by all tables, so a foreign ORDER BY column is
	// caught when the query runs.
	if _, err := db.AllTypes.Find(nil, OrderBy(CompanyT.Name.Asc())); err == nil {
		t.Fatal("ordering all_types by a company column: no error")
	}
}
