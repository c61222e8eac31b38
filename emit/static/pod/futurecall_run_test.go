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
	applySystemTables(t, pool)
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

// refuseEnds makes the database refuse the statements that record the end
// of a call (op "DELETE": deleting a row; "UPDATE": moving a running row
// out of 'running', i.e. retry, fail and release) until the returned
// function is called: a real failed statement, injected by a trigger of
// the test database, not a seam in the scheduler. refused tells how many
// statements it refused so far (a sequence, so the rollback keeps it).
func refuseEnds(t *testing.T, rt *Runtime, op string) (restore func(), refused func() int64) {
	t.Helper()
	db := NewDB(context.Background(), rt.DB)
	for _, stmt := range []string{
		`CREATE TABLE "fc_test_refuse" ("op" text NOT NULL)`,
		`CREATE SEQUENCE "fc_test_refused"`,
		`CREATE FUNCTION "fc_test_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF EXISTS (SELECT 1 FROM "fc_test_refuse" WHERE "op" = TG_OP)
				AND (TG_OP = 'DELETE' OR (OLD."state" = 'running' AND NEW."state" <> 'running')) THEN
				PERFORM nextval('fc_test_refused');
				RAISE EXCEPTION 'injected: % refused', TG_OP;
			END IF;
			IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER "fc_test_refuse" BEFORE DELETE OR UPDATE ON "pod_future_call"
			FOR EACH ROW EXECUTE FUNCTION "fc_test_refuse"()`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO "fc_test_refuse" VALUES ($1)`, op); err != nil {
		t.Fatal(err)
	}
	restore = func() {
		if _, err := db.Exec(`DELETE FROM "fc_test_refuse"`); err != nil {
			t.Fatal(err)
		}
	}
	refused = func() int64 {
		rows, err := db.Query(`SELECT CASE WHEN "is_called" THEN "last_value" ELSE 0 END FROM "fc_test_refused"`)
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(int64)
	}
	return restore, refused
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// runScheduler runs a scheduler until the returned stop is called (or the
// test ends); stop returns once Run did.
func runScheduler(t *testing.T, rt *Runtime, runners map[string]FutureCallRunner, grace time.Duration) (f *FutureCallScheduler, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	f = NewFutureCallScheduler(rt, runners)
	go func() { f.Run(ctx, grace); close(done) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return f, stop
}

// A call that ran but whose DELETE failed stays leased to this server
// (extended, so never taken over while it retries) and is deleted by a
// later flush: it runs once, and its row does not stay 'running'.
func TestSchedulerRetriesFailedDeletes(t *testing.T) {
	lease := 900 * time.Millisecond
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: lease, MaxAttempts: 3})
	restore, refused := refuseEnds(t, rt, "DELETE")
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "once"); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	f, _ := runScheduler(t, rt, l.runners(nil), time.Second)
	l.wait(t, 1)
	// The first DELETE and retries every lease/3: past one lease (and a
	// poll of the take-over) without the lease running out.
	eventually(t, "the DELETE was refused 5 times", func() bool { return refused() >= 5 })
	if n := rowCount(t, rt, `"state" = 'running' AND "lease_until" > now() AND "lease_owner" = '`+f.owner+`'`); n != 1 {
		t.Fatal("a call whose DELETE failed is not held under a live lease")
	}
	restore()
	eventually(t, "the row of the call that ran is deleted", func() bool { return rowCount(t, rt, "true") == 0 })
	select {
	case v := <-l.ran:
		t.Errorf("%q ran twice", v)
	case <-time.After(2 * lease):
	}
}

// The same for a failing call: its retry or fail UPDATE is retried until
// it gets through, rather than forgotten.
func TestSchedulerRetriesFailedEndUpdates(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: 600 * time.Millisecond, MaxAttempts: 1})
	restore, refused := refuseEnds(t, rt, "UPDATE")
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "bad"); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	runScheduler(t, rt, l.runners(errors.New("smtp refused")), time.Second)
	l.wait(t, 1)
	eventually(t, "the fail UPDATE was refused 3 times", func() bool { return refused() >= 3 })
	if n := rowCount(t, rt, `"state" = 'running' AND "lease_until" > now()`); n != 1 {
		t.Fatal("a call whose end could not be recorded is not held under a live lease")
	}
	restore()
	eventually(t, "the call is marked failed", func() bool {
		return rowCount(t, rt, `"state" = 'failed' AND "attempts" = 1 AND "last_error" = 'smtp refused'`) == 1
	})
	if len(l.ran) != 0 {
		t.Error("the failed call ran again")
	}
}

// At shutdown the ends still pending are recorded before any lease is
// released: a call that ran is deleted, never handed back as scheduled.
func TestSchedulerShutdownDeletesPendingEnds(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: time.Minute, MaxAttempts: 3})
	restore, refused := refuseEnds(t, rt, "DELETE")
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "ran"); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	_, stop := runScheduler(t, rt, l.runners(nil), time.Second)
	l.wait(t, 1)
	eventually(t, "the DELETE was refused", func() bool { return refused() >= 1 })
	restore() // the next flush (a lease/3 = 20 s away) would get through: the shutdown comes first
	stop()
	if n := rowCount(t, rt, "true"); n != 0 {
		t.Errorf("%d rows left after shutdown, want the call that ran deleted (not released)", n)
	}
}

// With the DELETE still failing at shutdown, the call that ran keeps its
// lease (it runs again only when that expires): it is not released.
func TestSchedulerShutdownKeepsCallsThatRanLeased(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: time.Minute, MaxAttempts: 3})
	_, refused := refuseEnds(t, rt, "DELETE")
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "ran"); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	_, stop := runScheduler(t, rt, l.runners(nil), time.Second)
	l.wait(t, 1)
	eventually(t, "the DELETE was refused", func() bool { return refused() >= 1 })
	stop()
	if n := rowCount(t, rt, `"state" = 'running' AND "lease_owner" IS NOT NULL AND "attempts" = 1`); n != 1 {
		t.Error("a call that ran was released at shutdown")
	}
}

// A run that ends with success after the grace period (its context was
// cancelled) did its work: its row is deleted, not released.
func TestSchedulerShutdownRecordsRunsEndingAfterGrace(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: time.Minute, MaxAttempts: 3})
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "late"); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	runners := map[string]FutureCallRunner{"Note": func(s *Session, _ []byte) error {
		close(started)
		<-s.Done() // finishes its work as the grace period ends
		return nil
	}}
	_, stop := runScheduler(t, rt, runners, 100*time.Millisecond)
	<-started
	stop()
	if n := rowCount(t, rt, "true"); n != 0 {
		t.Errorf("%d rows left, want the call that completed deleted (not released to run again)", n)
	}
}

// Leases are extended by id, only for the calls this server holds: a row
// that names this server as owner but that it does not hold is left to
// expire.
func TestSchedulerExtendsOnlyHeldLeases(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: 50 * time.Millisecond, Lease: 900 * time.Millisecond, MaxAttempts: 3})
	s := NewSession(context.Background(), rt, "t", "t", "r")
	if err := s.FutureCalls.Note.After(0, "slow"); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	runners := map[string]FutureCallRunner{"Note": func(s *Session, arg []byte) error {
		once.Do(func() { close(started) })
		<-release
		return nil
	}}
	f, _ := runScheduler(t, rt, runners, time.Second)
	<-started
	db := NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg", "state", "attempts", "lease_owner", "lease_until")
		VALUES ('Note', now() + interval '1 hour', '"stray"', 'running', 1, $1, now() + interval '100 milliseconds')`, f.owner); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // past the lease: extended (every 300ms) or lost
	if n := rowCount(t, rt, `"arg" = '"slow"' AND "state" = 'running' AND "lease_until" > now()`); n != 1 {
		t.Error("the lease of the running call was not extended")
	}
	if n := rowCount(t, rt, `"arg" = '"stray"' AND "state" = 'running'`); n != 0 {
		t.Error("a row the server does not hold was kept running under its name")
	}
	close(release)
}
