package migrate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSnapshotRoundTrip(t *testing.T) {
	p := load(t, map[string]string{
		"book.yaml": "class: Book\ntable: book\nfields:\n  title: String\n  secret: String?, database\n  draft: String?, api\n" +
			"indexes:\n  book_title_idx:\n    fields: title, secret\n    unique: true\n",
		"note.yaml": "class: Note\nfields:\n  text: String\n", // no table: not in the snapshot
	})
	s := FromProtocol(p)
	data := s.Marshal()
	want := `{
  "format": 3,
  "tables": [
    {
      "name": "book",
      "columns": [
        {
          "name": "id",
          "type": "bigserial",
          "kind": "int",
          "nullable": false,
          "primaryKey": true
        },
        {
          "name": "title",
          "type": "text",
          "kind": "String",
          "nullable": false
        },
        {
          "name": "secret",
          "type": "text",
          "kind": "String",
          "nullable": true
        }
      ],
      "indexes": [
        {
          "name": "book_title_idx",
          "type": "btree",
          "columns": [
            "title",
            "secret"
          ],
          "unique": true
        }
      ]
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("snapshot.json:\n%s\nwant:\n%s", data, want)
	}
	back, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Marshal(), data) {
		t.Errorf("read and written again, the snapshot changed")
	}
	if d := Diff(back, FromProtocol(p)); len(d) != 0 {
		t.Errorf("a snapshot read back differs from its protocol: %v", d)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	for _, in := range []string{
		`{"format": 4, "tables": []}`,
		`{"format": 0, "tables": []}`,
		`{"format": 1, "tables": [], "extra": true}`,
		`{"format": 1, "tables": [{"name": "a", "columns": [{"name": "x", "typ": "text"}]}]}`,
		`{"format": 1,`,
	} {
		if _, err := Unmarshal([]byte(in)); err == nil {
			t.Errorf("Unmarshal(%s) accepted it", in)
		}
	}
}

// TestSnapshotRecordsKind: the protocol type and enum values are in the
// snapshot, so that a change between kinds of one Postgres type is seen
// after a round trip through snapshot.json.
func TestSnapshotRecordsKind(t *testing.T) {
	s := FromProtocol(load(t, bookYAML("  kind: Status?\n  tags: Map<String,List<Status?>>\n  span: Duration\n", "")))
	back, err := Unmarshal(s.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range back.Tables[0].Columns {
		got[c.Name] = fmt.Sprintf("%s %s %v", c.Type, c.Kind, c.Enums)
	}
	want := map[string]string{
		"id":    "bigserial int map[]",
		"title": "text String map[]",
		"kind":  "text Status map[Status:[active archived]]",
		"tags":  "json Map<String,List<Status?>> map[Status:[active archived]]",
		"span":  "bigint Duration map[]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns %v, want %v", got, want)
	}
}

// TestFormat1SnapshotComparesPostgresTypes: a snapshot written before
// kinds were recorded is still read; its columns are compared by Postgres
// type only (an unknown kind is no change), and a real type change still
// shows.
func TestFormat1SnapshotComparesPostgresTypes(t *testing.T) {
	v1 := `{"format": 1, "tables": [{"name": "book", "columns": [
		{"name": "id", "type": "bigserial", "nullable": false, "primaryKey": true},
		{"name": "title", "type": "text", "nullable": false},
		{"name": "kind", "type": "text", "nullable": false},
		{"name": "span", "type": "bigint", "nullable": false}], "indexes": []}]}`
	old, err := Unmarshal([]byte(v1))
	if err != nil {
		t.Fatalf("a format-1 snapshot: %v", err)
	}
	if d := Diff(old, FromProtocol(load(t, bookYAML("  kind: Status\n  span: Duration\n", "")))); len(d) != 0 {
		t.Errorf("same Postgres types of unknown kind: %d changes, want none", len(d))
	}
	d := Diff(old, FromProtocol(load(t, bookYAML("  kind: Status\n  span: double\n", ""))))
	if len(d) != 1 || d[0].Kind != AlterType || d[0].Subject() != "book.span" {
		t.Errorf("bigint to double precision: %+v, want one AlterType of book.span", d)
	}
}

func TestNextTimestamp(t *testing.T) {
	at := func(s string) time.Time {
		ts, err := time.Parse(TimeLayout, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	cases := []struct{ now, previous, want string }{
		{"20260102030405", "", "20260102030405"},
		{"20260102030405", "20260102030404-a", "20260102030405"},
		{"20260102030405", "20260102030405-a", "20260102030406"}, // same second: bumped
		{"20260102030405", "20270101000000-a", "20270101000001"}, // clock behind: after the newest
	}
	for _, c := range cases {
		if got := nextTimestamp(at(c.now), c.previous); got != c.want {
			t.Errorf("nextTimestamp(%s, %q) = %s, want %s", c.now, c.previous, got, c.want)
		}
	}
	// the clock's zone and sub-seconds do not matter
	local := time.Date(2026, 1, 2, 4, 4, 5, 999e6, time.FixedZone("CET", 3600))
	if got := nextTimestamp(local, ""); got != "20260102030405" {
		t.Errorf("nextTimestamp(%v) = %s", local, got)
	}
}

func TestVersions(t *testing.T) {
	dir := t.TempDir()
	if v, err := Versions(filepath.Join(dir, "missing")); err != nil || v != nil {
		t.Errorf("missing folder: %v, %v", v, err)
	}
	for _, d := range []string{"20260201000000-b", "20260101000000-a", ".podgen-new-123"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := Versions(dir)
	if err != nil || strings.Join(v, " ") != "20260101000000-a 20260201000000-b" {
		t.Errorf("Versions = %v, %v", v, err)
	}
	if err := os.Mkdir(filepath.Join(dir, "2026-typo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Versions(dir); err == nil || !strings.Contains(err.Error(), "not a migration folder") {
		t.Errorf("a stray folder: %v", err)
	}
}
