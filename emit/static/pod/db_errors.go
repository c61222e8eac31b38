package pod

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// The database errors a caller can act on, found with errors.As:
//
//	var dup *pod.UniqueViolationError
//	if errors.As(err, &dup) && dup.Constraint == "employee_email_idx" { ... }
//
// Their messages name the table and the constraint, never the values
// (PostgreSQL's detail has them: it stays in Err). An endpoint that
// returns one unhandled still answers 500 without any of it.

// UniqueViolationError is an insert or update that would store a second
// row with the key of a unique index (SQLSTATE 23505).
type UniqueViolationError struct {
	Table, Constraint string
	Err               *pgconn.PgError
}

func (e *UniqueViolationError) Error() string {
	return "pod: table " + quoteIdent(e.Table) + ": unique constraint " + quoteIdent(e.Constraint) + " violated"
}

// Unwrap returns PostgreSQL's error.
func (e *UniqueViolationError) Unwrap() error { return e.Err }

// ForeignKeyViolationError is a row that references a missing row, or a
// delete of a row still referenced (SQLSTATE 23503).
type ForeignKeyViolationError struct {
	Table, Constraint string
	Err               *pgconn.PgError
}

func (e *ForeignKeyViolationError) Error() string {
	return "pod: table " + quoteIdent(e.Table) + ": foreign key " + quoteIdent(e.Constraint) + " violated"
}

// Unwrap returns PostgreSQL's error.
func (e *ForeignKeyViolationError) Unwrap() error { return e.Err }

// SerializationError is a transaction that PostgreSQL aborted because it
// conflicted with a concurrent one: a serialization failure (40001, in
// RepeatableRead and Serializable transactions) or a deadlock (40P01).
// Running the transaction again is the fix.
type SerializationError struct {
	Deadlock bool
	Err      *pgconn.PgError
}

func (e *SerializationError) Error() string {
	if e.Deadlock {
		return "pod: deadlock detected; run the transaction again"
	}
	return "pod: could not serialize the transaction; run it again"
}

// Unwrap returns PostgreSQL's error.
func (e *SerializationError) Unwrap() error { return e.Err }

// typed wraps a PostgreSQL error of the kinds above in its type.
func typed(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505":
		var done *UniqueViolationError
		if errors.As(err, &done) {
			return err
		}
		return &UniqueViolationError{Table: pe.TableName, Constraint: pe.ConstraintName, Err: pe}
	case "23503":
		var done *ForeignKeyViolationError
		if errors.As(err, &done) {
			return err
		}
		return &ForeignKeyViolationError{Table: pe.TableName, Constraint: pe.ConstraintName, Err: pe}
	case "40001", "40P01":
		var done *SerializationError
		if errors.As(err, &done) {
			return err
		}
		return &SerializationError{Deadlock: pe.Code == "40P01", Err: pe}
	}
	return err
}
