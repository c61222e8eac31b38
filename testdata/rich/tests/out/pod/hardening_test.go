package pod

import (
	"strings"
	"testing"
)

const companyJSON = `{"name":"Acme","foundedDate":%s,"numEmployees":1,` +
	`"headquarters":{"street":"s","city":"c","country":"x"},"offices":[],"tags":[],"status":"active","password":"pw"}`

// Every decoder of the app refuses a DateTime outside years 0001-9999 in
// UTC, naming the field: the wire form, the Global cache's stored form and
// json columns. Stored, such a date would fail every later read of its row.
func TestDecodersRefuseOutOfRangeDates(t *testing.T) {
	for _, date := range []string{`"9999-12-31T23:30:00-01:00"`, `"0001-01-01T00:30:00+01:00"`, `"0000-06-01T00:00:00Z"`} {
		doc := []byte(strings.Replace(companyJSON, "%s", date, 1))
		var c Company
		if err := c.UnmarshalJSON(doc); err == nil || !strings.Contains(err.Error(), `field "foundedDate"`) ||
			!strings.Contains(err.Error(), "0001-9999") {
			t.Errorf("wire %s: got %v", date, err)
		}
		if _, err := cacheDecode("Company", doc); err == nil || !strings.Contains(err.Error(), "foundedDate") {
			t.Errorf("cache %s: got %v", date, err)
		}
		var r Reminder
		sc := getScratch()
		err := r.DecodeJSON(sc.decoder([]byte(`{"message":"m","remindAt":` + date + `}`)))
		putScratch(sc)
		if err == nil || !strings.Contains(err.Error(), `"remindAt"`) {
			t.Errorf("json column %s: got %v", date, err)
		}
	}
}

// A NUL cannot be stored in Postgres text; every decoder refuses it with
// the path of the field.
func TestDecodersRefuseNUL(t *testing.T) {
	var c Company
	doc := strings.Replace(companyJSON, "%s", "null", 1)
	doc = strings.Replace(doc, `"tags":[]`, `"tags":["ok","a\u0000b"]`, 1)
	if err := c.UnmarshalJSON([]byte(doc)); err == nil || !strings.Contains(err.Error(), `field "tags[1]"`) ||
		!strings.Contains(err.Error(), "NUL") {
		t.Errorf("got %v", err)
	}
}

// Server-only fields are read from the stored form only (caches, json
// columns), at every depth; the wire form skips them like unknown keys.
func TestWireFormCannotSetServerOnlyFields(t *testing.T) {
	doc := []byte(strings.Replace(companyJSON, "%s", "null", 1))
	var wire Company
	if err := wire.UnmarshalJSON(doc); err != nil || wire.Password != "" {
		t.Errorf("wire: password %q, %v", wire.Password, err)
	}
	v, err := cacheDecode("Company", doc)
	if err != nil || v.(*Company).Password != "pw" {
		t.Errorf("cache: %+v, %v", v, err)
	}
	vault := []byte(`{"owner":"o","secret":{"label":"l","key":"k"},"spares":[{"label":"m","key":"k2"}]}`)
	var w Vault
	if err := w.UnmarshalJSON(vault); err != nil || w.Secret.Key != "" || w.Spares[0].Key != "" {
		t.Errorf("wire, nested: %+v, %v", w, err)
	}
	var col Vault
	sc := getScratch()
	err = decodeVaultSecret(sc.decoder([]byte(`{"label":"l","key":"k"}`)), &col)
	putScratch(sc)
	if err != nil || col.Secret.Key != "k" {
		t.Errorf("json column: %+v, %v", col, err)
	}
}
