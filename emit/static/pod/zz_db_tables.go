package pod

// dbTables stands in for the generated db_tables.go, which gives DB one
// field per table class of the app. This file is not copied into apps.
type dbTables struct{}

func (t *dbTables) bind(*DB) {}

// decoder stands in for the generated scratch decoder of db_tables.go.
func (sc *scratch) decoder(b []byte) *JSONDecoder {
	d := NewJSONDecoder(b)
	d.ReadStoredForm()
	return d
}
