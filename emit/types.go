package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// goType returns the Go type of t, with class, enum and UUID names taken
// from the package at models (the pod or the client import path):
//
//	int        → int64          int?            → *int64
//	List<T>    → []T            List<T>?        → []T (nil is null)
//	Map<...,T> → map[string]T   Company         → models.Company
//	DateTime   → time.Time      UuidValue       → models.UUID
func goType(t *schema.Type, models string) *jen.Statement {
	base := baseType(t, models)
	if t.Pointer() {
		return jen.Op("*").Add(base)
	}
	return base
}

// baseType is goType without the pointer of a nullable value kind.
func baseType(t *schema.Type, models string) *jen.Statement {
	switch t.Kind {
	case schema.Bool:
		return jen.Bool()
	case schema.Int:
		return jen.Int64()
	case schema.Double:
		return jen.Float64()
	case schema.String:
		return jen.String()
	case schema.DateTime:
		return jen.Qual("time", "Time")
	case schema.Duration:
		return jen.Qual("time", "Duration")
	case schema.ByteData:
		return jen.Index().Byte()
	case schema.UUID:
		return jen.Qual(models, "UUID")
	case schema.EnumKind:
		return jen.Qual(models, t.Enum.Name)
	case schema.ClassKind:
		return jen.Qual(models, t.Class.Name)
	case schema.List:
		return jen.Index().Add(goType(t.Elem, models))
	case schema.Map:
		return jen.Map(jen.String()).Add(goType(t.Elem, models))
	}
	panic("emit: unknown kind") // unreachable: schema resolves every type
}
