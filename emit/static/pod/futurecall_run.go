package pod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

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

	// endMu guards the calls this server holds a lease on and the ends
	// waiting to be recorded. A call is held from its claim until its end
	// (delete, retry or fail) is committed: its lease is extended all that
	// time, so a call that ran but whose DELETE failed is neither taken
	// over nor, at shutdown, released to run again.
	endMu      sync.Mutex
	flushDone  *sync.Cond     // on endMu: flushing became false
	held       map[int64]bool // call id → it ended (its end is not committed yet)
	doneIDs    []int64        // calls that ran, whose rows the next flush deletes
	failedDone []int64        // calls that ran, whose DELETE failed: retried by the next flush
	unrecorded []callEnd      // retries and failures whose UPDATE failed: retried by the next flush
	flushing   bool           // a goroutine is recording ends
	active     atomic.Bool    // Run is claiming calls (Status)
}

// NewFutureCallScheduler prepares the scheduler of rt for the app's runners.
func NewFutureCallScheduler(rt *Runtime, runners map[string]FutureCallRunner) *FutureCallScheduler {
	cfg := rt.Config.FutureCalls
	f := &FutureCallScheduler{rt: rt, cfg: cfg, runners: runners,
		owner: fmt.Sprintf("server-%d-pid-%d-%d", rt.ServerID, os.Getpid(), time.Now().UnixNano()),
		slots: make(chan struct{}, cfg.Concurrency), wake: make(chan struct{}, 1),
		freed: make(chan struct{}, 1), held: map[int64]bool{}}
	f.flushDone = sync.NewCond(&f.endMu)
	return f
}

// shutdownStepTimeout bounds each step of a shutdown after the grace
// period: waiting for cancelled runs to return, recording the ends still
// pending, releasing the leases of the calls that did not finish.
const shutdownStepTimeout = 5 * time.Second

// Run claims and runs due calls until ctx is done, then lets running calls
// finish for up to grace. It then cancels those still running, records the
// end of every call that finished, and releases the leases of the others
// only, so another server runs them without waiting for the lease to
// expire, and no call that ran is handed out again.
func (f *FutureCallScheduler) Run(ctx context.Context, grace time.Duration) {
	f.active.Store(true)
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	leaseCtx, stopLeases := context.WithCancel(context.WithoutCancel(ctx))
	leasesStopped := make(chan struct{})
	go f.listen(ctx)
	go func() { f.extendLeases(leaseCtx); close(leasesStopped) }()
	timer := time.NewTimer(0)
	defer timer.Stop()
	var nextRescue time.Time
	for ctx.Err() == nil {
		if now := time.Now(); !now.Before(nextRescue) {
			f.rescueExpired(ctx)
			nextRescue = now.Add(f.cfg.PollInterval)
		}
		if f.claimAndStart(ctx, runCtx) {
			// More may be due already: claim them as slots free, a few
			// at a time (the next due time is not worth a query).
			f.awaitFreeSlots(ctx)
			continue
		}
		timer.Reset(f.untilNext(ctx))
		select {
		case <-ctx.Done():
		case <-timer.C:
		case <-f.wake: // a call was scheduled: its due time may be sooner
		case <-f.freed:
		}
	}
	f.active.Store(false) // claims no more; running calls may still finish
	if !waitTimeout(&f.running, grace) {
		// Runs that return an error now are unfinished (released below);
		// one that returns nil ran, and its row is deleted.
		cancelRuns()
		waitTimeout(&f.running, shutdownStepTimeout)
	}
	// Leases stay extended until here; the extender's own retry of
	// pending ends (if any) is cut short and left to the final flush.
	stopLeases()
	<-leasesStopped
	f.closeOut()
}

// waitTimeout waits for wg up to d and reports whether it got there.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// Status is "running" while Run claims calls, "stopped" before it starts
// and once it shuts down, and "disabled" for a nil scheduler (the
// serverless role, or an app without future calls): /health reports it.
func (f *FutureCallScheduler) Status() string {
	switch {
	case f == nil:
		return "disabled"
	case f.active.Load():
		return "running"
	}
	return "stopped"
}

