package emit

import (
	"testing"

	"github.com/podgen/podgen/schema"
)

func clientTestParams(optional ...bool) []*schema.Param {
	var ps []*schema.Param
	for i, o := range optional {
		ps = append(ps, &schema.Param{Name: string(rune('a' + i)), Type: &schema.Type{Kind: schema.Int, Nullable: o}})
	}
	return ps
}

func TestNeedsMember(t *testing.T) {
	tests := []struct {
		optional []bool
		want     bool
	}{
		{nil, false},
		{[]bool{true}, false},         // the only member: no comma ever
		{[]bool{false, true}, false},  // a required one first: commas known
		{[]bool{true, false}, true},   // comma before b depends on a
		{[]bool{true, true}, true},    // comma before b depends on a
		{[]bool{false, false}, false}, // all known
	}
	for _, tt := range tests {
		if got := clientNeedsMember(clientTestParams(tt.optional...)); got != tt.want {
			t.Errorf("clientNeedsMember(%v) = %v, want %v", tt.optional, got, tt.want)
		}
	}
}

func TestClientScopeKeepsParamsAndLocalsApart(t *testing.T) {
	names := []string{"b", "ctx", "err", "e", "e2", "ks", "key", "time", "r", "data", "d", "start", "ep", "keys", "ex"}
	var ps []*schema.Param
	for _, n := range names {
		ps = append(ps, &schema.Param{Name: n, Type: &schema.Type{Kind: schema.Int}})
	}
	sc := newClientScope(ps)
	want := map[string]string{"b": "b", "ctx": "ctx", "err": "errArg", "e": "eArg", "e2": "e2Arg",
		"ks": "ksArg", "key": "keyArg", "time": "time2", "keys": "keys", "ex": "ex"}
	seen := map[string]bool{}
	for _, p := range ps {
		got := sc.param[p]
		if w, ok := want[p.Name]; ok && got != w {
			t.Errorf("parameter %q named %q, want %q", p.Name, got, w)
		}
		seen[got] = true
	}
	for _, local := range []string{sc.recv, sc.ctx, sc.buf, sc.start, sc.data, sc.dec, sc.result, sc.err} {
		if seen[local] {
			t.Errorf("local %q is also a parameter's name", local)
		}
		seen[local] = true
	}
	if sc.err != "err" {
		t.Errorf("the method's own err is %q, want err", sc.err)
	}
}
