package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// futureCallTimeout bounds the database work of one /futurecalls request.
const futureCallTimeout = 5 * time.Second

// The bounds of GET /futurecalls' limit parameter.
const (
	defaultFutureCallLimit = 100
	maxFutureCallLimit     = 1000
)

// futureCallParams are the query parameters GET /futurecalls knows.
const futureCallParams = "state, before, limit"

// futureCallFilter is what GET /futurecalls asks for.
type futureCallFilter struct {
	state  string // "", "scheduled", "running" or "failed"
	before int64  // a call id: only older calls (the cursor of the next page); 0: none
	limit  int
}

func parseFutureCallFilter(q url.Values) (futureCallFilter, error) {
	f := futureCallFilter{limit: defaultFutureCallLimit}
	for key, vals := range q {
		if len(vals) > 1 {
			return f, errors.New("parameter " + strconv.Quote(key) + " is given more than once")
		}
		v, msg := vals[0], ""
		switch key {
		case "state":
			if v != "scheduled" && v != "running" && v != "failed" {
				msg = "want scheduled, running or failed"
			}
			f.state = v
		case "before":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				msg = "want a future call id (the \"next\" of the previous page)"
			}
			f.before = n
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxFutureCallLimit {
				msg = "want a whole number from 1 to " + strconv.Itoa(maxFutureCallLimit)
			}
			f.limit = n
		default:
			return f, errors.New("unknown parameter " + strconv.Quote(key) + " (known: " + futureCallParams + ")")
		}
		if msg != "" {
			return f, errors.New("parameter " + strconv.Quote(key) + ": " + msg)
		}
	}
	return f, nil
}

const selectFutureCallsSQL = `SELECT "id", "name", "identifier", "state", "due", "attempts", "last_error",
	"lease_owner", "lease_until", "created" FROM "pod_future_call"`

// sql is the future-call query of f, newest first (by id), and its parameters.
func (f futureCallFilter) sql() (string, []any) {
	var where []string
	var args []any
	if f.state != "" {
		args = append(args, f.state)
		where = append(where, `"state" = $`+strconv.Itoa(len(args)))
	}
	if f.before != 0 {
		args = append(args, f.before)
		where = append(where, `"id" < $`+strconv.Itoa(len(args)))
	}
	var b strings.Builder
	b.WriteString(selectFutureCallsSQL)
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	args = append(args, f.limit)
	b.WriteString(` ORDER BY "id" DESC LIMIT $` + strconv.Itoa(len(args)))
	return b.String(), args
}

// futureCalls answers GET /futurecalls: the cluster's future calls not yet
// done, newest first, with the counts by state:
//
//	{"futureCalls":[{"id":..,"name":..,"identifier":..,"state":..,"due":..,
//	  "attempts":..,"lastError":..,"leaseOwner":..,"leaseUntil":..,"created":..}],
//	 "counts":{"due":..,"scheduled":..,"running":..,"failed":..},"next":..}
//
// "next" (only on a full page) is the id to pass as before= for the next page.
func (s *Server) futureCalls(w http.ResponseWriter, r *http.Request) {
	f, err := parseFutureCallFilter(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(nil, err.Error(), "", nil, ""))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), futureCallTimeout)
	defer cancel()
	db := pod.NewDB(ctx, s.rt.DB)
	query, args := f.sql()
	calls, err := db.Query(query, args...)
	if err != nil {
		s.databaseError(w, r, "future calls", err)
		return
	}
	counts, err := db.Query(futureCallCountsSQL)
	if err != nil || len(counts) != 1 || len(counts[0]) != 4 {
		if err == nil {
			err = errors.New("future call counts: unexpected answer")
		}
		s.databaseError(w, r, "future calls", err)
		return
	}
	b := append(make([]byte, 0, 1024), `{"futureCalls":[`...)
	keys := [...]string{"id", "name", "identifier", "state", "due", "attempts", "lastError", "leaseOwner", "leaseUntil", "created"}
	b = appendObjects(b, keys[:], calls)
	b = append(b, `],"counts":`...)
	for i, key := range [...]string{"due", "scheduled", "running", "failed"} {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		b = appendMember(b, sep, key, counts[0][i])
	}
	b = append(b, '}')
	if len(calls) == f.limit {
		b = appendMember(b, ',', "next", calls[len(calls)-1][0])
	}
	writeJSON(w, http.StatusOK, append(b, '}'))
}

// The statements of cancel and retry: each acts on one call, in one
// statement, only in the states where it makes sense; a call claimed by a
// server (running) is never touched, since that server owns it under its lease.
const (
	cancelCallSQL = `DELETE FROM "pod_future_call" WHERE "id" = $1 AND "state" <> 'running' RETURNING "state"`
	retryCallSQL  = `UPDATE "pod_future_call" SET "state" = 'scheduled', "due" = now(), "attempts" = 0,
	"lease_owner" = NULL, "lease_until" = NULL WHERE "id" = $1 AND "state" = 'failed' RETURNING "state"`
	callStateSQL = `SELECT "state" FROM "pod_future_call" WHERE "id" = $1`
)

// cancelFutureCall answers POST /futurecalls/{id}/cancel: it deletes a
// scheduled or failed call, {"id":5,"cancelled":"scheduled"}. A running
// call is a 409 (its server holds it; cancel it by identifier in code, or
// wait until it has ended); an unknown id is a 404 (it ran, or is gone).
func (s *Server) cancelFutureCall(w http.ResponseWriter, r *http.Request) {
	s.changeFutureCall(w, r, "cancel", cancelCallSQL, "cancelled",
		"the server running it owns it; try again when it has ended")
}

// retryFutureCall answers POST /futurecalls/{id}/retry: a failed call is
// scheduled again, due now, with its attempts reset (its last error stays
// until it runs), {"id":5,"retried":"failed"}. A call that is scheduled or
// running is a 409; an unknown id a 404.
func (s *Server) retryFutureCall(w http.ResponseWriter, r *http.Request) {
	s.changeFutureCall(w, r, "retry", retryCallSQL, "retried", "only a failed call can be retried")
}

func (s *Server) changeFutureCall(w http.ResponseWriter, r *http.Request, what, sql, done, conflict string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		writeJSON(w, http.StatusBadRequest, errorBody(nil, "want a future call id, not "+strconv.Quote(r.PathValue("id")), "", nil, ""))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), futureCallTimeout)
	defer cancel()
	db := pod.NewDB(ctx, s.rt.DB)
	rows, err := db.Query(sql, id)
	if err != nil {
		s.databaseError(w, r, what+" future call", err)
		return
	}
	name := "future call " + strconv.FormatInt(id, 10)
	if len(rows) == 1 {
		b := appendMember(nil, '{', "id", id)
		writeJSON(w, http.StatusOK, append(appendMember(b, ',', done, rows[0][0]), '}'))
		return
	}
	state, err := db.Query(callStateSQL, id)
	switch {
	case err != nil:
		s.databaseError(w, r, what+" future call", err)
	case len(state) == 0:
		writeJSON(w, http.StatusNotFound, errorBody(nil, "no "+name+": it has run, or was cancelled", "", nil, ""))
	default:
		state, _ := state[0][0].(string)
		writeJSON(w, http.StatusConflict, errorBody(nil, name+" is "+state+": "+conflict, "", nil, ""))
	}
}
