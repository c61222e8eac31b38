package pod

import (
	"encoding/json"
	"fmt"
)

// This file stands in for the generated pod/cache_classes.go so that the
// caches compile and are tested here; it is not copied into apps.

// cacheTestItem is a protocol class as the generator would write it, with
// the kinds of fields a deep copy must follow.
type cacheTestItem struct {
	Name  string            `json:"name"`
	Tags  []string          `json:"tags"`
	Score *int64            `json:"score"`
	Attrs map[string]string `json:"attrs"`
	Next  *cacheTestItem    `json:"next"`
}

func (v *cacheTestItem) cacheClass() string {
	if v == nil {
		return ""
	}
	return "cacheTestItem"
}

func (v *cacheTestItem) cacheCopy() any {
	if v == nil {
		return nil
	}
	c := new(cacheTestItem)
	v.deepCopy(c)
	return c
}

func (v *cacheTestItem) deepCopy(dst *cacheTestItem) {
	*dst = *v
	if v.Tags != nil {
		dst.Tags = append([]string(nil), v.Tags...)
	}
	if v.Score != nil {
		p := *v.Score
		dst.Score = &p
	}
	if v.Attrs != nil {
		dst.Attrs = make(map[string]string, len(v.Attrs))
		for k, e := range v.Attrs {
			dst.Attrs[k] = e
		}
	}
	if v.Next != nil {
		dst.Next = new(cacheTestItem)
		v.Next.deepCopy(dst.Next)
	}
}

type cacheTestItemJSON cacheTestItem // without the methods, for encoding/json

func (v *cacheTestItem) appendStoredJSON(b []byte) ([]byte, error) {
	data, err := json.Marshal((*cacheTestItemJSON)(v))
	return append(b, data...), err
}

func cacheDecode(class string, data []byte) (any, error) {
	switch class {
	case "cacheTestItem":
		v := new(cacheTestItem)
		return v, json.Unmarshal(data, (*cacheTestItemJSON)(v))
	}
	return nil, fmt.Errorf("unknown class %q (stored by another version of the app?)", class)
}

// cacheTestUser is a flat class (no lists, maps or pointers): the usual
// shape of a cached record, whose copy is one allocation.
type cacheTestUser struct {
	ID      int64
	Name    string
	Email   string
	Score   float64
	Active  bool
	Created int64
}

func (v *cacheTestUser) cacheClass() string {
	if v == nil {
		return ""
	}
	return "cacheTestUser"
}

func (v *cacheTestUser) cacheCopy() any {
	if v == nil {
		return nil
	}
	c := new(cacheTestUser)
	*c = *v
	return c
}

func (v *cacheTestUser) appendStoredJSON(b []byte) ([]byte, error) {
	data, err := json.Marshal(*v)
	return append(b, data...), err
}
