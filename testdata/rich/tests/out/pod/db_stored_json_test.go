package pod

import (
	"strings"
	"testing"
)

// A server-only field of a class held in a json column is stored and read
// back, while the JSON sent to clients leaves it out.
func TestStoredJSONKeepsServerOnlyFields(t *testing.T) {
	db := testDB(t)
	v := Vault{Owner: "ops", Secret: Secret{Label: "db", Key: "s3cr3t"},
		Spares: []Secret{{Label: "old", Key: "k0"}}}
	if err := db.Vault.Insert(&v); err != nil {
		t.Fatal(err)
	}
	got, err := db.Vault.FindByID(v.ID)
	if err != nil || got == nil {
		t.Fatalf("FindByID: %v, %v", got, err)
	}
	if got.Secret.Key != "s3cr3t" || len(got.Spares) != 1 || got.Spares[0].Key != "k0" {
		t.Errorf("server-only keys lost in the json columns: %+v", got)
	}
	wire, err := got.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(wire), "s3cr3t") || strings.Contains(string(wire), `"key"`) {
		t.Errorf("wire JSON carries a server-only field: %s", wire)
	}
	stored, err := got.appendStoredJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var back Vault
	if err := decodeStoredJSONDocument(stored, &back); err != nil || back.Secret.Key != "s3cr3t" || back.Spares[0].Key != "k0" {
		t.Errorf("stored JSON %s read back as %+v, %v", stored, back, err)
	}
	var wireBack Vault
	if err := wireBack.UnmarshalJSON(stored); err != nil || wireBack.Secret.Key != "" || wireBack.Spares[0].Key != "" {
		t.Errorf("the wire form set server-only fields from %s: %+v, %v", stored, wireBack, err)
	}
}
