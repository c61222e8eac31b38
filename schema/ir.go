// Package schema reads protocol YAML files and endpoint Go files into one
// validated, resolved model (the IR) that the emitters turn into code.
//
// The IR is immutable once Load returns: references between nodes are
// pointers, Go and SQL names are computed once (see names.go), and every
// slice is sorted so that output never depends on file or map order.
// Emitters never see YAML, go/ast or the file system; a user error that an
// emitter discovers means validation here missed it.
package schema

import (
	"strconv"
	"time"
)

// Protocol is everything podgen knows about one app.
type Protocol struct {
	Classes     []*Class      // models and table classes, sorted by Name
	Exceptions  []*Class      // exception classes (IsException), sorted by Name
	Enums       []*Enum       // sorted by Name
	Endpoints   []*Endpoint   // sorted by WireName
	FutureCalls []*FutureCall // sorted by Name

	// EndpointsPkg is the package name of the endpoint files ("endpoints"),
	// empty when there are no endpoint files.
	EndpointsPkg string

	// Config is podgen.yaml: the optional modules the app enables.
	Config Config
	// AuthMailer reports whether the endpoints package declares the auth
	// module's mailer (a type named AuthMailer, SPEC §11).
	AuthMailer bool
}

// Tables returns the classes that are mapped to a table, sorted by Name.
func (p *Protocol) Tables() []*Class {
	var ts []*Class
	for _, c := range p.Classes {
		if c.Table != "" {
			ts = append(ts, c)
		}
	}
	return ts
}

// ManagedTables returns the table classes whose tables podgen creates and
// migrates: Tables without those marked `managedMigration: false`.
func (p *Protocol) ManagedTables() []*Class {
	var ts []*Class
	for _, c := range p.Tables() {
		if !c.Unmanaged {
			ts = append(ts, c)
		}
	}
	return ts
}

// Class is a `class:` or `exception:` definition.
type Class struct {
	Pos         Pos
	Name        string // as written; also the Go type name ("Company")
	File        string // file name stem in pod/ and client/ ("company")
	Doc         string // optional documentation from the YAML comment above `class:`
	Table       string // table name, "" when the class is not stored
	IsException bool
	Fields      []*Field // in YAML order; for a table class ID comes first
	// Extends is the class named by `extends:`, nil without one. Its
	// fields are copied into Fields, before the class's own.
	Extends *Class
	// ServerOnly classes (`serverOnly: true`) have no client copy.
	ServerOnly bool
	// Unmanaged table classes (`managedMigration: false`) are left out of
	// tables.pgsql and migrations; the user creates the table.
	Unmanaged bool
	Indexes   []*Index // sorted by Name
	// ForeignKeys are the constraints of the class's relations whose
	// foreign-key column is in its table, sorted by Name.
	ForeignKeys []*ForeignKey

	// HoldsServerOnly is set when the class, or a class it holds (through
	// any nesting), has a server-only field: its stored JSON (caches, json
	// columns) then differs from the JSON sent to clients.
	HoldsServerOnly bool
}

// IDField returns the implicit id field of a table class, nil otherwise.
func (c *Class) IDField() *Field {
	if c.Table == "" || len(c.Fields) == 0 {
		return nil
	}
	return c.Fields[0]
}

// Field is one entry of a class's `fields:`.
type Field struct {
	Pos    Pos
	Name   string // JSON key as written in YAML ("userUrl")
	GoName string // exported Go field name ("UserURL")
	Column string // snake_case column name ("user_url"), "" when not stored
	Type   *Type
	Doc    string // optional documentation from the YAML comment above the field

	// ServerOnly fields (`, database` or `scope=serverOnly`) are stored but
	// never sent to clients; the client copy of the class lacks them.
	ServerOnly bool
	// Persist is false for api-only fields (`, api` or `!persist`) and for
	// every field of a class without a table.
	Persist bool
	// IsID marks the id of a table class, implicit or declared (`id: int?`,
	// `id: UuidValue?, defaultPersist=random`): Go `ID int64` or `ID UUID`,
	// never a pointer. Its Type is Int or UUID, not nullable.
	IsID bool
	// NotSerialized fields (`scope=none`) never travel as JSON: not on the
	// wire, not in json columns or caches. A table class still stores them
	// in their column unless they are api-only.
	NotSerialized bool

	inherited bool // copied from the class this one extends

	// Relation is set on a field with `relation(...)` or `parent=`: an
	// object or list relation (not stored: Persist is false, but
	// serialized when set), or an id field that is a foreign key (stored).
	Relation *Relation

	// DefaultModel is the value a new object gets (New<Class>) and a
	// decoded object gets for an absent key; nil without one.
	DefaultModel *Default
	// DefaultPersist is the column's SQL DEFAULT, applied when the field
	// is nil at insert; nil without one. Only on stored fields.
	DefaultPersist *Default
}

