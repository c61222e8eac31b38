package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"example.com/rich/out/client"
)

// TestClientRoundTrip starts the rich app's server and sends every type of
// SPEC §2 through the generated client to an endpoint that echoes it:
// required and optional, present and null, and extreme values.
func TestClientRoundTrip(t *testing.T) {
	c := client.New(clientServerURL(t))
	ty := c.Types

	t.Run("bool", func(t *testing.T) {
		echo(t, ty.Bool, true, true)
		echo(t, ty.Bool, false, false)
		echo(t, ty.BoolOpt, nil, nil)
		echo(t, ty.BoolOpt, ptr(false), ptr(false))
	})
	t.Run("int", func(t *testing.T) {
		for _, v := range []int64{0, -1, math.MaxInt64, math.MinInt64} {
			echo(t, ty.Int, v, v)
		}
		echo(t, ty.IntOpt, nil, nil)
		echo(t, ty.IntOpt, ptr(int64(math.MinInt64)), ptr(int64(math.MinInt64)))
	})
	t.Run("double", func(t *testing.T) {
		for _, v := range []float64{0, -1.5, 1e-300, math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 53} {
			echo(t, ty.Double, v, v)
		}
		echo(t, ty.DoubleOpt, nil, nil)
		echo(t, ty.DoubleOpt, ptr(0.1), ptr(0.1))
		_, err := ty.Double(clientCtx(t), math.NaN())
		wantClientError(t, err, 0, `parameter "v"`) // JSON cannot carry NaN: never sent
	})
	t.Run("string", func(t *testing.T) {
		big := strings.Repeat("abcdefghij", 100_000) // 1 MB, under the 1 MiB body limit
		for _, v := range []string{"", "héllo, 世界 🎉", "quote \" backslash \\ soh \x01 tab \t </script>\u2028", big} {
			echo(t, ty.String, v, v)
		}
		echo(t, ty.String, "bad \xff utf-8", "bad \uFFFD utf-8") // as encoding/json does
		echo(t, ty.StringOpt, nil, nil)
		echo(t, ty.StringOpt, ptr(""), ptr(""))
		_, err := ty.String(clientCtx(t), strings.Repeat("x", 2<<20))
		wantClientError(t, err, 413, "")
	})
	t.Run("DateTime", func(t *testing.T) {
		nano := time.Date(2026, 11, 23, 18, 35, 1, 123456789, time.UTC)
		for _, v := range []time.Time{nano, {}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)} {
			echo(t, ty.DateTime, v, v)
		}
		east := time.FixedZone("UTC+5", 5*3600)
		echo(t, ty.DateTime, nano.In(east), nano) // any zone in, UTC out
		echo(t, ty.DateTimeOpt, nil, nil)
		echo(t, ty.DateTimeOpt, &nano, &nano)
		_, err := ty.DateTime(clientCtx(t), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		wantClientError(t, err, 0, `parameter "v"`)
	})
	t.Run("Duration", func(t *testing.T) {
		for _, v := range []time.Duration{0, 1500 * time.Millisecond, -3 * time.Second, 1000 * time.Hour} {
			echo(t, ty.Duration, v, v)
		}
		echo(t, ty.Duration, 1500*time.Microsecond, time.Millisecond) // milliseconds on the wire
		echo(t, ty.DurationOpt, nil, nil)
		echo(t, ty.DurationOpt, ptr(time.Minute), ptr(time.Minute))
	})
	t.Run("ByteData", func(t *testing.T) {
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		echo(t, ty.ByteData, all, all)
		echo(t, ty.ByteData, bytes.Repeat([]byte{0xff, 0}, 100_000), bytes.Repeat([]byte{0xff, 0}, 100_000))
		got, err := ty.ByteData(clientCtx(t), nil)
		if err != nil || len(got) != 0 {
			t.Errorf("ByteData(nil) = %v, %v; want empty", got, err)
		}
	})
	t.Run("UuidValue", func(t *testing.T) {
		u, err := client.ParseUUID("f47ac10b-58cc-4372-a567-0e02b2c3d479")
		if err != nil {
			t.Fatal(err)
		}
		echo(t, ty.Uuid, u, u)
		echo(t, ty.Uuid, client.UUID{}, client.UUID{})
		echo(t, ty.UuidOpt, nil, nil)
		echo(t, ty.UuidOpt, &u, &u)
	})
	t.Run("enum", func(t *testing.T) {
		echo(t, ty.Enum, client.StatusArchived, client.StatusArchived)
		echo(t, ty.EnumOpt, nil, nil)
		echo(t, ty.EnumOpt, ptr(client.RoleManager), ptr(client.RoleManager))
		_, err := ty.Enum(clientCtx(t), client.Status("deleted"))
		wantClientError(t, err, 400, `"deleted"`)
	})
	t.Run("class", func(t *testing.T) {
		a := client.Address{Street: "1 Rue de l'Été", City: "Zürich", Country: "CH"}
		echo(t, ty.Class, a, a)
		a.Zip = ptr("8001")
		echo(t, ty.Class, a, a)
		echo(t, ty.ClassOpt, nil, nil)
		echo(t, ty.ClassOpt, &a, &a)
		echo(t, ty.Class, client.Address{}, client.Address{})
	})
	t.Run("List", func(t *testing.T) {
		echo(t, ty.List, []int64{math.MaxInt64, 0, math.MinInt64}, []int64{math.MaxInt64, 0, math.MinInt64})
		echo(t, ty.List, []int64{}, []int64{})
		echo(t, ty.List, nil, []int64{}) // a nil list is left out; the server answers []
		echo(t, ty.ListOfOpt, []*string{nil, ptr("x"), nil}, []*string{nil, ptr("x"), nil})
	})
	t.Run("Map", func(t *testing.T) {
		m := map[string]float64{"": 0, "a": 1.5, "ü 世界": -2, "\"quoted\"": math.MaxFloat64}
		echo(t, ty.Map, m, m)
		echo(t, ty.Map, map[string]float64{}, map[string]float64{})
		echo(t, ty.Map, nil, map[string]float64{})
	})
	t.Run("nested", func(t *testing.T) {
		at := time.Date(2030, 1, 1, 0, 0, 0, 1, time.UTC)
		v := []map[string][]client.Reminder{
			{"a": {{Message: "m1", RemindAt: at}, {Message: "m2", RemindAt: at, Recipient: ptr("r")}}, "b": {}},
			{},
		}
		echo(t, ty.Nested, v, v)
	})
	t.Run("Uri", func(t *testing.T) {
		for _, raw := range []string{"", "https://user:pw@example.com:8443/a%20b/%C3%A4?q=1&q=2#frag", "mailto:x@y.z", "/rel?x", "urn:isbn:0451450523"} {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			echo(t, ty.Uri, *u, *u)
			echo(t, ty.UriOpt, u, u)
		}
		echo(t, ty.UriOpt, nil, nil)
	})
	t.Run("BigInt", func(t *testing.T) {
		beyond, _ := new(big.Int).SetString("-123456789012345678901234567890123456789", 10)
		for _, v := range []*big.Int{big.NewInt(0), big.NewInt(math.MinInt64), beyond, new(big.Int).Lsh(big.NewInt(1), 200)} {
			echo(t, ty.BigInt, v, v)
		}
		// A nil-able kind: the parameter is optional (nil is sent as null),
		// while a result or list element spelled *big.Int is required, so
		// nil comes back as "0", as a nil []byte comes back as "".
		zero := new(big.Int)
		zero.SetString("0", 10) // the representation decoding "0" gives
		echo(t, ty.BigInt, nil, zero)
		echo(t, ty.BigInts, []*big.Int{beyond, nil, big.NewInt(7)}, []*big.Int{beyond, zero, big.NewInt(7)})
	})
	t.Run("AllTypes", func(t *testing.T) {
		full := fullAllTypes(t)
		echo(t, ty.AllTypes, full, full)
		minimal := client.AllTypes{UUIDVal: full.UUIDVal, EnumVal: client.StatusActive}
		got, err := ty.AllTypes(clientCtx(t), minimal)
		if err != nil {
			t.Fatal(err)
		}
		minimal.ListVal, minimal.MapVal, minimal.ListOfOpt = []int64{}, map[string]float64{}, []*string{}
		minimal.MapOfOpt, minimal.EnumList = map[string]*int64{}, []client.Role{}
		minimal.URIList, minimal.BigList = []url.URL{}, []*big.Int{}
		if got.BigVal == nil || got.BigVal.Sign() != 0 {
			t.Errorf("AllTypes(minimal): BigVal = %v, want 0 (nil is sent as \"0\")", got.BigVal)
		}
		minimal.BigVal = got.BigVal
		minimal.BytesVal = got.BytesVal // "" on the wire: nil or empty, both fine
		if len(got.BytesVal) != 0 || !reflect.DeepEqual(got, minimal) {
			t.Errorf("AllTypes(minimal):\n got %+v\nwant %+v", got, minimal)
		}
	})
	t.Run("mixed parameters", func(t *testing.T) {
		mixed := func(name *string, tags []string, want string) {
			t.Helper()
			got, err := ty.Mixed(clientCtx(t), 7, name, tags, client.RoleDesigner)
			if err != nil || got != want {
				t.Errorf("Mixed = %q, %v; want %q", got, err, want)
			}
		}
		mixed(nil, nil, "<nil>/designer")
		mixed(ptr("n"), []string{"a"}, "n/designer")
		mixed(ptr(""), nil, "/designer")
	})
	t.Run("exceptions and failures", func(t *testing.T) { clientFailures(t, c) })
}

