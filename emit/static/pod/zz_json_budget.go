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
