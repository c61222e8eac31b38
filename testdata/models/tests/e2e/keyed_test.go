package e2e

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"example.com/models/out/client"
)

// TestKeyedThroughClient carries sets, entry maps and the enum forms
// through the real server and the Go client.
func TestKeyedThroughClient(t *testing.T) {
	c := client.New(clientServerURL(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	high := client.LevelHigh
	k := client.Keyed{
		Tags:    map[string]struct{}{"x": {}, "y": {}},
		Days:    map[time.Time]struct{}{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC): {}},
		Refs:    map[client.UUID]struct{}{{7}: {}},
		Levels:  map[client.Level]struct{}{client.LevelMedium: {}},
		Moods:   map[client.Mood]struct{}{},
		ByID:    map[int64]string{-1: "minus one", 1: "one"},
		ByLevel: map[client.Level][]int64{client.LevelLow: {}},
		ByDay:   map[time.Time]time.Duration{},
		ByMood:  map[client.Mood]bool{client.MoodHappy: true},
		ByName:  map[string]int64{},
		Nested:  map[int64]map[bool]float64{5: {true: 0.25}},
		Level:   client.LevelLow, LevelOpt: &high,
		Mood: client.MoodNeutral,
		Rank: client.RankBronze,
	}
	got, err := c.Models.EchoKeyed(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, k) {
		t.Errorf("EchoKeyed:\n got %+v\nwant %+v", got, k)
	}
	levels, err := c.Models.EchoLevels(ctx, map[client.Level]struct{}{client.LevelHigh: {}, client.LevelLow: {}})
	if want := (map[client.Level]struct{}{client.LevelHigh: {}, client.LevelLow: {}}); err != nil || !reflect.DeepEqual(levels, want) {
		t.Errorf("EchoLevels = %v, %v", levels, err)
	}
	byID, err := c.Models.EchoByID(ctx, map[int64]string{42: "answer"})
	if err != nil || byID[42] != "answer" || len(byID) != 1 {
		t.Errorf("EchoByID = %v, %v", byID, err)
	}
}

// TestEnumDefaultOnTheWire: an unknown name of an enum with a default
// arrives as the default; a byIndex enum is sent as an integer.
func TestEnumDefaultOnTheWire(t *testing.T) {
	base := clientServerURL(t)
	for _, tc := range []struct{ body, want string }{
		{`{"m":"angry"}`, `"neutral"`},
		{`{"m":"sad"}`, `"sad"`},
	} {
		status, body := postJSON(t, base+"models/moodOf", tc.body)
		if status != 200 || body != tc.want {
			t.Errorf("moodOf %s = %d %s, want 200 %s", tc.body, status, body, tc.want)
		}
	}
	status, body := postJSON(t, base+"models/echoLevels", `{"levels":[2,0,2]}`)
	if status != 200 || body != `[0,2]` {
		t.Errorf("echoLevels = %d %s, want 200 [0,2]", status, body)
	}
	status, body = postJSON(t, base+"models/echoLevels", `{"levels":[3]}`)
	if status != 400 || !strings.Contains(body, "unknown Level index 3") {
		t.Errorf("echoLevels [3] = %d %s, want a 400 naming the index", status, body)
	}
	status, body = postJSON(t, base+"models/echoByID", `{"m":[{"k":2,"v":"b"},{"k":1,"v":"a"}]}`)
	if status != 200 || body != `[{"k":1,"v":"a"},{"k":2,"v":"b"}]` {
		t.Errorf("echoByID = %d %s", status, body)
	}
}

func postJSON(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}
