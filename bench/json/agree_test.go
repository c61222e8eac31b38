package jsonbench

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/bytedance/sonic"

	"golden.invalid/rich/pod"
)

// TestSonicNative makes sure sonic runs its JIT and not its fallback to
// encoding/json (which it picks on a Go release it does not support).
func TestSonicNative(t *testing.T) {
	if sonic.APIKind != sonic.UseSonicJSON {
		t.Fatalf("sonic falls back to encoding/json on this Go release: the sonic figures would be std's")
	}
}

// TestPeersAgree checks that every codec reads the benchmarks' input into
// the same value: the peers' mirrors equal the mirror of podgen's result,
// which equals the mirror of the sample.
func TestPeersAgree(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			data := c.input(t)
			var d pod.JSONDecoder
			got := c.fresh()
			if err := decodePodgen(&d, data, got); err != nil {
				t.Fatal(err)
			}
			want := c.toMirror(got)
			if !reflect.DeepEqual(want, c.mirror) {
				t.Fatalf("podgen decoded\n%+v\nwant\n%+v", want, c.mirror)
			}
			for _, p := range peers {
				m := c.freshMirror()
				if err := p.unmarshal(data, m); err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				if got := reflect.ValueOf(m).Elem().Interface(); !reflect.DeepEqual(got, want) {
					t.Errorf("%s decoded\n%+v\nwant\n%+v", p.name, got, want)
				}
			}
		})
	}
}

// TestPeersMarshal checks that what every peer writes for the mirror is
// the sample again when podgen reads it, and that encoding/json writes
// podgen's bytes exactly (the others may escape differently).
func TestPeersMarshal(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			ours := c.input(t)
			if std, err := stdjson.Marshal(c.mirror); err != nil || string(std) != string(ours) {
				t.Fatalf("encoding/json wrote (%v)\n%s\npodgen\n%s", err, std, ours)
			}
			for _, p := range peers {
				out, err := p.marshal(c.mirror)
				if err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				var d pod.JSONDecoder
				v := c.fresh()
				if err := decodePodgen(&d, out, v); err != nil {
					t.Fatalf("%s wrote what podgen cannot read (%v):\n%s", p.name, err, out)
				}
				if got := c.toMirror(v); !reflect.DeepEqual(got, c.mirror) {
					t.Errorf("%s wrote\n%s\nwhich reads as\n%+v\nwant\n%+v", p.name, out, got, c.mirror)
				}
			}
		})
	}
}
