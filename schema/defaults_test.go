package schema

import (
	"testing"
	"time"
)

// TestDefaultsOfModelsApp checks what the defaults of testdata/models
// resolve to: which of DefaultModel and DefaultPersist each form sets, and
// the parsed values.
func TestDefaultsOfModelsApp(t *testing.T) {
	p := loadApp(t, "models")
	c := findClass(t, p.Classes, "Defaults")
	for _, tc := range []struct {
		field          string
		model, persist bool
		check          func(*Default) bool
	}{
		{"count", true, true, func(d *Default) bool { return d.Int == 42 }},
		{"ratio", true, true, func(d *Default) bool { return d.Double == 1.5 }},
		{"enabled", true, true, func(d *Default) bool { return d.Bool }},
		{"greeting", true, true, func(d *Default) bool { return d.String == "hello, world" }}, // a comma inside quotes
		{"quoted", true, false, func(d *Default) bool { return d.String == "it's" }},
		{"status", true, true, func(d *Default) bool { return d.Enum != nil && d.Enum.Name == "archived" }},
		{"timeout", true, true, func(d *Default) bool {
			return d.Duration == 24*time.Hour+2*time.Hour+10*time.Minute+30*time.Second+100*time.Millisecond
		}},
		{"since", true, false, func(d *Default) bool { return d.Time.Equal(time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC)) }},
		{"created", true, false, func(d *Default) bool { return d.Func == "now" }},
		{"token", true, false, func(d *Default) bool { return d.Func == "random" }},
		{"fixedToken", true, true, func(d *Default) bool { return d.String == "550e8400-e29b-41d4-a716-446655440000" }},
		{"dbCount", false, true, func(d *Default) bool { return d.Int == 7 }},
		{"dbOrderedToken", false, true, func(d *Default) bool { return d.Func == "random_v7" }},
		{"maybe", true, false, func(d *Default) bool { return d.Int == 3 }},
		{"plain", false, false, nil},
	} {
		f := findField(t, c, tc.field)
		if (f.DefaultModel != nil) != tc.model || (f.DefaultPersist != nil) != tc.persist {
			t.Errorf("%s: model %v persist %v, want %v %v", tc.field, f.DefaultModel != nil, f.DefaultPersist != nil, tc.model, tc.persist)
			continue
		}
		for _, d := range []*Default{f.DefaultModel, f.DefaultPersist} {
			if d != nil && !tc.check(d) {
				t.Errorf("%s: default %+v", tc.field, d)
			}
		}
	}
	if s := findField(t, findClass(t, p.Classes, "Settings"), "retries"); s.DefaultModel == nil || s.DefaultPersist != nil {
		t.Errorf("default= on a class without a table must be the model's only: %+v", s)
	}
	for name, kind := range map[string]Kind{"UuidKeyed": UUID, "UuidV7Keyed": UUID, "ExplicitIntID": Int, "Plain": Int} {
		id := findClass(t, p.Classes, name).IDField()
		if !id.IsID || id.Type.Kind != kind || id.Type.Nullable || id.GoName != "ID" || id.Column != "id" {
			t.Errorf("%s: id %+v, type %v", name, id, id.Type)
		}
	}
}

func TestParseDefaultDuration(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"1d 2h 10min 30s 100ms": 26*time.Hour + 10*time.Minute + 30*time.Second + 100*time.Millisecond,
		"30s":                   30 * time.Second,
		"2h 5ms":                2*time.Hour + 5*time.Millisecond,
		"0s":                    0,
	} {
		if got, ok := parseDefaultDuration(s); !ok || got != want {
			t.Errorf("%q: %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "1", "s", "1x", "10s 1h", "1h 1h", "-1s", "1.5s", "1234567890s"} {
		if got, ok := parseDefaultDuration(s); ok {
			t.Errorf("%q: %v, want an error", s, got)
		}
	}
}

func TestUnquote(t *testing.T) {
	for s, want := range map[string]string{`'a'`: "a", `"a, b"`: "a, b", `'it\'s'`: "it's", `"say \"hi\""`: `say "hi"`, `''`: ""} {
		if got, ok := unquote(s); !ok || got != want {
			t.Errorf("unquote(%s) = %q, %v; want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{`a`, `'a`, `'a"`, `'a'b'`, `'`, `'a\'`} {
		if got, ok := unquote(s); ok {
			t.Errorf("unquote(%s) = %q, want not ok", s, got)
		}
	}
}
