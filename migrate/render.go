package migrate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// Render writes the changes as migration.sql: plain statements, each
// ending in ";" at the end of a line, no transaction statements (the
// server runs each migration in one transaction). A change with a Loss is
// preceded by a `-- podgen: drops ...` comment saying what it costs.
func Render(changes []Change) (string, error) {
	var b strings.Builder
	for _, ext := range extensionsFor(changes) {
		b.WriteString("CREATE EXTENSION IF NOT EXISTS " + ext + ";\n")
	}
	for _, c := range changes {
		sql, err := statement(c)
		if err != nil {
			return "", err
		}
		b.WriteString("\n")
		if loss := c.Loss(); loss != "" {
			b.WriteString("-- podgen: " + loss + "\n")
		}
		b.WriteString(sql)
	}
	return b.String(), nil
}

// extensionsFor are the extensions the created indexes need.
func extensionsFor(changes []Change) []string {
	need := map[string]bool{}
	var out []string
	add := func(ix *schema.Index) {
		if ext := emit.IndexExtension(ix); ext != "" && !need[ext] {
			need[ext] = true
			out = append(out, ext)
		}
	}
	for _, c := range changes {
		switch {
		case c.Kind == CreateIndex && c.Index.index != nil:
			add(c.Index.index)
		case c.Kind == CreateTable && c.Table.class != nil:
			for _, ix := range c.Table.class.Indexes {
				add(ix)
			}
		}
	}
	return out
}

// statement is the SQL of one change, ending in ";\n".
func statement(c Change) (string, error) {
	tbl := "ALTER TABLE " + quote(c.Table.Name)
	switch c.Kind {
	case DropIndex:
		return "DROP INDEX " + quote(c.Index.Name) + ";\n", nil
	case DropForeignKey:
		return tbl + " DROP CONSTRAINT " + quote(c.ForeignKey.Name) + ";\n", nil
	case AddForeignKey:
		if c.ForeignKey.fk == nil || c.Table.class == nil {
			return "", fmt.Errorf("migrate: foreign key %s has no protocol relation to add it from", c.Subject())
		}
		sql := emit.AddForeignKeySQL(c.Table.class, c.ForeignKey.fk)
		if c.Old != nil {
			sql = "-- podgen: fails if a value of " + c.Table.Name + "." + c.ForeignKey.Column + " names no row of " + c.ForeignKey.RefTable + "\n" + sql
		}
		return sql, nil
	case DropTable:
		return "DROP TABLE " + quote(c.Table.Name) + ";\n", nil
	case DropColumn:
		return tbl + " DROP COLUMN " + quote(c.Column.Name) + ";\n", nil
	case DropNotNull:
		return tbl + " ALTER COLUMN " + quote(c.Column.Name) + " DROP NOT NULL;\n", nil
	case DropDefault:
		return tbl + " ALTER COLUMN " + quote(c.Column.Name) + " DROP DEFAULT;\n", nil
	case SetDefault:
		// Default is a literal podgen rendered from a validated value
		// (emit.DefaultSQL), or read back from podgen's own snapshot.
		return tbl + " ALTER COLUMN " + quote(c.Column.Name) + " SET DEFAULT " + c.Column.Default + ";\n", nil
	case AlterType:
		return tbl + " ALTER COLUMN " + quote(c.Column.Name) + " TYPE " + c.Column.Type +
			" USING " + columnCast(c.Old, c.Column) + ";\n", nil
	case AlterKind:
		return fmt.Sprintf("-- podgen: %s changes %s; its Postgres type (%s) stays, so there is nothing to run\n",
			c.Subject(), kindChange(c.Old, c.Column), c.Column.Type), nil
	case SetNotNull:
		return setNotNull(tbl, c), nil
	case CreateTable:
		if c.Table.class == nil {
			return "", fmt.Errorf("migrate: table %s has no protocol class to create it from", c.Table.Name)
		}
		return emit.CreateTableSQL(c.Table.class), nil
	case AddColumn:
		if c.Column.field == nil {
			return "", fmt.Errorf("migrate: column %s has no protocol field to add it from", c.Subject())
		}
		return addColumn(tbl, c), nil
	case CreateIndex:
		if c.Index.index == nil || c.Table.class == nil {
			return "", fmt.Errorf("migrate: index %s has no protocol index to create it from", c.Subject())
		}
		sql := emit.CreateIndexSQL(c.Table.class, c.Index.index)
		if c.Index.Unique {
			sql = "-- podgen: a unique index fails to build if rows already repeat a value\n" + sql
		}
		return sql, nil
	}
	return "", fmt.Errorf("migrate: unknown change kind %d", c.Kind)
}

