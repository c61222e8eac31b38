package pod

import (
	"bytes"
	"math/big"
	"net"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// cacheSamples are values of every class of the rich app, each built by a
// function so that a second, untouched copy can be made for comparison.
func cacheSamples() map[string]func() []cacheValue {
	return map[string]func() []cacheValue{
		"AllTypes": func() []cacheValue { return ptrs(allTypes()) },
		"Company":  func() []cacheValue { return ptrs(companies()) },
		"Flat":     func() []cacheValue { return ptrs(flats()) },
		"Employee": func() []cacheValue { return ptrs([]Employee{sampleEmployee(1), sampleEmployee(2)}) },
		"Address":  func() []cacheValue { return ptrs([]Address{sampleAddress(0), sampleAddress(1)}) },
		"Reminder": func() []cacheValue {
			return ptrs([]Reminder{{Message: "m", RemindAt: someDate, Recipient: ptr("r")}, {}})
		},
	}
}

func ptrs[T any, P interface {
	*T
	cacheValue
}](vs []T) []cacheValue {
	out := make([]cacheValue, len(vs))
	for i := range vs {
		out[i] = P(&vs[i])
	}
	return out
}

// scribble changes every value reachable from v in place: through
// pointers, slices and maps, so any memory a copy still shares with v
// shows up as a difference.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			v.Set(reflect.ValueOf(t.Add(time.Hour)))
			return
		}
		if b, ok := v.Addr().Interface().(*big.Int); ok { // a BigInt's words are unexported
			b.Add(b, big.NewInt(1))
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() { // url.Userinfo's fields are unexported: it is immutable
				scribble(f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Int64, reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Uint8:
		v.SetUint(v.Uint() + 1)
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

func TestLocalCacheCopiesEveryKind(t *testing.T) {
	c := NewLocalCache(100)
	for class, build := range cacheSamples() {
		pristine := build()
		for i := range pristine {
			v := build()[i] // fresh: samples may share memory with each other
			key := class + strconv.Itoa(i)
			if err := c.Put(key, v, 0); err != nil {
				t.Fatal(err)
			}
			scribble(reflect.ValueOf(v)) // the caller changes its value after Put
			got, _ := c.Get(key)
			if !reflect.DeepEqual(got, pristine[i]) {
				t.Fatalf("%s: the cached value changed with the caller's:\n got  %+v\n want %+v", key, got, pristine[i])
			}
			scribble(reflect.ValueOf(got)) // one request changes what it got
			again, _ := c.Get(key)
			if !reflect.DeepEqual(again, pristine[i]) {
				t.Fatalf("%s: a Get's value is shared with the next Get", key)
			}
		}
	}
}

// testRedisAddr is PODGEN_TEST_REDIS_ADDR (default 127.0.0.1:6379); the
// test is skipped without a Redis, or fails when CI is set.
func testRedisAddr(t testing.TB) RedisConfig {
	t.Helper()
	addr := os.Getenv("PODGEN_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s is unreachable and CI is set: %v", addr, err)
		}
		t.Skipf("Redis at %s is unreachable: %v", addr, err)
	}
	conn.Close()
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return RedisConfig{Enabled: true, Host: host, Port: n}
}

// TestGlobalCacheEveryClass round-trips every class through Redis: the
// value comes back as the same type with every field, server-only ones
// (Company.Password, AllTypes.Secret and Token) included.
func TestGlobalCacheEveryClass(t *testing.T) {
	g := NewGlobalCache(testRedisAddr(t), "rich-test-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	defer g.Close()
	defer g.Clear()
	for class, build := range cacheSamples() {
		for i, v := range build() {
			key := class + strconv.Itoa(i)
			if err := g.Put(key, v, time.Minute); err != nil {
				t.Fatal(err)
			}
			got, err := g.Get(key)
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if reflect.TypeOf(got) != reflect.TypeOf(v) {
				t.Fatalf("%s: Get returned a %T, want %T", key, got, v)
			}
			// JSON is what Redis holds: invalid UTF-8 turns into U+FFFD and
			// times into UTC, as on the wire, so compare after one JSON trip.
			data, _ := v.appendStoredJSON(nil)
			local, err := cacheDecode(class, data)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := local.(cacheValue).appendStoredJSON(nil)
			have, _ := got.(cacheValue).appendStoredJSON(nil)
			if !bytes.Equal(have, want) {
				t.Fatalf("%s changed on the way through Redis:\n got  %s\n want %s", key, have, want)
			}
		}
	}
	c := sampleCompany(1)
	g.Put("secret", &c, 0)
	got, _ := g.Get("secret")
	if p := got.(*Company).Password; p != "never sent" {
		t.Fatalf("Company.Password (server-only) came back as %q", p)
	}
	a := allTypes()[0]
	g.Put("secret", &a, 0)
	got, _ = g.Get("secret")
	if at := got.(*AllTypes); at.Secret != "s3cret" || at.Token == nil || *at.Token != "tok" {
		t.Fatalf("AllTypes server-only fields came back as %q, %v", at.Secret, at.Token)
	}
}
