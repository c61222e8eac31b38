package pod

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// LogLevel is the severity of a Session.Log message.
type LogLevel int

// The log levels, as in Serverpod; Session.Log defaults to LogLevelInfo.
const (
	LogLevelDebug LogLevel = iota
	LogLevelInfo
	LogLevelWarning
	LogLevelError
	LogLevelFatal
)

// slogLevel maps a LogLevel onto log/slog; fatal is an error that the
// logging module will later store with its own level.
func (l LogLevel) slogLevel() slog.Level {
	switch l {
	case LogLevelDebug:
		return slog.LevelDebug
	case LogLevelWarning:
		return slog.LevelWarn
	case LogLevelError, LogLevelFatal:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// logLevelNames are the names of the levels in pod_log_entry and in the
// runtime settings' JSON.
var logLevelNames = [...]string{"debug", "info", "warning", "error", "fatal"}

// String is the level's name: debug, info, warning, error or fatal.
func (l LogLevel) String() string {
	if l < LogLevelDebug || l > LogLevelFatal {
		return "unknown"
	}
	return logLevelNames[l]
}

// logLevelByName is the level called name, and whether there is one.
func logLevelByName(name string) (LogLevel, bool) {
	for i, n := range logLevelNames {
		if n == name {
			return LogLevel(i), true
		}
	}
	return 0, false
}

// Runtime is what every session of one server process shares. The
// database, caches and future-call scheduler join it with their modules
// (SPEC §5-§7), and NewSession hands them to each session.
type Runtime struct {
	runtimeModules // the optional modules' shared state (auth: the mailer and ID-token verifiers)

	ServerID int
	Config   *Config
	Logger   *slog.Logger
	// Caches are the server's caches (NewCaches); nil in tests that need none.
	Caches *Caches
	// DB is the database pool (OpenDBPool); nil: calls that need the
	// database fail with a *DatabaseUnavailableError (a 503).
	DB *DBPool
	// LogSettings are the cached runtime settings of logging; nil: every
	// level is printed and nothing is stored.
	LogSettings *LogSettingsStore
	// Logs writes the session logs to the database; nil: nothing is stored
	// (tests, tools).
	Logs *LogWriter
}

// Session is the context of one call: it is cancelled when the client goes
// away or the call's deadline passes, and it is how endpoint code reaches
// the server's services.
type Session struct {
	sessionModules // the optional modules: s.Auth with the auth module

	// Caches are s.Caches.Local, s.Caches.LocalPrio and s.Caches.Global.
	Caches *Caches
	// DB is the database, bound to this session's context (SPEC §5).
	DB *DB
	// FutureCalls schedules and cancels future calls (SPEC §7).
	FutureCalls *FutureCalls

	db          DB          // what DB points to: one allocation per session, not two
	futureCalls FutureCalls // what FutureCalls points to, likewise
	tx          *DB         // the s.DB.Transaction running now, if any
	ctx         context.Context
	rt          *Runtime
	endpoint    string
	method      string
	requestID   string

	settings *LogSettings   // the logging settings when the call started
	logMu    sync.Mutex     // guards rec and userID: endpoint code may query from goroutines
	rec      *sessionRecord // this call's log rows until Close; nil: not logged
	userID   int64          // the signed-in user, 0 for none: set by the auth module, logged by Close
}

// NewSession starts the session of one call of endpoint.method; ctx is the
// request's context, already carrying the call's deadline.
func NewSession(ctx context.Context, rt *Runtime, endpoint, method, requestID string) *Session {
	s := &Session{Caches: rt.Caches, ctx: ctx, rt: rt, endpoint: endpoint, method: method, requestID: requestID}
	s.db.init(s, rt.DB)
	s.DB = &s.db
	s.futureCalls.bind(s)
	s.FutureCalls = &s.futureCalls
	s.initModules(s)
	if rt.LogSettings != nil {
		s.settings = rt.LogSettings.Get()
		if rt.Logs != nil {
			s.rec = newSessionRecord(endpoint, method, requestID)
		}
	}
	return s
}

// Close ends the session's log: err is how the call failed (nil: it
// succeeded), stackTrace where, when known (a recovered panic). The server
// closes every call's session; the session is then stored if the settings
// ask for it (all sessions, or the slow and failed ones), with its queries
// and log entries. Close never waits for the database, and a second Close
// does nothing. Endpoint code does not call it.
func (s *Session) Close(err error, stackTrace string) {
	s.logMu.Lock()
	r := s.rec
	s.rec = nil
	if r != nil {
		r.userID = s.userID
	}
	s.logMu.Unlock()
	if r == nil {
		return
	}
	r.duration = time.Since(r.start)
	r.slow = r.duration >= s.settings.SlowSessionThreshold
	if err != nil {
		r.fail(err, stackTrace)
	}
	if !s.settings.LogAllSessions && !r.slow && !r.failed {
		releaseSessionRecord(r)
		return
	}
	s.rt.Logs.enqueue(r)
}

// logQuery counts a statement the session ran and keeps its row when the
// settings ask for it (every query, or the slow and failed ones).
func (s *Session) logQuery(e *QueryEvent) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	r := s.rec
	if r == nil {
		return
	}
	r.numQueries++
	r.seq++ // every statement has its place, stored or not
	slow := e.Duration >= s.settings.SlowQueryThreshold
	if !s.settings.LogAllQueries && !slow && e.Err == nil {
		return
	}
	r.addQuery(e, slow)
}

// setUserID records the call's signed-in user (0: none), for its session
// log and the future calls it schedules. Only the auth module sets it; in
// an app without it every call is logged without a user.
func (s *Session) setUserID(id int64) {
	s.logMu.Lock()
	s.userID = id
	s.logMu.Unlock()
}

// currentUserID is the user setUserID recorded, 0 for none.
func (s *Session) currentUserID() int64 {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.userID
}

// ServerID is the --server-id of this server process.
func (s *Session) ServerID() int { return s.rt.ServerID }

// Log writes msg to the server log, tagged with the call it belongs to,
// and keeps it with the session's log (pod_log_entry). Messages below the
// runtime settings' log level are neither printed nor stored.
func (s *Session) Log(msg string, level ...LogLevel) {
	l := LogLevelInfo
	if len(level) > 0 {
		l = level[0]
	}
	if s.settings != nil && l < s.settings.LogLevel {
		return
	}
	s.rt.Logger.LogAttrs(s.ctx, l.slogLevel(), msg,
		slog.String("endpoint", s.endpoint), slog.String("method", s.method),
		slog.String("request", s.requestID))
	s.logMu.Lock()
	if s.rec != nil {
		s.rec.addEntry(l, msg)
	}
	s.logMu.Unlock()
}

// Deadline implements context.Context.
func (s *Session) Deadline() (time.Time, bool) { return s.ctx.Deadline() }

// Done implements context.Context.
func (s *Session) Done() <-chan struct{} { return s.ctx.Done() }

// Err implements context.Context.
func (s *Session) Err() error { return s.ctx.Err() }

// Value implements context.Context.
func (s *Session) Value(key any) any { return s.ctx.Value(key) }
