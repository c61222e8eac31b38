package server

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// The bounds of GET /sessions' limit parameter.
const (
	defaultSessionLimit = 50
	maxSessionLimit     = 1000
)

// sessionQueryTimeout bounds the queries of one /sessions request.
const sessionQueryTimeout = 10 * time.Second

// sessionFilter is what GET /sessions asks for; zero fields filter nothing.
type sessionFilter struct {
	endpoint, method     string
	errorsOnly, slowOnly bool
	from, to             time.Time // from <= time < to
	before               string    // a session id: only older sessions (the cursor of the next page)
	limit                int
}

// sessionParams are the query parameters GET /sessions knows.
const sessionParams = "endpoint, method, errors, slow, from, to, before, limit"

// parseSessionFilter reads the query parameters; an unknown, repeated or
// malformed one is an error that names it.
func parseSessionFilter(q url.Values) (sessionFilter, error) {
	f := sessionFilter{limit: defaultSessionLimit}
	for key, vals := range q {
		if len(vals) > 1 {
			return f, errors.New("parameter " + strconv.Quote(key) + " is given more than once")
		}
		if err := f.set(key, vals[0]); err != nil {
			return f, err
		}
	}
	if !f.from.IsZero() && !f.to.IsZero() && !f.from.Before(f.to) {
		return f, errors.New(`parameter "from" must be before "to"`)
	}
	return f, nil
}

func (f *sessionFilter) set(key, v string) error {
	var err error
	switch key {
	case "endpoint":
		f.endpoint = v
	case "method":
		f.method = v
	case "errors":
		f.errorsOnly, err = parseFlag(v)
	case "slow":
		f.slowOnly, err = parseFlag(v)
	case "from", "to":
		var t time.Time
		if t, err = time.Parse(time.RFC3339Nano, v); err != nil {
			err = errors.New("want an RFC 3339 time such as 2026-01-02T15:04:05Z")
		} else if key == "from" {
			f.from = t
		} else {
			f.to = t
		}
	case "before":
		if !isUUID(v) {
			err = errors.New("want a session id (the \"next\" of the previous page)")
		}
		f.before = v
	case "limit":
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 || n > maxSessionLimit {
			err = errors.New("want a whole number from 1 to " + strconv.Itoa(maxSessionLimit))
		}
		f.limit = n
	default:
		return errors.New("unknown parameter " + strconv.Quote(key) + " (known: " + sessionParams + ")")
	}
	if err != nil {
		return errors.New("parameter " + strconv.Quote(key) + ": " + err.Error())
	}
	return nil
}

// isUUID reports whether v has the canonical form of a UUID
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits in either case).
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}

func parseFlag(v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errors.New("want true or false")
}

// The WHERE fragments of the sessions query: a fixed set, every value a
// parameter ($n is appended).
const (
	whereEndpoint = `"endpoint" = $`
	whereMethod   = `"method" = $`
	whereFromID   = `"id" >= $`
	whereFrom     = `"time" >= $`
	whereToID     = `"id" < $`
	whereBefore   = `"id" < $`
	whereTo       = `"time" < $`
	whereFailed   = `"error" IS NOT NULL`
	whereSlow     = `"slow"`
)

const selectSessionsSQL = `SELECT "id"::text, "server_id", "time", "endpoint", "method", "duration_us",
	"num_queries", "slow", "error", "stack_trace", "user_id", "request_id" FROM "pod_session_log"`

// sql is the sessions query of f, newest first, and its parameters.
//
// Session ids are UUID v7 in the order of "time" (pod.SessionIDFloor), and
// the primary key is the only time index: from and to become id bounds of
// their milliseconds, which the index ranges over, and the exact "time"
// predicates stay beside them for the sub-millisecond rest. Ordering by id
// is ordering by time, ties by id, as "time" DESC, "id" DESC was.
func (f sessionFilter) sql() (string, []any) {
	var where []string
	var args []any
	param := func(frag string, v any) {
		args = append(args, v)
		where = append(where, frag+strconv.Itoa(len(args)))
	}
	if f.endpoint != "" {
		param(whereEndpoint, f.endpoint)
	}
	if f.method != "" {
		param(whereMethod, f.method)
	}
	if !f.from.IsZero() {
		param(whereFromID, pod.SessionIDFloor(f.from))
		param(whereFrom, f.from)
	}
	if !f.to.IsZero() {
		// time < to: every such session started at the latest in the
		// millisecond of to's last nanosecond before it.
		param(whereToID, pod.SessionIDFloor(f.to.Add(time.Millisecond-time.Nanosecond)))
		param(whereTo, f.to)
	}
	if f.before != "" {
		args = append(args, f.before)
		where = append(where, whereBefore+strconv.Itoa(len(args))+"::uuid")
	}
	if f.errorsOnly {
		where = append(where, whereFailed)
	}
	if f.slowOnly {
		where = append(where, whereSlow)
	}
	var b strings.Builder
	b.WriteString(selectSessionsSQL)
	if len(where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(where, " AND "))
	}
	args = append(args, f.limit)
	b.WriteString(` ORDER BY "id" DESC LIMIT $` + strconv.Itoa(len(args)))
	return b.String(), args
}

