package migrate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podgen/podgen/schema"
)

// kindOf spells a column's protocol type as the protocol YAML does, without
// the top-level "?" (nullability is Column.Nullable); element types keep
// theirs, since a List<int?> holding nulls does not decode as List<int>.
func kindOf(t *schema.Type) string { return strings.TrimSuffix(t.String(), "?") }

// enumsOf maps the name of every enum the type names (itself, as an
// element, or as a map key) to its values; nil when there is none.
func enumsOf(t *schema.Type) map[string][]string {
	var m map[string][]string
	var walk func(t *schema.Type)
	walk = func(t *schema.Type) {
		if t == nil {
			return
		}
		if t.Kind == schema.EnumKind {
			values := make([]string, len(t.Enum.Values))
			for i, v := range t.Enum.Values {
				values[i] = v.Name
			}
			if m == nil {
				m = map[string][]string{}
			}
			m[t.Enum.Name] = values
		}
		walk(t.Key)
		walk(t.Elem)
	}
	walk(t)
	return m
}

// kindChanged reports whether a column that keeps its Postgres type
// changed its protocol type, or an enum it names changed its values. A
// column of unknown kind (a format-1 snapshot) never did.
func kindChanged(old, new *Column) bool {
	if old.Kind == "" || new.Kind == "" {
		return false
	}
	if old.Kind != new.Kind || len(old.Enums) != len(new.Enums) {
		return true
	}
	for name, values := range old.Enums {
		if !slices.Equal(values, new.Enums[name]) {
			return true
		}
	}
	return false
}

// enumOf is the enum a column's kind is (not one it holds as an element),
// with its values; ok is false for any other kind.
func (col *Column) enumOf() (name string, values []string, ok bool) {
	values, ok = col.Enums[col.Kind]
	return col.Kind, values, ok
}

// kindLoss is the Loss of a kind change that keeps the Postgres type
// (AlterKind): what stored values no longer decode or are read
// differently; "" when every stored value still decodes as before.
func kindLoss(c Change) string {
	old, new := c.Old, c.Column
	subject := c.Subject()
	if old.Kind == new.Kind { // only enum values changed
		if moved := movedPositions(old, new); len(moved) > 0 {
			return fmt.Sprintf("reinterprets the stored values of %s: the byIndex enum %s moved %s to other positions",
				subject, new.Kind, strings.Join(moved, ", "))
		}
		for _, name := range sortedKeys(old.Enums) {
			if gone := missing(old.Enums[name], new.Enums[name]); len(gone) > 0 {
				return fmt.Sprintf("makes the stored values of %s undecodable where they hold %s, removed from enum %s",
					subject, strings.Join(gone, ", "), name)
			}
		}
		return ""
	}
	_, oldValues, oldEnum := old.enumOf()
	name, newValues, newEnum := new.enumOf()
	switch {
	case newEnum && old.Kind == "String":
		return fmt.Sprintf("makes the stored values of %s undecodable where they are not a value of enum %s (%s)",
			subject, name, strings.Join(newValues, ", "))
	case newEnum && oldEnum:
		if gone := missing(oldValues, newValues); len(gone) > 0 {
			return fmt.Sprintf("makes the stored values of %s undecodable where they hold %s, not values of enum %s",
				subject, strings.Join(gone, ", "), name)
		}
		return ""
	case oldEnum && new.Kind == "String":
		return "" // every enum value is a string
	case old.Kind == "int" && new.Kind == "Duration", old.Kind == "Duration" && new.Kind == "int":
		return fmt.Sprintf("reinterprets the stored values of %s: the same bigint read as %s instead of %s "+
			"(a Duration is stored in milliseconds)", subject, new.Kind, old.Kind)
	}
	return fmt.Sprintf("makes the stored values of %s undecodable where they do not read as %s (they were written as %s)",
		subject, new.Kind, old.Kind)
}

// movedPositions are the values of a byIndex enum column (a bigint
// holding positions) that are still values but at another position.
func movedPositions(old, new *Column) []string {
	name, values, ok := new.enumOf()
	if !ok || new.Type != "bigint" || old.Type != "bigint" {
		return nil
	}
	var moved []string
	for i, v := range old.Enums[name] {
		if j := slices.Index(values, v); j >= 0 && j != i {
			moved = append(moved, v)
		}
	}
	return moved
}

// enumFormChange reports whether a column changes its Postgres type but
// stays the same enum, which is a change between byName (text) and byIndex
// (bigint), and returns the enum's name and its values before and after.
func enumFormChange(old, new *Column) (name string, oldValues, newValues []string, ok bool) {
	name, oldValues, okOld := old.enumOf()
	newName, newValues, okNew := new.enumOf()
	ok = okOld && okNew && name == newName && old.Type != new.Type
	return name, oldValues, newValues, ok
}

// missing are the values of old that are not in new, in old's order.
func missing(old, new []string) []string {
	var out []string
	for _, v := range old {
		if !slices.Contains(new, v) {
			out = append(out, v)
		}
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
