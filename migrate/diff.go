package migrate

import (
	"fmt"
	"strings"
)

// ChangeKind is what a Change does. The kinds are declared in the order a
// migration runs them (see Diff).
type ChangeKind int

// The kinds of change between two snapshots.
const (
	DropIndex   ChangeKind = iota + 1 // an index is gone or changed
	DropTable                         // a table is gone (a renamed table is dropped and created)
	CreateTable                       // a new table, with its indexes
	DropColumn                        // a column is gone (a renamed column is dropped and added)
	AddColumn                         // a new column on an existing table
	AlterType                         // a column's Postgres type changed
	AlterKind                         // a column's protocol type changed, its Postgres type did not (String → enum, int → Duration, List<int> → List<String>, enum values)
	DropNotNull                       // a required column became nullable
	SetNotNull                        // a nullable column became required
	CreateIndex                       // a new or changed index on an existing table

	// Declared last, they run with a column's other changes: DropDefault
	// before its type change, SetDefault after it.
	DropDefault // a column's default is gone, or its type changes (SetDefault puts it back)
	SetDefault  // a column's default is new or changed
)

// Change is one difference between two snapshots.
type Change struct {
	Kind   ChangeKind
	Table  *Table  // the new table; the old one for DropTable, DropIndex and DropColumn
	Column *Column // the new column; the old one for DropColumn
	Old    *Column // AlterType, AlterKind, SetDefault, DropDefault: the column before
	Index  *Index  // the new index; the old one for DropIndex
}

// Subject names what the change is about: "table", "table.column" or
// "table.index".
func (c Change) Subject() string {
	switch {
	case c.Column != nil:
		return c.Table.Name + "." + c.Column.Name
	case c.Index != nil:
		return c.Table.Name + "." + c.Index.Name
	}
	return c.Table.Name
}

// Loss says what the change loses, or how it may fail, naming the table
// or table.column; "" when the change is safe. A change with a Loss is
// written only with --force, under a `-- podgen: <Loss>` comment.
func (c Change) Loss() string {
	switch c.Kind {
	case DropTable:
		return "drops table " + c.Table.Name + " and all its rows"
	case DropColumn:
		return "drops column " + c.Subject() + " and all its values"
	case AlterKind:
		return kindLoss(c)
	case AlterType:
		return alterTypeLoss(c)
	case AddColumn:
		if !c.Column.Nullable && c.Column.fill() == "" && c.Column.Default == "" {
			return fmt.Sprintf("fails unless table %s is empty: the new required %s column %s has no zero value for the existing rows",
				c.Table.Name, c.Column.kindName(), c.Subject())
		}
	case SetNotNull:
		if z := c.Column.fill(); z != "" {
			return "drops the NULLs of " + c.Subject() + ", which becomes required: rows holding NULL get " + z
		}
		return fmt.Sprintf("fails if a row holds NULL in %s, which becomes required: its type (%s) has no zero value to put there",
			c.Subject(), c.Column.kindName())
	}
	return ""
}

// Diff lists the changes that turn old into new, in the order a migration
// must run them: index drops (so that a changed or moved index can be
// created again under its name), table drops, table creates, then per
// existing table (by name) column drops, adds, type changes and
// nullability changes, and last the indexes created on existing tables.
// new must come from FromProtocol: rendering a create needs the protocol.
func Diff(old, new *Snapshot) []Change {
	var drops, tables, columns, creates []Change
	for i := range old.Tables {
		ot := &old.Tables[i]
		nt := new.table(ot.Name)
		if nt == nil {
			tables = append(tables, Change{Kind: DropTable, Table: ot})
			continue
		}
		for j := range ot.Indexes {
			oi := &ot.Indexes[j]
			if ni := nt.index(oi.Name); ni == nil || !ni.sameAs(oi) {
				drops = append(drops, Change{Kind: DropIndex, Table: ot, Index: oi})
			}
		}
		columns = append(columns, diffColumns(ot, nt)...)
		for j := range nt.Indexes {
			ni := &nt.Indexes[j]
			if oi := ot.index(ni.Name); oi == nil || !oi.sameAs(ni) {
				creates = append(creates, Change{Kind: CreateIndex, Table: nt, Index: ni})
			}
		}
	}
	for i := range new.Tables {
		if nt := &new.Tables[i]; old.table(nt.Name) == nil {
			tables = append(tables, Change{Kind: CreateTable, Table: nt})
		}
	}
	out := append(drops, tables...)
	out = append(out, columns...)
	return append(out, creates...)
}

