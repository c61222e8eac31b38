package schema

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
)

// Defaults (SPEC §2.1, Serverpod 2.x):
//
//	count: int, default=0                 // both: the model's and the column's
//	created: DateTime, defaultModel=now   // New<Class>() and an absent JSON key
//	token: UuidValue?, defaultPersist=random // the column's DEFAULT, when nil at insert
//
// A value is checked against the field's type here, so that emitters render
// only validated values (never the user's text) into Go and SQL.

// defaultKinds are the kinds a default may have, for messages.
const defaultKinds = "bool, int, double, String, DateTime, Duration, UuidValue and enums"

// applyDefaults checks the default flags of f (resolved, of class c) and
// sets f.DefaultModel and f.DefaultPersist.
//
// As in Serverpod, `default` sets both, and a `defaultModel` or
// `defaultPersist` next to it overrides its part, whatever the order.
// `defaultDatabase` is Serverpod's earlier name of `defaultPersist`.
func (r *resolver) applyDefaults(c *Class, f *Field, raws []rawDefault) {
	seen := map[string]rawDefault{}
	ordered := make([]rawDefault, 0, len(raws))
	for _, d := range raws {
		if d.key == "defaultDatabase" {
			d.key = "defaultPersist"
		}
		if first, ok := seen[d.key]; ok {
			r.errs.Add(d.pos, "field %q has %q twice (first at column %d)", f.Name, d.key+"=", first.pos.Col)
			continue
		}
		seen[d.key] = d
		if d.key == "default" { // first, so that the specific ones override it
			ordered = append([]rawDefault{d}, ordered...)
		} else {
			ordered = append(ordered, d)
		}
	}
	for _, d := range ordered {
		v := r.defaultValue(f, d)
		if v == nil {
			continue
		}
		model, persist := d.key != "defaultPersist", d.key != "defaultModel"
		if persist && !f.Persist {
			if d.key == "defaultPersist" {
				r.errs.Add(d.pos, "field %q is not stored (%s), so it cannot have a %q", f.Name, notStoredWhy(c), d.key)
				continue
			}
			persist = false // `default` on a field without a column is the model's only
		}
		if model {
			f.DefaultModel = v
		}
		if persist {
			f.DefaultPersist = v
		}
	}
	// A column default on a required field never applies through podgen
	// (the field is never nil) unless a model default fills it first, as
	// `default=` does and Serverpod's mixes (`defaultModel=A,
	// defaultPersist=B`) do.
	if d, ok := seen["defaultPersist"]; ok && f.DefaultPersist != nil && !f.Type.Nullable && f.DefaultModel == nil {
		r.errs.Add(d.pos, "field %q has %q but is not nullable: the column's default applies when the field is nil at insert, so write %q (or use \"default=\")",
			f.Name, "defaultPersist", f.Type.String()+"?")
		f.DefaultPersist = nil
	}
}

func notStoredWhy(c *Class) string {
	if c.Table == "" {
		return "class " + strconv.Quote(c.Name) + " has no table"
	}
	return "it is api-only"
}

// defaultValue parses d's value for f's type, or reports why it does not
// fit and returns nil.
func (r *resolver) defaultValue(f *Field, d rawDefault) *Default {
	t := f.Type
	v := &Default{Pos: d.vpos}
	s := d.value
	bad := func(want string) *Default {
		r.errs.Add(d.vpos, "invalid %s %q for field %q of type %q: want %s", d.key, s, f.Name, t.String(), want)
		return nil
	}
	if s == "" {
		return bad("a value after \"=\"")
	}
	switch {
	case (s == "random" || s == "random_v7") && t.Kind != UUID:
		r.errs.Add(d.vpos, "invalid %s %q for field %q of type %q: %q is a default of UuidValue fields", d.key, s, f.Name, t.String(), s)
		return nil
	case s == "now" && t.Kind != DateTime:
		r.errs.Add(d.vpos, "invalid %s %q for field %q of type %q: %q is a default of DateTime fields", d.key, s, f.Name, t.String(), s)
		return nil
	}
	if !t.Kind.Defaultable() {
		r.errs.Add(d.pos, "field %q of type %q cannot have a default: defaults are for %s", f.Name, t.String(), defaultKinds)
		return nil
	}
	switch t.Kind {
	case Bool:
		switch s {
		case "true":
			v.Bool = true
		case "false":
		default:
			return bad("true or false")
		}
	case Int:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad("an integer (-9223372036854775808 to 9223372036854775807)")
		}
		v.Int = n
	case Double:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || strings.ContainsAny(s, "xXpP_") {
			return bad("a finite decimal number such as 1.5")
		}
		v.Double = x
	case String:
		str, ok := unquote(s)
		if !ok || strings.ContainsRune(str, 0) {
			return bad(`a quoted string ('hello' or "hello") without NUL bytes`)
		}
		v.String = str
	case DateTime:
		if s == "now" {
			v.Func = "now"
			break
		}
		u, _ := unquote(s)
		if u == "" {
			u = s
		}
		tm, err := time.Parse(time.RFC3339Nano, u)
		if err != nil || !strings.HasSuffix(u, "Z") {
			return bad(`"now" or an ISO 8601 time in UTC such as 2024-05-01T22:00:00.000Z`)
		}
		v.Time = tm.UTC().Truncate(time.Microsecond)
	case Duration:
		u, ok := unquote(s)
		if !ok {
			u = s
		}
		dur, ok := parseDefaultDuration(u)
		if !ok {
			return bad(`a duration such as "1d 2h 10min 30s 100ms" (units d, h, min, s, ms, each once, in that order)`)
		}
		v.Duration = dur
	case UUID:
		if s == "random" || s == "random_v7" {
			v.Func = s
			break
		}
		u, ok := unquote(s)
		if !ok {
			return bad(`"random", "random_v7" or a quoted UUID such as '550e8400-e29b-41d4-a716-446655440000'`)
		}
		id, ok := parseUUID(u)
		if !ok {
			return bad(`"random", "random_v7" or a quoted UUID such as '550e8400-e29b-41d4-a716-446655440000'`)
		}
		v.String, v.UUID = strings.ToLower(u), id
	case EnumKind:
		name, ok := unquote(s)
		if !ok {
			name = s
		}
		var names []string
		for _, ev := range t.Enum.Values {
			if ev.Name == name {
				v.Enum = ev
			}
			names = append(names, ev.Name)
		}
		if v.Enum == nil {
			r.errs.Add(d.vpos, "invalid %s %q for field %q: %q is not a value of enum %q%s", d.key, s, f.Name, name, t.Enum.Name, didYouMean(name, names))
			return nil
		}
	}
	return v
}

