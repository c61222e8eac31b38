package pod

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sampleKeyed holds every Set, entry Map and enum form of keyed.yaml,
// with keys given out of order so that sorting shows.
func sampleKeyed() Keyed {
	day1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	day2 := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	medium, happy := LevelMedium, MoodHappy
	return Keyed{
		Tags:    map[string]struct{}{"b": {}, "a": {}, "ä": {}},
		Scores:  map[int64]struct{}{10: {}, -3: {}, 2: {}},
		Days:    map[time.Time]struct{}{day1: {}, day2: {}},
		Refs:    map[UUID]struct{}{{2}: {}, {1}: {}},
		Levels:  map[Level]struct{}{LevelHigh: {}, LevelLow: {}},
		Moods:   map[Mood]struct{}{MoodSad: {}, MoodHappy: {}},
		ByID:    map[int64]string{20: "twenty", 3: "three"},
		ByLevel: map[Level][]int64{LevelHigh: {3}, LevelLow: {1, 2}},
		ByRef:   map[UUID]Plain{{9}: {ID: 1, Name: "nine"}},
		ByDay:   map[time.Time]time.Duration{day1: time.Second, day2: time.Minute},
		ByMood:  map[Mood]bool{MoodSad: false, MoodHappy: true},
		ByName:  map[string]int64{"z": 1, "y": 2},
		Nested:  map[int64]map[bool]float64{2: {true: 1.5, false: -1}, 1: {}},
		Level:   LevelHigh, LevelOpt: &medium,
		Mood: MoodSad, MoodOpt: &happy,
		Rank: RankSilver,
	}
}

// keyedJSON is sampleKeyed's wire form: sets as sorted arrays, maps with
// other keys than String as Serverpod's sorted [{"k","v"}] entries, byIndex
// enums as their position, byName enums as their name.
const keyedJSON = `{"id":0,"tags":["a","b","ä"],"scores":[-3,2,10],` +
	`"days":["2025-06-07T08:09:10Z","2026-01-02T03:04:05Z"],` +
	`"refs":["01000000-0000-0000-0000-000000000000","02000000-0000-0000-0000-000000000000"],` +
	`"levels":[0,2],"moods":["happy","sad"],` +
	`"byId":[{"k":3,"v":"three"},{"k":20,"v":"twenty"}],` +
	`"byLevel":[{"k":0,"v":[1,2]},{"k":2,"v":[3]}],` +
	`"byRef":[{"k":"09000000-0000-0000-0000-000000000000","v":{"id":1,"name":"nine"}}],` +
	`"byDay":[{"k":"2025-06-07T08:09:10Z","v":60000},{"k":"2026-01-02T03:04:05Z","v":1000}],` +
	`"byMood":[{"k":"happy","v":true},{"k":"sad","v":false}],` +
	`"byName":{"y":2,"z":1},` +
	`"nested":[{"k":1,"v":[]},{"k":2,"v":[{"k":false,"v":-1},{"k":true,"v":1.5}]}],` +
	`"level":2,"levelOpt":1,"mood":"sad","moodOpt":"happy","rank":2}`

func TestKeyedWireForm(t *testing.T) {
	k := sampleKeyed()
	for i := 0; i < 20; i++ { // map order varies from run to run: the output must not
		got, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != keyedJSON {
			t.Fatalf("Marshal =\n%s\nwant\n%s", got, keyedJSON)
		}
	}
	var back Keyed
	if err := json.Unmarshal([]byte(keyedJSON), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, k) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, k)
	}
}

func TestKeyedDecoding(t *testing.T) {
	// Entries in any order, members in any order, a repeated set element.
	var k Keyed
	doc := strings.Replace(keyedJSON, `"byId":[{"k":3,"v":"three"},{"k":20,"v":"twenty"}]`,
		`"byId":[{"v":"twenty","k":20},{"k":3,"v":"three"}]`, 1)
	doc = strings.Replace(doc, `"scores":[-3,2,10]`, `"scores":[10,2,-3,2]`, 1)
	if err := json.Unmarshal([]byte(doc), &k); err != nil {
		t.Fatal(err)
	}
	if want := sampleKeyed(); !reflect.DeepEqual(k, want) {
		t.Errorf("got %+v\nwant %+v", k, want)
	}
	// Decoding into a value that holds sets and entry maps replaces them,
	// as for a List.
	if err := json.Unmarshal([]byte(strings.Replace(keyedJSON, `"scores":[-3,2,10]`, `"scores":[7]`, 1)), &k); err != nil {
		t.Fatal(err)
	}
	if want := map[int64]struct{}{7: {}}; !maps.Equal(k.Scores, want) {
		t.Errorf("Scores after a second decode = %v, want %v", k.Scores, want)
	}

	bad := []struct{ from, to, want string }{
		{`{"k":3,"v":"three"}`, `{"k":3}`, `field "byId[0]": a map entry needs both "k" and "v"`},
		{`{"k":3,"v":"three"}`, `{"k":3,"v":"x","w":1}`, `field "byId[0]": unexpected member "w" in a map entry (want "k" and "v")`},
		{`{"k":3,"v":"three"}`, `{"k":3,"k":4,"v":"x"}`, `field "byId[0]": a map entry has "k" twice`},
		{`{"k":3,"v":"three"}`, `{"k":"3","v":"x"}`, `field "byId[0].k": expected int, got string`},
		{`"byId":[`, `"byId":{"3":"x"},"x":[`, `field "byId": expected array, got object`},
		{`"scores":[-3,2,10]`, `"scores":[1,"x"]`, `field "scores[1]": expected int, got string`},
		{`"levels":[0,2]`, `"levels":[0,3]`, `field "levels[1]": unknown Level index 3 (valid: 0 to 2)`},
		{`"level":2`, `"level":"high"`, `field "level": expected int, got string`},
		{`"refs":["01`, `"refs":["zz`, `field "refs[0]"`},
	}
	for _, b := range bad {
		doc := strings.Replace(keyedJSON, b.from, b.to, 1)
		var k Keyed
		err := json.Unmarshal([]byte(doc), &k)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want %q", b.to, err, b.want)
		}
	}
}