// awaitFreeSlots waits until a quarter of the slots are free, or 5 ms
// after one is: under load one claim then takes several calls, rather
// than costing a statement (and a commit) per call that ended.
func (f *FutureCallScheduler) awaitFreeSlots(ctx context.Context) {
	want := max(cap(f.slots)/4, 1)
	var deadline <-chan time.Time
	for free := cap(f.slots) - len(f.slots); free < want; free = cap(f.slots) - len(f.slots) {
		if free > 0 && deadline == nil {
			deadline = time.After(5 * time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return
		case <-f.freed:
		case <-deadline:
			return
		}
	}
}

// RunDue runs every call that is due now, then returns: the maintenance
// role. Calls that fail are retried later, by a scheduler. The error is
// the database's, when due calls could not be claimed.
func (f *FutureCallScheduler) RunDue(ctx context.Context) error {
	defer f.closeOut()
	if err := f.rescueExpired(ctx); err != nil {
		return err
	}
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
// be more due calls already), or had no free slot. While as many ends as
// there are slots could not be recorded (the database refuses writes),
// it retries those instead of claiming more.
func (f *FutureCallScheduler) claimAndStart(ctx, runCtx context.Context) bool {
	free := cap(f.slots) - len(f.slots)
	if free == 0 {
		return true
	}
	if f.backlog() >= cap(f.slots) {
		f.flushEnds(ctx)
		if f.backlog() >= cap(f.slots) {
			return false // sleep a poll interval (or until woken) and try again
		}
	}
	n, err := f.claim(ctx, runCtx, free)
	if err != nil && ctx.Err() == nil {
		f.rt.Logger.Warn("future calls: cannot claim due calls", slog.String("error", err.Error()))
	}
	return n == free
}

// claimSQL takes up to $3 due calls, oldest due first, skipping those
// another server is claiming right now. It only reads the partial index
// pod_future_call_due_idx (state = 'scheduled'), so a claim costs the
// same with 10 or 100,000 calls waiting: calls whose lease expired are
// put back among them by rescueSQL, not looked for here (an OR of both
// made every claim scan and sort the whole table).
const claimSQL = `UPDATE "pod_future_call" SET "state" = 'running', "attempts" = "attempts" + 1,
	"lease_owner" = $1, "lease_until" = now() + $2 * interval '1 millisecond'
WHERE "id" IN (SELECT "id" FROM "pod_future_call" WHERE "state" = 'scheduled' AND "due" <= now()
	ORDER BY "due" LIMIT $3 FOR UPDATE SKIP LOCKED)
RETURNING "id", "name", "arg", "attempts", "user_id"`

// rescueSQL hands the calls whose lease expired (their server died, or
// could not extend the lease) back as scheduled, keeping their due time,
// so that the next claim of any server takes them first. Their attempt
// stays counted. Rows another server is rescuing or finishing are skipped.
const rescueSQL = `UPDATE "pod_future_call" SET "state" = 'scheduled', "lease_owner" = NULL, "lease_until" = NULL
WHERE "id" IN (SELECT "id" FROM "pod_future_call" WHERE "state" = 'running' AND "lease_until" < now()
	FOR UPDATE SKIP LOCKED)`

// rescueExpired runs rescueSQL: once per poll interval in Run, once before
// RunDue claims.
func (f *FutureCallScheduler) rescueExpired(ctx context.Context) error {
	_, err := NewDB(ctx, f.rt.DB).Exec(rescueSQL)
	if err != nil && ctx.Err() == nil {
		f.rt.Logger.Warn("future calls: cannot take over expired leases", slog.String("error", err.Error()))
	}
	return err
}

// claim claims up to n calls and starts each in its own goroutine, once
// the claim is committed (a call's end updates its row, which the claim
// holds locked until then).
func (f *FutureCallScheduler) claim(ctx, runCtx context.Context, n int) (int, error) {
	var calls []claimedCall
	err := NewDB(ctx, f.rt.DB).query(claimSQL, []any{f.owner, f.cfg.Lease.Milliseconds(), n}, func(r pgx.Rows) error {
		var c claimedCall
		var user *int64
		err := r.Scan(&c.id, &c.name, &c.arg, &c.attempts, &user)
		if user != nil {
			c.userID = *user
		}
		calls = append(calls, c)
		return err
	})
	if err != nil {
		return 0, err // the claim rolled back: nothing was taken
	}
	f.endMu.Lock()
	for _, c := range calls {
		f.held[c.id] = false
	}
	f.endMu.Unlock()
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
	userID   int64 // who scheduled it, 0: no signed-in user
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
	if err != nil && ctx.Err() != nil {
		return // cut short by a shutdown: unfinished, its lease is released
	}
	f.finish(c, err)
}

// invoke runs the call's runner, turning a panic into an error.
func (f *FutureCallScheduler) invoke(ctx context.Context, c claimedCall) (err error) {
	runner := f.runners[c.name]
	if runner == nil {
		return &unknownFutureCallError{name: c.name}
	}
	s := NewSession(ctx, f.rt, "futureCall", c.name, "future-call-"+strconv.FormatInt(c.id, 10))
	s.setUserID(c.userID) // s.Auth sees the user who scheduled the call
	defer func() {
		stack := ""
		if v := recover(); v != nil {
			err, stack = fmt.Errorf("panic: %v", v), string(debug.Stack())
		}
		s.Close(err, stack) // the run's session log, like a call's
	}()
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
	doneSQL  = `DELETE FROM "pod_future_call" WHERE "id" = ANY($1) AND "lease_owner" = $2`
	retrySQL = `UPDATE "pod_future_call" SET "state" = 'scheduled', "due" = now() + $3 * interval '1 millisecond',
	"lease_owner" = NULL, "lease_until" = NULL, "last_error" = $4 WHERE "id" = $1 AND "lease_owner" = $2`
	failSQL = `UPDATE "pod_future_call" SET "state" = 'failed', "lease_owner" = NULL, "lease_until" = NULL,
	"last_error" = $3 WHERE "id" = $1 AND "lease_owner" = $2`
)

// callEnd is a failed run to record: rescheduled with backoff, or failed
// for good.
type callEnd struct {
	id       int64
	attempts int
	final    bool // failed for good: attempts spent, or an unknown name
	err      string
}

// statementTimeout bounds each statement that records ends.
const statementTimeout = 10 * time.Second

// finish deletes a call that ran, reschedules a failing one with backoff,
// and marks it failed once its attempts are spent or its name is unknown.
// An end that cannot be recorded is kept (the call stays held, its lease
// extended) and retried by the next flush, never forgotten.
func (f *FutureCallScheduler) finish(c claimedCall, runErr error) {
	if runErr == nil {
		f.markDone(c.id)
		return
	}
	var unknown *unknownFutureCallError
	e := callEnd{id: c.id, attempts: c.attempts, err: runErr.Error(),
		final: errors.As(runErr, &unknown) || c.attempts >= f.cfg.MaxAttempts}
	if e.final {
		f.rt.Logger.Error("future call failed", slog.String("call", c.name),
			slog.Int64("id", c.id), slog.Int("attempts", c.attempts), slog.String("error", e.err))
	}
	f.endMu.Lock()
	f.held[c.id] = true
	f.endMu.Unlock()
	err := f.recordEnd(context.Background(), e)
	f.endMu.Lock()
	if err != nil {
		f.unrecorded = append(f.unrecorded, e)
	} else {
		delete(f.held, c.id)
	}
	f.endMu.Unlock()
	if err != nil {
		f.rt.Logger.Warn("future calls: cannot record the end of a call; retrying",
			slog.Int64("id", c.id), slog.String("error", err.Error()))
	}
}

// recordEnd runs the retry or fail statement of e.
func (f *FutureCallScheduler) recordEnd(ctx context.Context, e callEnd) error {
	ctx, cancel := context.WithTimeout(ctx, statementTimeout)
	defer cancel()
	db := NewDB(ctx, f.rt.DB)
	var err error
	if e.final {
		_, err = db.Exec(failSQL, e.id, f.owner, e.err)
	} else {
		_, err = db.Exec(retrySQL, e.id, f.owner, backoff(e.attempts).Milliseconds(), e.err)
	}
	return err
}

// markDone deletes the row of call id, which ran. The run that finds no
// deletion going on deletes its row and those of every call that ended
// meanwhile, until none is left; the others only add their id. So a busy
// server commits one DELETE per batch of calls rather than one per call
// (as many as there were runs ending during the previous DELETE), and an
// idle one deletes at once. The deleting run keeps its slot until it is
// done, so Run, which waits for its runs, waits for the deletions too.
func (f *FutureCallScheduler) markDone(id int64) {
	f.endMu.Lock()
	f.held[id] = true
	f.doneIDs = append(f.doneIDs, id)
	f.endMu.Unlock()
	f.flushEnds(context.Background())
}

// flushEnds records the pending ends, unless another goroutine is doing
// so (it records those added meanwhile too, before it stops).
func (f *FutureCallScheduler) flushEnds(ctx context.Context) {
	f.endMu.Lock()
	defer f.endMu.Unlock()
	if f.flushing {
		return
	}
	f.flushing = true
	f.drainEnds(ctx)
	f.flushing = false
	f.flushDone.Broadcast()
}

// drainEnds records pending ends until none is new; called with endMu
// held and flushing set, it unlocks endMu while statements run. The first
// batch also retries the ends that failed before; an end that fails again
// waits for the next flush (a later markDone, the lease extender, a
// claim, or the shutdown), so a database outage costs one attempt per
// flush, not a busy loop.
func (f *FutureCallScheduler) drainEnds(ctx context.Context) {
	var batch []int64
	for first := true; ; first = false {
		batch, f.doneIDs = f.doneIDs, batch[:0]
		var ends []callEnd
		if first {
			batch = append(batch, f.failedDone...)
			f.failedDone = f.failedDone[:0]
			ends, f.unrecorded = f.unrecorded, nil
		}
		if len(batch) == 0 && len(ends) == 0 {
			return
		}
		f.endMu.Unlock()
		deleteErr := f.deleteDone(ctx, batch)
		var failedEnds []callEnd
		for _, e := range ends {
			if err := f.recordEnd(ctx, e); err != nil {
				failedEnds = append(failedEnds, e)
			}
		}
		f.endMu.Lock()
		if deleteErr != nil {
			f.failedDone = append(f.failedDone, batch...)
		} else {
			for _, id := range batch {
				delete(f.held, id)
			}
		}
		for _, e := range ends {
			delete(f.held, e.id)
		}
		for _, e := range failedEnds {
			f.held[e.id] = true
		}
		f.unrecorded = append(f.unrecorded, failedEnds...)
	}
}

// deleteDone deletes the rows of calls that ran, if their lease is ours.
func (f *FutureCallScheduler) deleteDone(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, statementTimeout)
	defer cancel()
	_, err := NewDB(ctx, f.rt.DB).Exec(doneSQL, ids, f.owner)
	if err != nil {
		f.rt.Logger.Warn("future calls: cannot delete calls that ran; retrying",
			slog.Int("calls", len(ids)), slog.String("error", err.Error()))
	}
	return err
}

// backlog is the number of ends that could not be recorded yet.
func (f *FutureCallScheduler) backlog() int {
	f.endMu.Lock()
	defer f.endMu.Unlock()
	return len(f.failedDone) + len(f.unrecorded)
}

// heldIDs are the calls whose lease this server extends, or releases
// (only those that did not end).
func (f *FutureCallScheduler) heldIDs(unfinishedOnly bool) []int64 {
	f.endMu.Lock()
	defer f.endMu.Unlock()
	ids := make([]int64, 0, len(f.held))
	for id, ended := range f.held {
		if !ended || !unfinishedOnly {
			ids = append(ids, id)
		}
	}
	return ids
}

// backoff is the wait before attempt n+1: 1s, 2s, 4s, ... up to an hour.
func backoff(n int) time.Duration {
	if n > 12 {
		return time.Hour
	}
	return min(time.Second<<(n-1), time.Hour)
}

// extendLeasesSQL renews the leases of the calls this server holds: those
// running and those that ended but whose end is not recorded yet. Only by
// id: a row of ours that it does not hold (an end recorded meanwhile) has
// no lease to keep.
const extendLeasesSQL = `UPDATE "pod_future_call" SET "lease_until" = now() + $3 * interval '1 millisecond'
WHERE "id" = ANY($1) AND "lease_owner" = $2 AND "state" = 'running'`

// extendLeases renews the leases of the calls this server holds, three
// times per lease, until ctx is done; each time it first retries the ends
// that could not be recorded, so they are not stuck when no call ends.
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
		if f.backlog() > 0 {
			f.flushEnds(ctx)
		}
		ids := f.heldIDs(false)
		if len(ids) == 0 {
			continue
		}
		if _, err := db.Exec(extendLeasesSQL, ids, f.owner, f.cfg.Lease.Milliseconds()); err != nil && ctx.Err() == nil {
			f.rt.Logger.Warn("future calls: cannot extend leases", slog.String("error", err.Error()))
		}
	}
}

