package pod

import (
	"time"
)

// FutureCall is one kind of future call of the app: s.FutureCalls.SendReminder
// for the endpoints' SendReminderFutureCall, whose argument is a T. A call is
// a row of the system table pod_future_call (out/tables.pgsql), written
// before After or At returns; inside s.DB.Transaction it is written in that
// transaction, so it exists exactly when the transaction commits.
type FutureCall[T any] struct {
	fc   *FutureCalls
	name string
	enc  func(b []byte, arg T) ([]byte, error)
}

// After schedules a call with arg to run once d has passed.
func (c FutureCall[T]) After(d time.Duration, arg T, opts ...FutureCallOption) error {
	return c.At(time.Now().Add(d), arg, opts...)
}

// At schedules a call with arg to run at t (at once if t has passed).
func (c FutureCall[T]) At(t time.Time, arg T, opts ...FutureCallOption) error {
	var o futureCallOptions
	for _, opt := range opts {
		opt(&o)
	}
	b, err := c.enc(nil, arg)
	if err != nil {
		return errorf("future call %q: argument: %w", c.name, err)
	}
	var id *string
	if o.identifier != "" {
		id = &o.identifier
	}
	var user *int64 // the scheduling call's user runs the call too
	if u := c.fc.s.currentUserID(); u != 0 {
		user = &u
	}
	_, err = c.fc.s.currentDB().Exec(insertFutureCallSQL, c.name, t, string(b), id, user)
	return err
}

// insertFutureCallSQL stores a scheduled call and wakes the schedulers of
// the cluster, which then look at their next due time again (NOTIFY is
// delivered on commit: a transaction that rolls back wakes nobody).
const insertFutureCallSQL = `WITH c AS (INSERT INTO "pod_future_call" ("name", "due", "arg", "identifier", "user_id")
	VALUES ($1, $2, $3, $4, $5) RETURNING "id")
SELECT pg_notify('pod_future_call', '') FROM c`

// FutureCallOption changes how a call is scheduled.
type FutureCallOption func(*futureCallOptions)

type futureCallOptions struct{ identifier string }

// WithIdentifier tags the call with id, so that s.FutureCalls.Cancel(id)
// can cancel it later. Several calls may share an identifier.
func WithIdentifier(id string) FutureCallOption {
	return func(o *futureCallOptions) { o.identifier = id }
}

// FutureCalls is s.FutureCalls: one FutureCall field per future call type
// of the app (generated), and Cancel.
type FutureCalls struct {
	futureCallSet // generated: SendReminder FutureCall[Reminder], ...
	s             *Session
}

// bind points every call kind at s; sessions hold their FutureCalls by
// value, so this costs no allocation.
func (fc *FutureCalls) bind(s *Session) {
	fc.s = s
	fc.futureCallSet.bind(fc)
}

// Cancel deletes every call tagged identifier that has not started yet, of
// any kind; a call that is running finishes. Cancelling an identifier that
// has no calls is not an error.
func (fc *FutureCalls) Cancel(identifier string) error {
	_, err := fc.s.currentDB().Exec(cancelFutureCallSQL, identifier)
	return err
}

// cancelFutureCallSQL removes the calls that have not been claimed.
const cancelFutureCallSQL = `DELETE FROM "pod_future_call" WHERE "identifier" = $1 AND "state" = 'scheduled'`

// currentDB is the transaction the session is in (s.DB.Transaction), or
// s.DB outside one: future calls are scheduled in the same transaction.
func (s *Session) currentDB() *DB {
	if s.tx != nil {
		return s.tx
	}
	return s.DB
}

// enterTx makes tx the session's current transaction until the returned
// function restores the previous one (nested transactions are savepoints).
func (s *Session) enterTx(tx *DB) func() {
	prev := s.tx
	s.tx = tx
	return func() { s.tx = prev }
}

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

// futureCallsKeys are the keys of the futureCalls: config section.
func futureCallsKeys(c *FutureCallsConfig) configKeys {
	return configKeys{
		"concurrency":  positiveKey(&c.Concurrency),
		"pollInterval": durationKey(&c.PollInterval),
		"lease":        durationKey(&c.Lease),
		"maxAttempts":  positiveKey(&c.MaxAttempts),
	}
}