// clientFailures checks every way a call can fail, as the client sees it.
func clientFailures(t *testing.T, c *client.Client) {
	if err := c.Calls.Nothing(clientCtx(t)); err != nil {
		t.Errorf("Nothing: %v", err)
	}
	_, err := c.Calls.NotFound(clientCtx(t), math.MaxInt64)
	var nf *client.NotFound
	if !errors.As(err, &nf) || nf.ID != math.MaxInt64 {
		t.Errorf("NotFound: got %T %v, want *client.NotFound{ID: MaxInt64}", err, err)
	}
	err = c.Calls.Invalid(clientCtx(t), "näme")
	var ii *client.InvalidInput
	if !errors.As(err, &ii) || ii.Field != "näme" || ii.Reason != "not acceptable" {
		t.Errorf("Invalid: got %T %v, want *client.InvalidInput", err, err)
	}
	err = c.Calls.Internal(clientCtx(t))
	wantClientError(t, err, 500, "")
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("Internal leaked its cause: %v", err)
	}
	_, err = c.Calls.Panic(clientCtx(t))
	wantClientError(t, err, 500, "")
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("Panic leaked its cause: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Calls.Slow(ctx, 10_000)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Slow past its deadline: got %v, want context.DeadlineExceeded", err)
	}
	wantClientError(t, err, 0, "")
	if got, err := c.Calls.Slow(clientCtx(t), 1); err != nil || got != "done" {
		t.Errorf("Slow(1) = %q, %v; the server must still answer", got, err)
	}
	if id, err := c.Calls.ServerID(clientCtx(t)); err != nil || id != 0 {
		t.Errorf("ServerID = %d, %v; want 0", id, err)
	}
}

