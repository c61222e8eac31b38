package pod

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The bounds of session logging, so that logging can never hold a call up
// nor grow without limit (docs/LOGGING.md).
const (
	// maxSessionQueries and maxSessionEntries bound the rows one session
	// buffers; the rest are counted as dropped (num_queries still counts
	// every statement).
	maxSessionQueries = 100
	maxSessionEntries = 100
	// logQueueSize is how many finished sessions wait for the writer; a
	// session that finds the queue full is dropped.
	logQueueSize = 1024
	// logBatchSessions is the most sessions one write transaction takes.
	logBatchSessions = 256
	// logFlushInterval is how long a finished session waits at most before
	// it is written, when the batch does not fill first.
	logFlushInterval = 200 * time.Millisecond
	// logWriteTimeout bounds one batch's transaction; a batch that cannot
	// be written in time is dropped.
	logWriteTimeout = 5 * time.Second
	// dropWarningEvery is how often the console hears about dropped rows.
	dropWarningEvery = time.Minute
)

// sessionRecord is one session's log rows, buffered in the session while
// the call runs and handed to the LogWriter when it ends. Records are
// pooled with their slices, so logging a call allocates (almost) nothing.
type sessionRecord struct {
	id                          [16]byte
	start                       time.Time
	endpoint, method, requestID string
	duration                    time.Duration
	numQueries                  int
	slow, failed                bool
	err, stack                  string
	queries                     []queryRecord
	entries                     []entryRecord
	seq                         int32 // order of queries and entries, shared
	dropped                     int   // rows over the per-session bounds
	userID                      int64 // the signed-in user, 0: none (NULL)
}

type queryRecord struct {
	time     time.Time
	sql      string
	duration time.Duration
	rows     int64
	err      string
	failed   bool
	slow     bool
	seq      int32
}

type entryRecord struct {
	time    time.Time
	level   LogLevel
	message string
	seq     int32
}

var sessionRecordPool = sync.Pool{New: func() any { return new(sessionRecord) }}

// newSessionRecord starts the record of a call that starts now, with a new
// id: the server makes it, so rows can be COPYed without RETURNING.
func newSessionRecord(endpoint, method, requestID string) *sessionRecord {
	r := sessionRecordPool.Get().(*sessionRecord)
	*r = sessionRecord{start: time.Now(), endpoint: endpoint, method: method, requestID: requestID,
		queries: r.queries, entries: r.entries}
	r.id = sessionID(r.start, rand.Uint64())
	return r
}

// sessionID is the id of a session that started at t: a version 7 UUID
// (RFC 9562) whose order is the order of the "time" column, so that the
// primary key serves as the time index (GET /sessions, retention) and new
// rows land at its end instead of all over it:
//
//	48 bits  t's Unix milliseconds
//	 4 bits  version 7
//	12 bits  t's microsecond within that millisecond, scaled to 0..4095
//	         (RFC 9562 section 6.2, method 3: strictly increasing in it)
//	 2 bits  variant
//	62 bits  random
//
// The "time" column holds t to the microsecond (the writer truncates), so
// ordering by id is ordering by time, with ties (same microsecond) in
// random order, as ORDER BY "time", "id" had them.
func sessionID(t time.Time, random uint64) (id [16]byte) {
	ms := min(max(t.UnixMilli(), 0), 1<<48-1) // v7 has no room for times before 1970 or after 10889
	us := int64(t.Nanosecond()/1000%1000) * 4096 / 1000
	putUint64(id[:8], uint64(ms)<<16|0x7000|uint64(us))
	putUint64(id[8:], random&(1<<62-1)|1<<63)
	return id
}

// SessionIDFloor is the smallest session id of t's millisecond: sessions
// that started in that millisecond or later have ids >= it, sessions that
// started before have smaller ones. GET /sessions and retention use it to
// range over the primary key by time.
func SessionIDFloor(t time.Time) [16]byte {
	return sessionID(t.Truncate(time.Millisecond), 0)
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (56 - 8*i))
	}
}

// releaseSessionRecord returns r to the pool with its slices' memory.
// newSessionRecord resets it; what it still points to (strings of the last
// call) lives at most until the pool is emptied by the next collections.
func releaseSessionRecord(r *sessionRecord) {
	r.queries, r.entries = r.queries[:0], r.entries[:0]
	sessionRecordPool.Put(r)
}

