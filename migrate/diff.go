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

	// Foreign keys are dropped before everything else (so that tables and
	// columns they hold on to can go) and added after everything else (so
	// that both tables and the column exist, in any order).
	DropForeignKey // a foreign key is gone or changed, or its table is dropped
	AddForeignKey  // a new or changed foreign key
)

// Change is one difference between two snapshots.
type Change struct {
	Kind   ChangeKind
	Table  *Table  // the new table; the old one for DropTable, DropIndex and DropColumn
	Column *Column // the new column; the old one for DropColumn
	Old    *Column // AlterType, AlterKind, SetDefault, DropDefault: the column before
	Index  *Index  // the new index; the old one for DropIndex
	// ForeignKey is the new foreign key; the old one for DropForeignKey.
	// For AddForeignKey, Old is the column when it existed before (its
	// values may then name no row).
	ForeignKey *ForeignKey
}

// Subject names what the change is about: "table", "table.column" or
// "table.index".
func (c Change) Subject() string {
	switch {
	case c.ForeignKey != nil:
		return c.Table.Name + "." + c.ForeignKey.Name
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
		if fk := c.Table.foreignKeyOn(c.Column.Name); fk != nil && !c.Column.Nullable {
			if c.Column.Default != "" {
				return fmt.Sprintf("fails unless table %s is empty or %s has a row with id %s: the existing rows get the new required foreign key %s = %s",
					c.Table.Name, fk.RefTable, c.Column.Default, c.Subject(), c.Column.Default)
			}
			return fmt.Sprintf("fails unless table %s is empty: the new required foreign key column %s has no row of %s to point to for the existing rows",
				c.Table.Name, c.Subject(), fk.RefTable)
		}
		if !c.Column.Nullable && c.fill() == "" && c.Column.Default == "" {
			return fmt.Sprintf("fails unless table %s is empty: the new required %s column %s has no zero value for the existing rows",
				c.Table.Name, c.Column.kindName(), c.Subject())
		}
	case SetNotNull:
		if z := c.fill(); z != "" {
			return "drops the NULLs of " + c.Subject() + ", which becomes required: rows holding NULL get " + z
		}
		if c.Table.foreignKeyOn(c.Column.Name) != nil {
			return fmt.Sprintf("fails if a row holds NULL in %s, which becomes required: a foreign key has no zero value to put there", c.Subject())
		}
		return fmt.Sprintf("fails if a row holds NULL in %s, which becomes required: its type (%s) has no zero value to put there",
			c.Subject(), c.Column.kindName())
	}
	return ""
}

// fill is the value existing rows get when the change's column becomes
// required (Column.fill), or "" for a foreign key: its zero value would
// name no row.
func (c Change) fill() string {
	if c.Table.foreignKeyOn(c.Column.Name) != nil {
		return ""
	}
	return c.Column.fill()
}

// Diff lists the changes that turn old into new, in the order a migration
// must run them: index drops (so that a changed or moved index can be
// created again under its name), table drops, table creates, then per
// existing table (by name) column drops, adds, type changes and
// nullability changes, and last the indexes created on existing tables.
// new must come from FromProtocol: rendering a create needs the protocol.
func Diff(old, new *Snapshot) []Change {
	var fkDrops, drops, tables, columns, creates, fkAdds []Change
	for i := range old.Tables {
		ot := &old.Tables[i]
		nt := new.table(ot.Name)
		for j := range ot.ForeignKeys {
			ofk := &ot.ForeignKeys[j]
			if nt == nil {
				fkDrops = append(fkDrops, Change{Kind: DropForeignKey, Table: ot, ForeignKey: ofk})
			} else if nfk := nt.foreignKey(ofk.Name); nfk == nil || !nfk.sameAs(ofk) {
				fkDrops = append(fkDrops, Change{Kind: DropForeignKey, Table: ot, ForeignKey: ofk})
			}
		}
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
	for i := range new.Tables {
		fkAdds = append(fkAdds, addedForeignKeys(old.table(new.Tables[i].Name), &new.Tables[i])...)
	}
	out := append(fkDrops, drops...)
	out = append(out, tables...)
	out = append(out, columns...)
	out = append(out, creates...)
	return append(out, fkAdds...)
}

// addedForeignKeys are the foreign keys of nt that ot (nil for a new
// table) lacks or has in another form.
func addedForeignKeys(ot, nt *Table) []Change {
	var out []Change
	for j := range nt.ForeignKeys {
		nfk := &nt.ForeignKeys[j]
		var ofk *ForeignKey
		var old *Column
		if ot != nil {
			ofk, old = ot.foreignKey(nfk.Name), ot.column(nfk.Column)
		}
		if ofk == nil || !ofk.sameAs(nfk) {
			out = append(out, Change{Kind: AddForeignKey, Table: nt, ForeignKey: nfk, Column: nt.column(nfk.Column), Old: old})
		}
	}
	return out
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