// The children of the sessions found, fetched for all of them at once
// through their primary keys ("session_id", "seq").
const (
	selectQueriesSQL = `SELECT "session_id"::text, "time", "query", "duration_us", "num_rows", "error", "slow"
	FROM "pod_query_log" WHERE "session_id" = ANY($1::uuid[]) ORDER BY "session_id", "seq"`
	selectEntriesSQL = `SELECT "session_id"::text, "time", "level", "message"
	FROM "pod_log_entry" WHERE "session_id" = ANY($1::uuid[]) ORDER BY "session_id", "seq"`
)

// sessions answers GET /sessions: the stored session logs that match the
// filter, newest first, each with its queries and log entries, in three
// queries whatever the number of sessions. A full page ends with "next",
// the id to pass as before= for the page after it.
func (s *Server) sessions(w http.ResponseWriter, r *http.Request) {
	f, err := parseSessionFilter(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(nil, err.Error(), "", nil, ""))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), sessionQueryTimeout)
	defer cancel()
	b, err := s.findSessions(ctx, f)
	if err != nil {
		s.databaseError(w, r, "sessions", err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// findSessions returns the JSON answer of /sessions for f.
func (s *Server) findSessions(ctx context.Context, f sessionFilter) ([]byte, error) {
	db := pod.NewDB(ctx, s.rt.DB)
	query, args := f.sql()
	sessions, err := db.Query(query, args...)
	if err != nil || len(sessions) == 0 {
		return []byte(`{"sessions":[]}`), err
	}
	ids := make([]string, len(sessions))
	for i, row := range sessions {
		ids[i], _ = row[0].(string)
	}
	queries, err := db.Query(selectQueriesSQL, ids)
	if err != nil {
		return nil, err
	}
	entries, err := db.Query(selectEntriesSQL, ids)
	if err != nil {
		return nil, err
	}
	b := appendSessions(make([]byte, 0, 4096), sessions, bySession(queries), bySession(entries))
	if len(sessions) == f.limit { // there may be more: the cursor of the next page
		b = append(b[:len(b)-1], `,"next":`...)
		b = append(appendString(b, ids[len(ids)-1]), '}')
	}
	return b, nil
}

// bySession groups child rows by their first column, the session id.
func bySession(rows [][]any) map[string][][]any {
	m := make(map[string][][]any)
	for _, row := range rows {
		id, _ := row[0].(string)
		m[id] = append(m[id], row)
	}
	return m
}

// appendSessions writes
//
//	{"sessions":[{"id":..,"serverId":..,"time":..,"endpoint":..,"method":..,
//	  "durationUs":..,"numQueries":..,"slow":..,"error":..,"stackTrace":..,
//	  "userId":..,"requestId":..,"queries":[{"time":..,"query":..,
//	  "durationUs":..,"numRows":..,"error":..,"slow":..}],
//	  "logs":[{"time":..,"level":..,"message":..}]}]}
func appendSessions(b []byte, sessions [][]any, queries, entries map[string][][]any) []byte {
	b = append(b, `{"sessions":[`...)
	for i, row := range sessions {
		if i > 0 {
			b = append(b, ',')
		}
		id, _ := row[0].(string)
		b = appendMember(b, '{', "id", row[0])
		for j, key := range [...]string{"serverId", "time", "endpoint", "method", "durationUs",
			"numQueries", "slow", "error", "stackTrace", "userId", "requestId"} {
			b = appendMember(b, ',', key, row[j+1])
		}
		b = append(b, `,"queries":[`...)
		for k, q := range queries[id] {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendMember(b, '{', "time", q[1])
			for j, key := range [...]string{"query", "durationUs", "numRows", "error", "slow"} {
				b = appendMember(b, ',', key, q[j+2])
			}
			b = append(b, '}')
		}
		b = append(b, `],"logs":[`...)
		for k, e := range entries[id] {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendMember(b, '{', "time", e[1])
			b = appendMember(b, ',', "level", e[2])
			b = appendMember(b, ',', "message", e[3])
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

// appendObjects appends rows as comma-separated JSON objects, each row's
// values under keys, in order.
func appendObjects[R ~[]any](b []byte, keys []string, rows []R) []byte {
	for i, row := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		for j, key := range keys {
			sep := byte(',')
			if j == 0 {
				sep = '{'
			}
			b = appendMember(b, sep, key, row[j])
		}
		b = append(b, '}')
	}
	return b
}

// appendMember writes sep, "key": and v, a value as pgx decodes it.
func appendMember(b []byte, sep byte, key string, v any) []byte {
	b = append(b, sep, '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendValue(b, v)
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	case time.Time:
		b = append(b, '"')
		b = v.UTC().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	return append(b, "null"...) // no column of the system tables has another type
}

// databaseError answers a failed query of the service port: 503 when the
// database is unreachable, else a 500 whose details stay in the log.
func (s *Server) databaseError(w http.ResponseWriter, r *http.Request, what string, err error) {
	var du *pod.DatabaseUnavailableError
	if errors.As(err, &du) {
		writeJSON(w, http.StatusServiceUnavailable, errorBody(nil, "database unavailable", "", nil, ""))
		return
	}
	s.rt.Logger.LogAttrs(r.Context(), slog.LevelError, "service port: "+what,
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	writeJSON(w, http.StatusInternalServerError, errorBody(nil, "internal server error", "", nil, ""))
}