// addQuery keeps the statement numbered r.seq.
func (r *sessionRecord) addQuery(e *QueryEvent, slow bool) {
	if len(r.queries) >= maxSessionQueries {
		r.dropped++
		return
	}
	q := queryRecord{time: time.Now().Add(-e.Duration), sql: storableText(e.SQL), duration: e.Duration,
		rows: e.Rows, slow: slow, seq: r.seq}
	if e.Err != nil {
		q.failed, q.err = true, storableText(e.Err.Error())
	}
	r.queries = append(r.queries, q)
}

func (r *sessionRecord) addEntry(l LogLevel, msg string) {
	l = min(max(l, LogLevelDebug), LogLevelFatal) // a made-up level is stored as the nearest
	r.seq++
	if len(r.entries) >= maxSessionEntries {
		r.dropped++
		return
	}
	r.entries = append(r.entries, entryRecord{time: time.Now(), level: l, message: storableText(msg), seq: r.seq})
}

// fail marks r as a failed call with its error and stack trace.
func (r *sessionRecord) fail(err error, stack string) {
	r.failed, r.err, r.stack = true, storableText(err.Error()), storableText(stack)
}

// storableText is s as a Postgres text value can hold it: invalid UTF-8
// replaced by U+FFFD and NUL bytes removed. Postgres rejects either in
// text, and the COPY of the whole batch (up to logBatchSessions calls)
// with it. Text that is fine already (nearly always) is returned as is,
// without allocating.
func storableText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// rows is how many table rows r stands for: the session and its children.
func (r *sessionRecord) rows() uint64 { return uint64(1 + len(r.queries) + len(r.entries)) }

// LogWriter writes finished sessions to pod_session_log, pod_query_log and
// pod_log_entry from a bounded queue, in batches (COPY, one transaction per
// batch), on one background goroutine. A call never waits for it: when the
// queue is full or the database is down, rows are dropped and counted, and
// the console gets one warning a minute at most.
type LogWriter struct {
	pool     *DBPool
	log      *slog.Logger
	serverID int
	queue    chan *sessionRecord
	stop     chan struct{}
	done     chan struct{}
	// closing guards closed: enqueue holds it shared while it checks
	// closed and pushes, Close exclusively while it sets closed, so no
	// push can land after Close has let the final drain start (it would
	// stay in the queue, neither written nor counted).
	closing  sync.RWMutex
	closed   bool
	deadline time.Time // of the final flush, set by Close before stop closes

	dropped     atomic.Uint64 // every row dropped since start
	fullDropped atomic.Uint64 // of which: the queue was full
	written     atomic.Uint64 // rows written since start

	// Owned by the writer goroutine: the drop warning and the COPY buffer.
	warnedDropped uint64        // dropped when the last warning was printed
	warnedFull    uint64        // fullDropped likewise
	warnedAt      time.Time     // when it was printed
	writeErr      string        // the last write error since then
	copyBuf       []byte        // the COPY stream being sent, reused
	copyReader    *bytes.Reader // reads copyBuf into pgconn, reused
}

