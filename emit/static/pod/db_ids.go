package pod

import "github.com/jackc/pgx/v5/pgtype"

// uuidID binds the UUID id of a row (a table class with `id: UuidValue?`).
// The zero UUID binds NULL, so that an insert's COALESCE falls back to the
// column's default; it prints as the UUID, for messages.
type uuidID[U interface {
	~[16]byte
	String() string
}] struct{ u U }

func (v uuidID[U]) UUIDValue() (pgtype.UUID, error) {
	if [16]byte(v.u) == [16]byte{} {
		return pgtype.UUID{}, nil
	}
	return pgtype.UUID{Bytes: [16]byte(v.u), Valid: true}, nil
}

func (v uuidID[U]) String() string { return v.u.String() }