// TestClientUnreachable: a transport failure is an *Error with status 0.
func TestClientUnreachable(t *testing.T) {
	c := client.New("http://127.0.0.1:1/")
	err := c.Calls.Nothing(clientCtx(t))
	wantClientError(t, err, 0, "")
}

// echo calls an echo method with in and checks that it answers want.
func echo[T any](t *testing.T, call func(context.Context, T) (T, error), in, want T) {
	t.Helper()
	got, err := call(clientCtx(t), in)
	if err != nil {
		t.Errorf("echo %s: %v", short(in), err)
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("echo:\n got %s\nwant %s", short(got), short(want))
	}
}

// short formats v for a failure message: what a pointer points to, and
// no more than 200 bytes of it (some values are 1 MB).
func short(v any) string {
	r := reflect.ValueOf(v)
	if r.Kind() == reflect.Pointer && !r.IsNil() {
		v = r.Elem().Interface()
	}
	s := fmt.Sprintf("%+v", v)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// wantClientError checks that err is a *client.Error with the status and
// a message that contains msg.
func wantClientError(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) {
		t.Errorf("got %T %v, want *client.Error", err, err)
		return
	}
	if ce.StatusCode != status || !strings.Contains(ce.Message, msg) {
		t.Errorf("got *client.Error{%d, %q}, want status %d and a message with %q", ce.StatusCode, ce.Message, status, msg)
	}
}

func ptr[T any](v T) *T { return &v }

// fullAllTypes is an AllTypes with every field set.
func fullAllTypes(t *testing.T) client.AllTypes {
	u, err := client.ParseUUID("00000000-0000-0000-0000-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
	addr := client.Address{Street: "s", City: "c", Zip: ptr("z"), Country: "k"}
	return client.AllTypes{
		ID: 9, BoolVal: true, BoolOpt: ptr(false), IntVal: math.MinInt64, IntOpt: ptr(int64(-1)),
		DoubleVal: -0.5, DoubleOpt: ptr(1e100), StringVal: "str", StringOpt: ptr("ü"),
		DateTimeVal: at, DateTimeOpt: &at, DurationVal: time.Hour, DurationOpt: ptr(-time.Millisecond),
		BytesVal: []byte{1, 2}, BytesOpt: []byte{}, UUIDVal: u, UUIDOpt: &u,
		EnumVal: client.StatusSuspended, EnumOpt: ptr(client.RoleEngineer),
		ClassVal: addr, ClassOpt: &addr, ListVal: []int64{1}, ListOpt: []string{"a", ""},
		MapVal: map[string]float64{"x": 1}, MapOpt: map[string]client.Address{"home": addr},
		ListOfOpt: []*string{nil, ptr("b")}, MapOfOpt: map[string]*int64{"n": nil, "one": ptr(int64(1))},
		EnumList: []client.Role{client.RoleManager, client.RoleDesigner},
		URIVal:   url.URL{Scheme: "https", Host: "example.com", Path: "/p q"}, URIOpt: &url.URL{Path: "rel"},
		BigVal: new(big.Int).Lsh(big.NewInt(-3), 100), BigOpt: big.NewInt(5),
		URIList: []url.URL{{Scheme: "mailto", Opaque: "a@b.c"}}, BigList: []*big.Int{nil, big.NewInt(-9)},
		Nested: []map[string][]client.Reminder{{"r": {{Message: "m", RemindAt: at}}}},
		Draft:  ptr("draft"), Scratch: ptr(int64(3)),
	}
}
