package pod

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The Global-cache benchmark of issue 5 (make bench): Get of a Company with
// three employees through the Global cache, against what a hand-written
// app would do: a raw go-redis GET and encoding/json into a plain struct.
// Goal: within 10%.

func BenchmarkGlobalCacheGet(b *testing.B) {
	g := NewGlobalCache(testRedisAddr(b), "rich-bench-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	defer g.Close()
	defer g.Clear()
	c := sampleCompany(3)
	if err := g.Put("company", &c, time.Minute); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v, err := g.Get("company")
		if err != nil || v.(*Company).NumEmployees != 3 {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkGlobalRawRedisEncodingJSON(b *testing.B) {
	cfg := testRedisAddr(b)
	rdb := redis.NewClient(&redis.Options{Addr: cfg.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	key := "rich-bench-raw-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	data, err := json.Marshal(mirrorCompany(sampleCompany(3)))
	if err != nil {
		b.Fatal(err)
	}
	if err := rdb.Set(ctx, key, data, time.Minute).Err(); err != nil {
		b.Fatal(err)
	}
	defer rdb.Del(ctx, key)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		data, err := rdb.Get(ctx, key).Bytes()
		if err != nil {
			b.Fatal(err)
		}
		var m mCompany
		if err := json.Unmarshal(data, &m); err != nil || m.NumEmployees != 3 {
			b.Fatal(err)
		}
	}
}
