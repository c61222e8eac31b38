package pod

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Adapters between model fields and pgx, for the kinds pgx does not store
// the way SPEC §2 says (Duration as milliseconds, DateTime in UTC, enums
// as their names, UUID) or cannot scan without reflection. Each is a
// struct holding one pointer, so putting it in an `any` does not allocate.

// timeValue binds a DateTime in UTC (pgx would keep the wall clock of any
// other zone); a nil p is NULL.
type timeValue struct{ p *time.Time }

func (v timeValue) TimestampValue() (pgtype.Timestamp, error) {
	if v.p == nil {
		return pgtype.Timestamp{}, nil
	}
	return pgtype.Timestamp{Time: v.p.UTC(), Valid: true}, nil
}

// nullTimeScan scans a nullable DateTime.
type nullTimeScan struct{ p **time.Time }

func (s nullTimeScan) ScanTimestamp(v pgtype.Timestamp) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	t := v.Time.UTC()
	*s.p = &t
	return nil
}

// durationValue binds a Duration as bigint milliseconds; a nil p is NULL.
type durationValue struct{ p *time.Duration }

func (v durationValue) Int64Value() (pgtype.Int8, error) {
	if v.p == nil {
		return pgtype.Int8{}, nil
	}
	return pgtype.Int8{Int64: int64(*v.p / time.Millisecond), Valid: true}, nil
}

// durationScan scans bigint milliseconds into a Duration.
type durationScan struct{ p *time.Duration }

func (s durationScan) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		return errNull
	}
	*s.p = time.Duration(v.Int64) * time.Millisecond
	return nil
}

// nullDurationScan scans a nullable Duration.
type nullDurationScan struct{ p **time.Duration }

func (s nullDurationScan) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	d := time.Duration(v.Int64) * time.Millisecond
	*s.p = &d
	return nil
}

// uuidValue binds a UUID; a nil p is NULL.
type uuidValue[U ~[16]byte] struct{ p *U }

func (v uuidValue[U]) UUIDValue() (pgtype.UUID, error) {
	if v.p == nil {
		return pgtype.UUID{}, nil
	}
	return pgtype.UUID{Bytes: [16]byte(*v.p), Valid: true}, nil
}

// uuidScan scans a uuid column.
type uuidScan[U ~[16]byte] struct{ p *U }

func (s uuidScan[U]) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		return errNull
	}
	*s.p = U(v.Bytes)
	return nil
}

// nullUUIDScan scans a nullable uuid column.
type nullUUIDScan[U ~[16]byte] struct{ p **U }

func (s nullUUIDScan[U]) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	u := U(v.Bytes)
	*s.p = &u
	return nil
}

// enum is what a generated enum type offers.
type enum interface {
	~string
	Valid() bool
}

// enumValue binds an enum as its name; a nil p is NULL.
type enumValue[E enum] struct{ p *E }

func (v enumValue[E]) TextValue() (pgtype.Text, error) {
	if v.p == nil {
		return pgtype.Text{}, nil
	}
	return pgtype.Text{String: string(*v.p), Valid: true}, nil
}

// enumScan scans an enum stored as its name; a name the enum does not have
// (the enum changed, or someone wrote the table by hand) is an error.
type enumScan[E enum] struct{ p *E }

func (s enumScan[E]) ScanText(v pgtype.Text) error {
	if !v.Valid {
		return errNull
	}
	e := E(v.String)
	if !e.Valid() {
		f, ok := any(e).(enumFallback[E])
		if !ok {
			return errorf("unknown enum value %q", v.String)
		}
		e = f.fallback()
	}
	*s.p = e
	return nil
}

// enumFallback is what an enum with a `default:` offers: the value an
// unknown name or index becomes.
type enumFallback[E any] interface{ fallback() E }

// indexedEnum is what an enum with `serialized: byIndex` offers.
type indexedEnum[E any] interface {
	enum
	Index() int64
	atIndex(i int64) (E, bool)
}

// enumIndexValue binds a byIndex enum as its position; a nil p is NULL.
type enumIndexValue[E indexedEnum[E]] struct{ p *E }

func (v enumIndexValue[E]) Int64Value() (pgtype.Int8, error) {
	if v.p == nil {
		return pgtype.Int8{}, nil
	}
	return pgtype.Int8{Int64: (*v.p).Index(), Valid: true}, nil
}

// enumIndexScan scans a byIndex enum stored as its position; a position
// the enum does not have is an error, or its default.
type enumIndexScan[E indexedEnum[E]] struct{ p *E }

func (s enumIndexScan[E]) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		return errNull
	}
	var zero E
	e, ok := zero.atIndex(v.Int64)
	if !ok {
		f, has := any(zero).(enumFallback[E])
		if !has {
			return errorf("unknown enum index %d", v.Int64)
		}
		e = f.fallback()
	}
	*s.p = e
	return nil
}

// nullEnumIndexScan scans a nullable byIndex enum.
type nullEnumIndexScan[E indexedEnum[E]] struct{ p **E }

func (s nullEnumIndexScan[E]) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	var e E
	if err := (enumIndexScan[E]{&e}).ScanInt64(v); err != nil {
		return err
	}
	*s.p = &e
	return nil
}

// nullEnumScan scans a nullable enum.
type nullEnumScan[E enum] struct{ p **E }

func (s nullEnumScan[E]) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	var e E
	if err := (enumScan[E]{&e}).ScanText(v); err != nil {
		return err
	}
	*s.p = &e
	return nil
}

// jsonScan copies a json column's bytes into a reused buffer (nil for
// NULL); the generated code decodes them with the model's codec.
type jsonScan struct{ p *[]byte }

func (s jsonScan) ScanBytes(v []byte) error {
	if v == nil {
		*s.p = nil
		return nil
	}
	*s.p = append((*s.p)[:0], v...)
	return nil
}

// nonNilBytes stores a nil ByteData of a non-nullable column as empty bytes,
// not NULL.
func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

var errNull = errorf("NULL in a non-nullable column")

// jsonNull is what a NULL json column decodes from.
var jsonNull = []byte("null")

// jsonOrNull is b, or the JSON null for a NULL column.
func jsonOrNull(b []byte) []byte {
	if b == nil {
		return jsonNull
	}
	return b
}

// encodeColumn appends the JSON of a json column of v to b with enc and
// returns it as col (a slice of b that later appends leave intact).
func encodeColumn[M any](b []byte, v *M, enc func([]byte, *M) ([]byte, error)) (col, rest []byte, err error) {
	start := len(b)
	b, err = enc(b, v)
	return b[start:len(b):len(b)], b, err
}
