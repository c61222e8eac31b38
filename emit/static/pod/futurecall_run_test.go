package pod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
)

var fcDBSeq atomic.Int64

// schedulerRuntime is a runtime on a fresh database holding the future
// call table, dropped when the test ends.
func schedulerRuntime(t *testing.T, cfg FutureCallsConfig) *Runtime {
	admin := realPool(t)
	name := fmt.Sprintf("podgen_fc_%d_%d", os.Getpid(), fcDBSeq.Add(1))
	adb := NewDB(context.Background(), admin)
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	dcfg := testDatabaseConfig(t)
	dcfg.Name = name
	pool, err := OpenDBPool(dcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		adb.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	if _, err := NewDB(context.Background(), pool).Exec(emit.FutureCallsSQL); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig("test", "x")
	c.FutureCalls = cfg
	return &Runtime{Config: c, DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// noteLog records the arguments of the Note calls that ran, in order.
type noteLog struct {
	mu   sync.Mutex
	args []string
	ran  chan string
}

func (l *noteLog) runners(fail error) map[string]FutureCallRunner {
	l.ran = make(chan string, 100)
	return map[string]FutureCallRunner{"Note": func(s *Session, arg []byte) error {
		v, err := strconv.Unquote(string(arg))
		if err != nil {
			return err
		}
		l.mu.Lock()
		l.args = append(l.args, v)
		l.mu.Unlock()
		l.ran <- v
		return fail
	}}
}

func (l *noteLog) wait(t *testing.T, n int) {
	for i := 0; i < n; i++ {
		select {
		case <-l.ran:
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d calls ran", i, n)
		}
	}
}

func rowCount(t *testing.T, rt *Runtime, where string) int64 {
	rows, err := NewDB(context.Background(), rt.DB).Query(`SELECT count(*) FROM "pod_future_call" WHERE ` + where)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0].(int64)
}

func startScheduler(t *testing.T, rt *Runtime, runners map[string]FutureCallRunner) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { NewFutureCallScheduler(rt, runners).Run(ctx, time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestSchedulerRunsDueCallsInDueOrderOnce(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 1, PollInterval: 50 * time.Millisecond, Lease: time.Second, MaxAttempts: 3})
	s := NewSession(context.Background(), rt, "t", "t", "r")
	now := time.Now()
	for i, arg := range []string{"c", "a", "b"} {
		due := now.Add(-time.Duration([]int{1, 3, 2}[i]) * time.Minute)
		if err := s.FutureCalls.Note.At(due, arg); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FutureCalls.Note.After(time.Hour, "later"); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	startScheduler(t, rt, l.runners(nil))
	l.wait(t, 3)
	time.Sleep(200 * time.Millisecond)
	l.mu.Lock()
	got := fmt.Sprint(l.args)
	l.mu.Unlock()
	if got != "[a b c]" {
		t.Errorf("ran %s, want [a b c] (due order, each once)", got)
	}
	if n := rowCount(t, rt, "true"); n != 1 {
		t.Errorf("%d calls left, want only the one due later", n)
	}
}

func TestSchedulerWakesOnNotify(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 4, PollInterval: time.Minute, Lease: time.Second, MaxAttempts: 3})
	var l noteLog
	startScheduler(t, rt, l.runners(nil))
	time.Sleep(300 * time.Millisecond) // let it LISTEN
	s := NewSession(context.Background(), rt, "t", "t", "r")
	start := time.Now()
	if err := s.FutureCalls.Note.After(200*time.Millisecond, "soon"); err != nil {
		t.Fatal(err)
	}
	l.wait(t, 1)
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Errorf("ran after %s, want just after its 200ms (the poll interval is a minute)", d)
	}
}

func TestSchedulerRetriesThenFails(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: time.Second, MaxAttempts: 2})
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "bad"); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	startScheduler(t, rt, l.runners(errors.New("smtp refused")))
	l.wait(t, 2) // the second attempt comes after a 1s backoff
	deadline := time.Now().Add(5 * time.Second)
	for rowCount(t, rt, `"state" = 'failed'`) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := rowCount(t, rt, `"state" = 'failed' AND "attempts" = 2 AND "last_error" = 'smtp refused'`); n != 1 {
		t.Errorf("want the call kept as failed after 2 attempts with its error")
	}
	select {
	case <-l.ran:
		t.Error("a failed call ran again")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestSchedulerFailsUnknownNamesAndReclaimsExpiredLeases(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: time.Second, MaxAttempts: 3})
	db := NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg") VALUES ('Gone', now(), '1')`); err != nil {
		t.Fatal(err)
	}
	// A call whose server died mid-run: running, lease expired.
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg", "state", "attempts", "lease_owner", "lease_until")
		VALUES ('Note', now(), '"orphan"', 'running', 1, 'dead-server', now() - interval '1 second')`); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	startScheduler(t, rt, l.runners(nil))
	l.wait(t, 1)
	deadline := time.Now().Add(5 * time.Second)
	for rowCount(t, rt, `"state" <> 'failed'`) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := rowCount(t, rt, `"name" = 'Gone' AND "state" = 'failed' AND "last_error" LIKE '%no future call named "Gone"%'`); n != 1 {
		t.Error("the call of an unknown name is not kept as failed with a clear error")
	}
	if n := rowCount(t, rt, `"name" = 'Note'`); n != 0 {
		t.Error("the orphaned call was not run and deleted")
	}
}

func TestSchedulerReleasesLeasesOnShutdown(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: time.Minute, MaxAttempts: 3})
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "stuck"); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	runners := map[string]FutureCallRunner{"Note": func(s *Session, _ []byte) error {
		close(started)
		<-s.Done()
		return s.Err()
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { NewFutureCallScheduler(rt, runners).Run(ctx, 100*time.Millisecond); close(done) }()
	<-started
	cancel()
	<-done
	if n := rowCount(t, rt, `"state" = 'scheduled' AND "lease_owner" IS NULL AND "attempts" = 0`); n != 1 {
		t.Error("the unfinished call's lease was not released for another server")
	}
}

func TestFutureCallsConfigKeys(t *testing.T) {
	c := DefaultConfig("development", "x")
	err := parseConfigFile("dev.yaml", []byte("futureCalls:\n  concurrency: 3\n  pollInterval: 250ms\n  lease: 1m\n  maxAttempts: 7\n"), c)
	want := FutureCallsConfig{Concurrency: 3, PollInterval: 250 * time.Millisecond, Lease: time.Minute, MaxAttempts: 7}
	if err != nil || c.FutureCalls != want {
		t.Errorf("got %+v, %v", c.FutureCalls, err)
	}
	err = parseConfigFile("dev.yaml", []byte("futureCalls:\n  concurrency: 0\n"), c)
	if err == nil || !strings.Contains(err.Error(), "dev.yaml:2:16") {
		t.Errorf("concurrency 0: %v", err)
	}
}