// unquote strips one pair of single or double quotes; inside, a backslash
// escapes the next character.
func unquote(s string) (string, bool) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s)-1:
			i++
			b.WriteByte(s[i])
		case c == '\\' || c == q:
			return "", false // a lone backslash before the closing quote, or an unescaped quote
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// parseDefaultDuration parses Serverpod's duration form: parts such as
// 1d, 2h, 10min, 30s, 100ms separated by spaces, each unit at most once
// and in that order.
func parseDefaultDuration(s string) (time.Duration, bool) {
	units := []struct {
		name string
		d    time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"min", time.Minute}, {"s", time.Second}, {"ms", time.Millisecond}}
	parts := strings.Fields(s)
	if len(parts) == 0 {
		return 0, false
	}
	var total time.Duration
	next := 0
	for _, p := range parts {
		i := 0
		for i < len(p) && p[i] >= '0' && p[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 {
			return 0, false
		}
		n, _ := strconv.ParseInt(p[:i], 10, 64)
		found := false
		for next < len(units) {
			u := units[next]
			next++
			if p[i:] == u.name {
				total += time.Duration(n) * u.d
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return total, true
}

// parseUUID reads a UUID in the canonical form, in either case.
func parseUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	_, err := hex.Decode(u[:], []byte(s[:8]+s[9:13]+s[14:18]+s[19:23]+s[24:]))
	return u, err == nil
}

// idField reads a declared `id` of table class c: `int?` (optionally
// `defaultPersist=serial`) or `UuidValue[?]` with a `random` or
// `random_v7` default. It returns nil after reporting an error.
func (r *resolver) idField(c *Class, fs *fieldSrc, t *Type) *Field {
	f := fs.field
	f.GoName, f.Column, f.IsID, f.Persist = "ID", "id", true, true
	want := func(why string) *Field {
		r.errs.Add(f.Pos, "the \"id\" of table class %q %s: declare it as \"int?\" (the default, a bigserial) or \"UuidValue?, defaultPersist=random\" (or random_v7), or leave it out", c.Name, why)
		return nil
	}
	if fs.flags.serverOnly || fs.flags.apiOnly {
		return want("must be stored and sent")
	}
	switch {
	case t.Kind == Int:
		// `id: int` and `id: int?` are both the bigserial id (0 until inserted).
		for _, d := range fs.flags.defaults {
			if d.key == "defaultModel" || d.value != "serial" { // `default=serial` too, as Serverpod writes it
				return want("takes no default but \"defaultPersist=serial\"")
			}
		}
		f.Type = &Type{Kind: Int}
		return f
	case t.Kind == UUID:
		f.Type = &Type{Kind: UUID, Nullable: true} // for the checks of applyDefaults
		for _, d := range fs.flags.defaults {
			if d.value != "random" && d.value != "random_v7" {
				return want("takes \"random\" or \"random_v7\" as its default")
			}
		}
		r.applyDefaults(c, f, fs.flags.defaults)
		f.Type = &Type{Kind: UUID}
		if f.DefaultPersist == nil && f.DefaultModel == nil {
			return want("needs a \"random\" or \"random_v7\" default")
		}
		return f // a model default alone: the id is made in Go when zero at insert
	}
	return want("has type " + strconv.Quote(t.String()))
}

// HasModelDefaults reports whether a field of c has a DefaultModel, so
// that New<Class> exists.
func (c *Class) HasModelDefaults() bool {
	for _, f := range c.Fields {
		if f.DefaultModel != nil {
			return true
		}
	}
	return false
}
