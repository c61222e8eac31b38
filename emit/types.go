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
	case schema.List:
		return jen.Index().Add(goType(t.Elem, models))
	case schema.Map:
		return jen.Map(jen.String()).Add(goType(t.Elem, models))
	}
	return kindOf(t).goType(t, models)
}
