package pod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// FutureCallsConfig is the futureCalls: section (SPEC §7).
type FutureCallsConfig struct {
	Concurrency  int           // calls one server runs at a time (default 16)
	PollInterval time.Duration // how often to look for due calls without a notification (default 1s)
	Lease        time.Duration // how long a claim holds without being extended (default 30s)
	MaxAttempts  int           // runs of a failing call before it is marked failed (default 5)
}

// defaultFutureCalls are the defaults of FutureCallsConfig.
var defaultFutureCalls = FutureCallsConfig{Concurrency: 16, PollInterval: time.Second,
	Lease: 30 * time.Second, MaxAttempts: 5}

// FutureCallRunner decodes a stored argument and invokes the call; the
// server generates one per future call type of the app.
type FutureCallRunner func(s *Session, arg []byte) error

// FutureCallScheduler runs the due calls of the cluster from this server.
// Any number of servers may run one on the same database: each claims due
// calls with FOR UPDATE SKIP LOCKED under a lease it extends while they
// run, so a call runs on one server at a time, and again elsewhere only if
// its server died (the lease expired) or it failed (with backoff).
type FutureCallScheduler struct {
	rt      *Runtime
	cfg     FutureCallsConfig
	runners map[string]FutureCallRunner
	owner   string // this server's lease owner tag

	slots   chan struct{} // one token per call running
	running sync.WaitGroup
	wake    chan struct{} // a call was scheduled (NOTIFY)
	freed   chan struct{} // a call finished
}

// NewFutureCallScheduler prepares the scheduler of rt for the app's runners.
func NewFutureCallScheduler(rt *Runtime, runners map[string]FutureCallRunner) *FutureCallScheduler {
	cfg := rt.Config.FutureCalls
	return &FutureCallScheduler{rt: rt, cfg: cfg, runners: runners,
		owner: fmt.Sprintf("server-%d-pid-%d-%d", rt.ServerID, os.Getpid(), time.Now().UnixNano()),
		slots: make(chan struct{}, cfg.Concurrency), wake: make(chan struct{}, 1),
		freed: make(chan struct{}, 1)}
}

// Run claims and runs due calls until ctx is done, then lets running calls
// finish for up to grace and releases the leases of those that did not, so
// another server runs them without waiting for the lease to expire.
func (f *FutureCallScheduler) Run(ctx context.Context, grace time.Duration) {
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	go f.listen(ctx)
	go f.extendLeases(runCtx)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for ctx.Err() == nil {
		if f.claimAndStart(ctx, runCtx) && len(f.slots) < cap(f.slots) {
			continue // a full batch: there may be more due already
		}
		timer.Reset(f.untilNext(ctx))
		select {
		case <-ctx.Done():
		case <-timer.C:
		case <-f.wake: // a call was scheduled: its due time may be sooner
		case <-f.freed:
		}
	}
	done := make(chan struct{})
	go func() { f.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		cancelRuns()
	}
	f.releaseLeases()
}

// RunDue runs every call that is due now, then returns: the maintenance
// role. Calls that fail are retried later, by a scheduler. The error is
// the database's, when due calls could not be claimed.
func (f *FutureCallScheduler) RunDue(ctx context.Context) error {
	for ctx.Err() == nil {
		n, err := f.claim(ctx, ctx, cap(f.slots))
		f.running.Wait()
		if n == 0 || err != nil {
			return err
		}
	}
	return ctx.Err()
}

// claimAndStart claims as many due calls as there are free slots and
// starts them; it reports whether it got all it asked for (so there may
// be more due calls already), or had no free slot.
func (f *FutureCallScheduler) claimAndStart(ctx, runCtx context.Context) bool {
	free := cap(f.slots) - len(f.slots)
	if free == 0 {
		return true
	}
	n, err := f.claim(ctx, runCtx, free)
	if err != nil && ctx.Err() == nil {
		f.rt.Logger.Warn("future calls: cannot claim due calls", slog.String("error", err.Error()))
	}
	return n == free
}

