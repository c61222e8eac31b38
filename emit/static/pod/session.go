package pod

import (
	"context"
	"log/slog"
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

// Runtime is what every session of one server process shares. The
// database, caches and future-call scheduler join it with their modules
// (SPEC §5-§7), and NewSession hands them to each session.
type Runtime struct {
	ServerID int
	Config   *Config
	Logger   *slog.Logger
	// Caches are the server's caches (NewCaches); nil in tests that need none.
	Caches *Caches
	// DB is the database pool (OpenDBPool); nil: calls that need the
	// database fail with a *DatabaseUnavailableError (a 503).
	DB *DBPool
}

// Session is the context of one call: it is cancelled when the client goes
// away or the call's deadline passes, and it is how endpoint code reaches
// the server's services.
type Session struct {
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
}

// NewSession starts the session of one call of endpoint.method; ctx is the
// request's context, already carrying the call's deadline.
func NewSession(ctx context.Context, rt *Runtime, endpoint, method, requestID string) *Session {
	s := &Session{Caches: rt.Caches, ctx: ctx, rt: rt, endpoint: endpoint, method: method, requestID: requestID}
	s.db.init(s, rt.DB)
	s.DB = &s.db
	s.futureCalls.bind(s)
	s.FutureCalls = &s.futureCalls
	return s
}

// ServerID is the --server-id of this server process.
func (s *Session) ServerID() int { return s.rt.ServerID }

// Log writes msg to the server log, tagged with the call it belongs to.
func (s *Session) Log(msg string, level ...LogLevel) {
	l := LogLevelInfo
	if len(level) > 0 {
		l = level[0]
	}
	s.rt.Logger.LogAttrs(s.ctx, l.slogLevel(), msg,
		slog.String("endpoint", s.endpoint), slog.String("method", s.method),
		slog.String("request", s.requestID))
}

// Deadline implements context.Context.
func (s *Session) Deadline() (time.Time, bool) { return s.ctx.Deadline() }

// Done implements context.Context.
func (s *Session) Done() <-chan struct{} { return s.ctx.Done() }

// Err implements context.Context.
func (s *Session) Err() error { return s.ctx.Err() }

// Value implements context.Context.
func (s *Session) Value(key any) any { return s.ctx.Value(key) }