// NewLogWriter starts the writer of server serverID's logs into pool.
// Close it to flush what is buffered.
func NewLogWriter(pool *DBPool, serverID int, log *slog.Logger) *LogWriter {
	w := &LogWriter{pool: pool, log: log, serverID: serverID,
		queue: make(chan *sessionRecord, logQueueSize),
		stop:  make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// Dropped is the number of log rows (sessions, queries, entries) dropped
// since start: over a session's bounds, with the queue full, or because
// the database could not take them.
func (w *LogWriter) Dropped() uint64 { return w.dropped.Load() }

// Written is the number of log rows written since start.
func (w *LogWriter) Written() uint64 { return w.written.Load() }

// QueryHook is the DB pool's query hook (DBPool.SetQueryHook) that logs
// the statements of sessions; statements run outside a session (the
// scheduler's, tools') are not logged.
func (w *LogWriter) QueryHook(ctx context.Context, e QueryEvent) {
	if s, ok := ctx.(*Session); ok {
		s.logQuery(&e)
	}
}

// enqueue hands a finished session to the writer without waiting.
func (w *LogWriter) enqueue(r *sessionRecord) {
	if r.dropped > 0 {
		w.dropped.Add(uint64(r.dropped))
	}
	w.closing.RLock()
	if w.closed {
		w.closing.RUnlock()
		w.dropped.Add(r.rows())
		releaseSessionRecord(r)
		return
	}
	select {
	case w.queue <- r:
		w.closing.RUnlock()
	default:
		w.closing.RUnlock()
		n := r.rows()
		w.dropped.Add(n)
		w.fullDropped.Add(n)
		releaseSessionRecord(r)
	}
}

// Close stops the writer: what is queued is written within timeout (the
// rest is dropped), and sessions that end later are dropped.
func (w *LogWriter) Close(timeout time.Duration) {
	w.closing.Lock()
	already := w.closed
	w.closed = true
	w.closing.Unlock()
	if already {
		<-w.done
		return
	}
	w.deadline = time.Now().Add(timeout)
	close(w.stop)
	<-w.done
}

// run collects finished sessions into batches and writes each batch when
// it is full or logFlushInterval has passed.
func (w *LogWriter) run() {
	defer close(w.done)
	tick := time.NewTicker(logFlushInterval)
	defer tick.Stop()
	batch := make([]*sessionRecord, 0, logBatchSessions)
	for {
		select {
		case r := <-w.queue:
			if batch = append(batch, r); len(batch) == logBatchSessions {
				batch = w.flush(context.Background(), batch)
			}
		case <-tick.C:
			batch = w.flush(context.Background(), batch)
			w.warnDrops()
		case <-w.stop:
			w.drain(batch)
			return
		}
	}
}

// drain writes what is left before Close's deadline.
func (w *LogWriter) drain(batch []*sessionRecord) {
	ctx, cancel := context.WithDeadline(context.Background(), w.deadline)
	defer cancel()
	for {
		select {
		case r := <-w.queue:
			if batch = append(batch, r); len(batch) == logBatchSessions {
				batch = w.flush(ctx, batch)
			}
		default:
			w.flush(ctx, batch)
			w.warnDrops()
			return
		}
	}
}

// flush writes batch in one transaction, or drops and counts its rows,
// and returns the emptied batch.
func (w *LogWriter) flush(ctx context.Context, batch []*sessionRecord) []*sessionRecord {
	if len(batch) == 0 {
		return batch
	}
	var rows uint64
	for _, r := range batch {
		rows += r.rows()
	}
	ctx, cancel := context.WithTimeout(ctx, logWriteTimeout)
	err := w.write(ctx, batch)
	cancel()
	if err != nil {
		w.dropped.Add(rows)
		w.writeErr = err.Error()
	} else {
		w.written.Add(rows)
	}
	for i, r := range batch {
		releaseSessionRecord(r)
		batch[i] = nil
	}
	return batch[:0]
}

// The writer's statements. Each batch is one transaction whose BEGIN
// carries the SET LOCAL (one simple-protocol round trip for both): logs
// are not worth a WAL flush per batch, a database crash may lose the last
// fraction of a second of them, never the app's own data. The rows go in
// as binary COPY streams built by hand (appendSessionRows and friends), so
// no describe round trip per COPY and no boxing per value.
const (
	logBeginSQL       = "BEGIN; SET LOCAL synchronous_commit TO OFF"
	copySessionLogSQL = `COPY "pod_session_log" ("id", "server_id", "time", "endpoint", "method", "duration_us", ` +
		`"num_queries", "slow", "error", "stack_trace", "user_id", "request_id") FROM STDIN (FORMAT binary)`
	copyQueryLogSQL = `COPY "pod_query_log" ("session_id", "server_id", "time", "query", "duration_us", ` +
		`"num_rows", "error", "slow", "seq") FROM STDIN (FORMAT binary)`
	copyLogEntrySQL = `COPY "pod_log_entry" ("session_id", "server_id", "time", "level", "message", "seq") ` +
		`FROM STDIN (FORMAT binary)`
	// maxRetainedCopyBuffer is the largest COPY buffer the writer keeps
	// between batches: a batch of huge statements or stack traces should
	// not pin its memory for the life of the server.
	maxRetainedCopyBuffer = 4 << 20
)

// write COPYs the batch's sessions, queries and entries in one transaction.
func (w *LogWriter) write(ctx context.Context, batch []*sessionRecord) error {
	defer w.trimCopyBuffer()
	tx, err := w.pool.pgx.BeginTx(ctx, pgx.TxOptions{BeginQuery: logBeginSQL})
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it is a no-op
	conn := tx.Conn().PgConn()
	w.copyBuf = appendSessionRows(w.copyBuf[:0], batch, int32(w.serverID))
	if err := w.copyFrom(ctx, conn, copySessionLogSQL); err != nil {
		return err
	}
	queries, entries := 0, 0
	for _, r := range batch {
		queries, entries = queries+len(r.queries), entries+len(r.entries)
	}
	if queries > 0 { // an empty COPY would still cost a round trip
		w.copyBuf = appendQueryRows(w.copyBuf[:0], batch, int32(w.serverID))
		if err := w.copyFrom(ctx, conn, copyQueryLogSQL); err != nil {
			return err
		}
	}
	if entries > 0 {
		w.copyBuf = appendEntryRows(w.copyBuf[:0], batch, int32(w.serverID))
		if err := w.copyFrom(ctx, conn, copyLogEntrySQL); err != nil {
			return err
		}
	}
	return classify(tx.Commit(ctx))
}

// copyFrom sends the stream in w.copyBuf with the COPY statement sql.
func (w *LogWriter) copyFrom(ctx context.Context, conn *pgconn.PgConn, sql string) error {
	if w.copyReader == nil {
		w.copyReader = new(bytes.Reader)
	}
	w.copyReader.Reset(w.copyBuf)
	if _, err := conn.CopyFrom(ctx, w.copyReader, sql); err != nil {
		// On some errors (connection lost) pgconn returns before its
		// sending goroutine has stopped reading: leave it the reader and
		// the buffer, and take fresh ones for the next batch.
		w.copyReader, w.copyBuf = nil, nil
		return classify(err)
	}
	return nil
}

// trimCopyBuffer lets go of a COPY buffer that a big batch grew too large.
func (w *LogWriter) trimCopyBuffer() {
	if cap(w.copyBuf) > maxRetainedCopyBuffer {
		w.copyBuf = nil
		if w.copyReader != nil {
			w.copyReader.Reset(nil)
		}
	}
}

// appendSessionRows appends the binary COPY stream of the batch's
// pod_session_log rows, in the column order of copySessionLogSQL.
func appendSessionRows(b []byte, batch []*sessionRecord, serverID int32) []byte {
	b = appendCopyHeader(b)
	for _, r := range batch {
		b = appendFieldCount(b, 12)
		b = appendUUID(b, &r.id)
		b = appendInt4(b, serverID)
		b = appendTimestamptz(b, r.start)
		b = appendText(b, r.endpoint)
		b = appendText(b, r.method)
		b = appendInt8(b, r.duration.Microseconds())
		b = appendInt4(b, int32(r.numQueries))
		b = appendBool(b, r.slow)
		b = appendTextOrNull(b, r.failed, r.err)
		b = appendTextOrNull(b, r.stack != "", r.stack)
		if r.userID != 0 {
			b = appendInt8(b, r.userID)
		} else {
			b = appendNull(b)
		}
		b = appendText(b, r.requestID)
	}
	return appendCopyTrailer(b)
}

// appendQueryRows appends the stream of the batch's pod_query_log rows, in
// the column order of copyQueryLogSQL. A failed statement has no num_rows.
func appendQueryRows(b []byte, batch []*sessionRecord, serverID int32) []byte {
	b = appendCopyHeader(b)
	for _, r := range batch {
		for i := range r.queries {
			q := &r.queries[i]
			b = appendFieldCount(b, 9)
			b = appendUUID(b, &r.id)
			b = appendInt4(b, serverID)
			b = appendTimestamptz(b, q.time)
			b = appendText(b, q.sql)
			b = appendInt8(b, q.duration.Microseconds())
			if q.failed {
				b = appendNull(b)
			} else {
				b = appendInt8(b, q.rows)
			}
			b = appendTextOrNull(b, q.failed, q.err)
			b = appendBool(b, q.slow)
			b = appendInt4(b, q.seq)
		}
	}
	return appendCopyTrailer(b)
}

// appendEntryRows appends the stream of the batch's pod_log_entry rows, in
// the column order of copyLogEntrySQL.
func appendEntryRows(b []byte, batch []*sessionRecord, serverID int32) []byte {
	b = appendCopyHeader(b)
	for _, r := range batch {
		for i := range r.entries {
			e := &r.entries[i]
			b = appendFieldCount(b, 6)
			b = appendUUID(b, &r.id)
			b = appendInt4(b, serverID)
			b = appendTimestamptz(b, e.time)
			b = appendText(b, logLevelNames[e.level])
			b = appendText(b, e.message)
			b = appendInt4(b, e.seq)
		}
	}
	return appendCopyTrailer(b)
}

// The binary COPY format (PostgreSQL docs, "COPY", "Binary Format"): a
// signature, a flags word and a header extension length, then per row a
// field count and per field a length (-1: NULL) and the value in the
// type's binary send format, then -1 for a field count.
const copySignature = "PGCOPY\n\377\r\n\x00"

// pgEpochMicros is 2000-01-01 00:00:00 UTC, where timestamptz counts
// from, in Unix microseconds.
const pgEpochMicros = 946_684_800_000_000

func appendCopyHeader(b []byte) []byte {
	b = append(b, copySignature...)
	b = binary.BigEndian.AppendUint32(b, 0) // flags: no OIDs
	return binary.BigEndian.AppendUint32(b, 0)
}

func appendCopyTrailer(b []byte) []byte { return appendFieldCount(b, -1) }

func appendFieldCount(b []byte, n int16) []byte { return binary.BigEndian.AppendUint16(b, uint16(n)) }

func appendNull(b []byte) []byte { return binary.BigEndian.AppendUint32(b, 0xFFFFFFFF) }

func appendUUID(b []byte, id *[16]byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, 16), id[:]...)
}

