package pod

import "github.com/podgen/podgen/emit/static/models"

// These stand in for the JSON helpers that apps get in pod from
// static/models, so that the server plumbing can use them here. This file
// is not copied into apps.
type (
	JSONBudget = models.JSONBudget
	JSONPool   = models.JSONPool
)

var (
	NewJSONPool     = models.NewJSONPool
	ErrJSONBusy     = models.ErrJSONBusy
	ErrJSONTooLarge = models.ErrJSONTooLarge
)

// The decoder and helpers the database code uses for json columns and
// includes; apps have them from static/models too.
type JSONDecoder = models.JSONDecoder

var (
	NewJSONDecoder = models.NewJSONDecoder
	JSONIndexError = models.JSONIndexError
)

func ExtendJSONSlice[T any](d *JSONDecoder, s []T) []T { return models.ExtendJSONSlice(d, s) }
