package pod

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
)

// futureCallSession is a session on a one-connection pool to the real
// Postgres whose pod_future_call is a temporary table, so tests never see
// each other's calls.
func futureCallSession(t *testing.T) *Session {
	cfg := testDatabaseConfig(t)
	cfg.MaxConnections = 1
	pool, err := OpenDBPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(context.Background()); err != nil {
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	ddl := strings.ReplaceAll(emit.FutureCallsSQL, "CREATE TABLE", "CREATE TEMP TABLE") +
		`ALTER TABLE "pod_future_call" ADD COLUMN "user_id" bigint` // as emit.AuthUserSQL does
	if _, err := NewDB(context.Background(), pool).Exec(ddl); err != nil {
		t.Fatal(err)
	}
	rt := &Runtime{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: pool}
	return NewSession(context.Background(), rt, "test", "futureCalls", "req")
}

type storedCall struct {
	name, arg, identifier, state string
	due                          time.Time
}

func storedCalls(t *testing.T, s *Session) []storedCall {
	rows, err := s.DB.Query(`SELECT "name", "arg", coalesce("identifier", ''), "state", "due" FROM "pod_future_call" ORDER BY "due", "id"`)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]storedCall, len(rows))
	for i, r := range rows {
		out[i] = storedCall{r[0].(string), r[1].(string), r[2].(string), r[3].(string), r[4].(time.Time)}
	}
	return out
}

func TestFutureCallsAreStoredWithTheirArgument(t *testing.T) {
	s := futureCallSession(t)
	at := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	if err := s.FutureCalls.Note.At(at, `say "hi"`, WithIdentifier("n-1")); err != nil {
		t.Fatal(err)
	}
	if err := s.FutureCalls.Note.After(time.Minute, "sooner"); err != nil {
		t.Fatal(err)
	}
	got := storedCalls(t, s)
	if len(got) != 2 {
		t.Fatalf("stored %d calls, want 2: %+v", len(got), got)
	}
	if got[0].arg != `"sooner"` || got[0].identifier != "" || got[0].state != "scheduled" {
		t.Errorf("first call %+v", got[0])
	}
	if got[1].name != "Note" || got[1].arg != `"say \"hi\""` || got[1].identifier != "n-1" || !got[1].due.Equal(at) {
		t.Errorf("second call %+v, want due %v", got[1], at)
	}
}

func TestFutureCallsCancelByIdentifier(t *testing.T) {
	s := futureCallSession(t)
	for _, id := range []string{"a", "b", "a"} {
		if err := s.FutureCalls.Note.After(time.Hour, id, WithIdentifier(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FutureCalls.Cancel("a"); err != nil {
		t.Fatal(err)
	}
	if err := s.FutureCalls.Cancel("nothing"); err != nil {
		t.Fatal(err)
	}
	got := storedCalls(t, s)
	if len(got) != 1 || got[0].identifier != "b" {
		t.Errorf("after Cancel(\"a\"): %+v, want only b", got)
	}
}

func TestFutureCallsJoinTheTransaction(t *testing.T) {
	s := futureCallSession(t)
	rolledBack := errors.New("roll back")
	err := s.DB.Transaction(func(tx *DB) error {
		if err := s.FutureCalls.Note.After(time.Hour, "lost"); err != nil {
			return err
		}
		return rolledBack
	})
	if err != rolledBack {
		t.Fatal(err)
	}
	err = s.DB.Transaction(func(tx *DB) error {
		if err := s.FutureCalls.Note.After(time.Hour, "kept"); err != nil {
			return err
		}
		// A savepoint rolled back takes its calls with it, not the outer ones.
		_ = tx.Transaction(func(*DB) error {
			if err := s.FutureCalls.Note.After(time.Hour, "inner"); err != nil {
				return err
			}
			return rolledBack
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := storedCalls(t, s)
	if len(got) != 1 || got[0].arg != `"kept"` {
		t.Errorf("stored %+v, want only the committed call", got)
	}
	if s.tx != nil {
		t.Error("the session still points at a finished transaction")
	}
}
