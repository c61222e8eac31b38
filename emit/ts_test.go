package emit

import (
	"reflect"
	"testing"

	"github.com/podgen/podgen/schema"
)

func TestTSParamNames(t *testing.T) {
	ps := func(names ...string) []*schema.Param {
		var out []*schema.Param
		for _, n := range names {
			out = append(out, &schema.Param{Name: n, Type: &schema.Type{Kind: schema.Int}})
		}
		return out
	}
	for _, tt := range []struct {
		in   []string
		want []string
	}{
		{nil, []string{"opts"}},
		{[]string{"id", "name"}, []string{"id", "name", "opts"}},
		{[]string{"new", "class", "this"}, []string{"new_", "class_", "this_", "opts"}},
		{[]string{"opts", "opts_"}, []string{"opts", "opts_", "opts__"}},
		{[]string{"in", "in_"}, []string{"in_", "in__", "opts"}},
	} {
		if got := tsParamNames(ps(tt.in...)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("tsParamNames(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTSTypes(t *testing.T) {
	str := &schema.Type{Kind: schema.String}
	lvl := &schema.Enum{Name: "Level", ByIndex: true}
	for _, tt := range []struct {
		t          *schema.Type
		typ, codec string
	}{
		{&schema.Type{Kind: schema.Int, Nullable: true}, "number | null", "$c0"},
		{&schema.Type{Kind: schema.List, Elem: &schema.Type{Kind: schema.String, Nullable: true}}, "(string | null)[]", "$c1"},
		{&schema.Type{Kind: schema.Map, Key: str, Elem: &schema.Type{Kind: schema.BigInt}}, "Record<string, bigint>", "$c0"},
		{&schema.Type{Kind: schema.Map, Key: &schema.Type{Kind: schema.EnumKind, Enum: lvl}, Elem: str}, "Map<Level, string>", "$c0"},
		{&schema.Type{Kind: schema.Set, Elem: &schema.Type{Kind: schema.DateTime}}, "Set<Date>", "$c0"},
		{&schema.Type{Kind: schema.ByteData}, "Uint8Array", "$bytes"},
	} {
		var c tsCodecs
		if got := tsTypeOf(tt.t); got != tt.typ {
			t.Errorf("tsTypeOf(%s) = %q, want %q", tt.t, got, tt.typ)
		}
		if got := c.of(tt.t); got != tt.codec {
			t.Errorf("codec of %s = %q (%v), want %q", tt.t, got, c.exprs, tt.codec)
		}
	}
}
