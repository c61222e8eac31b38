package pod

import (
	"fmt"
	"testing"
)

type testUUID [16]byte

func (u testUUID) String() string { return fmt.Sprintf("%x", [16]byte(u)) }

// TestUUIDID: the zero UUID binds NULL (so an insert's COALESCE takes the
// column default), any other binds its bytes; it prints as the UUID.
func TestUUIDID(t *testing.T) {
	v, err := uuidID[testUUID]{}.UUIDValue()
	if err != nil || v.Valid {
		t.Errorf("zero id binds %+v, %v; want NULL", v, err)
	}
	u := testUUID{1, 2, 3}
	v, err = uuidID[testUUID]{u}.UUIDValue()
	if err != nil || !v.Valid || v.Bytes != [16]byte(u) {
		t.Errorf("id binds %+v, %v; want its bytes", v, err)
	}
	if s := fmt.Sprintf("%v", any(uuidID[testUUID]{u})); s != u.String() {
		t.Errorf("%%v of an id = %q, want %q", s, u.String())
	}
}