func TestEnumDefaults(t *testing.T) {
	doc := strings.NewReplacer(`"mood":"sad"`, `"mood":"angry"`, `"rank":2`, `"rank":9`,
		`"moods":["happy","sad"]`, `"moods":["happy","bored"]`).Replace(keyedJSON)
	var k Keyed
	if err := json.Unmarshal([]byte(doc), &k); err != nil {
		t.Fatal(err)
	}
	if k.Mood != MoodNeutral || k.Rank != RankUnranked {
		t.Errorf("unknown values decoded as mood %q, rank %q; want the defaults neutral, unranked", k.Mood, k.Rank)
	}
	if want := map[Mood]struct{}{MoodHappy: {}, MoodNeutral: {}}; !maps.Equal(k.Moods, want) {
		t.Errorf("Moods = %v, want %v", k.Moods, want)
	}
	// Without a default an unknown value stays an error.
	var l Level
	if err := json.Unmarshal([]byte(`5`), &l); err == nil || !strings.Contains(err.Error(), "unknown Level index 5") {
		t.Errorf("Level 5: %v", err)
	}
	if got, err := json.Marshal(RankBronze); err != nil || string(got) != "1" {
		t.Errorf("Marshal(RankBronze) = %s, %v; want 1", got, err)
	}
	if RankSilver.Index() != 2 || Rank("gold").Index() != -1 {
		t.Errorf("Index: silver %d, gold %d", RankSilver.Index(), Rank("gold").Index())
	}
}

func TestKeyedDeepCopy(t *testing.T) {
	k := sampleKeyed()
	var c Keyed
	k.deepCopy(&c)
	c.Tags["new"] = struct{}{}
	c.ByLevel[LevelLow][0] = 99
	c.Nested[2][true] = 0
	if want := sampleKeyed(); !reflect.DeepEqual(k, want) {
		t.Errorf("changing the copy changed the original: %+v", k)
	}
}

func TestKeyedDatabase(t *testing.T) {
	ctx := context.Background()
	pool, err := OpenDBPool(freshDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := NewDB(ctx, pool)

	k := sampleKeyed()
	if err := db.Keyed.Insert(&k); err != nil {
		t.Fatal(err)
	}
	got, err := db.Keyed.FindByID(k.ID)
	if err != nil || got == nil {
		t.Fatalf("FindByID = %v, %v", got, err)
	}
	if !reflect.DeepEqual(*got, k) {
		t.Errorf("stored and read back:\n got %+v\nwant %+v", *got, k)
	}
	// byIndex enums are bigint columns holding the position; byName enums
	// text holding the name; sets and entry maps json in the wire form.
	var level, rank int64
	var mood, levels, byID string
	err = pool.pgx.QueryRow(ctx, `SELECT level, rank, mood, levels::text, by_id::text FROM keyed WHERE id = $1`, k.ID).
		Scan(&level, &rank, &mood, &levels, &byID)
	if err != nil {
		t.Fatal(err)
	}
	if level != 2 || rank != 2 || mood != "sad" || levels != "[0,2]" || byID != `[{"k":3,"v":"three"},{"k":20,"v":"twenty"}]` {
		t.Errorf("columns: level %d, rank %d, mood %q, levels %s, by_id %s", level, rank, mood, levels, byID)
	}
	var typ string
	if err := pool.pgx.QueryRow(ctx, `SELECT data_type FROM information_schema.columns WHERE table_name = 'keyed' AND column_name = 'level_opt'`).Scan(&typ); err != nil || typ != "bigint" {
		t.Errorf("level_opt column type %q, %v; want bigint", typ, err)
	}

	// The query builder binds a byIndex enum as its position.
	low := sampleKeyed()
	low.Level, low.LevelOpt = LevelLow, nil
	if err := db.Keyed.Insert(&low); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Keyed.Find(KeyedT.Level.InSet(LevelLow, LevelMedium))
	if err != nil || len(rows) != 1 || rows[0].ID != low.ID {
		t.Errorf("Find(level in low, medium) = %v, %v; want row %d", rows, err, low.ID)
	}
	rows, err = db.Keyed.Find(KeyedT.LevelOpt.IsNull())
	if err != nil || len(rows) != 1 || rows[0].ID != low.ID {
		t.Errorf("Find(levelOpt is null) = %v, %v", rows, err)
	}
	first, err := db.Keyed.Find(nil, OrderBy(KeyedT.Level.Asc()))
	if err != nil || len(first) != 2 || first[0].ID != low.ID {
		t.Errorf("ordered by level: %v, %v", first, err)
	}

	// A stored position or name the enum does not have: an error without a
	// default, the default with one.
	if _, err := pool.pgx.Exec(ctx, `UPDATE keyed SET rank = 7, mood = 'angry' WHERE id = $1`, k.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.Keyed.FindByID(k.ID)
	if err != nil || got.Rank != RankUnranked || got.Mood != MoodNeutral {
		t.Errorf("unknown rank and mood read as %v, %v; want the defaults", got, err)
	}
	if _, err := pool.pgx.Exec(ctx, `UPDATE keyed SET level = 7 WHERE id = $1`, k.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Keyed.FindByID(k.ID); err == nil || !strings.Contains(err.Error(), "unknown enum index 7") {
		t.Errorf("level 7 read as %v, %v; want an error", got, err)
	}
}
