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
//	Map<K,V>   → map[K]V        Company         → models.Company
//	Set<T>     → map[T]struct{} UuidValue       → models.UUID
//	DateTime   → time.Time
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
		return jen.Map(mapKeyType(t, models)).Add(goType(t.Elem, models))
	case schema.Set:
		return jen.Map(goType(t.Elem, models)).Struct()
	}
	return kindOf(t).goType(t, models)
}

// mapKeyType is the Go type of a Map's keys: string unless the YAML says
// otherwise.
func mapKeyType(t *schema.Type, models string) *jen.Statement {
	if t.Key == nil {
		return jen.String()
	}
	return goType(t.Key, models)
}
