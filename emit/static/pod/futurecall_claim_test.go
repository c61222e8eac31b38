package pod

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A claim must cost the same however many calls wait: it reads the
// partial due index, never the whole table (which made a server drain
// 10,000 due calls at under half the speed it drains 2,000).
func TestFutureCallClaimReadsTheDueIndex(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 16, PollInterval: time.Second, Lease: time.Minute, MaxAttempts: 3})
	db := NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg")
		SELECT 'Note', now() - n * interval '1 millisecond', '"x"' FROM generate_series(1, 10000) n`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE "pod_future_call"`); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`EXPLAIN `+claimSQL, "owner", int64(60000), 16)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for _, r := range rows {
		plan.WriteString(r[0].(string) + "\n")
	}
	if !strings.Contains(plan.String(), "pod_future_call_due_idx") || strings.Contains(plan.String(), "Seq Scan") {
		t.Errorf("the claim does not read the due index only:\n%s", plan.String())
	}
}

// The maintenance role takes over the calls of a dead server too.
func TestFutureCallRunDueTakesOverExpiredLeases(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 2, PollInterval: time.Minute, Lease: time.Minute, MaxAttempts: 3})
	db := NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg", "state", "attempts", "lease_owner", "lease_until")
		VALUES ('Note', now(), '"orphan"', 'running', 1, 'dead-server', now() - interval '1 second'),
		       ('Note', now(), '"busy"', 'running', 1, 'live-server', now() + interval '1 minute')`); err != nil {
		t.Fatal(err)
	}
	var l noteLog
	if err := NewFutureCallScheduler(rt, l.runners(nil)).RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.args, ","); got != "orphan" {
		t.Errorf("RunDue ran [%s], want only the call whose lease expired", got)
	}
	if n := rowCount(t, rt, `"arg" = '"busy"' AND "state" = 'running' AND "lease_owner" = 'live-server'`); n != 1 {
		t.Error("RunDue touched a call another server holds")
	}
	if n := rowCount(t, rt, `"arg" = '"orphan"'`); n != 0 {
		t.Error("the orphaned call was not deleted after it ran")
	}
}

// Calls that end while the rows of others are being deleted are deleted
// by the next batch; a call another server took over meanwhile is not.
func TestFutureCallMarkDoneDeletesOnlyOwnLeases(t *testing.T) {
	rt := schedulerRuntime(t, FutureCallsConfig{Concurrency: 16, PollInterval: time.Minute, Lease: time.Minute, MaxAttempts: 3})
	f := NewFutureCallScheduler(rt, nil)
	db := NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_future_call" ("name", "due", "arg", "state", "lease_owner", "lease_until")
		SELECT 'Note', now(), n::text, 'running', CASE WHEN n = 7 THEN 'other' ELSE $1 END, now() + interval '1 minute'
		FROM generate_series(1, 200) n`, f.owner); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT "id" FROM "pod_future_call"`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	for _, r := range rows {
		go func(id int64) { f.markDone(id); done <- struct{}{} }(r[0].(int64))
	}
	for range rows {
		<-done
	}
	if n := rowCount(t, rt, "true"); n != 1 {
		t.Errorf("%d rows left, want only the one another server holds", n)
	}
	if n := rowCount(t, rt, `"lease_owner" = 'other'`); n != 1 {
		t.Error("the call another server holds was deleted")
	}
}
