// Package endpoints holds the rich app's endpoints: every type of SPEC §2
// as parameter and result, every kind of failure, and a future call.
package endpoints

import (
	"math/big"
	"net/url"
	"time"

	"example.com/rich/out/pod"
)

// TypesEndpoint echoes every type of SPEC §2, required and optional.
type TypesEndpoint struct{}

// Uri echoes a Uri.
func (e *TypesEndpoint) Uri(s *pod.Session, v url.URL) (url.URL, error) { return v, nil }

// UriOpt echoes an optional Uri.
func (e *TypesEndpoint) UriOpt(s *pod.Session, v *url.URL) (*url.URL, error) { return v, nil }

// BigInt echoes a BigInt (optional on the wire, as a nil-able kind).
func (e *TypesEndpoint) BigInt(s *pod.Session, v *big.Int) (*big.Int, error) { return v, nil }

// BigInts echoes a list of BigInts.
func (e *TypesEndpoint) BigInts(s *pod.Session, v []*big.Int) ([]*big.Int, error) { return v, nil }

// Bool echoes a bool.
func (e *TypesEndpoint) Bool(s *pod.Session, v bool) (bool, error) { return v, nil }

// BoolOpt echoes an optional bool.
func (e *TypesEndpoint) BoolOpt(s *pod.Session, v *bool) (*bool, error) { return v, nil }

// Int echoes an int.
func (e *TypesEndpoint) Int(s *pod.Session, v int64) (int64, error) { return v, nil }

// IntOpt echoes an optional int.
func (e *TypesEndpoint) IntOpt(s *pod.Session, v *int64) (*int64, error) { return v, nil }

// Double echoes a double.
func (e *TypesEndpoint) Double(s *pod.Session, v float64) (float64, error) { return v, nil }

// DoubleOpt echoes an optional double.
func (e *TypesEndpoint) DoubleOpt(s *pod.Session, v *float64) (*float64, error) { return v, nil }

// String echoes a string.
func (e *TypesEndpoint) String(s *pod.Session, v string) (string, error) { return v, nil }

// StringOpt echoes an optional string.
func (e *TypesEndpoint) StringOpt(s *pod.Session, v *string) (*string, error) { return v, nil }

// DateTime echoes a time.
func (e *TypesEndpoint) DateTime(s *pod.Session, v time.Time) (time.Time, error) { return v, nil }

// DateTimeOpt echoes an optional time.
func (e *TypesEndpoint) DateTimeOpt(s *pod.Session, v *time.Time) (*time.Time, error) { return v, nil }

// Duration echoes a duration.
func (e *TypesEndpoint) Duration(s *pod.Session, v time.Duration) (time.Duration, error) {
	return v, nil
}

// DurationOpt echoes an optional duration.
func (e *TypesEndpoint) DurationOpt(s *pod.Session, v *time.Duration) (*time.Duration, error) {
	return v, nil
}

// ByteData echoes bytes (nil is null).
func (e *TypesEndpoint) ByteData(s *pod.Session, v []byte) ([]byte, error) { return v, nil }

// Uuid echoes a UUID.
func (e *TypesEndpoint) Uuid(s *pod.Session, v pod.UUID) (pod.UUID, error) { return v, nil }

// UuidOpt echoes an optional UUID.
func (e *TypesEndpoint) UuidOpt(s *pod.Session, v *pod.UUID) (*pod.UUID, error) { return v, nil }

// Enum echoes an enum value.
func (e *TypesEndpoint) Enum(s *pod.Session, v pod.Status) (pod.Status, error) { return v, nil }

// EnumOpt echoes an optional enum value.
func (e *TypesEndpoint) EnumOpt(s *pod.Session, v *pod.Role) (*pod.Role, error) { return v, nil }

// Class echoes a class.
func (e *TypesEndpoint) Class(s *pod.Session, v pod.Address) (pod.Address, error) { return v, nil }

// ClassOpt echoes an optional class.
func (e *TypesEndpoint) ClassOpt(s *pod.Session, v *pod.Address) (*pod.Address, error) { return v, nil }

// List echoes a list.
func (e *TypesEndpoint) List(s *pod.Session, v []int64) ([]int64, error) { return v, nil }

// ListOfOpt echoes a list of optional strings.
func (e *TypesEndpoint) ListOfOpt(s *pod.Session, v []*string) ([]*string, error) { return v, nil }

// Map echoes a map.
func (e *TypesEndpoint) Map(s *pod.Session, v map[string]float64) (map[string]float64, error) {
	return v, nil
}

// Nested echoes lists of maps of lists of a class.
func (e *TypesEndpoint) Nested(s *pod.Session, v []map[string][]pod.Reminder) ([]map[string][]pod.Reminder, error) {
	return v, nil
}

// AllTypes echoes the class that holds every type.
func (e *TypesEndpoint) AllTypes(s *pod.Session, v pod.AllTypes) (pod.AllTypes, error) { return v, nil }

// Mixed takes required and optional parameters together and says what it got.
func (e *TypesEndpoint) Mixed(s *pod.Session, id int64, name *string, tags []string, role pod.Role) (string, error) {
	n := "<nil>"
	if name != nil {
		n = *name
	}
	return n + "/" + string(role), nil
}
