package emit

import (
	"bytes"
	"encoding/json"
)

// oasValue is a value of the OpenAPI document: a oasObj, a string, a
// bool, a number, a slice of oasValue or of strings.
type oasValue = any

// oasMember is one member of a oasObj.
type oasMember struct {
	Key   string
	Value oasValue
}

// oasObj is a JSON object that keeps its members in the order given, so
// that the document reads in a sensible order and is deterministic.
type oasObj []oasMember

func oasObject(members ...oasMember) oasObj { return oasObj(members) }

// oasRef is a reference to a schema of the document's components.
func oasRef(name string) oasObj {
	return oasObject(oasMember{"$ref", "#/components/schemas/" + name})
}

// MarshalJSON writes the members in order.
func (o oasObj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeOAS(&b, m.Key); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := writeOAS(&b, m.Value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeOAS appends v without HTML escaping ("<" stays "<").
func writeOAS(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}
