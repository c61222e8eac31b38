package pod

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLogSettingsDefaults(t *testing.T) {
	dev, prod := DefaultLogSettings("development"), DefaultLogSettings("production")
	if !dev.LogAllSessions || prod.LogAllSessions || dev.LogAllQueries || prod.LogAllQueries {
		t.Fatalf("all sessions in development only, no query by default: %+v / %+v", dev, prod)
	}
	want := `{"logLevel":"info","logAllSessions":false,"logAllQueries":false,` +
		`"slowSessionThresholdMs":1000,"slowQueryThresholdMs":100,"retentionDays":30}`
	if got := string(prod.AppendJSON(nil)); got != want {
		t.Fatalf("JSON %s, want %s", got, want)
	}
}

func TestLogSettingsJSON(t *testing.T) {
	v := LogSettings{LogLevel: LogLevelFatal, LogAllSessions: true, LogAllQueries: true,
		SlowSessionThreshold: 2500 * time.Millisecond, SlowQueryThreshold: 0, RetentionDays: 7}
	var back LogSettings
	if err := back.DecodeJSON(v.AppendJSON(nil)); err != nil || back != v {
		t.Fatalf("round trip: %+v, %v, want %+v", back, err, v)
	}
	// A subset changes only its keys.
	partial := DefaultLogSettings("production")
	if err := partial.DecodeJSON([]byte(` {"logLevel": "warning", "slowQueryThresholdMs": 20} `)); err != nil {
		t.Fatal(err)
	}
	want := DefaultLogSettings("production")
	want.LogLevel, want.SlowQueryThreshold = LogLevelWarning, 20*time.Millisecond
	if partial != want {
		t.Fatalf("partial: %+v, want %+v", partial, want)
	}
	for _, bad := range []struct{ in, msg string }{
		{`{"logLevel":"loud"}`, `"logLevel": want one of`},
		{`{"logAllSessions":1}`, `"logAllSessions": want true or false`},
		{`{"retentionDays":0}`, `"retentionDays": want at least 1`},
		{`{"retentionDays":36501}`, `"retentionDays": want at most 36500`},
		{`{"retentionDays":2147483648}`, `"retentionDays": want`},
		{`{"slowQueryThresholdMs":-5}`, `"slowQueryThresholdMs": want a whole number`},
		{`{"slowQueryThresholdMs":1.5}`, `"slowQueryThresholdMs": want a whole number`},
		{`{"slowQueryThresholdMs":"5"}`, `"slowQueryThresholdMs": want a whole number`},
		{`{"logAllQueries":true,"colour":"red"}`, `"colour": unknown setting`},
		{`[]`, `want a JSON object`},
		{`{"logAllQueries":true} {}`, `data after the JSON object`},
		{`{"logAllQueries":true`, `log settings`},
	} {
		v := DefaultLogSettings("production")
		err := v.DecodeJSON([]byte(bad.in))
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%s: %v, want an error with %q", bad.in, err, bad.msg)
		}
		if v != DefaultLogSettings("production") {
			t.Errorf("%s: changed the settings to %+v", bad.in, v)
		}
	}
}

// TestLogSettingsStore: Put stores for the cluster, a second server's
// store sees it on its next load, and a missing table or database keeps
// the defaults with a single warning.
func TestLogSettingsStore(t *testing.T) {
	_, pool := logsDatabase(t)
	ctx := context.Background()
	a, b := NewLogSettingsStore("production"), NewLogSettingsStore("production")
	if err := b.Load(ctx, pool); err != nil || *b.Get() != DefaultLogSettings("production") {
		t.Fatalf("no row: %+v, %v, want the defaults", *b.Get(), err)
	}
	v := allOn()
	v.SlowQueryThreshold = 20 * time.Millisecond
	if err := a.Put(ctx, pool, v); err != nil || *a.Get() != v {
		t.Fatalf("Put: %+v, %v", *a.Get(), err)
	}
	if *b.Get() == v {
		t.Fatal("b changed before loading")
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go b.Run(runCtx, pool, slog.Default(), 20*time.Millisecond)
	for deadline := time.Now().Add(3 * time.Second); *b.Get() != v; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("b still has %+v, want %+v", *b.Get(), v)
		}
	}
	v.LogLevel = LogLevelError
	if err := a.Put(ctx, pool, v); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(3 * time.Second); *b.Get() != v; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("b missed the second Put: %+v", *b.Get())
		}
	}
}

func TestLogSettingsStoreWithoutTable(t *testing.T) {
	_, pool := logsDatabase(t)
	if _, err := NewDB(context.Background(), pool).Exec(`DROP TABLE "pod_runtime_settings"`); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	s := NewLogSettingsStore("development")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, pool, log, 10*time.Millisecond); close(done) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	<-done
	if *s.Get() != DefaultLogSettings("development") {
		t.Fatalf("settings %+v, want the defaults", *s.Get())
	}
	if n := strings.Count(out.String(), "cannot load the runtime settings"); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, out.String())
	}
	var du *DatabaseUnavailableError
	if err := s.Put(context.Background(), nil, allOn()); !errors.As(err, &du) {
		t.Fatalf("Put without a database: %v", err)
	}
}

// TestLogSettingsUpdate: concurrent updates of different keys through
// different servers all land (the row is locked, merged, validated and
// written in one transaction); an invalid change stores nothing; keys a
// newer podgen stored are kept.
func TestLogSettingsUpdate(t *testing.T) {
	_, pool := logsDatabase(t)
	ctx := context.Background()
	if _, err := NewDB(ctx, pool).Exec(`INSERT INTO "pod_runtime_settings" ("id", "settings", "updated")
		VALUES (1, '{"fromANewerPodgen":[1,2]}', now())`); err != nil {
		t.Fatal(err)
	}
	a, b := NewLogSettingsStore("production"), NewLogSettingsStore("production")
	for i := 1; i <= 20; i++ {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[0], errs[1] = a.Update(ctx, pool, []byte(`{"slowQueryThresholdMs":`+strconv.Itoa(i)+`}`))
		}()
		go func() {
			defer wg.Done()
			_, errs[2], errs[3] = b.Update(ctx, pool, []byte(`{"slowSessionThresholdMs":`+strconv.Itoa(i)+`}`))
		}()
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		c := NewLogSettingsStore("production")
		if err := c.Load(ctx, pool); err != nil {
			t.Fatal(err)
		}
		want := time.Duration(i) * time.Millisecond
		if got := *c.Get(); got.SlowQueryThreshold != want || got.SlowSessionThreshold != want {
			t.Fatalf("round %d: stored %+v, want both thresholds %v (an update was lost)", i, got, want)
		}
	}
	before := *a.Get()
	if _, invalid, err := a.Update(ctx, pool, []byte(`{"logLevel":"error","retentionDays":99999}`)); invalid == nil || err != nil {
		t.Fatalf("an invalid update: %v, %v, want it rejected", invalid, err)
	}
	if err := b.Load(ctx, pool); err != nil || b.Get().LogLevel != before.LogLevel || *a.Get() != before {
		t.Errorf("an invalid update changed the settings: stored %+v (%v), cached %+v", *b.Get(), err, *a.Get())
	}
	got := queryStrings(t, pool, `SELECT settings->>'fromANewerPodgen' FROM pod_runtime_settings`)
	if len(got) != 1 || got[0] != "[1, 2]" {
		t.Errorf("the newer podgen's key after updates: %q, want it kept", got)
	}
	var du *DatabaseUnavailableError
	if _, _, err := a.Update(ctx, nil, []byte(`{}`)); !errors.As(err, &du) {
		t.Errorf("Update without a database: %v", err)
	}
}
