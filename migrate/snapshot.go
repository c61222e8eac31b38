// Package migrate creates versioned database migrations from the protocol
// (`podgen create-migration`, issue 8).
//
// A migration folder holds one folder per version, named
// `<UTC YYYYMMDDHHMMSS>-<name>`, with migration.sql (the delta from the
// previous version), definition.sql (the whole schema of the app's tables)
// and snapshot.json (a Snapshot: what the next run compares against). The
// generated server applies them (see docs/MIGRATIONS.md); this package only
// writes them, and never rewrites an existing folder.
//
// The SQL that creates tables, columns and indexes comes from package emit,
// the same code that writes tables.pgsql, so a migrated database and one
// made from definition.sql agree.
package migrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/internal/inputfile"
	"github.com/podgen/podgen/schema"
)

// SnapshotFormat is the version of snapshot.json this podgen writes. A
// snapshot of a newer format is refused rather than misread. Format 2
// added Column.Kind and Column.Enums; a format-1 snapshot is still read,
// its columns of unknown kind (compared by Postgres type only). Format 3
// added Table.ForeignKeys; older snapshots have none.
const SnapshotFormat = 3

// oldestSnapshotFormat is the oldest format this podgen reads.
const oldestSnapshotFormat = 1

// Snapshot is the machine-readable schema of the app's tables at one
// version (snapshot.json). podgen's system tables are not in it: they are
// versioned separately (emit.SystemMigrations).
type Snapshot struct {
	Format int     `json:"format"`
	Tables []Table `json:"tables"` // sorted by Name
}

// Table is one table of a Snapshot.
type Table struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"` // in CREATE TABLE order
	Indexes []Index  `json:"indexes"` // sorted by Name
	// ForeignKeys are the table's FOREIGN KEY constraints (relations,
	// SPEC §10), sorted by Name; left out when there are none.
	ForeignKeys []ForeignKey `json:"foreignKeys,omitempty"`

	class *schema.Class // set when built from a protocol: renders CREATE TABLE
}

// ForeignKey is one FOREIGN KEY constraint of a Table: Column references
// RefTable(RefColumn).
type ForeignKey struct {
	Name      string `json:"name"`
	Column    string `json:"column"`
	RefTable  string `json:"refTable"`
	RefColumn string `json:"refColumn"`
	OnDelete  string `json:"onDelete"` // SQL: "CASCADE", "NO ACTION", "RESTRICT", "SET NULL", "SET DEFAULT"
	OnUpdate  string `json:"onUpdate"`

	fk *schema.ForeignKey // set when built from a protocol: renders ADD CONSTRAINT
}

// Column is one column of a Table.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // the Postgres type ("bigint", "text", ...; "bigserial" for id)
	// Kind is the protocol type without the top-level "?" ("String",
	// "Duration", "Status", "List<int?>", "Map<String,Book>"): several kinds
	// share a Postgres type, and a change between them changes how stored
	// values decode. "" in a format-1 snapshot: unknown.
	Kind string `json:"kind,omitempty"`
	// Enums holds the values of every enum Kind names, so that a removed
	// value is a change.
	Enums      map[string][]string `json:"enums,omitempty"`
	Nullable   bool                `json:"nullable"`
	PrimaryKey bool                `json:"primaryKey,omitempty"`
	// Default is the column's SQL default as podgen renders it
	// (`defaultPersist=`/`default=`: "42", "'hello'", "gen_random_uuid()"),
	// "" for none. Part of format 2 from the start (empty until podgen had
	// defaults), so older snapshots read as columns without defaults.
	Default string `json:"default,omitempty"`

	field *schema.Field // set when built from a protocol: renders ADD COLUMN
}