// Relation is a field's relation to another table class (SPEC §10),
// resolved on both sides, so that an emitter can load it (Target, FK),
// filter by it and set it:
//
//	Book.author  Author?, relation(name=author_books)   FK: Book.authorId (added), Other: Author.books
//	Author.books List<Book>?, relation(name=author_books) FK: Book.authorId, List, Other: Book.author
//	Book.editor  Author?, relation(field=editorId, optional)  FK: Book.editorId
//	Book.ownerId int, parent=person                        FK: Book.ownerId itself (an id relation)
type Relation struct {
	Pos    Pos
	Target *Class // the related table class
	Name   string // `name=`, "" without one
	// FK is the stored foreign-key field: on this class for an object or
	// id relation, on Target for a list relation (and for the object side
	// of a 1:1 pair whose other side names the key with `field=`).
	FK *Field
	// List is the 1:n side, `List<Book>?`: the rows of Target whose FK
	// holds this row's id.
	List bool
	// Optional is true when FK is nullable: the related row may be absent.
	Optional bool
	// OnDelete and OnUpdate are the SQL referential actions of the FK
	// constraint: "CASCADE", "NO ACTION", "RESTRICT", "SET NULL", "SET DEFAULT".
	OnDelete, OnUpdate string
	// Other is the paired field on Target (by `name=`, or the one object
	// relation back), nil when the relation is one-sided.
	Other *Field
}

// ForeignKey is a FOREIGN KEY constraint of a table class: the column of
// Field references Target's id.
type ForeignKey struct {
	// Name is the constraint name, <table>_<column>_fkey (as Postgres
	// would name it): stable when fields are reordered, unique per table.
	Name   string
	Field  *Field // the stored foreign-key field of the class
	Target *Class
	// OnDelete and OnUpdate are SQL referential actions, as in Relation.
	OnDelete, OnUpdate string
	// Relation is the field that declares the relation (the object field,
	// or Field itself for an id relation).
	Relation *Field
}

// Default is a validated default value (`default=V`, SPEC §2.1) of a
// field of kind Bool, Int, Double, String, DateTime, Duration, UUID or
// EnumKind. Exactly one of its value fields is meaningful, chosen by the
// field's kind, unless Func is set.
type Default struct {
	Pos Pos
	// Func is "now" (DateTime), "random" or "random_v7" (UUID), or
	// "serial" (an int id): a value computed when the default applies.
	Func string

	Bool     bool
	Int      int64
	Double   float64
	String   string        // for String; for UUID the canonical form
	UUID     [16]byte      // for UUID: the bytes of String
	Time     time.Time     // UTC
	Duration time.Duration // whole milliseconds
	Enum     *EnumValue
}

// Serialized reports whether the field is part of the class's JSON (the
// wire form, or the stored form for a server-only field).
func (f *Field) Serialized() bool { return !f.NotSerialized }

// Kind is the shape of a Type.
type Kind int

// The kinds of SPEC §2 and §2.1.
const (
	Bool Kind = iota + 1
	Int
	Double
	String
	DateTime
	Duration
	ByteData
	UUID
	Uri    // SPEC §2.1: url.URL, a JSON string, text
	BigInt // SPEC §2.1: *big.Int (nil-able), a JSON decimal string, numeric
	EnumKind
	ClassKind
	List
	Map
	Set // SPEC §2.1: Set<T>, a Go map[T]struct{}, a sorted JSON array, json

	// NumKinds is one more than the last Kind: the length of a table
	// indexed by Kind (emit/kinds.go).
	NumKinds = iota + 1
)