func appendInt4(b []byte, v int32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(b, 4), uint32(v))
}

func appendInt8(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(v))
}

func appendBool(b []byte, v bool) []byte {
	b = binary.BigEndian.AppendUint32(b, 1)
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendText appends s as text: its UTF-8 bytes, which storableText made
// acceptable to Postgres when the record was filled.
func appendText(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
}

// appendTextOrNull appends s when ok, else NULL.
func appendTextOrNull(b []byte, ok bool, s string) []byte {
	if !ok {
		return appendNull(b)
	}
	return appendText(b, s)
}

// appendTimestamptz appends t to the microsecond, truncated as pgx did
// (UnixMicro floors, also before 1970).
func appendTimestamptz(b []byte, t time.Time) []byte {
	return appendInt8(b, t.UnixMicro()-pgEpochMicros)
}

// warnDrops prints, at most once a minute, how many rows were dropped
// since the last warning, and why.
func (w *LogWriter) warnDrops() {
	dropped := w.dropped.Load()
	if dropped == w.warnedDropped || time.Since(w.warnedAt) < dropWarningEvery {
		return
	}
	full := w.fullDropped.Load()
	reason := ""
	if w.writeErr != "" {
		reason = "cannot write to the database: " + w.writeErr
	}
	if full != w.warnedFull {
		if reason != "" {
			reason += "; "
		}
		reason += "the log queue was full (the database is slower than the calls)"
	}
	if reason == "" {
		reason = "over the per-session bounds of " + strconv.Itoa(maxSessionQueries) + " queries and " +
			strconv.Itoa(maxSessionEntries) + " entries"
	}
	w.log.Warn("logging: " + strconv.FormatUint(dropped-w.warnedDropped, 10) +
		" log rows dropped in the last minute: " + reason)
	w.warnedDropped, w.warnedFull, w.warnedAt, w.writeErr = dropped, full, time.Now(), ""
}

// StartLogging gives rt its logging: the runtime settings (loaded now and
// every 10 s until ctx is done) and, with a database, the log writer,
// hooked into the pool. stop flushes what is buffered (within 2 s); call
// it after the last call ended and before the pool closes.
func StartLogging(ctx context.Context, rt *Runtime) (stop func()) {
	rt.LogSettings = NewLogSettingsStore(rt.Config.Mode)
	if rt.DB == nil {
		return func() {}
	}
	rt.Logs = NewLogWriter(rt.DB, rt.ServerID, rt.Logger)
	rt.DB.SetQueryHook(rt.Logs.QueryHook)
	rctx, cancel := context.WithCancel(ctx)
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		rt.LogSettings.Run(rctx, rt.DB, rt.Logger, settingsReloadInterval)
	}()
	return func() {
		cancel()
		<-loaded
		rt.Logs.Close(2 * time.Second)
	}
}