// claimSQL takes up to $3 due calls, or calls whose lease expired, oldest
// due first, skipping those another server is claiming right now.
const claimSQL = `UPDATE "pod_future_call" SET "state" = 'running', "attempts" = "attempts" + 1,
	"lease_owner" = $1, "lease_until" = now() + $2 * interval '1 millisecond'
WHERE "id" IN (SELECT "id" FROM "pod_future_call"
	WHERE ("state" = 'scheduled' AND "due" <= now()) OR ("state" = 'running' AND "lease_until" < now())
	ORDER BY "due" LIMIT $3 FOR UPDATE SKIP LOCKED)
RETURNING "id", "name", "arg", "attempts"`

// claim claims up to n calls and starts each in its own goroutine, once
// the claim is committed (a call's end updates its row, which the claim
// holds locked until then).
func (f *FutureCallScheduler) claim(ctx, runCtx context.Context, n int) (int, error) {
	var calls []claimedCall
	err := NewDB(ctx, f.rt.DB).query(claimSQL, []any{f.owner, f.cfg.Lease.Milliseconds(), n}, func(r pgx.Rows) error {
		var c claimedCall
		err := r.Scan(&c.id, &c.name, &c.arg, &c.attempts)
		calls = append(calls, c)
		return err
	})
	if err != nil {
		return 0, err // the claim rolled back: nothing was taken
	}
	for _, c := range calls {
		f.slots <- struct{}{}
		f.running.Add(1)
		go f.run(runCtx, c)
	}
	return len(calls), nil
}

type claimedCall struct {
	id       int64
	name     string
	arg      string
	attempts int
}

// run invokes one claimed call and records how it ended.
func (f *FutureCallScheduler) run(ctx context.Context, c claimedCall) {
	defer func() {
		<-f.slots
		f.running.Done()
		select {
		case f.freed <- struct{}{}:
		default:
		}
	}()
	err := f.invoke(ctx, c)
	if ctx.Err() != nil {
		return // shutting down: the lease is released, not the call's fate decided
	}
	f.finish(c, err)
}

// invoke runs the call's runner, turning a panic into an error.
func (f *FutureCallScheduler) invoke(ctx context.Context, c claimedCall) (err error) {
	runner := f.runners[c.name]
	if runner == nil {
		return &unknownFutureCallError{name: c.name}
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	s := NewSession(ctx, f.rt, "futureCall", c.name, "future-call-"+strconv.FormatInt(c.id, 10))
	return runner(s, []byte(c.arg))
}

// unknownFutureCallError is the last error of a call whose name no future
// call type of this app has: it is failed at once, never dropped.
type unknownFutureCallError struct{ name string }

func (e *unknownFutureCallError) Error() string {
	return fmt.Sprintf("no future call named %q in this app (was its ...FutureCall type renamed or removed?)", e.name)
}

// The statements that end a claim; each checks the lease is still ours.
const (
	doneSQL  = `DELETE FROM "pod_future_call" WHERE "id" = $1 AND "lease_owner" = $2`
	retrySQL = `UPDATE "pod_future_call" SET "state" = 'scheduled', "due" = now() + $3 * interval '1 millisecond',
	"lease_owner" = NULL, "lease_until" = NULL, "last_error" = $4 WHERE "id" = $1 AND "lease_owner" = $2`
	failSQL = `UPDATE "pod_future_call" SET "state" = 'failed', "lease_owner" = NULL, "lease_until" = NULL,
	"last_error" = $3 WHERE "id" = $1 AND "lease_owner" = $2`
)

// finish deletes a call that ran, reschedules a failing one with backoff,
// and marks it failed once its attempts are spent or its name is unknown.
func (f *FutureCallScheduler) finish(c claimedCall, runErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db := NewDB(ctx, f.rt.DB)
	var err error
	var unknown *unknownFutureCallError
	switch {
	case runErr == nil:
		_, err = db.Exec(doneSQL, c.id, f.owner)
	case errors.As(runErr, &unknown) || c.attempts >= f.cfg.MaxAttempts:
		f.rt.Logger.Error("future call failed", slog.String("call", c.name),
			slog.Int64("id", c.id), slog.Int("attempts", c.attempts), slog.String("error", runErr.Error()))
		_, err = db.Exec(failSQL, c.id, f.owner, runErr.Error())
	default:
		_, err = db.Exec(retrySQL, c.id, f.owner, backoff(c.attempts).Milliseconds(), runErr.Error())
	}
	if err != nil {
		f.rt.Logger.Warn("future calls: cannot record the end of a call; it runs again after its lease",
			slog.Int64("id", c.id), slog.String("error", err.Error()))
	}
}

// backoff is the wait before attempt n+1: 1s, 2s, 4s, ... up to an hour.
func backoff(n int) time.Duration {
	if n > 12 {
		return time.Hour
	}
	return min(time.Second<<(n-1), time.Hour)
}

// extendLeases renews the lease of every call this server runs, three
// times per lease, until ctx is done.
func (f *FutureCallScheduler) extendLeases(ctx context.Context) {
	t := time.NewTicker(f.cfg.Lease / 3)
	defer t.Stop()
	db := NewDB(ctx, f.rt.DB)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := db.Exec(`UPDATE "pod_future_call" SET "lease_until" = now() + $2 * interval '1 millisecond'
			WHERE "lease_owner" = $1 AND "state" = 'running'`, f.owner, f.cfg.Lease.Milliseconds()); err != nil && ctx.Err() == nil {
			f.rt.Logger.Warn("future calls: cannot extend leases", slog.String("error", err.Error()))
		}
	}
}