// Index is one index of a Table.
type Index struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"` // btree, hash, gin, gist or brin
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`

	index *schema.Index // set when built from a protocol: renders CREATE INDEX
}

// FromProtocol is the snapshot of the protocol's managed table classes
// (not those marked `managedMigration: false`): exactly what emit writes
// into tables.pgsql for them.
func FromProtocol(p *schema.Protocol) *Snapshot {
	s := &Snapshot{Format: SnapshotFormat, Tables: []Table{}}
	for _, c := range p.ManagedTables() {
		s.Tables = append(s.Tables, tableOf(c))
	}
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
	return s
}

func tableOf(c *schema.Class) Table {
	t := Table{Name: c.Table, Columns: []Column{}, Indexes: []Index{}, class: c}
	for _, f := range c.Fields {
		if !f.Persist || f.Column == "" {
			continue
		}
		col := Column{Name: f.Column, Type: emit.PGType(f.Type), Kind: kindOf(f.Type), Enums: enumsOf(f.Type),
			Nullable: f.Type.Nullable, Default: emit.DefaultSQL(f), field: f}
		if f.IsID {
			col.Nullable, col.PrimaryKey = false, true
			if f.Type.Kind == schema.Int {
				col.Type = "bigserial"
			}
		}
		t.Columns = append(t.Columns, col)
	}
	for _, ix := range c.Indexes {
		cols := make([]string, len(ix.Fields))
		for i, f := range ix.Fields {
			cols[i] = f.Column
		}
		t.Indexes = append(t.Indexes, Index{Name: ix.Name, Type: ix.Type, Columns: cols, Unique: ix.Unique, index: ix})
	}
	sort.Slice(t.Indexes, func(i, j int) bool { return t.Indexes[i].Name < t.Indexes[j].Name })
	for _, fk := range c.ForeignKeys { // sorted by Name in the IR
		t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Name: fk.Name, Column: fk.Field.Column,
			RefTable: fk.Target.Table, RefColumn: fk.Target.IDField().Column, OnDelete: fk.OnDelete, OnUpdate: fk.OnUpdate, fk: fk})
	}
	return t
}

// Marshal is the snapshot as snapshot.json: indented, fields in a fixed
// order, ending in a newline; the same snapshot gives the same bytes.
func (s *Snapshot) Marshal() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic(err) // strings, bools and ints only: cannot fail
	}
	return b.Bytes()
}

// Unmarshal reads a snapshot.json. Unknown fields are errors, so that a
// hand edit with a typo is not silently ignored.
func Unmarshal(data []byte) (*Snapshot, error) {
	var s Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if s.Format < oldestSnapshotFormat || s.Format > SnapshotFormat {
		return nil, fmt.Errorf("snapshot format %d, this podgen reads formats %d to %d (a newer podgen wrote it?)",
			s.Format, oldestSnapshotFormat, SnapshotFormat)
	}
	return &s, nil
}

// maxSnapshotSize bounds the snapshot.json that is read.
const maxSnapshotSize = 16 << 20

// ReadSnapshot reads the snapshot.json at path.
func ReadSnapshot(path string) (*Snapshot, error) {
	data, err := inputfile.Read(path, maxSnapshotSize, "a snapshot")
	if err != nil {
		return nil, err
	}
	s, err := Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func (s *Snapshot) table(name string) *Table {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	return nil
}

func (t *Table) column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

func (t *Table) index(name string) *Index {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			return &t.Indexes[i]
		}
	}
	return nil
}

func (t *Table) foreignKey(name string) *ForeignKey {
	for i := range t.ForeignKeys {
		if t.ForeignKeys[i].Name == name {
			return &t.ForeignKeys[i]
		}
	}
	return nil
}

// foreignKeyOn is the foreign key on the named column, nil when none.
func (t *Table) foreignKeyOn(column string) *ForeignKey {
	for i := range t.ForeignKeys {
		if t.ForeignKeys[i].Column == column {
			return &t.ForeignKeys[i]
		}
	}
	return nil
}

// sameAs reports whether two foreign keys are the same constraint (a
// changed one is dropped and added again).
func (fk *ForeignKey) sameAs(o *ForeignKey) bool {
	return fk.Column == o.Column && fk.RefTable == o.RefTable && fk.RefColumn == o.RefColumn &&
		fk.OnDelete == o.OnDelete && fk.OnUpdate == o.OnUpdate
}

// sameAs reports whether two indexes are the same index (a changed one is
// dropped and created again).
func (ix *Index) sameAs(o *Index) bool {
	if ix.Type != o.Type || ix.Unique != o.Unique || len(ix.Columns) != len(o.Columns) {
		return false
	}
	for i := range ix.Columns {
		if ix.Columns[i] != o.Columns[i] {
			return false
		}
	}
	return true
}