// diffColumns compares the columns of one table present in both versions.
func diffColumns(ot, nt *Table) []Change {
	var out []Change
	for i := range ot.Columns {
		if oc := &ot.Columns[i]; nt.column(oc.Name) == nil {
			out = append(out, Change{Kind: DropColumn, Table: ot, Column: oc})
		}
	}
	for i := range nt.Columns {
		if nc := &nt.Columns[i]; ot.column(nc.Name) == nil {
			out = append(out, Change{Kind: AddColumn, Table: nt, Column: nc})
		}
	}
	for i := range nt.Columns {
		nc := &nt.Columns[i]
		oc := ot.column(nc.Name)
		if oc == nil {
			continue
		}
		// A default goes before a type change (Postgres would cast it) and
		// comes back after it.
		retype := oc.Type != nc.Type && oc.Default != ""
		if oc.Default != "" && (nc.Default == "" || retype) {
			out = append(out, Change{Kind: DropDefault, Table: nt, Column: nc, Old: oc})
		}
		switch {
		case oc.Type != nc.Type:
			out = append(out, Change{Kind: AlterType, Table: nt, Column: nc, Old: oc})
		case kindChanged(oc, nc):
			out = append(out, Change{Kind: AlterKind, Table: nt, Column: nc, Old: oc})
		}
		switch {
		case oc.Nullable && !nc.Nullable:
			out = append(out, Change{Kind: SetNotNull, Table: nt, Column: nc})
		case !oc.Nullable && nc.Nullable:
			out = append(out, Change{Kind: DropNotNull, Table: nt, Column: nc})
		}
		if nc.Default != "" && (nc.Default != oc.Default || retype) {
			out = append(out, Change{Kind: SetDefault, Table: nt, Column: nc, Old: oc})
		}
	}
	return out
}

// enumFormLoss is the Loss of an enum column changing between byName
// (text) and byIndex (bigint), which columnCast maps value by value: none,
// unless values were removed too. ok is false for any other change.
func enumFormLoss(c Change) (loss string, ok bool) {
	name, oldValues, newValues, ok := enumFormChange(c.Old, c.Column)
	if !ok {
		return "", false
	}
	if gone := missing(oldValues, newValues); len(gone) > 0 {
		return fmt.Sprintf("fails the migration if %s holds %s, removed from enum %s",
			c.Subject(), strings.Join(gone, ", "), name), true
	}
	return "", true
}

// alterTypeLoss is the Loss of a Postgres type change. Converting to text
// keeps every value (bytea excepted: see cast), unless the new kind is an
// enum that the old values need not belong to; text converts to bytea as
// its UTF-8 bytes. Everything else may round, lose digits or fail.
func alterTypeLoss(c Change) string {
	from, to := c.Old.Type, c.Column.Type
	if loss, ok := enumFormLoss(c); ok {
		return loss
	}
	switch {
	case from == "bytea" && to == "text":
		return fmt.Sprintf("fails the migration if a value of %s is not valid UTF-8 (bytea to text decodes the bytes as UTF-8)", c.Subject())
	case to == "text":
		if name, values, ok := c.Column.enumOf(); ok {
			return fmt.Sprintf("makes the stored values of %s undecodable where their text is not a value of enum %s (%s)",
				c.Subject(), name, strings.Join(values, ", "))
		}
		return ""
	case from == "text" && to == "bytea":
		return ""
	}
	return fmt.Sprintf("drops the values of %s that do not survive the cast from %s to %s "+
		"(double precision to bigint rounds, bigint to double precision loses digits beyond 2^53, "+
		"a value that does not convert fails the migration)", c.Subject(), from, to)
}