// String names the kind: its YAML name ("int", "UuidValue", "List"), or
// "enum" and "class".
func (k Kind) String() string {
	switch k {
	case EnumKind:
		return "enum"
	case ClassKind:
		return "class"
	case List:
		return "List"
	case Map:
		return "Map"
	case Set:
		return "Set"
	}
	if s, ok := scalarNames[k]; ok {
		return s
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Type is a resolved field, parameter or result type.
type Type struct {
	Kind     Kind
	Nullable bool   // `T?` in YAML, a pointer in Go
	Elem     *Type  // element type of List and Set, value type of Map
	Key      *Type  // key type of Map: String (a JSON object) or a Keyable kind (an array of {"k","v"})
	Class    *Class // for ClassKind
	Enum     *Enum  // for EnumKind
}

// NilAble reports whether the Go type of the kind already has a nil value
// ([]T, map[string]T, []byte, *big.Int), so that `T?` does not add a pointer.
func (t *Type) NilAble() bool {
	return t.Kind == List || t.Kind == Map || t.Kind == Set || t.Kind == ByteData || t.Kind == BigInt
}

// Keyable reports whether values of the kind can be Set elements and the
// keys of a Map: Go compares them with == and podgen can sort them, so a
// set or map has one stable JSON form.
func (k Kind) Keyable() bool {
	switch k {
	case Bool, Int, Double, String, DateTime, Duration, UUID, EnumKind:
		return true
	}
	return false
}

// Defaultable reports whether fields of the kind may have a default
// (`default=V`, SPEC §2.1); emit's table of kinds renders each such kind's
// defaults.
func (k Kind) Defaultable() bool {
	switch k {
	case Bool, Int, Double, String, DateTime, Duration, UUID, EnumKind:
		return true
	}
	return false
}

// EntryMap reports whether t is a Map whose keys are not String: its JSON
// is Serverpod's array of {"k": key, "v": value}, not an object.
func (t *Type) EntryMap() bool { return t.Kind == Map && t.Key != nil && t.Key.Kind != String }

// Pointer reports whether the Go type is *T: nullable and not nil-able.
func (t *Type) Pointer() bool { return t.Nullable && !t.NilAble() }

// String spells the type as the protocol YAML does: `int?`,
// `List<String?>`, `Map<String,Company>`, the enum's or class's name.
func (t *Type) String() string {
	var s string
	switch t.Kind {
	case EnumKind:
		s = t.Enum.Name
	case ClassKind:
		s = t.Class.Name
	case List:
		s = "List<" + t.Elem.String() + ">"
	case Map:
		key := "String"
		if t.Key != nil {
			key = t.Key.String()
		}
		s = "Map<" + key + "," + t.Elem.String() + ">"
	case Set:
		s = "Set<" + t.Elem.String() + ">"
	default:
		s = scalarNames[t.Kind]
	}
	if t.Nullable {
		s += "?"
	}
	return s
}

// Enum is an `enum:` definition.
type Enum struct {
	Pos    Pos
	Name   string // Go type name ("Status")
	File   string // file name stem in pod/ and client/ ("status")
	Doc    string
	Values []*EnumValue // in YAML order

	// ByIndex is `serialized: byIndex`: the wire form is the value's
	// position (a JSON integer) and the column a bigint. The default,
	// byName, sends and stores the value's name.
	ByIndex bool
	// Default is `default: value`: an unknown name or index on input
	// becomes this value instead of an error. nil: unknown is an error.
	Default *EnumValue
	// ServerOnly enums (`serverOnly: true`) have no client copy.
	ServerOnly bool
}

// EnumValue is one of an enum's `values:`.
type EnumValue struct {
	Pos    Pos
	Name   string // as written and as sent on the wire ("archived")
	GoName string // the Go constant ("StatusArchived")
}

// Index is one entry of a table class's `indexes:`.
type Index struct {
	Pos    Pos
	Name   string
	Fields []*Field // in the order written
	Type   string   // btree, hash, gin, gist or brin
	Unique bool
}

// Endpoint is an exported struct type of the endpoints package whose name
// ends in "Endpoint".
type Endpoint struct {
	Pos      Pos
	GoName   string    // "ExampleEndpoint"
	WireName string    // "example"
	File     string    // file name stem in server/ and client/ ("example_endpoint")
	Doc      string    // the type's doc comment, without directives
	Methods  []*Method // sorted by WireName
	// Module is the podgen module that serves the endpoint ("auth"; its
	// WireName is "auth.email", its type is in package out/auth), "" for
	// the app's own endpoints.
	Module string
	Access Access // what //podgen:login and //podgen:scope on the type say
}

// Access is who may call a method: //podgen:login and //podgen:scope NAME
// on the method or its endpoint type (SPEC §11).
type Access struct {
	Login  bool     // a valid auth key is required (401 without)
	Scopes []string // its user must hold every one (403 without); implies Login
}

// Method is a served method of an endpoint.
type Method struct {
	Pos      Pos
	GoName   string // "Hello"
	WireName string // "hello"
	Doc      string
	Params   []*Param // after the *pod.Session, in declaration order
	Result   *Type    // nil for methods that return only error
	Access   Access   // the method's own directives merged with its endpoint's
}

// Param is one parameter of a served method. A parameter whose Type is
// Nullable (a pointer, or a nil-able slice or map) is optional on the wire.
type Param struct {
	Pos  Pos
	Name string // as written in Go; also the JSON key
	Type *Type
}

// Optional reports whether the parameter may be absent or null.
func (p *Param) Optional() bool { return p.Type.Nullable }

// FutureCall is an exported type of the endpoints package whose name ends
// in "FutureCall" and that has `Invoke(s *pod.Session, arg T) error`.
type FutureCall struct {
	Pos    Pos
	GoName string // "SendReminderFutureCall"
	Name   string // "SendReminder": the accessor s.FutureCalls.SendReminder and the stored name
	Doc    string
	Arg    *Type // the argument's type
}