// releaseLeases hands the calls still running back, as not yet attempted.
func (f *FutureCallScheduler) releaseLeases() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := NewDB(ctx, f.rt.DB).Exec(`UPDATE "pod_future_call" SET "state" = 'scheduled', "lease_owner" = NULL,
		"lease_until" = NULL, "attempts" = "attempts" - 1 WHERE "lease_owner" = $1 AND "state" = 'running'`, f.owner)
	if err != nil {
		f.rt.Logger.Warn("future calls: cannot release leases; they expire by themselves", slog.String("error", err.Error()))
	} else if n > 0 {
		f.rt.Logger.Info("future calls: released unfinished calls", slog.Int64("calls", n))
	}
}

// listen turns the NOTIFY of every scheduled call into a wake-up at its
// due time, reconnecting while ctx lasts; polling covers the gaps.
func (f *FutureCallScheduler) listen(ctx context.Context) {
	for ctx.Err() == nil {
		if err := f.listenOnce(ctx); err != nil && ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(f.cfg.PollInterval):
			}
		}
	}
}

func (f *FutureCallScheduler) listenOnce(ctx context.Context) error {
	conn, err := f.rt.DB.pgx.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `LISTEN "pod_future_call"`); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), `UNLISTEN "pod_future_call"`)
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case f.wake <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
}

// untilNext is how long to sleep: until the next scheduled call is due,
// at most the poll interval (which also catches expired leases).
func (f *FutureCallScheduler) untilNext(ctx context.Context) time.Duration {
	wait := f.cfg.PollInterval
	rows, err := NewDB(ctx, f.rt.DB).Query(`SELECT ceil(extract(epoch FROM min("due") - now()) * 1000)::bigint
		FROM "pod_future_call" WHERE "state" = 'scheduled'`)
	if err == nil && len(rows) == 1 {
		if ms, ok := rows[0][0].(int64); ok {
			wait = min(wait, max(time.Duration(ms)*time.Millisecond, 0))
		}
	}
	return wait
}

// futureCallsKeys are the keys of the futureCalls: config section.
func futureCallsKeys(c *FutureCallsConfig) configKeys {
	return configKeys{
		"concurrency":  positiveKey(&c.Concurrency),
		"pollInterval": durationKey(&c.PollInterval),
		"lease":        durationKey(&c.Lease),
		"maxAttempts":  positiveKey(&c.MaxAttempts),
	}
}