// closeOut ends a scheduler once no call is claimed any more: it records
// the pending ends (waiting for a flush in progress), then releases the
// leases of the calls that did not finish, and of those only. Each step
// is bounded by shutdownStepTimeout. A call that ran but whose end still
// cannot be recorded keeps its lease: it runs again only once that
// expires, which is the best at-least-once can do with the database down.
func (f *FutureCallScheduler) closeOut() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownStepTimeout)
	f.endMu.Lock()
	for f.flushing {
		f.flushDone.Wait() // a flush's statements are bounded by statementTimeout
	}
	f.flushing = true
	f.drainEnds(ctx)
	f.flushing = false
	f.flushDone.Broadcast()
	f.endMu.Unlock()
	cancel()
	if n := f.backlog(); n > 0 {
		f.rt.Logger.Warn("future calls: calls ran but their end cannot be recorded; they run again after their lease",
			slog.Int("calls", n))
	}
	f.releaseLeases(f.heldIDs(true))
}

// releaseLeases hands the given calls, which did not finish, back as not
// yet attempted.
func (f *FutureCallScheduler) releaseLeases(ids []int64) {
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownStepTimeout)
	defer cancel()
	n, err := NewDB(ctx, f.rt.DB).Exec(`UPDATE "pod_future_call" SET "state" = 'scheduled', "lease_owner" = NULL,
		"lease_until" = NULL, "attempts" = "attempts" - 1 WHERE "id" = ANY($1) AND "lease_owner" = $2 AND "state" = 'running'`,
		ids, f.owner)
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
