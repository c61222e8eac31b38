package pod

import (
	"encoding/binary"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// The rows of includes arrive as PostgreSQL records in the binary format:
// a record (ROW(...)) for an object include, an array of records
// (ARRAY(SELECT ROW(...) ...)) for a list. A record's fields are the related table's
// columns, in the order of its scan function, then its nested includes.
// recordRows shows the column fields to that scan function as a pgx.Rows
// whose Scan decodes them with the connection's type map, exactly as the
// columns of a row are decoded, so a record reads into the same struct
// through the same adapters.

// recordField is one field of a record: its type and its bytes (nil: NULL).
type recordField struct {
	oid  uint32
	data []byte
}

// recordReader reads records of table t, reusing its buffers from one
// record to the next.
type recordReader[C any] struct {
	t      *table[C]
	rows   recordRows
	fields []recordField
	sc     *scratch
}

func newRecordReader[C any](t *table[C], tm *pgtype.Map) *recordReader[C] {
	return &recordReader[C]{t: t, rows: recordRows{tm: tm}, sc: getScratch()}
}

func (r *recordReader[C]) close() { putScratch(r.sc) }

// read decodes the record b into v, and its nested includes into v's fields.
func (r *recordReader[C]) read(b []byte, v *C, nested []includer) error {
	var err error
	if r.fields, err = recordFields(b, r.fields[:0]); err != nil {
		return err
	}
	cols := len(r.t.columns)
	if len(r.fields) != cols+len(nested) {
		return errorf("a %q record has %d fields, want %d", r.t.name, len(r.fields), cols+len(nested))
	}
	r.rows.fields = r.fields[:cols]
	if err := r.t.scan(&r.rows, v, r.sc); err != nil {
		return err
	}
	// The nested includes read the fields after the columns (before the
	// next record reuses r.fields).
	for j, in := range nested {
		if err := in.decode(v, r.fields[cols+j].data, r.rows.tm); err != nil {
			return fmt.Errorf("%s: %w", in.name(), err)
		}
	}
	return nil
}

// recordFields appends the fields of the binary record b to out.
func recordFields(b []byte, out []recordField) ([]recordField, error) {
	n, b, ok := readInt32(b)
	if !ok || n < 0 {
		return out, errMalformedRecord
	}
	for i := int32(0); i < n; i++ {
		var oid, size int32
		if oid, b, ok = readInt32(b); !ok {
			return out, errMalformedRecord
		}
		if size, b, ok = readInt32(b); !ok {
			return out, errMalformedRecord
		}
		f := recordField{oid: uint32(oid)}
		if size >= 0 {
			if int(size) > len(b) {
				return out, errMalformedRecord
			}
			f.data, b = b[:size:size], b[size:]
		}
		out = append(out, f)
	}
	return out, nil
}

// arrayElements are the elements of the one-dimensional binary array b
// (nil, NULL: no elements).
func arrayElements(b []byte) ([][]byte, error) {
	if b == nil {
		return nil, nil
	}
	ndim, b, ok := readInt32(b)
	if !ok || ndim < 0 || ndim > 1 {
		return nil, errMalformedRecord
	}
	if ndim == 0 {
		return nil, nil
	}
	if len(b) < 16 {
		return nil, errMalformedRecord
	}
	n := int32(binary.BigEndian.Uint32(b[8:])) // after the null flag and the element type
	b = b[16:]                                 // and the lower bound
	if n < 0 || int(n) > len(b)/4 {
		return nil, errMalformedRecord
	}
	out := make([][]byte, 0, n)
	for i := int32(0); i < n; i++ {
		var size int32
		if size, b, ok = readInt32(b); !ok || size < 0 || int(size) > len(b) {
			return nil, errMalformedRecord // an ARRAY of ROW() has no NULL elements
		}
		out, b = append(out, b[:size:size]), b[size:]
	}
	return out, nil
}

var errMalformedRecord = errorf("malformed record from the database")

func readInt32(b []byte) (int32, []byte, bool) {
	if len(b) < 4 {
		return 0, b, false
	}
	return int32(binary.BigEndian.Uint32(b)), b[4:], true
}

// recordRows is a record's column fields as the pgx.Rows of one row, for
// the generated scan functions: only Scan does anything.
type recordRows struct {
	fields []recordField
	tm     *pgtype.Map
}

// Scan decodes the fields into dest (a nil dest skips its field).
func (r *recordRows) Scan(dest ...any) error {
	if len(dest) != len(r.fields) {
		return errorf("scanning a record of %d fields into %d targets", len(r.fields), len(dest))
	}
	for i, d := range dest {
		if d == nil {
			continue
		}
		if err := r.tm.Scan(r.fields[i].oid, pgtype.BinaryFormatCode, r.fields[i].data, d); err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
	}
	return nil
}

func (r *recordRows) Close()                                       {}
func (r *recordRows) Err() error                                   { return nil }
func (r *recordRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (r *recordRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (r *recordRows) Next() bool                                   { return false }
func (r *recordRows) Values() ([]any, error)                       { return nil, errorf("Values of a record") }
func (r *recordRows) Conn() *pgx.Conn                              { return nil }
func (r *recordRows) TypeMap() *pgtype.Map                         { return r.tm }

// RawValues are the fields' bytes.
func (r *recordRows) RawValues() [][]byte {
	out := make([][]byte, len(r.fields))
	for i, f := range r.fields {
		out[i] = f.data
	}
	return out
}