// addColumn adds a column. A required one gives the existing rows the Go
// zero value of its type (what a Go program reading the row without the
// field would see), then drops that default again so that the column ends
// exactly as in definition.sql.
func addColumn(tbl string, c Change) string {
	col := c.Column
	sql := tbl + " ADD COLUMN " + quote(col.Name) + " " + emit.ColumnSQL(col.field)
	z := c.fill()
	if col.Nullable || z == "" || col.Default != "" { // a DEFAULT fills the existing rows itself
		return sql + ";\n"
	}
	return "-- podgen: existing rows get " + z + "\n" +
		sql + " DEFAULT " + z + ";\n" +
		tbl + " ALTER COLUMN " + quote(col.Name) + " DROP DEFAULT;\n"
}

// setNotNull makes a column required; NULLs become the Go zero value
// first where the kind has one (the change's Loss says so).
func setNotNull(tbl string, c Change) string {
	col := c.Column
	sql := tbl + " ALTER COLUMN " + quote(col.Name) + " SET NOT NULL;\n"
	if z := c.fill(); z != "" {
		sql = "UPDATE " + quote(c.Table.Name) + " SET " + quote(col.Name) + " = " + z +
			" WHERE " + quote(col.Name) + " IS NULL;\n" + sql
	}
	return sql
}

// kindChange says how a column's kind changed: "from String to Status",
// or for the same kind the enums whose values changed ("the values of enum Status
// from [active archived] to [active archived draft]").
func kindChange(old, new *Column) string {
	if old.Kind != new.Kind {
		return "from " + old.Kind + " to " + new.Kind
	}
	var parts []string
	for _, name := range sortedKeys(new.Enums) {
		if ov, nv := old.Enums[name], new.Enums[name]; !slices.Equal(ov, nv) {
			parts = append(parts, fmt.Sprintf("the values of enum %s from %v to %v", name, ov, nv))
		}
	}
	return strings.Join(parts, " and ")
}

// columnCast converts a column's values to its new type: an enum column
// that changes between byName (text) and byIndex (bigint) maps each name
// to its position, or back; every other change is a cast.
func columnCast(old, new *Column) string {
	_, oldValues, newValues, ok := enumFormChange(old, new)
	switch {
	case !ok:
	case old.Type == "text" && new.Type == "bigint":
		return enumCase(new.Name, newValues, false, "::bigint")
	case old.Type == "bigint" && new.Type == "text":
		return enumCase(new.Name, oldValues, true, "::text")
	}
	return cast(new.Name, old.Type, new.Type)
}

// enumCase is a CASE from an enum's names to their positions in values
// (or back, toName); a value it does not list falls to the plain cast,
// which fails the migration for a name that is no number.
func enumCase(col string, values []string, toName bool, plain string) string {
	q := quote(col)
	var b strings.Builder
	b.WriteString("CASE " + q)
	for i, v := range values {
		name := "'" + strings.ReplaceAll(v, "'", "''") + "'"
		pos := strconv.Itoa(i)
		if toName {
			b.WriteString(" WHEN " + pos + " THEN " + name)
		} else {
			b.WriteString(" WHEN " + name + " THEN " + pos)
		}
	}
	b.WriteString(" ELSE " + q + plain + " END")
	return b.String()
}

// cast converts a column's values to a new type: directly where Postgres
// has a cast that keeps the value's meaning (anything to text, between the
// number types), otherwise through their text form (text to uuid, json to
// bigint, ...), which fails the migration on a value that does not
// convert. Three exceptions: bytea to text decodes the bytes as UTF-8 (a
// plain cast would give the escape form '\x6869', not "hi"), text to bytea
// stores the UTF-8 bytes (a plain cast would read backslashes as escapes),
// and timestamp to text uses podgen's RFC 3339 form in UTC rather than the
// session's DateStyle, so the text reads the same everywhere and converts
// back.
func cast(col, from, to string) string {
	q := quote(col)
	switch {
	case from == "bytea" && to == "text":
		return "convert_from(" + q + ", 'UTF8')"
	case from == "text" && to == "bytea":
		return "convert_to(" + q + ", 'UTF8')"
	case from == "timestamp" && to == "text":
		return "to_char(" + q + `, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
	}
	direct := to == "text" || from == "text" ||
		(from == "bigint" || from == "double precision") && (to == "bigint" || to == "double precision")
	if direct {
		return q + "::" + to
	}
	return q + "::text::" + to
}

// fill is the SQL literal of the Go zero value of the column's type, as
// podgen stores it: what existing rows get when the column becomes
// required. "" for enums (their zero value "" is not a value) and classes
// (a required field of the class would be missing), and for a column not
// built from a protocol.
func (col *Column) fill() string {
	if col.field == nil {
		return ""
	}
	return emit.FillSQL(col.field.Type)
}

// kindName names the column's kind for messages ("enum", "class").
func (col *Column) kindName() string {
	if col.field != nil {
		if noun := emit.KindNoun(col.field.Type); noun != "" {
			return noun
		}
	}
	return col.Type
}

// quote quotes an SQL identifier.
func quote(s string) string { return emit.QuoteIdent(s) }
